"""The research library: search and facets narrow the results and live in the URL, results
page, project pages show every section, a missing methodology is flagged, unpublished projects
are never found, the chart card's table and CSV agree, and the pages are accessible."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import (
    RESEARCH_COUNT,
    RESEARCH_PAGER,
    RESEARCH_RESULTS,
    chart_part,
    dom_id,
    filter_control,
    filter_text,
)
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

CHART = "research-projects-by-year"
CARDS = f"#{RESEARCH_RESULTS} .research-result"
CARD_TITLES = f"{CARDS} h3"
SEARCH_BOX = f"[id='{dom_id(filter_text('research', 'q'))}']"
STATUS_DROPDOWN = f"[id='{dom_id(filter_control('research', 'status'))}']"
PER_PAGE = 20
TEXT_COLUMNS = ("title", "lay_summary", "methodology", "findings")


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _published_texts() -> list[tuple[str, ...]]:
    columns = ", ".join(TEXT_COLUMNS)
    return [
        tuple(str(v or "") for v in row)
        for row in _rows(f"SELECT {columns} FROM dim_projects WHERE is_published")
    ]


def _matches(words: list[str]) -> int:
    """How many published projects hold every word in one of their texts, counted here in
    Python rather than by the query under test."""
    return sum(
        all(any(word in field.lower() for field in row) for word in words)
        for row in _published_texts()
    )


def _count_text(total: int) -> str:
    return f"{total:,} project" if total == 1 else f"{total:,} projects"


def _one(sql: str) -> str:
    rows = _rows(sql)
    assert rows, f"the demo holds no row for: {sql}"
    return str(rows[0][0])


def _project_with_every_link() -> str:
    """A published project with outputs, a grant or commission, a published decision, a
    recommendation, and researchers both public and not."""
    return _one(
        """
        SELECT p.project_id FROM dim_projects p
        WHERE p.is_published
          AND EXISTS (SELECT 1 FROM fct_project_outputs o WHERE o.project_id = p.project_id)
          AND (EXISTS (SELECT 1 FROM bridge_project_grants g JOIN fct_grants f
                       ON f.grant_id = g.grant_id WHERE g.project_id = p.project_id)
               OR EXISTS (SELECT 1 FROM bridge_project_commissions c JOIN fct_commissions f
                          ON f.ocid = c.ocid WHERE c.project_id = p.project_id))
          AND EXISTS (SELECT 1 FROM fct_policy_citations c JOIN fct_policy_decisions d
                      ON d.decision_id = c.decision_id
                      WHERE c.project_id = p.project_id AND d.is_published)
          AND EXISTS (SELECT 1 FROM bridge_project_recommendations r
                      WHERE r.project_id = p.project_id)
          AND EXISTS (SELECT 1 FROM bridge_project_researchers b JOIN dim_researchers r
                      ON r.researcher_id = b.researcher_id
                      WHERE b.project_id = p.project_id AND r.consent = 'public')
          AND EXISTS (SELECT 1 FROM bridge_project_researchers b JOIN dim_researchers r
                      ON r.researcher_id = b.researcher_id
                      WHERE b.project_id = p.project_id AND r.consent <> 'public')
        ORDER BY p.project_id
        """
    )


def test_library_lists_published_projects_and_the_chart_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    published = len(_published_texts())
    page.goto(live_server + "/research")
    expect(page).to_have_title(re.compile("Research library"))
    expect(page.locator(f"#{RESEARCH_COUNT}")).to_have_text(_count_text(published))
    expect(page.locator(CARDS)).to_have_count(min(PER_PAGE, published))
    first = page.locator(CARDS).first
    expect(first.locator("h3 a")).to_have_attribute("href", re.compile(r"^/research/.+"))
    expect(page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first).to_be_visible()
    dated = int(
        _one("SELECT COUNT(*) FROM dim_projects WHERE is_published AND financial_year IS NOT NULL")
    )
    expect(page.locator(f"#{chart_part(CHART, 'n')}")).to_have_text(f"{dated:,}")
    screenshot(page, "research")
    assert console_errors == []


def test_search_narrows_results_and_the_url_and_a_reload_restores_it(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    label = _one(
        "SELECT t.label FROM dim_topics t JOIN bridge_project_topics b ON b.topic_id = t.topic_id "
        "JOIN dim_projects p ON p.project_id = b.project_id WHERE p.is_published "
        "GROUP BY t.label ORDER BY COUNT(*) DESC, t.label"
    )
    words = label.lower().split()
    expected = _matches(words)
    assert 0 < expected < len(_published_texts())
    page.goto(live_server + "/research")
    count = page.locator(f"#{RESEARCH_COUNT}")
    expect(count).to_have_text(_count_text(len(_published_texts())))

    page.locator(SEARCH_BOX).fill(label.upper())
    page.locator(SEARCH_BOX).press("Enter")
    expect(count).to_have_text(_count_text(expected))
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(label.upper().replace(" ", "+"))))
    expect(page.locator(CARDS)).to_have_count(min(PER_PAGE, expected))
    chart_n = page.locator(f"#{chart_part(CHART, 'n')}")
    expect(chart_n).to_have_text(f"{expected:,}")

    page.reload()
    expect(page.locator(SEARCH_BOX)).to_have_value(label.upper())
    expect(count).to_have_text(_count_text(expected))
    expect(chart_n).to_have_text(f"{expected:,}")
    assert console_errors == []


def test_a_facet_changes_results_chart_and_url_and_a_reload_restores_it(
    live_server: str, page: Page
) -> None:
    ongoing = int(
        _one("SELECT COUNT(*) FROM dim_projects WHERE is_published AND status = 'ongoing'")
    )
    assert 0 < ongoing < len(_published_texts())
    page.goto(live_server + "/research")
    count = page.locator(f"#{RESEARCH_COUNT}")
    expect(count).to_have_text(_count_text(len(_published_texts())))
    chart_n = page.locator(f"#{chart_part(CHART, 'n')}")
    before = chart_n.inner_text()

    page.locator(STATUS_DROPDOWN).click()
    page.get_by_role("option").filter(has_text=f"Ongoing ({ongoing})").click()
    page.keyboard.press("Escape")

    expect(count).to_have_text(_count_text(ongoing))
    expect(page).to_have_url(re.compile(r"[?&]status=ongoing(&|$)"))
    expect(chart_n).not_to_have_text(before)
    for index in range(page.locator(CARDS).count()):
        expect(page.locator(CARDS).nth(index)).to_contain_text("Ongoing")

    page.reload()
    expect(count).to_have_text(_count_text(ongoing))
    expect(page.locator(STATUS_DROPDOWN)).to_contain_text("Ongoing")

    page.get_by_role("button", name="Clear filters").click()
    expect(count).to_have_text(_count_text(len(_published_texts())))
    expect(page).not_to_have_url(re.compile("status="))


def test_the_pager_shows_the_next_projects(live_server: str, page: Page) -> None:
    assert len(_published_texts()) > PER_PAGE, "the demo should fill more than one page"
    page.goto(live_server + "/research")
    titles = page.locator(CARD_TITLES)
    expect(titles).to_have_count(PER_PAGE)
    first_page = titles.all_inner_texts()
    page.locator(f"#{RESEARCH_PAGER}").get_by_text("2", exact=True).click()
    expect(titles.first).not_to_have_text(first_page[0])
    assert not set(titles.all_inner_texts()) & set(first_page)


def test_a_result_links_to_a_project_page_with_every_section(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    project_id = _project_with_every_link()
    title = _one(f"SELECT title FROM dim_projects WHERE project_id = '{project_id}'")
    public = [
        str(name)
        for (name,) in _rows(
            "SELECT r.display_name FROM dim_researchers r JOIN bridge_project_researchers b "
            f"ON b.researcher_id = r.researcher_id WHERE b.project_id = '{project_id}' "
            "AND r.consent = 'public'"
        )
    ]
    hidden = [
        str(value)
        for row in _rows(
            "SELECT r.display_name, r.contact_email, r.contact_phone FROM dim_researchers r "
            "JOIN bridge_project_researchers b ON b.researcher_id = r.researcher_id "
            f"WHERE b.project_id = '{project_id}' AND r.consent <> 'public'"
        )
        for value in row
        if value and str(value) not in public
    ]
    decision = _one(
        "SELECT d.title FROM fct_policy_decisions d JOIN fct_policy_citations c "
        f"ON c.decision_id = d.decision_id WHERE c.project_id = '{project_id}' "
        "AND d.is_published"
    )
    page.goto(live_server + "/research")
    page.locator(SEARCH_BOX).fill(title)
    page.locator(SEARCH_BOX).press("Enter")
    page.locator(CARDS).get_by_role("link", name=title, exact=True).first.click()

    expect(page).to_have_url(re.compile(f"/research/{re.escape(project_id)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page).to_have_title(re.compile(re.escape(title)))
    for heading in (
        "Summary",
        "Methodology",
        "Outputs and documents",
        "Funding",
        "Policy decisions it informed",
        "Recommendations it helps deliver",
        "Researchers",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("#project-outputs a").first).to_have_attribute(
        "href", re.compile(r"^https?://")
    )
    expect(page.locator("#project-funding")).to_contain_text("£")
    expect(page.locator("#project-decisions")).to_contain_text(decision)
    expect(page.locator("#project-recommendations a").first).to_have_attribute(
        "href", re.compile(r"^/recommendations/")
    )
    researchers = page.locator("#project-researchers")
    for name in public:
        expect(researchers).to_contain_text(name)
    expect(researchers).to_contain_text("chose not to be listed publicly")
    body = page.locator("main").inner_text()
    for trace in hidden:
        assert trace not in body
    screenshot(page, "research-project")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_a_project_without_methodology_is_flagged(live_server: str, page: Page) -> None:
    project_id = _one(
        "SELECT project_id FROM dim_projects WHERE is_published "
        "AND (methodology IS NULL OR TRIM(methodology) = '') ORDER BY project_id"
    )
    described = _one(
        "SELECT project_id FROM dim_projects WHERE is_published "
        "AND methodology IS NOT NULL AND TRIM(methodology) <> '' ORDER BY project_id"
    )
    page.goto(f"{live_server}/research/{project_id}")
    section = page.locator("#project-methodology")
    expect(section).to_contain_text("Methodology not described")
    expect(section.locator(".methodology-missing")).to_be_visible()

    page.goto(f"{live_server}/research/{described}")
    expect(page.locator("#project-methodology")).to_be_visible()
    expect(page.locator("#project-methodology")).not_to_contain_text("not described")


def test_an_unpublished_project_is_not_found_anywhere(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    project_id, title = _rows(
        "SELECT project_id, title FROM dim_projects WHERE NOT is_published ORDER BY project_id"
    )[0]
    page.goto(f"{live_server}/research/{project_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Project not found")
    expect(page).to_have_title(re.compile("not found", re.IGNORECASE))
    expect(page.locator("main")).not_to_contain_text(str(title))

    page.goto(f"{live_server}/research/NO-SUCH-PROJECT")
    expect(page.get_by_role("heading", level=1)).to_have_text("Project not found")

    page.goto(f"{live_server}/research")
    page.locator(SEARCH_BOX).fill(str(title))
    page.locator(SEARCH_BOX).press("Enter")
    expect(page.locator(f"#{RESEARCH_COUNT}")).to_have_text(
        _count_text(_matches(str(title).lower().split()))
    )
    expect(page.locator(f"{CARDS} a[href='/research/{project_id}']")).to_have_count(0)
    assert console_errors == []


def test_chart_table_and_csv_hold_the_same_numbers(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    expected = {
        (str(year), str(level)): int(n)
        for year, level, n in _rows(
            "SELECT financial_year, COALESCE(participation_level, 'not recorded'), COUNT(*) "
            "FROM dim_projects WHERE is_published AND financial_year IS NOT NULL "
            "GROUP BY 1, 2"
        )
    }
    page.goto(live_server + "/research")
    expect(page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first).to_be_visible()
    page.locator(f"#{chart_part(CHART, 'table-toggle')}").click()
    table = page.locator(f"#{chart_part(CHART, 'table')} table")
    expect(table).to_be_visible()
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]
    assert rows[0] == ["Financial year", "Participation level", "Projects"]
    assert {(y, level): int(n) for y, level, n in rows[1:]} == expected

    with page.expect_download() as info:
        page.locator(f"#{chart_part(CHART, 'csv')}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert table_rows(path.read_text(encoding="utf-8")) == rows


def test_library_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/research")
    expect(page.locator(CARDS).first).to_be_visible()
    expect(page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
