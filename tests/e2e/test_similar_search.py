"""'Has this been done already?' on /research: a proposed project finds the closest published
projects and P&C research grants, ranked, with scores and the words in common; a project result
opens its page; drafts never show; empty and unmatched searches say so; and the panel is
accessible."""

from __future__ import annotations

import os
import re

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.ids import SIMILAR_DESCRIPTION, SIMILAR_RESULTS, SIMILAR_SUBMIT, SIMILAR_TITLE
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

RESULTS = f"#{SIMILAR_RESULTS} .similar-result"
MAX_RESULTS = 10


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _project(published: bool) -> tuple[str, str, str]:
    rows = _rows(
        "SELECT project_id, title, lay_summary FROM dim_projects "
        f"WHERE {'' if published else 'NOT '}is_published AND lay_summary IS NOT NULL "
        "ORDER BY project_id"
    )
    assert rows, "the demo should hold such a project"
    project_id, title, summary = rows[0]
    return str(project_id), str(title), str(summary)


def _search(page: Page, title: str, description: str) -> None:
    page.locator(f"#{SIMILAR_TITLE}").fill(title)
    page.locator(f"#{SIMILAR_DESCRIPTION}").fill(description)
    page.locator(f"#{SIMILAR_SUBMIT}").click()


def _scores(page: Page) -> list[int]:
    texts = page.locator(f"{RESULTS} .similar-score strong").all_inner_texts()
    return [int(t.rstrip("%")) for t in texts]


def test_a_proposal_finds_ranked_projects_and_grants_and_a_project_opens_its_page(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    project_id, title, summary = _project(published=True)
    page.goto(live_server + "/research")
    panel = page.get_by_role("region", name="Has this been done already?")
    expect(panel).to_be_visible()
    _search(page, title, summary)
    expect(panel.locator(".similar-explanation")).to_contain_text("cosine similarity")

    results = page.locator(RESULTS)
    expect(results.first).to_be_visible()
    count = results.count()
    assert 1 < count <= MAX_RESULTS
    scores = _scores(page)
    assert len(scores) == count
    assert scores == sorted(scores, reverse=True)
    assert scores[0] >= 50
    first = results.first
    expect(first).to_contain_text("Project")
    expect(first).to_contain_text("Strong match")
    expect(first.get_by_role("link")).to_have_text(title)
    expect(first.get_by_role("link")).to_have_attribute("href", f"/research/{project_id}")
    terms = first.locator(".similar-term")
    expect(terms.first).to_be_visible()
    words = set(re.findall(r"\w+", f"{title} {summary}".lower()))
    for term in terms.all_inner_texts():
        phrase = term.rsplit(" +", 1)[0]
        assert set(phrase.split()) <= words, phrase
    expect(page.locator(f"{RESULTS}.similar-grant").first).to_contain_text("Funded by")
    expect(page.locator(f"{RESULTS}.similar-grant").first).to_contain_text("£")
    expect(page.locator(f"#{SIMILAR_RESULTS}")).to_contain_text(f"The {count} most similar of")
    screenshot(page, "research-similar")
    assert serious_accessibility_violations(page) == []

    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/research/{re.escape(project_id)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert console_errors == []


def test_an_unpublished_project_never_appears(live_server: str, page: Page) -> None:
    project_id, title, summary = _project(published=False)
    page.goto(live_server + "/research")
    _search(page, title, summary)
    expect(page.locator(RESULTS).first).to_be_visible()
    expect(page.locator(f"#{SIMILAR_RESULTS} a[href='/research/{project_id}']")).to_have_count(0)
    assert _scores(page)[0] < 100


def test_enter_in_the_title_searches_and_empty_or_unmatched_searches_say_so(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/research")
    messages = page.locator(f"#{SIMILAR_RESULTS} .similar-message")
    page.locator(f"#{SIMILAR_SUBMIT}").click()
    expect(messages).to_contain_text("Type a title or a description")

    page.locator(f"#{SIMILAR_TITLE}").fill("Xylophone quartets zzyzx")
    page.locator(f"#{SIMILAR_TITLE}").press("Enter")
    expect(messages).to_contain_text("Nothing similar found")
    expect(page.locator(RESULTS)).to_have_count(0)

    _, title, _ = _project(published=True)
    page.locator(f"#{SIMILAR_TITLE}").fill(title)
    page.locator(f"#{SIMILAR_TITLE}").press("Enter")
    expect(page.locator(RESULTS).first).to_be_visible()
    expect(messages).to_have_count(0)
    assert console_errors == []
