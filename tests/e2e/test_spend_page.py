"""The spend page: reached from the navigation, its status line, two charts and the table of
organisations paid load cleanly at 1280 and 375 px, a paying-body filter narrows charts, table,
URL and CSV, no redacted supplier, individual or single payment reaches the page, its CSV or
the API, and the page is accessible.

Expected numbers are worked out here in Python from the warehouse's rows (the suppliers
matched to P&C grant recipients by number or name), not by the queries under test."""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import (
    SPEND_CSV,
    SPEND_RECIPIENTS,
    SPEND_RECIPIENTS_COUNT,
    SPEND_STATUS,
    chart_part,
    dom_id,
    filter_control,
)
from tests.e2e.conftest import (
    ARTIFACTS,
    ConsoleErrors,
    screenshot,
    serious_accessibility_violations,
)

CHARTS = ("spend-by-year", "spend-by-service")
PAYER_DROPDOWN = f"[id='{dom_id(filter_control('spend', 'payer'))}']"
WITHHELD = "fewer than 5"


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _name(value: object) -> str:
    name = str(value).strip().lower().replace("&", " and ").replace("limited", "ltd")
    name = name.removeprefix("the ")
    return re.sub(r"[ .,'’\"()/-]", "", name)


def _number(value: object) -> str:
    return str(value or "").replace(" ", "").upper().lstrip("0")


def _matched_payments() -> list[tuple[str, str, str, str, int]]:
    """(year, body key, service, recipient org-id, pence) of every spend row paid to an
    organisation with a P&C research grant, redacted suppliers left out."""
    recipients = {
        str(org): str(name)
        for org, name in _rows(
            "SELECT recipient_org_id, MAX(recipient_name) FROM fct_grants WHERE is_pc_research "
            "AND NOT recipient_is_individual AND recipient_org_id IS NOT NULL "
            "GROUP BY recipient_org_id"
        )
    }
    by_charity = {org[7:]: org for org in recipients if org.startswith("GB-CHC-")}
    by_company = {_number(org[7:]): org for org in recipients if org.startswith("GB-COH-")}
    by_name = {_name(name): org for org, name in sorted(recipients.items(), reverse=True)}
    matched = []
    for year, body, service, supplier, charity, company, pence in _rows(
        "SELECT financial_year, body_key, org_unit, supplier_name, supplier_charity_number, "
        "supplier_company_number, amount_pence FROM fct_spend WHERE NOT supplier_is_redacted"
    ):
        org = (
            by_charity.get(_number(charity))
            or by_company.get(_number(company))
            or by_name.get(_name(supplier))
        )
        if org:
            matched.append((str(year), str(body), str(service), org, int(str(pence))))
    return matched


def _shown_payments(payments: list[tuple[str, str, str, str, int]]) -> int:
    """Payments counted on the by-year card: those in year-and-body totals of 5 or more."""
    counts = Counter((year, body) for year, body, *_ in payments)
    return sum(n for n in counts.values() if n >= 5)


def _wait_for_charts(page: Page) -> None:
    for chart_id in CHARTS:
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()


def _table(page: Page) -> list[list[str]]:
    table = page.locator(f"#{SPEND_RECIPIENTS} table")
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]


def _csv(page: Page, live_server: str) -> list[dict[str, str]]:
    href = page.locator(f"#{SPEND_CSV}").get_attribute("href") or ""
    response = page.request.get(live_server + href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text())))


def test_page_is_in_the_navigation_and_loads_status_charts_and_table_without_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    matched = _matched_payments()
    assert len({org for *_, org, _ in matched}) > 5, "the demo should pay P&C grant recipients"
    page.goto(live_server + "/funding")
    page.get_by_role("navigation").get_by_role("link", name="Spend", exact=True).click()
    expect(page).to_have_url(re.compile(r"/spend$"))
    expect(page).to_have_title(re.compile("Spend"))
    _wait_for_charts(page)
    expect(page.locator(f"#{SPEND_STATUS}")).to_contain_text(f"{len(matched):,} payments over £500")
    expect(page.locator(f"#{chart_part('spend-by-year', 'n')}")).to_have_text(
        f"{_shown_payments(matched):,}"
    )
    rows = _table(page)
    assert rows[0] == [
        "Organisation",
        "Paid (£)",
        "Payments",
        "Paying bodies",
        "P&C grants",
        "P&C grants (£)",
    ]
    assert len(rows) > 5
    paid = len({org for *_, org, _ in matched})
    expect(page.locator(f"#{SPEND_RECIPIENTS_COUNT}")).to_contain_text(f"{paid:,} organisations")
    assert serious_accessibility_violations(page) == []
    page.reload()  # the navbar folded again, as a visitor arriving here sees it
    _wait_for_charts(page)
    screenshot(page, "spend")
    # A phone loads the page at 375 px: the charts keep their height and nothing breaks.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    _wait_for_charts(page)
    expect(page.locator(f"#{SPEND_RECIPIENTS} table")).to_be_visible()
    graph = page.locator(f"#{chart_part('spend-by-service', 'graph')}")
    assert (graph.bounding_box() or {"height": 0})["height"] > 250
    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "spend-loaded-at-375.png"), full_page=True)
    assert console_errors == []


def test_a_paying_body_filter_narrows_charts_table_url_and_csv(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    matched = _matched_payments()
    bodies = Counter(body for _, body, *_ in matched)
    body, count = min(bodies.items(), key=lambda item: item[1])
    assert 0 < count < len(matched)
    (name,) = _rows(f"SELECT MAX(body_name) FROM fct_spend WHERE body_key = '{body}'")[0]
    page.goto(live_server + "/spend")
    _wait_for_charts(page)
    page.locator(PAYER_DROPDOWN).click()
    page.get_by_role("option").filter(has_text=f"{name} ({count:,})").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"[?&]payer={re.escape(body)}(&|$)"))
    only = [row for row in matched if row[1] == body]
    expect(page.locator(f"#{chart_part('spend-by-year', 'n')}")).to_have_text(
        f"{_shown_payments(only):,}"
    )
    expect(page.locator(f"#{SPEND_CSV}")).to_have_attribute("href", re.compile(r"payer="))
    rows = _csv(page, live_server)
    assert rows and {row["payer_id"] for row in rows} == {body}
    counts = Counter((y, b, s, org) for y, b, s, org, _ in only)
    assert len(rows) == len(counts)
    page.reload()
    expect(page.locator(PAYER_DROPDOWN)).to_contain_text(str(name))
    assert console_errors == []


def test_no_redacted_supplier_individual_or_single_payment_reaches_page_csv_or_api(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    redacted = _rows("SELECT COUNT(*) FROM fct_spend WHERE supplier_is_redacted")[0][0]
    assert int(str(redacted)) > 0, "the demo should hold redacted spend"
    individuals = [
        str(name)
        for (name,) in _rows(
            "SELECT DISTINCT recipient_name FROM fct_grants WHERE recipient_is_individual"
        )
    ]
    matched = _matched_payments()
    totals: dict[tuple[str, str, str, str], list[int]] = {}
    for year, body, service, org, pence in matched:
        totals.setdefault((year, body, service, org), []).append(pence)

    page.goto(live_server + "/spend")
    _wait_for_charts(page)
    rows = _table(page)
    for row in rows[1:]:
        assert row[2] == WITHHELD or int(row[2].replace(",", "")) >= 5, row
        assert (row[1] == "withheld") == (row[2] == WITHHELD), row
    body_text = page.locator("main").inner_text()
    assert "REDACTED" not in body_text.upper()
    assert not [name for name in individuals if name and name in body_text]

    csv_rows = _csv(page, live_server)
    api = page.request.get(live_server + "/api/v1/spend.json?per_page=1000").json()
    assert api["total"] == len(csv_rows) == len(totals)
    for row in [*csv_rows, *api["results"]]:
        key = (row["financial_year"], row["payer_id"], row["service"], row["recipient_org_id"])
        payments = totals[key]
        if len(payments) < 5:
            assert str(row["payments"]) == WITHHELD and row["amount_pence"] in ("", None), row
        else:
            assert str(row["payments"]) == str(len(payments)), row
            assert int(row["amount_pence"]) == sum(payments), row
        assert "REDACTED" not in str(row["recipient_name"]).upper()
        assert row["recipient_name"] not in individuals
    for chart_id in CHARTS:
        chart = page.request.get(live_server + f"/api/v1/charts/{chart_id}.json").json()
        for row in chart["rows"]:
            payments = row.get("Payments", row.get("payments"))
            assert str(payments) == WITHHELD or int(str(payments)) >= 5, row
    assert console_errors == []
