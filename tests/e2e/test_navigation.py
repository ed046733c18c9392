"""The site navigation: every page link on show at desktop widths, folded into the ☰ menu on a
phone, and the navbar never wider than the screen."""

from __future__ import annotations

import dash
import pytest
from playwright.sync_api import Page, expect

import app  # noqa: F401  (registers the pages)

DESKTOP_WIDTHS = [1280, 1024]


def nav_pages() -> list[str]:
    return [page["name"] for page in dash.page_registry.values() if page.get("nav", True)]


@pytest.mark.parametrize("width", DESKTOP_WIDTHS)
def test_every_page_link_shows_at_desktop_width_without_the_menu_button(
    live_server: str, page: Page, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/funding")
    navigation = page.get_by_role("navigation")
    expect(page.locator("#navbar-toggler")).to_be_hidden()
    for name in nav_pages():
        expect(navigation.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_label("Dark mode")).to_be_visible()
    expect(navigation.get_by_role("link", name="Staff sign in")).to_be_visible()
    # The links sit in a row under the brand, on no more than two lines.
    tops = {
        round(box["y"])
        for name in nav_pages()
        if (box := navigation.get_by_role("link", name=name, exact=True).bounding_box())
    }
    assert len(tops) <= (1 if width >= 1280 else 2), tops
    navigation.get_by_role("link", name="Research library", exact=True).click()
    expect(page).to_have_url(live_server + "/research")


def test_a_phone_keeps_the_menu_button_and_opens_the_links_from_it(
    live_server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/funding")
    navigation = page.get_by_role("navigation")
    toggler = page.locator("#navbar-toggler")
    expect(toggler).to_be_visible()
    expect(navigation.get_by_role("link", name="Spend", exact=True)).to_be_hidden()
    toggler.click()
    for name in nav_pages():
        expect(navigation.get_by_role("link", name=name, exact=True)).to_be_visible()
    navigation.get_by_role("link", name="Spend", exact=True).click()
    expect(page).to_have_url(live_server + "/spend")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
