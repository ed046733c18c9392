"""The funding page: every chart and the grants grid under filters kept in the URL, the chart
table and its CSV, the grid's server-side sorting, paging and CSV, and accessibility. Expected
numbers come straight from the warehouse the live server reads."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, Request, expect
from sqlalchemy import create_engine, text

from components.ids import FUNDING_GRANTS_GRID, chart_part, dom_id, filter_control, grid_part
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

CHARTS = (
    "funding-by-year",
    "funding-flow",
    "funding-top-recipients",
    "funding-pc-share",
    "funding-pooled",
)
GRID = f"#{grid_part(FUNDING_GRANTS_GRID, 'grid')}"
COUNT = f"#{grid_part(FUNDING_GRANTS_GRID, 'count')}"
CSV_LINK = f"#{grid_part(FUNDING_GRANTS_GRID, 'csv')}"
FUNDER_DROPDOWN = dom_id(filter_control("funding", "funder"))
PAGE_SIZE = 20


def _rows(sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    engine.dispose()
    return rows


def _count_text(total: int) -> str:
    return f"{total:,} grant{'' if total == 1 else 's'} match."


def _pounds(pence: object) -> str:
    return f"£{int(str(pence)) / 100:,.2f}"


def _download(page: Page, trigger: Locator, folder: Path) -> list[list[str]]:
    with page.expect_download() as info:
        trigger.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return table_rows(path.read_text(encoding="utf-8"))


def _cell(page: Page, row: int, column: str) -> Locator:
    return page.locator(f"{GRID} .ag-center-cols-container .ag-row[row-index='{row}']").locator(
        f".ag-cell[col-id='{column}']"
    )


def test_page_draws_every_chart_and_the_grid_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    (grants,) = _rows("SELECT count(*) FROM fct_grants")[0]
    page.goto(live_server + "/funding")
    expect(page).to_have_title(re.compile("Funding"))
    for chart_id in CHARTS:
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
        expect(page.locator(f"#{chart_part(chart_id, 'n')}")).to_have_text(re.compile(r"^[\d,]+$"))
    expect(page.locator(f"#{chart_part('funding-by-year', 'n')}")).to_have_text(f"{grants:,}")
    expect(page.locator(COUNT)).to_have_text(_count_text(int(str(grants))))
    expect(page.locator(f"{GRID} .ag-paging-row-summary-panel")).to_contain_text(
        f"1 to {PAGE_SIZE} of {grants:,}"
    )
    page.locator(GRID).scroll_into_view_if_needed()
    expect(_cell(page, PAGE_SIZE - 1, "title")).not_to_be_empty()
    screenshot(page, "funding")
    assert console_errors == []


def test_opening_the_page_asks_once_for_its_charts_and_for_rows_only_when_the_grid_does(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    """Each request is a round trip and a round of Dash's work in the browser: the five charts
    (with their source lines) come in one answer, and the grid's rows are asked for only with
    a request of the grid's (no call as the page opens, which would answer nothing). The grid
    may still ask for its first page twice: again when the page's filter state arrives after
    its first request (the filter state's change empties the grid's row cache)."""
    charts: list[str] = []
    grid_requests: list[object] = []

    def keep(request: Request) -> None:
        if request.method != "POST" or "/_dash-update-component" not in request.url:
            return
        body = json.loads(request.post_data or "{}")
        output = str(body.get("output"))
        if "-graph.figure" in output:
            charts.append(output)
        if "getRowsResponse" in output:
            asked = [i for i in body.get("inputs", []) if i.get("property") == "getRowsRequest"]
            grid_requests.append(asked[0].get("value") if asked else None)

    page.on("request", keep)
    page.goto(live_server + "/funding")
    for chart_id in CHARTS:
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
    page.locator(GRID).scroll_into_view_if_needed()
    expect(_cell(page, PAGE_SIZE - 1, "title")).not_to_be_empty()
    page.wait_for_load_state("networkidle")
    assert len(charts) == 1, charts
    assert all(f"{chart_part(c, 'graph')}.figure" in charts[0] for c in CHARTS)
    assert grid_requests, "the grid asked for no rows"
    assert all(isinstance(r, dict) and r.get("endRow") for r in grid_requests), grid_requests
    assert console_errors == []


def test_choosing_a_funder_changes_charts_grid_and_url_and_a_reload_restores_them(
    live_server: str, page: Page
) -> None:
    funder_id, name, grants = _rows(
        "SELECT f.funder_org_id, o.name, count(*) FROM fct_grants f "
        "JOIN dim_organisations o ON o.org_id = f.funder_org_id "
        "GROUP BY f.funder_org_id, o.name ORDER BY count(*) DESC, f.funder_org_id LIMIT 1 OFFSET 1"
    )[0]
    page.goto(live_server + "/funding")
    n = page.locator(f"#{chart_part('funding-by-year', 'n')}")
    expect(n).not_to_have_text(f"{grants:,}")
    expect(page.locator(COUNT)).not_to_have_text(_count_text(int(str(grants))))
    legend = page.locator(f"#{chart_part('funding-by-year', 'graph')} .legendtext")
    expect(legend.nth(1)).to_be_visible()  # several funders before the filter

    page.locator(f"[id='{FUNDER_DROPDOWN}']").click()
    page.get_by_role("option").filter(has_text=f"{name} ({grants:,})").click()
    page.keyboard.press("Escape")

    expect(n).to_have_text(f"{grants:,}")
    expect(page).to_have_url(re.compile(r"[?&]funder=" + re.escape(str(funder_id)) + r"(&|$)"))
    expect(page.locator(COUNT)).to_have_text(_count_text(int(str(grants))))
    expect(legend).to_have_text([str(name)])
    expect(_cell(page, 0, "funder")).to_have_text(str(name))

    page.reload()
    expect(n).to_have_text(f"{grants:,}")
    expect(page.locator(f"[id='{FUNDER_DROPDOWN}']")).to_contain_text(str(name))
    expect(page.locator(COUNT)).to_have_text(_count_text(int(str(grants))))
    expect(legend).to_have_text([str(name)])

    page.get_by_role("button", name="Clear filters").click()
    expect(page).not_to_have_url(re.compile("funder="))
    expect(n).not_to_have_text(f"{grants:,}")


def test_top_recipients_table_shows_the_numbers_and_its_csv_holds_them(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    expected = _rows(
        "SELECT max(recipient_name), count(*), sum(amount_awarded_pence) FROM fct_grants "
        "WHERE recipient_org_id IS NOT NULL AND NOT recipient_is_individual AND currency = 'GBP' "
        "GROUP BY recipient_org_id ORDER BY sum(amount_awarded_pence) DESC, recipient_org_id "
        "LIMIT 15"
    )
    page.goto(live_server + "/funding")
    chart_id = "funding-top-recipients"
    expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
    page.locator(f"#{chart_part(chart_id, 'table-toggle')}").click()
    table = page.locator(f"#{chart_part(chart_id, 'table')} table")
    expect(table).to_be_visible()
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]
    header, body = rows[0], rows[1:]
    assert header == ["Recipient", "Recipient type", "Grants", "Amount (£)"]
    assert [(r[0], int(r[2]), round(float(r[3]) * 100)) for r in body] == [
        (str(name), int(str(count)), int(str(pence))) for name, count, pence in expected
    ]
    downloaded = _download(page, page.locator(f"#{chart_part(chart_id, 'csv')}"), tmp_path)
    assert downloaded == rows


def test_grid_sorts_and_pages_on_the_server(live_server: str, page: Page) -> None:
    by_amount = _rows(
        "SELECT grant_id, amount_awarded_pence FROM fct_grants "
        "ORDER BY amount_awarded_pence DESC, grant_id DESC LIMIT 41"
    )
    smallest = _rows(
        "SELECT grant_id, amount_awarded_pence FROM fct_grants "
        "ORDER BY amount_awarded_pence, grant_id LIMIT 1"
    )[0]
    (total,) = _rows("SELECT count(*) FROM fct_grants")[0]
    page.goto(live_server + "/funding")
    expect(page.locator(COUNT)).to_have_text(_count_text(int(str(total))))
    header = page.locator(f"{GRID} .ag-header-cell[col-id='amount'] .ag-header-cell-label")

    header.click()  # ascending
    expect(_cell(page, 0, "grant_id")).to_have_text(str(smallest[0]))
    expect(_cell(page, 0, "amount")).to_have_text(_pounds(smallest[1]))
    header.click()  # descending
    expect(_cell(page, 0, "grant_id")).to_have_text(str(by_amount[0][0]))
    expect(_cell(page, 0, "amount")).to_have_text(_pounds(by_amount[0][1]))

    page.locator(f"{GRID}").get_by_role("button", name="Next Page").click()
    summary = page.locator(f"{GRID} .ag-paging-row-summary-panel")
    expect(summary).to_contain_text(f"{PAGE_SIZE + 1} to {2 * PAGE_SIZE} of {total:,}")
    expect(_cell(page, PAGE_SIZE, "grant_id")).to_have_text(str(by_amount[PAGE_SIZE][0]))
    expect(_cell(page, 2 * PAGE_SIZE - 1, "grant_id")).to_have_text(
        str(by_amount[2 * PAGE_SIZE - 1][0])
    )


def test_grid_csv_holds_exactly_the_filtered_rows(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    awarded = {
        str(grant_id)
        for (grant_id,) in _rows("SELECT grant_id FROM fct_grants WHERE direction = 'awarded'")
    }
    page.goto(live_server + "/funding?direction=awarded")
    expect(page.locator(COUNT)).to_have_text(_count_text(len(awarded)))
    rows = _download(page, page.locator(CSV_LINK), tmp_path)
    ids = [row[rows[0].index("Grant id")] for row in rows[1:]]
    assert len(ids) == len(set(ids)) == len(awarded)
    assert set(ids) == awarded

    # A column filter of the grid narrows the CSV too.
    wanted = {
        str(grant_id)
        for (grant_id,) in _rows(
            "SELECT grant_id FROM fct_grants WHERE direction = 'awarded' "
            "AND amount_awarded_pence > 1000000"
        )
    }
    assert 0 < len(wanted) < len(awarded)
    model = {"amount": {"filterType": "number", "type": "greaterThan", "filter": 10000}}
    page.evaluate(
        "([grid, model]) => window.dash_ag_grid.getApiAsync(grid)"
        ".then((api) => api.setFilterModel(model))",
        [grid_part(FUNDING_GRANTS_GRID, "grid"), model],
    )
    expect(page.locator(COUNT)).to_have_text(_count_text(len(wanted)))
    expect(page.locator(CSV_LINK)).to_have_attribute(
        "href", re.compile(re.escape("grid_filter=") + ".*amount")
    )
    filtered = _download(page, page.locator(CSV_LINK), tmp_path)
    assert {row[filtered[0].index("Grant id")] for row in filtered[1:]} == wanted
    assert len(filtered) - 1 == len(wanted)


def test_funding_page_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/funding")
    expect(
        page.locator(f"#{chart_part('funding-pooled', 'graph')} .main-svg").first
    ).to_be_visible()
    expect(_cell(page, 0, "grant_id")).not_to_be_empty()
    assert serious_accessibility_violations(page) == []
