"""A chart card's downloads keep their source: the PNG, SVG and CSV a council officer takes
from a card into a committee paper say what the chart is, where its numbers came from, under
which licence, what period they cover and where to find them; the card says the period too."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from playwright.sync_api import Page, expect

from components.ids import chart_part
from figures.provenance import provenance_rows, table_rows
from tests.e2e.conftest import ConsoleErrors

CHART = "funding-by-year"
TITLE = "Received vs awarded by year, stacked by funder"
LOADED = r"loaded \d{1,2} [A-Z][a-z]{2} \d{4}"


def _download(page: Page, file_format: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator(f"#{chart_part(CHART, file_format)}").click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_card_downloads_carry_title_source_licence_period_and_address(
    live_server: str, page: Page, console_errors: ConsoleErrors, tmp_path: Path
) -> None:
    page.goto(live_server + "/funding?fy_from=2022/23")
    expect(page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first).to_be_visible()
    covers = page.locator(f"#{chart_part(CHART, 'updated')}")
    expect(covers).to_have_text(re.compile(rf"^Covers April 2022 – March 20\d\d; {LOADED}$"))

    csv_file = _download(page, "csv", tmp_path)
    assert csv_file.name == f"{CHART}.csv"
    text = csv_file.read_text(encoding="utf-8-sig")
    facts = provenance_rows(text)
    assert facts["Title"] == TITLE and facts["Source"] == "360Giving grants"
    assert facts["Licence"] and facts["Period"].startswith("April 2022 – March ")
    assert facts["Filters"] == "fy_from=2022/23"
    assert facts["URL"] == f"{live_server}/funding?fy_from=2022/23#card-{CHART}"
    table = table_rows(text)
    assert table[0][0] == "Financial year"
    assert {row[0] for row in table[1:]} <= {"2022/23", "2023/24", "2024/25", "2025/26"}

    svg = ElementTree.parse(_download(page, "svg", tmp_path)).getroot()
    drawn = " ".join(svg.itertext())
    assert TITLE in drawn
    assert f"Source: 360Giving grants; licence {facts['Licence']}" in drawn
    assert re.search(rf"data to March 20\d\d, {LOADED}", drawn), drawn

    png = _download(page, "png", tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert console_errors == []
