"""The recommendations tracker: the 16 recommendations of the report appear word for word under
their workstreams, with status, delivery confidence, progress, owner, next milestone and last
update; the status filter changes the cards, the roll-up, the chart and the URL and a reload
restores them; a recommendation's page shows its published timeline, milestones, projects and
funding; both pages are accessible.

Expected values are read here from the source CSV and the warehouse's rows, not from the
queries under test."""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import RECOMMENDATIONS_ROLLUP, chart_part, dom_id, filter_control
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

SOURCE_CSV = Path(__file__).parents[2] / "data_pipeline" / "demo" / "recommendations.csv"
CHART = "recommendations-progress"
STATUS_DROPDOWN = f"[id='{dom_id(filter_control('recommendations', 'status'))}']"


def _rows(sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    engine.dispose()
    return rows


def _source() -> list[dict[str, str]]:
    with SOURCE_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _wait_for_tracker(page: Page) -> None:
    expect(page.locator(".recommendation-card")).not_to_have_count(0)
    expect(page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first).to_be_visible()


def _with_updates_milestones_and_projects() -> str:
    """A recommendation with published updates, an unpublished one, milestones and projects,
    if the demo has one; else one with published updates and milestones."""
    rows = _rows(
        "SELECT r.recommendation_id, "
        " (SELECT COUNT(*) FROM fct_recommendation_updates u "
        "   WHERE u.recommendation_id = r.recommendation_id AND NOT u.is_published) AS drafts, "
        " (SELECT COUNT(*) FROM bridge_project_recommendations b "
        "   WHERE b.recommendation_id = r.recommendation_id) AS projects "
        "FROM dim_recommendations r "
        "WHERE EXISTS (SELECT 1 FROM fct_recommendation_updates u "
        "   WHERE u.recommendation_id = r.recommendation_id AND u.is_published) "
        "AND EXISTS (SELECT 1 FROM fct_milestones m "
        "   WHERE m.recommendation_id = r.recommendation_id) "
        "ORDER BY r.recommendation_id"
    )
    assert rows, "the demo has no recommendation with published updates and milestones"
    rows.sort(key=lambda r: (-(int(str(r[1])) > 0) - (int(str(r[2])) > 0), str(r[0])))
    return str(rows[0][0])


def test_every_recommendation_appears_word_for_word_under_its_workstream(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/recommendations")
    expect(page).to_have_title(re.compile("Recommendations"))
    _wait_for_tracker(page)
    source = _source()
    assert len(source) == 16
    expect(page.locator(".recommendation-card")).to_have_count(16)
    for row in source:
        card = page.locator(f"#recommendation-{row['recommendation_id']}")
        expect(card.locator(".recommendation-text")).to_have_text(row["text"])
        section = page.locator(".recommendation-workstream").filter(has=card)
        expect(section.locator("h2")).to_contain_text(row["workstream_name"])
        expect(card.get_by_role("link")).to_have_attribute(
            "href", f"/recommendations/{row['recommendation_id']}"
        )
    body = page.inner_text("body")
    for row in source:
        assert row["text"] in body, row["recommendation_id"]
    expect(page.locator(".recommendation-workstream")).to_have_count(
        len({row["workstream_id"] for row in source})
    )
    screenshot(page, "recommendations")
    assert console_errors == []


def test_cards_show_status_confidence_progress_owner_milestone_and_last_update(
    live_server: str, page: Page
) -> None:
    today = date.today().isoformat()
    page.goto(live_server + "/recommendations")
    _wait_for_tracker(page)
    for rid, owner, status, progress in _rows(
        "SELECT recommendation_id, owner, status, progress_pct FROM dim_recommendations"
    ):
        card = page.locator(f"#recommendation-{rid}")
        expect(card).to_contain_text(str(owner))
        expect(card.locator(".recommendation-status")).to_have_text(
            str(status).replace("_", " ").capitalize()
        )
        expect(card.get_by_role("progressbar")).to_have_attribute(
            "aria-valuenow", str(progress or 0)
        )
        latest = _rows(
            "SELECT MAX(update_date) FROM fct_recommendation_updates "
            "WHERE recommendation_id = :rid AND is_published",
            rid=rid,
        )[0][0]
        if latest:
            shown = date.fromisoformat(str(latest)[:10]).strftime("%-d %B %Y")
            expect(card).to_contain_text(shown)
        open_ones = _rows(
            "SELECT title, due_date FROM fct_milestones WHERE recommendation_id = :rid "
            "AND done_date IS NULL ORDER BY due_date IS NULL, due_date, milestone_id",
            rid=rid,
        )
        if open_ones:
            expect(card).to_contain_text(str(open_ones[0][0]))
            overdue = open_ones[0][1] is not None and str(open_ones[0][1])[:10] < today
            expect(card.locator(".recommendation-overdue")).to_have_count(1 if overdue else 0)
        else:
            expect(card).to_contain_text("No open milestone")
    legends = page.locator(".recommendation-legends")
    for word in ("Not started", "In progress", "Achieved", "Paused"):
        expect(legends).to_contain_text(word)
    for word in ("Green", "Amber/green", "Amber", "Amber/red", "Red"):
        expect(legends.get_by_text(word, exact=True)).to_be_visible()


def test_status_filter_changes_cards_rollup_chart_and_url_and_a_reload_restores_them(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    achieved = [
        str(r[0])
        for r in _rows(
            "SELECT recommendation_id FROM dim_recommendations WHERE status = 'achieved'"
        )
    ]
    assert 0 < len(achieved) < 16
    page.goto(live_server + "/recommendations")
    _wait_for_tracker(page)
    n = page.locator(f"#{chart_part(CHART, 'n')}")
    expect(n).to_have_text("16")

    page.locator(STATUS_DROPDOWN).click()
    page.get_by_role("option").filter(has_text="Achieved").click()
    page.keyboard.press("Escape")

    expect(page).to_have_url(re.compile(r"[?&]status=achieved(&|$)"))
    expect(page.locator(".recommendation-card")).to_have_count(len(achieved))
    expect(n).to_have_text(str(len(achieved)))
    total = page.locator(f"#{RECOMMENDATIONS_ROLLUP} tbody tr").last
    expect(total.locator("td").first).to_have_text(str(len(achieved)))

    page.reload()
    expect(page.locator(".recommendation-card")).to_have_count(len(achieved))
    expect(n).to_have_text(str(len(achieved)))
    for rid in achieved:
        expect(page.locator(f"#recommendation-{rid}")).to_be_visible()

    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".recommendation-card")).to_have_count(16)
    expect(page).not_to_have_url(re.compile("status="))
    assert console_errors == []


def test_rollup_table_and_chart_table_count_the_warehouse(live_server: str, page: Page) -> None:
    page.goto(live_server + "/recommendations")
    _wait_for_tracker(page)
    expected = [
        [f"{number}. {name}", str(total), str(ns), str(ip), str(ach), str(pa)]
        for number, name, total, ns, ip, ach, pa in _rows(
            "SELECT w.number, w.name, COUNT(*), "
            "SUM(r.status = 'not_started'), SUM(r.status = 'in_progress'), "
            "SUM(r.status = 'achieved'), SUM(r.status = 'paused') "
            "FROM dim_workstreams w JOIN dim_recommendations r USING (workstream_id) "
            "GROUP BY w.number, w.name ORDER BY w.number"
        )
    ]
    table = page.locator(f"#{RECOMMENDATIONS_ROLLUP} table")
    head = [c.strip().replace("\u00ad", "") for c in table.locator("thead th").all_inner_texts()]
    assert head[:5] == ["Workstream", "Recommendations", "Not started", "In progress", "Achieved"]
    body = [
        [c.strip() for c in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    assert body[:-1] == expected
    assert body[-1][1] == "16"

    page.locator(f"#{chart_part(CHART, 'table-toggle')}").click()
    cells = page.locator(f"#{chart_part(CHART, 'table')} table tbody tr")
    expect(cells).not_to_have_count(0)
    counted = sum(int(row.locator("td").last.inner_text().strip()) for row in cells.all())
    assert counted == 16


def test_a_recommendation_page_shows_published_timeline_milestones_projects_and_funding(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    rid = _with_updates_milestones_and_projects()
    text_of = {row["recommendation_id"]: row["text"] for row in _source()}
    page.goto(live_server + "/recommendations")
    _wait_for_tracker(page)
    page.locator(f"#recommendation-{rid}").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/recommendations/{rid}$"))
    expect(page.locator("h1")).to_have_text(f"Recommendation {rid}")
    expect(page).to_have_title(re.compile(f"Recommendation {rid}"))
    expect(page.locator(".recommendation-page .recommendation-text")).to_have_text(text_of[rid])

    published = _rows(
        "SELECT note, evidence_url FROM fct_recommendation_updates "
        "WHERE recommendation_id = :rid AND is_published ORDER BY update_date, update_id",
        rid=rid,
    )
    items = page.locator(".recommendation-update")
    expect(items).to_have_count(len(published))
    for item, (note, evidence) in zip(items.all(), published, strict=True):
        expect(item).to_contain_text(str(note))
        if evidence:
            expect(item.get_by_role("link", name="Evidence")).to_have_attribute(
                "href", str(evidence)
            )
    drafts = _rows(
        "SELECT note FROM fct_recommendation_updates "
        "WHERE recommendation_id = :rid AND NOT is_published",
        rid=rid,
    )
    published_notes = {str(n) for n, _ in published}
    timeline = page.locator("#recommendation-timeline").inner_text()
    for (note,) in drafts:
        if str(note) not in published_notes:
            assert str(note) not in timeline

    milestones = _rows("SELECT title FROM fct_milestones WHERE recommendation_id = :rid", rid=rid)
    rows = page.locator("#recommendation-milestones tbody tr")
    expect(rows).to_have_count(len(milestones))
    for (title,) in milestones:
        expect(page.locator("#recommendation-milestones")).to_contain_text(str(title))

    projects = _rows(
        "SELECT p.title FROM dim_projects p JOIN bridge_project_recommendations b "
        "USING (project_id) WHERE b.recommendation_id = :rid AND p.is_published",
        rid=rid,
    )
    expect(page.locator("#recommendation-projects li")).to_have_count(len(projects))
    pence = _rows(
        "SELECT COALESCE(SUM(amount_awarded_pence), 0) FROM fct_grants WHERE currency = 'GBP' "
        "AND grant_id IN (SELECT pg.grant_id FROM bridge_project_grants pg "
        " JOIN bridge_project_recommendations b USING (project_id) "
        " JOIN dim_projects p USING (project_id) "
        " WHERE b.recommendation_id = :rid AND p.is_published)",
        rid=rid,
    )[0][0]
    if int(str(pence)):
        pounds, rest = divmod(int(str(pence)), 100)
        shown = f"£{pounds:,}" + (f".{rest:02d}" if rest else "")
        expect(page.locator(".recommendation-funding-total")).to_contain_text(shown)
    screenshot(page, "recommendation")
    assert console_errors == []


def test_an_unknown_recommendation_is_not_found(live_server: str, page: Page) -> None:
    page.goto(live_server + "/recommendations/NO-SUCH-ID")
    expect(page.locator("h1")).to_have_text("Recommendation not found")
    expect(page.locator(".recommendation-update")).to_have_count(0)


def test_both_pages_have_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/recommendations")
    _wait_for_tracker(page)
    assert serious_accessibility_violations(page) == []
    rid = _with_updates_milestones_and_projects()
    page.goto(live_server + f"/recommendations/{rid}")
    expect(page.locator(".recommendation-update").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
