"""Signing in and out in Chromium: a lead signs in, sees their name in the navbar on every
page (whose charts still draw: Dash's callbacks carry the CSRF header), and signs out. The
sign-in page is accessible and says what went wrong beside the field."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations
from warehouse import users
from warehouse.db import make_engine

PASSWORD = "correct horse battery"
EMAIL = "browser.lead@example.org"


@pytest.fixture(scope="module")
def lead(live_server: str) -> str:
    engine = make_engine(os.environ["DATABASE_URL"])
    if users.find_user(engine, EMAIL) is None:
        users.create_user(engine, EMAIL, "Bea Browser", PASSWORD, "lead", ["WS1"])
    engine.dispose()
    return EMAIL


def test_a_lead_signs_in_sees_their_name_and_signs_out(
    live_server: str, lead: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/funding")
    account = page.locator("#nav-account")
    expect(account.get_by_role("link", name="Staff sign in")).to_be_visible()
    account.get_by_role("link", name="Staff sign in").click()

    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Ffunding$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(lead)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server + "/funding")
    expect(account).to_contain_text("Signed in as Bea Browser (Workstream lead)")
    # The page's callbacks (POSTs with the X-CSRFToken header) still draw the charts.
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.locator("#footer-last-load")).not_to_have_text("…")
    screenshot(page, "signed-in-navbar")

    page.goto(live_server + "/recommendations")
    expect(account).to_contain_text("Bea Browser")

    account.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(account.get_by_role("link", name="Staff sign in")).to_be_visible()
    expect(account).not_to_contain_text("Bea Browser")
    assert console_errors == []


def test_a_wrong_password_is_explained_beside_the_field(
    live_server: str, lead: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email").fill(lead)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password-error")).to_have_text("The email or password is not right.")
    expect(page.get_by_label("Email")).to_have_value(lead)
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_sign_in_page_is_accessible(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    response = page.goto(live_server + "/sign-in")
    assert response is not None and response.status == 200
    expect(page.get_by_role("main")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sign-in")
    assert console_errors == []
