"""A resident on a phone (375 px): pages fit the screen's width without scrolling sideways,
with no serious accessibility violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import serious_accessibility_violations

PHONE = {"width": 375, "height": 800}


@pytest.mark.parametrize("path", ["/research"])
def test_page_fits_a_phone_without_sideways_scrolling(
    live_server: str, page: Page, path: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + path)
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".filter-bar button.dash-dropdown").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    violations = serious_accessibility_violations(page)
    assert violations == [], "\n".join(violations)
