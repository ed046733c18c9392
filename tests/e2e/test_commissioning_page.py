"""The commissioning page: four charts and the contracts table load cleanly, a filter changes
the charts, the table and the URL and a reload restores them, the chart tables and CSVs agree
with the warehouse, the contracts table sorts and pages in SQL, and the page is accessible.

Expected numbers are worked out here in Python from the warehouse's rows, not by the queries
under test."""

from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import chart_part, dom_id, filter_control
from components.views import contracts_table as contracts
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations
from warehouse.queries.commissioning import CONTRACTS_PAGE_SIZE as PAGE_SIZE

CHARTS = (
    "commissioning-pipeline",
    "commissioning-routes",
    "commissioning-collaborative-share",
    "commissioning-days-to-award",
)
ROUTE_DROPDOWN = f"[id='{dom_id(filter_control('commissioning', 'route'))}']"
STAGE_ORDER = ("planning", "tender", "award", "contract", "implementation")


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _pipeline(route: str | None = None) -> list[list[str]]:
    """Stage, commissions and £ per stage, folding award rows into processes: a process's
    value is the sum of its awards in pounds, else its tender's value."""
    stages: dict[str, str] = {}
    awards: dict[str, int | None] = {}
    tenders: dict[str, int | None] = {}
    for ocid, stage, row_route, award, tender, currency in _rows(
        "SELECT ocid, stage, route, award_value_pence, tender_value_pence, currency "
        "FROM fct_commissions"
    ):
        if route and row_route != route:
            continue
        key = str(ocid)
        stages[key] = str(stage)
        awards.setdefault(key, None)
        tenders.setdefault(key, None)
        if currency not in (None, "GBP"):
            continue
        if award is not None:
            awards[key] = (awards[key] or 0) + int(str(award))
        if tender is not None:
            tenders[key] = max(tenders[key] or 0, int(str(tender)))
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for stage in STAGE_ORDER[:4]:  # the pipeline shows these even when empty
        totals[stage] = [0, 0]
    for key, stage in stages.items():
        value = awards[key] if awards[key] is not None else tenders[key]
        totals[stage][0] += 1
        totals[stage][1] += value or 0
    return [
        [stage, str(count), f"{pence / 100:.2f}"]
        for stage, (count, pence) in sorted(totals.items(), key=lambda s: STAGE_ORDER.index(s[0]))
    ]


def _commissions(route: str | None = None) -> int:
    return sum(int(row[1]) for row in _pipeline(route))


def _award_rows(route: str | None = None) -> int:
    where = f" WHERE route = '{route}'" if route else ""
    return int(str(_rows(f"SELECT COUNT(*) FROM fct_commissions{where}")[0][0]))


def _summary(total: int, first: int = 1) -> str:
    last = min(first + PAGE_SIZE - 1, total)
    return f"Rows {first:,}–{last:,} of {total:,} contracts and awards"


def _busiest_route() -> str:
    """A route that holds some but not all commissions and more than one page of rows."""
    rows = _rows(
        "SELECT route, COUNT(*) FROM fct_commissions GROUP BY route ORDER BY COUNT(*) DESC"
    )
    for route, count in rows:
        if PAGE_SIZE < int(str(count)) < _award_rows():
            return str(route)
    raise AssertionError(f"the demo has no route with more than one page of rows: {rows}")


def _table_rows(page: Page, selector: str) -> list[list[str]]:
    table = page.locator(selector)
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]


def _numbers(rows: list[list[str]]) -> list[list[str | float]]:
    """Cells as numbers where they are numbers: the card's table writes 70.0 as 70."""

    def cell(value: str) -> str | float:
        try:
            return float(value)
        except ValueError:
            return value

    return [[cell(value) for value in row] for row in rows]


def _wait_for_charts(page: Page) -> None:
    for chart_id in CHARTS:
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()


def test_page_loads_every_chart_and_the_contracts_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/commissioning")
    expect(page).to_have_title(re.compile("Commissioning"))
    _wait_for_charts(page)
    expect(page.locator(f"#{chart_part('commissioning-pipeline', 'n')}")).to_have_text(
        f"{_commissions():,}"
    )
    expect(page.locator(f"#{contracts.SUMMARY}")).to_have_text(_summary(_award_rows()))
    expect(page.locator(f"#{contracts.BODY} tr")).to_have_count(PAGE_SIZE)
    headers = page.locator(f"#{contracts.CARD} thead").inner_text()
    assert "Procurement method" in headers and "CPV" in headers
    screenshot(page, "commissioning")
    assert console_errors == []


def test_a_route_filter_changes_charts_table_and_url_and_a_reload_restores_them(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    route = _busiest_route()
    label = route.capitalize()
    expected_n = f"{_commissions(route):,}"
    page.goto(live_server + "/commissioning")
    _wait_for_charts(page)
    pipeline_n = page.locator(f"#{chart_part('commissioning-pipeline', 'n')}")
    expect(pipeline_n).to_have_text(f"{_commissions():,}")
    routes_legend = page.locator(f"#{chart_part('commissioning-routes', 'graph')} .legendtext")
    assert routes_legend.count() > 1

    page.locator(ROUTE_DROPDOWN).click()
    page.get_by_role("option").filter(has_text=f"{label} ({_commissions(route)})").click()
    page.keyboard.press("Escape")

    expect(page).to_have_url(re.compile(rf"[?&]route={re.escape(route)}(&|$)"))
    expect(pipeline_n).to_have_text(expected_n)
    expect(routes_legend).to_have_count(1)
    expect(routes_legend).to_have_text(label)
    summary = page.locator(f"#{contracts.SUMMARY}")
    expect(summary).to_have_text(_summary(_award_rows(route)))
    for cell in page.locator(f"#{contracts.BODY} tr td:nth-child(4)").all():
        expect(cell).to_contain_text(label)

    page.reload()
    expect(page.locator(ROUTE_DROPDOWN)).to_contain_text(label)
    expect(pipeline_n).to_have_text(expected_n)
    expect(routes_legend).to_have_text(label)
    expect(summary).to_have_text(_summary(_award_rows(route)))

    page.get_by_role("button", name="Clear filters").click()
    expect(pipeline_n).to_have_text(f"{_commissions():,}")
    expect(page).not_to_have_url(re.compile("route="))
    expect(summary).to_have_text(_summary(_award_rows()))
    assert console_errors == []


def test_pipeline_table_and_csv_hold_the_warehouse_numbers(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    chart = "commissioning-pipeline"
    page.goto(live_server + "/commissioning")
    _wait_for_charts(page)
    page.locator(f"#{chart_part(chart, 'table-toggle')}").click()
    rows = _table_rows(page, f"#{chart_part(chart, 'table')} table")
    assert rows == [["Stage", "Commissions", "Value (£)"], *_pipeline()]

    with page.expect_download() as info:
        page.locator(f"#{chart_part(chart, 'csv')}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert table_rows(path.read_text(encoding="utf-8")) == rows


def test_every_chart_table_matches_its_csv(live_server: str, page: Page, tmp_path: Path) -> None:
    page.goto(live_server + "/commissioning")
    _wait_for_charts(page)
    for chart in CHARTS[1:]:
        page.locator(f"#{chart_part(chart, 'table-toggle')}").click()
        rows = _table_rows(page, f"#{chart_part(chart, 'table')} table")
        assert len(rows) > 1, chart
        with page.expect_download() as info:
            page.locator(f"#{chart_part(chart, 'csv')}").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        downloaded = table_rows(path.read_text(encoding="utf-8"))
        assert _numbers(downloaded) == _numbers(rows), chart


def test_contracts_sort_page_and_download_every_filtered_row(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    values = sorted(
        int(str(v))
        for (v,) in _rows(
            "SELECT COALESCE(award_value_pence, tender_value_pence) FROM fct_commissions "
            "WHERE COALESCE(award_value_pence, tender_value_pence) IS NOT NULL "
            "AND COALESCE(currency, 'GBP') = 'GBP'"
        )
    )
    page.goto(live_server + "/commissioning")
    body = page.locator(f"#{contracts.BODY}")
    summary = page.locator(f"#{contracts.SUMMARY}")
    expect(summary).to_have_text(_summary(_award_rows()))
    value_cells = body.locator("tr td:nth-child(8)")

    page.get_by_role("button", name=re.compile(r"^Value")).click()
    value_header = page.locator(f"#{contracts.CARD} th", has_text="Value")
    expect(value_header).to_have_attribute("aria-sort", "descending")
    expect(value_cells.first).to_have_text(re.compile(rf"^£{values[-1] / 100:,.0f}"))
    page.get_by_role("button", name=re.compile(r"^Value")).click()
    expect(value_header).to_have_attribute("aria-sort", "ascending")
    expect(value_cells.first).to_have_text(re.compile(rf"^£{values[0] / 100:,.0f}"))
    first_page = value_cells.all_inner_texts()

    page.locator(f"#{contracts.NEXT}").click()
    expect(summary).to_have_text(_summary(_award_rows(), first=PAGE_SIZE + 1))
    expect(value_cells.first).not_to_have_text(first_page[0])
    expect(page.locator(f"#{contracts.PREVIOUS}")).to_be_enabled()
    page.locator(f"#{contracts.PREVIOUS}").click()
    expect(summary).to_have_text(_summary(_award_rows()))

    with page.expect_download() as info:
        page.locator(f"#{contracts.CSV}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == _award_rows()
    pounds = [
        int(row["value_pence"])
        for row in rows
        if row["value_pence"] and row["currency"] in ("", "GBP")
    ]
    assert pounds == values
    assert {"procurement_method", "cpv_code", "cpv_description"} <= set(rows[0])


def test_page_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/commissioning")
    _wait_for_charts(page)
    expect(page.locator(f"#{contracts.BODY} tr").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
