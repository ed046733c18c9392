"""A workstream lead's journey in Chromium: sign in, get told beside each field what is wrong,
save an update with evidence as a draft (which the public does not see anywhere), publish it
(now on the public tracker, the recommendation's page and its history, under the lead's name),
and be told clearly when someone else changed the recommendation first."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ConsoleErrors,
    interactive_context,
    screenshot,
    serious_accessibility_violations,
)
from warehouse import users
from warehouse.db import make_engine
from warehouse.editing import StaffMember, editing_state, post_update

PASSWORD = "correct horse battery"
EMAIL = "journey.lead@example.org"
NAME = "Jo Journey"
OTHER_EMAIL = "journey.other@example.org"
OTHER_NAME = "Sam Second"
RECOMMENDATION = "R01"  # demo: workstream WS1
NOTE = "Partnership board agreed the pooled research fund; terms published."
EVIDENCE = "https://example.org/board/pooled-fund-terms.pdf"


@pytest.fixture(scope="module")
def other_lead(live_server: str) -> Iterator[StaffMember]:
    engine = make_engine(os.environ["DATABASE_URL"])
    if users.find_user(engine, EMAIL) is None:
        users.create_user(engine, EMAIL, NAME, PASSWORD, "lead", ["WS1"])
    other = users.find_user(engine, OTHER_EMAIL) or users.create_user(
        engine, OTHER_EMAIL, OTHER_NAME, PASSWORD, "lead", ["WS1"]
    )
    engine.dispose()
    yield StaffMember(other.user_id, other.display_name, other.role, other.workstreams)


def _public_page(browser: Browser, url: str) -> Page:
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto(url)
    return public


def _sign_in_as_the_lead(page: Page, live_server: str, recommendation_id: str) -> str:
    """Sign in as the journey's lead from the sign-in form; returns the recommendation's
    address, where the form sends the lead back."""
    address = f"{live_server}/recommendations/{recommendation_id}"
    page.goto(f"{live_server}/sign-in?next=/recommendations/{recommendation_id}")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(address)
    return address


def _status_badge(page: Page) -> str:
    badge = page.locator("#recommendation-detail .recommendation-page dd .recommendation-status")
    expect(badge).to_be_visible()
    return badge.inner_text()


def test_a_lead_drafts_publishes_and_finds_the_update_in_the_history(
    live_server: str,
    page: Page,
    browser: Browser,
    console_errors: ConsoleErrors,
    other_lead: StaffMember,
) -> None:
    address = _sign_in_as_the_lead(page, live_server, RECOMMENDATION)
    editor = page.locator("#recommendation-editing")
    expect(editor.get_by_role("heading", name="Edit this recommendation")).to_be_visible()
    expect(page.locator("#recommendation-detail h1")).to_have_text(
        f"Recommendation {RECOMMENDATION}"
    )
    status_before = _status_badge(page)

    # Bad input: each message sits beside its field, and nothing is saved.
    page.get_by_label("Evidence link (optional)").fill("ftp://example.org/minutes")
    page.get_by_label("Progress (%)").fill("150")
    editor.get_by_role("button", name="Publish update").click()
    expect(editor.locator(".editor-alert")).to_contain_text("Nothing was saved")
    expect(page.locator("#editor-note-error")).to_have_text("Enter a note; it cannot be empty.")
    expect(page.locator("#editor-evidence-error")).to_contain_text("http:// or https://")
    expect(page.locator("#editor-progress-error")).to_contain_text("whole number from 0 to 100")
    expect(page.get_by_label("Progress (%)")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("Progress (%)")).to_have_value("150")  # kept to correct
    screenshot(page, "recommendation-editor-errors")

    # A draft with evidence: staff see it, marked Draft; the public does not.
    page.get_by_label("What happened").fill(NOTE)
    page.get_by_label("Evidence link (optional)").fill(EVIDENCE)
    page.get_by_label("Progress (%)").fill("45")
    page.get_by_label("Status").select_option("paused")
    page.get_by_label("Delivery confidence").select_option("amber_red")
    editor.get_by_role("button", name="Save as draft").click()
    expect(editor.locator(".editor-alert")).to_contain_text("Draft saved")
    draft = editor.locator(".editor-draft").filter(has_text=NOTE)
    expect(draft).to_have_count(1)
    expect(draft).to_contain_text("Draft")
    history = page.locator("#recommendation-history-section")
    expect(history.locator(".history-entry").filter(has_text=NOTE)).to_contain_text("Draft")
    expect(page.locator("#recommendation-timeline")).not_to_contain_text(NOTE)
    assert _status_badge(page) == status_before  # a draft changes nothing yet
    screenshot(page, "recommendation-editor")
    assert serious_accessibility_violations(page) == []

    public = _public_page(browser, address)
    expect(public.locator("#recommendation-history-section")).to_be_visible()
    expect(public.locator("#recommendation-timeline")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text(NOTE)
    expect(public.locator("#recommendation-editing")).to_have_count(0)
    expect(public.locator("#editor-note")).to_have_count(0)
    public.goto(f"{live_server}/recommendations")
    card = public.locator(f"#recommendation-{RECOMMENDATION}")
    expect(card.locator(".recommendation-status")).to_have_text(status_before)

    # Published: on the tracker, the page's timeline and the history, under the lead's name.
    draft.get_by_role("button", name="Publish").click()
    expect(editor.locator(".editor-alert")).to_contain_text("Update published")
    expect(editor.locator(".editor-draft")).to_have_count(0)
    expect(page.locator("#recommendation-timeline")).to_contain_text(NOTE)
    assert _status_badge(page) == "Paused"

    public.reload()
    expect(card.locator(".recommendation-status")).to_have_text("Paused")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "45")
    public.goto(address)
    timeline = public.locator("#recommendation-timeline")
    expect(timeline).to_contain_text(NOTE)
    expect(timeline.locator(".recommendation-update").filter(has_text=NOTE)).to_contain_text(
        "Delivery confidence: Amber → Amber/red"
    )
    expect(timeline.get_by_role("link", name="Evidence").last).to_have_attribute("href", EVIDENCE)
    history = public.locator("#recommendation-history-section")
    history.get_by_role("heading", name="History of changes").click()  # folded for the public
    entry = history.locator(".history-entry").filter(has_text=NOTE)
    expect(entry).to_contain_text(NAME)
    expect(entry).to_contain_text("UTC")
    expect(entry).not_to_contain_text("Draft")
    expect(entry.get_by_role("link", name="Evidence")).to_have_attribute("href", EVIDENCE)
    public.context.close()

    # Someone else changes the recommendation while this lead is writing: told who, when and
    # what; the page shows the new state; the typed note is kept to post again.
    page.get_by_label("What happened").fill("A later note written from an older view.")
    engine = make_engine(os.environ["DATABASE_URL"])
    post_update(
        engine,
        author=other_lead,
        recommendation_id=RECOMMENDATION,
        expected_version=editing_state(engine, RECOMMENDATION).recommendation["version"],
        note="Restarted after the pause.",
        status_to="in_progress",
        publish=True,
    )
    engine.dispose()
    editor.get_by_role("button", name="Publish update").click()
    alert = editor.locator(".editor-alert")
    expect(alert).to_contain_text(f"Someone else changed this recommendation first ({OTHER_NAME}, ")
    expect(alert).to_contain_text("status Paused → In progress")
    expect(alert).to_contain_text("Your update was not saved; review it and post again.")
    expect(page.get_by_label("What happened")).to_have_value(
        "A later note written from an older view."
    )
    expect(page.locator("#recommendation-timeline")).to_contain_text("Restarted after the pause.")
    assert _status_badge(page) == "In progress"
    screenshot(page, "recommendation-editor-conflict")
    # Posting again, from the version now shown, goes through.
    editor.get_by_role("button", name="Publish update").click()
    expect(alert).to_contain_text("Update published")
    assert console_errors == []


def test_a_lead_adds_and_edits_a_milestone(
    live_server: str, page: Page, console_errors: ConsoleErrors, other_lead: StaffMember
) -> None:
    rid = "R03"  # demo: workstream WS1
    _sign_in_as_the_lead(page, live_server, rid)
    editor = page.locator("#recommendation-editing")
    form = editor.locator(".editor-milestone-form")
    expect(form).to_be_visible()

    form.get_by_label("Title").fill("Evaluation report to the board")
    form.get_by_label("Due date (optional)").fill("31/03/2027")
    form.get_by_role("button", name="Save milestone").click()
    expect(page.locator("#editor-milestone-due-error")).to_have_text(
        "Enter the date as YYYY-MM-DD, for example 2025-03-31."
    )
    expect(form.get_by_label("Title")).to_have_value("Evaluation report to the board")
    milestones = page.locator("#recommendation-milestones")
    expect(milestones).not_to_contain_text("Evaluation report to the board")

    form.get_by_label("Due date (optional)").fill("2027-03-31")
    form.get_by_role("button", name="Save milestone").click()
    expect(editor).to_contain_text("Milestone added.")
    expect(milestones).to_contain_text("Evaluation report to the board")
    expect(milestones).to_contain_text("31 March 2027")

    choice = form.get_by_label("Milestone", exact=True)
    choice.select_option(label="Edit: Evaluation report to the board (due 31 March 2027)")
    expect(form.get_by_label("Title")).to_have_value("Evaluation report to the board")
    expect(form.get_by_label("Due date (optional)")).to_have_value("2027-03-31")
    form.get_by_label("Title").fill("Evaluation report published")
    form.get_by_role("button", name="Save milestone").click()
    expect(editor).to_contain_text("Milestone saved.")
    expect(milestones).to_contain_text("Evaluation report published")
    entry = page.locator("#recommendation-history-section .history-entry").first
    expect(entry).to_contain_text("Edited milestone “Evaluation report published”")
    expect(entry).to_contain_text(NAME)
    assert console_errors == []


def test_a_double_click_on_save_saves_one_draft_and_no_conflict(
    live_server: str, page: Page, console_errors: ConsoleErrors, other_lead: StaffMember
) -> None:
    rid = "R02"  # demo: workstream WS1
    _sign_in_as_the_lead(page, live_server, rid)
    editor = page.locator("#recommendation-editing")
    note = "Steering group met; one draft only, however eagerly it is saved."
    page.get_by_label("What happened").fill(note)
    # A second click 150 ms after the first, while the first is being saved.
    editor.get_by_role("button", name="Save as draft").evaluate(
        "button => { button.click(); setTimeout(() => button.click(), 150); }"
    )
    expect(editor.locator(".editor-alert")).to_contain_text("Draft saved")
    page.wait_for_load_state("networkidle")
    expect(editor.locator(".editor-alert")).not_to_contain_text("Someone else changed")
    expect(editor.locator(".editor-draft").filter(has_text=note)).to_have_count(1)
    assert console_errors == []
