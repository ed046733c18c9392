"""A path that is no page answers 404, and so does the page of a record that is not there for
the visitor (unknown, or a draft to the public); the browser still shows the site's own
message."""

from __future__ import annotations

import re
from urllib.parse import quote

import dash
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

import app  # noqa: F401  (registers the pages)
from tests.e2e.test_auth_http import ROLES, page_routes, signed_in
from tests.e2e.test_auth_http import warehouse as warehouse  # the accounts of every role
from web.not_found import RECORD_PAGES

UNKNOWN = "NO-SUCH-RECORD"


@pytest.mark.parametrize("path", ["/no-such-page", "/research/one/two", "/favicon.ico"])
def test_a_path_that_is_no_page_answers_404_with_the_site_around_it(
    live_server: str, page: Page, path: str
) -> None:
    response = page.goto(live_server + path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("navigation").first).to_be_visible()
    expect(page.locator("main").first).to_contain_text(re.compile("not found", re.IGNORECASE))


def test_every_page_answers_200(live_server: str, page: Page, warehouse: Engine) -> None:
    for path in page_routes(warehouse):
        response = page.request.get(live_server + path)
        assert response.status == 200, path


def test_every_record_page_is_checked() -> None:
    templates = {
        str(p["path_template"]) for p in dash.page_registry.values() if p.get("path_template")
    }
    assert set(RECORD_PAGES) == templates


def test_the_page_of_an_unknown_record_answers_404_with_the_site_around_it(
    live_server: str, page: Page, warehouse: Engine
) -> None:
    for template in RECORD_PAGES:
        path = template.split("<")[0] + UNKNOWN
        for role in ROLES:
            status = signed_in(role).get(path).status_code
            # Only admins see load runs: everyone else is asked to sign in, found or not.
            hidden = template.startswith("/data/loads/") and role != "admin"
            assert status == (200 if hidden else 404), (role, path)
    response = page.goto(f"{live_server}/research/{UNKNOWN}")
    assert response is not None and response.status == 404
    expect(page.locator("main").first).to_contain_text(re.compile("not found", re.IGNORECASE))


def test_a_draft_projects_pages_answer_404_to_all_but_staff_who_see_drafts(
    warehouse: Engine,
) -> None:
    with warehouse.connect() as conn:
        draft = conn.execute(
            text("SELECT MIN(project_id) FROM dim_projects WHERE NOT is_published")
        ).scalar_one()
    assert draft is not None, "the demo has draft projects"
    expected = {"public": 404, "lead": 404, "leadership": 200, "admin": 200}
    for role, status in expected.items():
        visitor = signed_in(role)
        for path in (f"/research/{quote(draft, safe='')}", f"/impact/{quote(draft, safe='')}"):
            assert visitor.get(path).status_code == status, (role, path)
