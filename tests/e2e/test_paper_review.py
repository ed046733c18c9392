"""The review queue of research found in decision papers, in Chromium, with both roles: the
public sees neither the queue nor any candidate (page, API, downloads); a workstream lead
confirms one candidate (published: it appears on /impact with its citing words) and dismisses
another (it does not come back when the papers are read again). /impact links staff to the
queue with how many candidates wait, and never the public; papers that could not be read
(scanned) are listed to staff on the queue's page with the reason."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from data_pipeline.demo.papers import write_demo_papers
from data_pipeline.papers.sources import papers_in_folder
from data_pipeline.papers.store import store_papers
from data_pipeline.papers.targets import research_targets
from tests.e2e.conftest import (
    ConsoleErrors,
    interactive_context,
    screenshot,
    serious_accessibility_violations,
)
from tests.papers.documents import scanned_pdf_bytes
from warehouse import users
from warehouse.db import make_engine
from warehouse.schema import dim_projects, fct_paper_mentions

PASSWORD = "correct horse battery"
LEAD = "papers.lead@example.org"


@pytest.fixture(scope="module")
def papers_read(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Demo papers citing the served warehouse's published projects, read into it, and a lead
    of every workstream."""
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        projects = [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    dim_projects.c.project_id,
                    dim_projects.c.title,
                    dim_projects.c.provider_org_id,
                    dim_projects.c.provider_name,
                )
                .where(dim_projects.c.is_published)
                .order_by(dim_projects.c.project_id)
            )
        ]
    folder = tmp_path_factory.mktemp("papers")
    write_demo_papers(projects, folder, count=6)
    store_papers(engine, papers_in_folder(folder), research_targets(engine))
    if users.find_user(engine, LEAD) is None:
        users.create_user(
            engine, LEAD, "Pat Papers", PASSWORD, "lead", ["WS1", "WS2", "WS3", "WS4", "WS5"]
        )
    engine.dispose()
    yield folder


def _pending_snippets() -> list[str]:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            select(fct_paper_mentions.c.snippet).where(fct_paper_mentions.c.status == "pending")
        ).scalars()
        snippets = list(rows)
    engine.dispose()
    return snippets


def _sign_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/sign-in?next=/papers/review")
    page.get_by_label("Email").fill(LEAD)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/papers/review")


def test_the_public_sees_no_queue_and_no_candidate(
    live_server: str, papers_read: Path, browser: Browser, console_errors: ConsoleErrors
) -> None:
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto(f"{live_server}/papers/review")
    expect(public.get_by_text("This page is for workstream leads.")).to_be_visible()
    expect(public.get_by_role("button", name="Confirm")).to_have_count(0)
    snippets = _pending_snippets()
    assert snippets
    sample = snippets[0][:60]
    for path in ("/papers/review", "/impact", "/api/v1/policy-decisions.json"):
        body = public.request.get(f"{live_server}{path}").text()
        assert sample not in body and "PAPER-" not in body, path
    csv = public.request.get(f"{live_server}/api/v1/policy-decisions.csv").text()
    assert sample not in csv and "PAPER-" not in csv
    context.close()
    assert console_errors == []


def test_a_lead_confirms_one_candidate_and_dismisses_another(
    live_server: str,
    papers_read: Path,
    page: Page,
    browser: Browser,
    console_errors: ConsoleErrors,
) -> None:
    _sign_in(page, live_server)
    cards = page.locator(".paper-review-queue .card")
    expect(cards.first).to_be_visible()
    before = cards.count()
    screenshot(page, "paper-review-queue")
    assert serious_accessibility_violations(page) == []

    first = cards.first
    confirmed_label = first.locator("h2").inner_text()
    first.get_by_label("Influence type").select_option("strategy-or-plan")
    first.get_by_label("Reach").select_option("local")
    first.get_by_label("Publish on the impact page").check()
    first.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed: recorded as policy decision PAPER-")).to_be_visible()
    expect(cards).to_have_count(before - 1)

    dismissed_card = cards.first
    dismissed_label = dismissed_card.locator("h2").inner_text()
    dismissed_card.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Dismissed: it will not come back.")).to_be_visible()
    expect(cards).to_have_count(before - 2)

    # Reading the same papers again brings nothing back.
    engine = make_engine(os.environ["DATABASE_URL"])
    store_papers(engine, papers_in_folder(papers_read), research_targets(engine))
    engine.dispose()
    page.reload()
    expect(cards).to_have_count(before - 2)

    # The confirmed one is a published policy decision: the public finds it on /impact.
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    public = context.new_page()
    decisions = public.request.get(
        f"{live_server}/api/v1/policy-decisions.json?per_page=1000"
    ).json()
    ours = [d for d in decisions["results"] if str(d["decision_id"]).startswith("PAPER-")]
    assert len(ours) == 1, ours
    assert ours[0]["influence_type"] == "strategy-or-plan"
    context.close()
    assert confirmed_label and dismissed_label
    assert console_errors == []


def test_impact_links_staff_to_the_queue_and_never_the_public(
    live_server: str,
    papers_read: Path,
    page: Page,
    browser: Browser,
    console_errors: ConsoleErrors,
) -> None:
    link_text = re.compile(r"candidate mentions? from decision papers")
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto(f"{live_server}/impact")
    expect(public.locator("#impact-decisions-summary")).not_to_be_empty()
    public.wait_for_load_state("networkidle")
    expect(public.get_by_text(link_text)).to_have_count(0)
    expect(public.locator("a[href='/papers/review']")).to_have_count(0)
    context.close()

    _sign_in(page, live_server)
    waiting = len(_pending_snippets())
    assert waiting > 0
    page.goto(f"{live_server}/impact")
    link = page.get_by_role("link", name=f"Review {waiting} candidate mention")
    expect(link).to_be_visible()
    assert serious_accessibility_violations(page) == []
    link.click()
    page.wait_for_url(f"{live_server}/papers/review")
    expect(page.locator(".paper-review-queue .card").first).to_be_visible()
    assert console_errors == []


def test_staff_see_the_papers_that_could_not_be_read(
    live_server: str,
    papers_read: Path,
    page: Page,
    browser: Browser,
    tmp_path: Path,
    console_errors: ConsoleErrors,
) -> None:
    (tmp_path / "scanned-board-minutes.pdf").write_bytes(scanned_pdf_bytes())
    engine = make_engine(os.environ["DATABASE_URL"])
    store_papers(engine, papers_in_folder(tmp_path), research_targets(engine))
    engine.dispose()

    _sign_in(page, live_server)
    notice = page.locator(".paper-review-unreadable")
    expect(notice).to_contain_text(re.compile(r"\d+ papers? could not be read"))
    expect(notice).to_contain_text("scanned-board-minutes")
    expect(notice).to_contain_text("no text layer: the PDF looks scanned")
    screenshot(page, "paper-review-unreadable")

    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto(f"{live_server}/papers/review")
    expect(public.get_by_text("This page is for workstream leads.")).to_be_visible()
    expect(public.get_by_text("could not be read")).to_have_count(0)
    expect(public.get_by_text("scanned-board-minutes")).to_have_count(0)
    context.close()
    assert console_errors == []
