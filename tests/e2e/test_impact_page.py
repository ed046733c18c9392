"""The impact page: three charts and the decisions list load cleanly, a reach filter changes
the charts, the list and the URL and a reload restores them, the chart tables and CSVs hold
the warehouse's numbers, the list pages in SQL and opens case studies, an unpublished or
unknown project has no case study, and the pages are accessible.

Expected numbers are worked out here in Python from the warehouse's rows, not by the queries
under test."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import chart_part, dom_id, filter_control
from components.views import impact_list
from figures.provenance import table_rows
from tests.e2e.conftest import (
    ARTIFACTS,
    ConsoleErrors,
    screenshot,
    serious_accessibility_violations,
)
from warehouse.queries.impact import DECISIONS_PAGE_SIZE as PAGE_SIZE

CHARTS = ("impact-flow", "impact-influence-over-time", "impact-time-to-decision")
REACH_DROPDOWN = f"[id='{dom_id(filter_control('impact', 'reach'))}']"


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _decisions(reach: str | None = None) -> list[tuple[str, str, str, str]]:
    """Published decisions citing at least one published project: id, year, influence,
    reach."""
    published_projects = {
        str(p) for (p,) in _rows("SELECT project_id FROM dim_projects WHERE is_published")
    }
    citing: dict[str, set[str]] = {}
    for decision_id, project_id in _rows(
        "SELECT decision_id, project_id FROM fct_policy_citations"
    ):
        citing.setdefault(str(decision_id), set()).add(str(project_id))
    return [
        (str(d), str(fy), str(kind), str(r))
        for d, fy, kind, r in _rows(
            "SELECT decision_id, financial_year, influence_type, reach "
            "FROM fct_policy_decisions WHERE is_published"
        )
        if citing.get(str(d), set()) & published_projects and (reach is None or r == reach)
    ]


def _influence_table(reach: str | None = None) -> list[list[str]]:
    counts = Counter((fy, kind) for _, fy, kind, _ in _decisions(reach))
    return [
        ["Financial year", "Influence type", "Decisions"],
        *[[fy, kind, str(n)] for (fy, kind), n in sorted(counts.items())],
    ]


def _summary(total: int, first: int = 1) -> str:
    return f"Decisions {first:,}–{min(first + PAGE_SIZE - 1, total):,} of {total:,}"


def _reach_with_some() -> str:
    counts = Counter(r for *_, r in _decisions())
    for reach, count in counts.most_common():
        if 0 < count < len(_decisions()):
            return reach
    raise AssertionError(f"the demo has no reach holding some but not all decisions: {counts}")


def _table_rows(page: Page, selector: str) -> list[list[str]]:
    table = page.locator(selector)
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]


def _wait_for_charts(page: Page) -> None:
    for chart_id in CHARTS:
        expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()


def test_page_loads_every_chart_and_the_decisions_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    total = len(_decisions())
    assert total > PAGE_SIZE, "the demo should have more than one page of decisions"
    page.goto(live_server + "/impact")
    expect(page).to_have_title(re.compile("Impact"))
    _wait_for_charts(page)
    expect(page.locator(f"#{chart_part('impact-influence-over-time', 'n')}")).to_have_text(
        f"{total:,}"
    )
    expect(page.locator(f"#{chart_part('impact-flow', 'graph')} .sankey")).to_have_count(1)
    expect(page.locator(f"#{impact_list.SUMMARY}")).to_have_text(_summary(total))
    expect(page.locator(f"#{impact_list.BODY} article")).to_have_count(PAGE_SIZE)
    first = page.locator(f"#{impact_list.BODY} article").first
    expect(first.locator("blockquote").first).to_contain_text("“")
    expect(first.get_by_role("link", name=re.compile("Decision document"))).to_have_count(1)
    screenshot(page, "impact")
    # The kit's 375 px shot narrows a page laid out at 1280 px; a phone loads it at 375 px.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    _wait_for_charts(page)
    flow = page.locator(f"#{chart_part('impact-flow', 'graph')}")
    assert (flow.bounding_box() or {"height": 0})["height"] > 400
    page.screenshot(path=str(ARTIFACTS / "impact-loaded-at-375.png"), full_page=True)
    assert console_errors == []


def test_a_reach_filter_changes_charts_list_and_url_and_a_reload_restores_them(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    reach = _reach_with_some()
    label = reach.capitalize()
    expected = len(_decisions(reach))
    page.goto(live_server + "/impact")
    _wait_for_charts(page)
    influence_n = page.locator(f"#{chart_part('impact-influence-over-time', 'n')}")
    expect(influence_n).to_have_text(f"{len(_decisions()):,}")

    page.locator(REACH_DROPDOWN).click()
    page.get_by_role("option").filter(has_text=f"{label} ({expected})").click()
    page.keyboard.press("Escape")

    expect(page).to_have_url(re.compile(rf"[?&]reach={reach}(&|$)"))
    expect(influence_n).to_have_text(f"{expected:,}")
    summary = page.locator(f"#{impact_list.SUMMARY}")
    expect(summary).to_have_text(_summary(expected))
    for article in page.locator(f"#{impact_list.BODY} article").all():
        expect(article).to_contain_text(f"Reach: {label}")

    page.reload()
    expect(page.locator(REACH_DROPDOWN)).to_contain_text(label)
    expect(influence_n).to_have_text(f"{expected:,}")
    expect(summary).to_have_text(_summary(expected))

    page.get_by_role("button", name="Clear filters").click()
    expect(influence_n).to_have_text(f"{len(_decisions()):,}")
    expect(page).not_to_have_url(re.compile("reach="))
    assert console_errors == []


def test_chart_tables_hold_the_warehouse_numbers_and_match_their_csv(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    page.goto(live_server + "/impact")
    _wait_for_charts(page)
    chart = "impact-influence-over-time"
    page.locator(f"#{chart_part(chart, 'table-toggle')}").click()
    rows = _table_rows(page, f"#{chart_part(chart, 'table')} table")
    assert rows == _influence_table()
    for chart in CHARTS:
        if chart != "impact-influence-over-time":
            page.locator(f"#{chart_part(chart, 'table-toggle')}").click()
        rows = _table_rows(page, f"#{chart_part(chart, 'table')} table")
        assert len(rows) > 1, chart
        with page.expect_download() as info:
            page.locator(f"#{chart_part(chart, 'csv')}").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert table_rows(path.read_text(encoding="utf-8")) == rows, chart
    # Every published citation is counted once in the flow.
    flow = _table_rows(page, f"#{chart_part('impact-flow', 'table')} table")
    citations = _rows(
        "SELECT COUNT(*) FROM fct_policy_citations c "
        "JOIN fct_policy_decisions d ON d.decision_id = c.decision_id "
        "JOIN dim_projects p ON p.project_id = c.project_id "
        "WHERE d.is_published AND p.is_published"
    )[0][0]
    assert sum(int(row[-1]) for row in flow[1:]) == citations


def test_the_list_pages_and_opens_a_case_study(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    total = len(_decisions())
    page.goto(live_server + "/impact")
    summary = page.locator(f"#{impact_list.SUMMARY}")
    expect(summary).to_have_text(_summary(total))
    first_title = page.locator(f"#{impact_list.BODY} article h3").first.inner_text()
    page.locator(f"#{impact_list.PAGER}").get_by_text("2", exact=True).click()
    expect(summary).to_have_text(_summary(total, first=PAGE_SIZE + 1))
    expect(page.locator(f"#{impact_list.BODY} article h3").first).not_to_have_text(first_title)

    link = page.get_by_role("link", name="Impact case study").first
    href = str(link.get_attribute("href"))
    project_id = href.rsplit("/", 1)[-1]
    link.click()
    expect(page).to_have_url(re.compile(rf"/impact/{re.escape(project_id)}$"))
    title = _rows(f"SELECT title FROM dim_projects WHERE project_id = '{project_id}'")[0][0]
    expect(page.locator("h1")).to_have_text(str(title))
    for heading in (
        "1. Summary of the impact",
        "2. Underpinning research",
        "3. References to the research",
        "4. Details of the impact",
        "5. Sources to corroborate the impact",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    cited_by = _rows(
        "SELECT COUNT(*) FROM fct_policy_citations c JOIN fct_policy_decisions d "
        f"ON d.decision_id = c.decision_id WHERE c.project_id = '{project_id}' AND d.is_published"
    )[0][0]
    expect(page.locator(".impact-case-decision")).to_have_count(int(str(cited_by)))
    expect(page.locator(".impact-case-sources li")).to_have_count(int(str(cited_by)))
    expect(page).to_have_title(re.compile("Impact case study"))
    screenshot(page, "impact-case")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_unpublished_or_unknown_projects_have_no_case_study(live_server: str, page: Page) -> None:
    hidden = _rows("SELECT project_id FROM dim_projects WHERE NOT is_published")
    assert hidden, "the demo should have an unpublished project"
    for project_id in (str(hidden[0][0]), "NO-SUCH-PROJECT"):
        page.goto(f"{live_server}/impact/{project_id}")
        expect(page.locator("h1")).to_have_text("Case study not found")
        expect(page.get_by_text("Underpinning research")).to_have_count(0)


def test_page_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/impact")
    _wait_for_charts(page)
    expect(page.locator(f"#{impact_list.BODY} article").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(300)
    assert serious_accessibility_violations(page) == []
