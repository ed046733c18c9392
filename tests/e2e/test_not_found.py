"""A path that is no page answers 404, and the browser still shows the site's own message."""

from __future__ import annotations

import re

import dash
import pytest
from playwright.sync_api import Page, expect

import app  # noqa: F401  (registers the pages)


def _page_paths() -> list[str]:
    return [
        str(page.get("path_template") or page["path"]).replace("<", "").replace(">", "")
        for page in dash.page_registry.values()
    ]


@pytest.mark.parametrize("path", ["/no-such-page", "/research/one/two", "/favicon.ico"])
def test_a_path_that_is_no_page_answers_404_with_the_site_around_it(
    live_server: str, page: Page, path: str
) -> None:
    response = page.goto(live_server + path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("navigation").first).to_be_visible()
    expect(page.locator("main").first).to_contain_text(re.compile("not found", re.IGNORECASE))


def test_every_page_answers_200(live_server: str, page: Page) -> None:
    for path in _page_paths():
        response = page.request.get(live_server + path)
        assert response.status == 200, path
