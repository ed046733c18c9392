"""The researchers page: the public directory under its filters (kept in the URL), training and
payment charts with suppressed small numbers, the advice services, accessibility, and no trace
of a researcher who did not consent to a public listing."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from playwright.sync_api import Page, Response, expect
from sqlalchemy import create_engine, text

from components.ids import (
    ADVICE_SERVICES,
    DIRECTORY_CARDS,
    DIRECTORY_COUNT,
    DIRECTORY_CSV,
    DIRECTORY_PAGER,
    chart_part,
    dom_id,
    filter_control,
)
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

CARDS = f"#{DIRECTORY_CARDS} .researcher-card"
LANGUAGE_DROPDOWN = dom_id(filter_control("researchers", "language"))
PAGE_SIZE = 12


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _public_researchers() -> list[tuple[str, str]]:
    """(display name, languages) of every public researcher, straight from the warehouse."""
    return [
        (str(name), str(languages or ""))
        for name, languages in _rows(
            "SELECT display_name, languages FROM dim_researchers WHERE consent = 'public'"
        )
    ]


def _not_public_traces() -> list[str]:
    """Names, emails and phones of partners-only and hidden researchers (names a public
    researcher also uses are left out: they may rightly appear)."""
    public_names = {name for name, _ in _public_researchers()}
    traces: list[str] = []
    for name, email, phone in _rows(
        "SELECT display_name, contact_email, contact_phone FROM dim_researchers "
        "WHERE consent <> 'public'"
    ):
        if name not in public_names:
            traces.append(str(name))
        traces += [str(v) for v in (email, phone) if v]
    return traces


def _language_to_pick() -> tuple[str, int]:
    """The language (other than the most common) that the most public researchers share."""
    counts = Counter(
        item.strip()
        for _, languages in _public_researchers()
        for item in languages.split(";")
        if item.strip()
    )
    ranked = counts.most_common()
    return ranked[1] if len(ranked) > 1 else ranked[0]


def _count_text(total: int) -> str:
    return f"{total:,} researcher" if total == 1 else f"{total:,} researchers"


def _open_table(page: Page, chart_id: str) -> list[list[str]]:
    """Show a chart card's table and return its rows as text, header first."""
    page.locator(f"#{chart_part(chart_id, 'table-toggle')}").click()
    table = page.locator(f"#{chart_part(chart_id, 'table')} table")
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]


def _same_numbers(rows: list[list[str]]) -> list[list[object]]:
    """Cells as numbers where they are numbers: the table shows 25.0 as 25, the CSV as 25.0."""

    def cell(text: str) -> object:
        try:
            return float(text)
        except ValueError:
            return text

    return [[cell(text) for text in row] for row in rows]


def _download(page: Page, button: str, folder: Path) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator(button).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return table_rows(path.read_text(encoding="utf-8"))


def test_page_shows_the_public_directory_charts_and_advice_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    public = _public_researchers()
    services = [str(name) for (name,) in _rows("SELECT name FROM dim_advice_services")]
    page.goto(live_server + "/researchers")
    expect(page).to_have_title(re.compile("researchers", re.IGNORECASE))
    expect(page.locator(f"#{DIRECTORY_COUNT}")).to_have_text(_count_text(len(public)))
    expect(page.locator(CARDS)).to_have_count(min(PAGE_SIZE, len(public)))
    first_name = sorted(public)[0][0]
    expect(page.locator(CARDS).first.get_by_role("heading")).to_have_text(first_name)
    for chart_id in (
        "training-attendance",
        "training-accredited-share",
        "payments-days-to-pay",
        "payments-method-share",
    ):
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
        expect(page.locator(f"#{chart_part(chart_id, 'n')}")).to_have_text(re.compile(r"^[\d,]+$"))
    advice = page.locator(f"#{ADVICE_SERVICES}")
    for name in services:
        expect(advice).to_contain_text(name)
    screenshot(page, "researchers")
    assert console_errors == []


def test_choosing_a_language_changes_the_directory_and_the_url_and_a_reload_keeps_it(
    live_server: str, page: Page
) -> None:
    language, expected = _language_to_pick()
    everyone = len(_public_researchers())
    assert expected < everyone
    page.goto(live_server + "/researchers")
    count = page.locator(f"#{DIRECTORY_COUNT}")
    expect(count).to_have_text(_count_text(everyone))

    page.locator(f"[id='{LANGUAGE_DROPDOWN}']").click()
    page.get_by_role("option").filter(has_text=f"{language} ({expected})").click()
    page.keyboard.press("Escape")

    expect(count).to_have_text(_count_text(expected))
    expect(page).to_have_url(re.compile(r"[?&]language=" + re.escape(language) + r"(&|$)"))
    cards = page.locator(CARDS)
    expect(cards).to_have_count(min(PAGE_SIZE, expected))
    for index in range(cards.count()):
        expect(cards.nth(index)).to_contain_text(language)

    page.reload()
    expect(count).to_have_text(_count_text(expected))
    expect(page.locator(f"[id='{LANGUAGE_DROPDOWN}']")).to_contain_text(language)
    expect(cards).to_have_count(min(PAGE_SIZE, expected))

    page.get_by_role("button", name="Clear filters").click()
    expect(count).to_have_text(_count_text(everyone))
    expect(page).not_to_have_url(re.compile("language="))


def test_the_pager_shows_the_next_researchers(live_server: str, page: Page) -> None:
    names = sorted(name for name, _ in _public_researchers())
    assert len(names) > PAGE_SIZE, "the demo should have more than one page of researchers"
    page.goto(live_server + "/researchers")
    first = page.locator(CARDS).first.get_by_role("heading")
    expect(first).to_have_text(names[0])
    page.locator(f"#{DIRECTORY_PAGER}").get_by_text("2", exact=True).click()
    expect(first).to_have_text(names[PAGE_SIZE])


def test_payment_table_and_csv_show_the_same_numbers_with_fewer_than_5_suppressed(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    by_method = {
        (str(period), str(method)): int(total)
        for period, method, total in _rows(
            "SELECT period, method, SUM(payments_count) FROM fct_payments GROUP BY period, method"
        )
    }
    assert any(total < 5 for total in by_method.values()), "the demo should hold small counts"
    page.goto(live_server + "/researchers")
    table = _open_table(page, "payments-method-share")
    header, body = table[0], table[1:]
    assert header == ["Quarter", "Method", "Payments", "Share (%)"]
    assert len(body) == len(by_method)
    for quarter, method, payments, share in body:
        total = by_method[(quarter, method)]
        if total < 5:
            assert (payments, share) == ("fewer than 5", "")
        else:
            assert payments == str(total) and float(share) > 0
    downloaded = _download(page, f"#{chart_part('payments-method-share', 'csv')}", tmp_path)
    assert _same_numbers(downloaded) == _same_numbers(table)

    days = _open_table(page, "payments-days-to-pay")
    assert days[0] == ["Quarter", "Provider", "Payments", "Median days to pay"]
    assert any(row[2] == "fewer than 5" and row[3] == "" for row in days[1:])
    downloaded = _download(page, f"#{chart_part('payments-days-to-pay', 'csv')}", tmp_path)
    assert _same_numbers(downloaded) == _same_numbers(days)


def test_training_table_matches_its_csv(live_server: str, page: Page, tmp_path: Path) -> None:
    events = {
        (str(year), str(audience)): int(n)
        for year, audience, n in _rows(
            "SELECT financial_year, audience, COUNT(*) FROM fct_training_events "
            "GROUP BY financial_year, audience"
        )
    }
    page.goto(live_server + "/researchers")
    table = _open_table(page, "training-attendance")
    assert {(row[0], row[1]): int(row[2]) for row in table[1:]} == events
    downloaded = _download(page, f"#{chart_part('training-attendance', 'csv')}", tmp_path)
    assert _same_numbers(downloaded) == _same_numbers(table)


def test_no_partners_only_or_hidden_researcher_appears_anywhere(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    traces = _not_public_traces()
    assert traces, "the demo should hold partners-only and hidden researchers"
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(live_server + "/researchers")
    expect(page.locator(CARDS).first).to_be_visible()
    for name in ("skill", "language", "area", "availability"):
        page.locator(f"[id='{dom_id(filter_control('researchers', name))}']").click()
        expect(page.get_by_role("option").first).to_be_visible()
        page.keyboard.press("Escape")
    pager = page.locator(f"#{DIRECTORY_PAGER}")
    html: list[str] = []
    names = sorted(name for name, _ in _public_researchers())
    first_card = page.locator(CARDS).first.get_by_role("heading")
    pages = -(-len(names) // PAGE_SIZE)
    for number in range(2, pages + 1):
        pager.get_by_text(str(number), exact=True).click()
        expect(first_card).to_have_text(names[(number - 1) * PAGE_SIZE])
        html.append(page.content())
    directory = _download(page, f"#{DIRECTORY_CSV}", tmp_path)
    assert sorted(row[1] for row in directory[1:]) == names
    bodies = [*html, page.content(), "\n".join(",".join(row) for row in directory)]
    bodies += [
        r.text() for r in responses if r.request.resource_type in ("document", "fetch", "xhr")
    ]
    found = sorted({trace for trace in traces for body in bodies if trace in body})
    assert found == []


def test_researchers_page_has_no_serious_accessibility_violations(
    live_server: str, page: Page
) -> None:
    page.goto(live_server + "/researchers")
    expect(page.locator(CARDS).first).to_be_visible()
    expect(page.locator(f"#{ADVICE_SERVICES} li").first).to_be_visible()
    expect(
        page.locator(f"#{chart_part('payments-method-share', 'graph')} .main-svg").first
    ).to_be_visible()
    violations = serious_accessibility_violations(page)
    assert violations == [], "\n".join(violations)
