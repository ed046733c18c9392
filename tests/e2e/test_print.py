"""Printing a page for a board pack (assets/print.css): the page's title, its filters as chosen,
its charts at the paper's width and the grants table's rows, with no navigation or buttons.
Printed by Chromium's own PDF printer and read back with pypdf."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from components.ids import FUNDING_GRANTS_GRID, chart_part, grid_part

GRID_ROWS = ".server-grid .ag-center-cols-container .ag-row"


def _printed_text(page: Page) -> str:
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    return "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)


def test_funding_prints_its_title_filters_charts_and_grant_rows_without_navigation(
    live_server: str, page: Page
) -> None:
    page.goto(live_server + "/funding?fy_from=2023/24")
    expect(
        page.locator(f"#{chart_part('funding-by-year', 'graph')} .main-svg").first
    ).to_be_visible()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator(GRID_ROWS).first).to_be_visible()
    first_rows = page.locator(GRID_ROWS).all()[:5]
    awarded = [row.locator(".ag-cell[col-id='award_date']").inner_text() for row in first_rows]
    amounts = [row.locator(".ag-cell[col-id='amount']").inner_text() for row in first_rows]
    assert all(awarded) and all(amounts)

    text = _printed_text(page)
    assert "Funding transparency" in text
    assert "2023/24" in text, "the filter as chosen"
    assert "Received vs awarded by year, stacked by funder" in text
    assert "Grants" in text and "Route" in text, "the grid's last column prints too"
    for date, amount in zip(awarded, amounts, strict=True):
        assert date in text and amount in text, (date, amount)
    for chrome in ("Staff sign in", "Research library", "Dark mode", "Clear filters", "PNG"):
        assert chrome not in text, chrome

    # Every chart card spans the printed page's width, one to a row.
    main = page.locator("main").bounding_box()
    card = page.locator("#card-funding-flow").bounding_box()
    assert main and card and card["width"] >= main["width"] * 0.95
    expect(page.locator(f"#{grid_part(FUNDING_GRANTS_GRID, 'csv')}")).to_be_hidden()
    # No column of the grants table is cut off at the paper's edge.
    last = page.locator(".server-grid .ag-header-cell[col-id='route']").bounding_box()
    assert last and last["x"] + last["width"] <= main["x"] + main["width"] + 1
