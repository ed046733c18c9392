"""The overview page: loads cleanly, counts what the warehouse holds, navigates, is accessible."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations


def test_overview_shows_warehouse_counts_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("Overview"))
    grants_card = page.locator(".card", has_text="Grants").first
    expect(grants_card).to_contain_text("600")
    expect(page.locator(".card", has_text="Recommendations").first).to_contain_text("16")
    expect(page.locator("footer")).not_to_contain_text("nothing loaded yet")
    screenshot(page, "overview")
    assert console_errors == []


def test_skip_link_moves_focus_to_main_content(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))


def test_overview_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    expect(page.locator(".card").first).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_healthz_reports_database_reachable(live_server: str, page: Page) -> None:
    response = page.request.get(live_server + "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "reachable"}
