"""The gap page: the matrix and the equity chart load cleanly; switching the axis changes the
matrix and the URL and a reload restores it; the need indicator is kept in the URL; clicking a
cell lists its projects with working /research/<id> links; the matrix's table and CSV agree;
the page is accessible.

Expected numbers are worked out here from the warehouse's rows, not by the queries under test."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import chart_part, dom_id, filter_control
from components.views import gap_panels
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

MATRIX = "gaps-matrix"
EQUITY = "gaps-funding-by-decile"
NEED_DROPDOWN = f"[id='{dom_id(filter_control('gaps', 'need'))}']"


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _ward_cells() -> dict[tuple[str, str], set[str]]:
    """(topic label, ward name) -> the published projects in that cell."""
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for topic, ward, project in _rows(
        "SELECT t.label, COALESCE(a.area_name, ba.area_code), p.project_id "
        "FROM dim_projects p "
        "JOIN bridge_project_topics bt ON bt.project_id = p.project_id "
        "JOIN dim_topics t ON t.topic_id = bt.topic_id "
        "JOIN bridge_project_areas ba ON ba.project_id = p.project_id "
        "JOIN dim_areas a ON a.area_code = ba.area_code AND a.area_type = 'WD' "
        "WHERE p.is_published"
    ):
        cells[(str(topic), str(ward))].add(str(project))
    return cells


def _wards() -> list[str]:
    return [str(name) for (name,) in _rows("SELECT area_name FROM dim_areas WHERE area_type='WD'")]


def _topics() -> list[str]:
    return sorted({topic for topic, _ in _ward_cells()})


def _population_groups() -> list[str]:
    return sorted(
        str(group)
        for (group,) in _rows(
            "SELECT DISTINCT bp.population FROM bridge_project_populations bp "
            "JOIN dim_projects p ON p.project_id = bp.project_id WHERE p.is_published"
        )
    )


def _topic_projects() -> int:
    """Published projects with a ward, counted once per topic: the matrix card's n."""
    per_topic: dict[str, set[str]] = defaultdict(set)
    for (topic, _), projects in _ward_cells().items():
        per_topic[topic] |= projects
    return sum(len(projects) for projects in per_topic.values())


def _wait_for_charts(page: Page) -> None:
    for chart_id in (MATRIX, EQUITY):
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
    # The heatmap itself, not the empty figure the graph starts with.
    expect(page.locator(f"#{chart_part(MATRIX, 'graph')} .hm").first).to_be_attached()


def _matrix_ticks(page: Page) -> list[str]:
    graph = page.locator(f"#{chart_part(MATRIX, 'graph')}")
    texts: list[str] = graph.locator(".xaxislayer-above text").evaluate_all(
        "elements => elements.map(e => e.textContent)"
    )
    return texts


def _table_rows(page: Page, chart_id: str) -> list[list[str]]:
    table = page.locator(f"#{chart_part(chart_id, 'table')} table")
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]


def test_page_loads_the_matrix_need_gaps_and_equity_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/gaps")
    expect(page).to_have_title(re.compile("gaps", re.IGNORECASE))
    _wait_for_charts(page)
    expect(page.locator(f"#{chart_part(MATRIX, 'n')}")).to_have_text(f"{_topic_projects():,}")
    cells = _ward_cells()
    gaps = len(_topics()) * len(_wards()) - len(cells)
    assert gaps > 0, "the demo should have absolute gaps"
    gap_marks = page.locator(f"#{chart_part(MATRIX, 'graph')} text", has_text=re.compile("^gap$"))
    expect(gap_marks).to_have_count(gaps)
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("IMD score")
    ranked = page.locator(f"#{gap_panels.GAP_LIST} tbody tr")
    expect(ranked).to_have_count(10)
    expect(page.locator(f"#{gap_panels.GAP_LIST}")).to_contain_text("Gap score = need percentile")
    # The top gap is the neediest ward with no project on some topic: score 100.
    expect(ranked.first.locator("td").last).to_have_text("100.0")
    expect(page.locator(f"#{gap_panels.EQUITY_SUMMARY}")).to_contain_text(
        re.compile(r"Concentration index [-+]?\d\.\d\d: funding per head")
    )
    screenshot(page, "gaps")
    assert console_errors == []


def test_switching_the_axis_changes_the_matrix_and_the_url_and_a_reload_restores_it(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    groups = _population_groups()
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    expect(
        page.locator(f"#{chart_part(MATRIX, 'graph')} .xaxislayer-above text").first
    ).to_be_visible()
    assert set(_matrix_ticks(page)) == set(_wards())

    page.get_by_label(re.compile("^Population groups")).check()
    expect(page).to_have_url(re.compile(r"[?&]axis=population(&|$)"))
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("No area indicator")
    page.wait_for_function(
        "names => { const ticks = [...document.querySelectorAll("
        f"'#{chart_part(MATRIX, 'graph')} .xaxislayer-above text')]"
        ".map(t => t.textContent); return ticks.length === names.length && "
        "names.every(n => ticks.includes(n)); }",
        arg=groups,
    )

    page.reload()
    _wait_for_charts(page)
    expect(page.get_by_label(re.compile("^Population groups"))).to_be_checked()
    page.wait_for_function(
        "n => document.querySelectorAll("
        f"'#{chart_part(MATRIX, 'graph')} .xaxislayer-above text').length === n",
        arg=len(groups),
    )
    assert set(_matrix_ticks(page)) == set(groups)

    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_label(re.compile("^Wards"))).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]axis=ward(&|$)"))
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("IMD score")
    assert console_errors == []


def test_the_need_indicator_is_kept_in_the_url_and_shown_beside_the_matrix(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    page.locator(NEED_DROPDOWN).click()
    page.get_by_role("option").filter(has_text="IMD decile").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"[?&]need=imd-decile(&|$)"))
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("IMD decile")
    page.reload()
    expect(page.locator(NEED_DROPDOWN)).to_contain_text("IMD decile")
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("IMD decile")
    page.locator(f"#{chart_part(MATRIX, 'table-toggle')}").click()
    rows = _table_rows(page, MATRIX)
    assert rows[1][0].startswith("Need: IMD decile")
    # Decile 1 is the most deprived, so the neediest ward (first column) has the lowest decile.
    deciles = [float(value) for value in rows[1][1:-1]]
    assert deciles[0] == min(deciles)
    assert console_errors == []


def test_clicking_a_cell_lists_its_projects_with_working_links(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    cells = _ward_cells()
    (topic, ward), projects = max(cells.items(), key=lambda item: (len(item[1]), item[0]))
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    graph = page.locator(f"#{chart_part(MATRIX, 'graph')} .js-plotly-plot")
    point = graph.evaluate(
        """(gd, cell) => {
            const layout = gd._fullLayout;
            const xa = layout.xaxis2, ya = layout.yaxis2;
            const x = xa._offset + xa.d2p(cell[1]);
            const y = ya._offset + ya.d2p(cell[0]);
            return [x, y];
        }""",
        [topic, ward],
    )
    box = graph.bounding_box()
    assert box is not None
    # Plotly clicks the point under the hover, so the mouse moves there first.
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    expect(page.locator(".hoverlayer .hovertext")).to_contain_text(ward)
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    panel = page.locator(f"#{gap_panels.CELL_PROJECTS}")
    expect(panel.locator("h3")).to_have_text(f"{topic} · {ward}")
    links = panel.locator("a")
    expect(links).to_have_count(len(projects))
    hrefs = {str(link.get_attribute("href")) for link in links.all()}
    assert hrefs == {f"/research/{project}" for project in projects}

    first = links.first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/research/[^/?]+$"))
    expect(page.locator("h1")).to_have_text(title)
    assert console_errors == []


def test_the_matrix_table_shows_every_cell_and_the_csv_holds_the_same_rows(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    cells = _ward_cells()
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    page.locator(f"#{chart_part(MATRIX, 'table-toggle')}").click()
    rows = _table_rows(page, MATRIX)
    header, need, body = rows[0], rows[1], rows[2:]
    assert header[0] == "Topic" and header[-1] == "Projects in topic"
    assert set(header[1:-1]) == set(_wards())
    assert need[0].startswith("Need: IMD score")
    assert [row[0] for row in body] == _topics()
    for row in body:
        for ward, cell in zip(header[1:-1], row[1:-1], strict=True):
            count = len(cells.get((row[0], ward), set()))
            assert cell == "gap" if count == 0 else cell.split(" ")[0] == str(count), (row[0], ward)

    with page.expect_download() as info:
        page.locator(f"#{chart_part(MATRIX, 'csv')}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    downloaded = table_rows(path.read_text(encoding="utf-8"))
    assert downloaded == rows


def test_equity_table_counts_per_head_by_decile(live_server: str, page: Page) -> None:
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    page.locator(f"#{chart_part(EQUITY, 'table-toggle')}").click()
    rows = _table_rows(page, EQUITY)
    assert rows[0] == [
        "Decile",
        "Wards",
        "Population",
        "Grants",
        "Amount (£)",
        "Per head (£)",
    ]
    assert sum(int(row[1]) for row in rows[1:]) == len(_wards())
    for row in rows[1:]:
        per_head = float(row[5])
        assert abs(per_head - float(row[4]) / int(row[2])) < 0.01


def test_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    expect(page.locator(f"#{gap_panels.GAP_LIST} tbody tr").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_label(re.compile("^Population groups")).check()
    expect(page.locator(f"#{gap_panels.NEED_NOTE}")).to_contain_text("No area indicator")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "gaps-population")


def test_a_cell_can_be_chosen_with_the_keyboard_alone(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    cells = _ward_cells()
    (topic, ward), projects = max(cells.items(), key=lambda item: (len(item[1]), item[0]))
    page.goto(live_server + "/gaps")
    _wait_for_charts(page)
    # The choices arrive by callback once the filter state is known; choosing before they do
    # would be undone when they land.
    page.wait_for_load_state("networkidle")
    for label, value in (("The cell's topic", topic), ("The cell's ward or group", ward)):
        page.get_by_label(label, exact=True).focus()
        page.keyboard.press("Enter")
        expect(page.locator(".dash-dropdown-search")).to_be_focused()
        page.keyboard.type(value)
        page.get_by_role("option", name=value, exact=True).press("Enter")
    panel = page.locator(f"#{gap_panels.CELL_PROJECTS}")
    expect(panel.locator("h3")).to_have_text(f"{topic} · {ward}")
    links = panel.locator("a")
    expect(links).to_have_count(len(projects))
    assert {str(link.get_attribute("href")) for link in links.all()} == {
        f"/research/{project}" for project in projects
    }
    assert console_errors == []
