"""Board snapshots in Chromium and over HTTP: leadership freezes a snapshot from /snapshots and
lands on its citable URL; the public opens the same URL and sees the same frozen figures; the
changes tab and the overview's panel say what changed since; a wrong form says why beside the
field; an unknown id says so; a lead and the public cannot freeze, whatever they post."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text

from tests.e2e.conftest import (
    ConsoleErrors,
    interactive_context,
    screenshot,
    serious_accessibility_violations,
)
from warehouse import users
from warehouse.db import make_engine

PASSWORD = "correct horse battery"
CHAIR = "snapshot.chair@example.org"
LEAD = "snapshot.lead@example.org"
ADMIN = "snapshot.admin@example.org"


@pytest.fixture(scope="module")
def warehouse(live_server: str) -> Iterator[Engine]:
    engine = make_engine(os.environ["DATABASE_URL"])
    for email, name, role, streams in (
        (CHAIR, "Chris Chair", "leadership", []),
        (LEAD, "Lee Lead", "lead", ["WS1"]),
        (ADMIN, "Ada Admin", "admin", []),
    ):
        if users.find_user(engine, email) is None:
            users.create_user(engine, email, name, PASSWORD, role, streams)
    yield engine
    engine.dispose()


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM meta_snapshots")).scalar_one())


def _sign_in(page: Page, live_server: str, email: str, next_path: str) -> None:
    page.goto(f"{live_server}/sign-in?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + next_path)


def _wait_for_snapshot(page: Page) -> None:
    expect(page.locator(".snapshot-figures")).to_be_visible()
    expect(page.locator(".snapshot-recommendations tbody tr")).not_to_have_count(0)


def test_leadership_freezes_a_snapshot_and_the_public_sees_the_same_figures(
    live_server: str,
    warehouse: Engine,
    page: Page,
    browser: Browser,
    console_errors: ConsoleErrors,
) -> None:
    _sign_in(page, live_server, CHAIR, "/snapshots")
    form = page.locator("#freeze")
    expect(form.get_by_role("heading", name="Freeze a snapshot")).to_be_visible()
    expect(page.get_by_label("Board date")).to_have_value(date.today().isoformat())
    page.get_by_label("Name").fill("Health & Wellbeing Board")
    page.get_by_label("Board date").fill("2026-03-05")
    before = _count(warehouse)
    page.get_by_role("button", name="Freeze a snapshot").click()

    page.wait_for_url(re.compile(r"/snapshots/health-and-wellbeing-board-2026-03-05(-\d+)?$"))
    assert _count(warehouse) == before + 1
    url = page.url
    expect(page.get_by_role("heading", name="Health & Wellbeing Board", level=1)).to_be_visible()
    _wait_for_snapshot(page)
    expect(page.locator(".snapshot-frozen-banner")).to_contain_text("figures do not change")
    expect(page.locator(".snapshot-cite")).to_contain_text(url)
    expect(page.locator(".snapshot-cite")).to_contain_text("5 March 2026")
    expect(page.get_by_text("Frozen by Chris Chair")).to_be_visible()
    frozen_text = page.locator(".snapshot-figures").inner_text()
    # The frozen recommendations are the register's, with their statuses.
    with warehouse.connect() as conn:
        recommendations = conn.execute(text("SELECT COUNT(*) FROM dim_recommendations")).scalar()
    expect(page.locator(".snapshot-recommendations tbody tr")).to_have_count(
        int(recommendations or 0)
    )
    assert "£" in frozen_text and "P&C research funding" in frozen_text
    screenshot(page, "snapshot-page")
    assert serious_accessibility_violations(page) == []

    # What changed since: nothing yet, in five sections.
    page.get_by_role("link", name=re.compile("What changed since")).click()
    page.wait_for_url(url + "?view=changes")
    changes = page.locator(".snapshot-changes")
    for heading in (
        "Status moves",
        "New awards and the change in £",
        "Milestones met and missed",
        "New policy decisions",
        "Overdue today",
    ):
        expect(changes.get_by_role("heading", name=heading)).to_be_visible()
    expect(changes).to_contain_text("No recommendation changed status")
    screenshot(page, "snapshot-changes")
    assert serious_accessibility_violations(page) == []

    # The public, in a browser of its own, opens the same address and sees the same figures.
    public = interactive_context(browser, viewport={"width": 1280, "height": 900})
    try:
        visitor = public.new_page()
        visitor_errors: list[str] = []
        visitor.on(
            "console", lambda m: visitor_errors.append(m.text) if m.type == "error" else None
        )
        visitor.goto(url)
        _wait_for_snapshot(visitor)
        assert visitor.locator(".snapshot-figures").inner_text() == frozen_text
        expect(visitor.locator("#nav-account")).to_contain_text("Staff sign in")
        visitor.goto(url + "?view=changes")
        expect(visitor.locator(".snapshot-changes")).to_be_visible()
        expect(
            visitor.get_by_role("link", name=re.compile("What changed since"))
        ).to_have_attribute("aria-current", "page")
        # The list shows it, and no freeze form to the public.
        visitor.goto(live_server + "/snapshots")
        expect(visitor.get_by_role("link", name="Health & Wellbeing Board").first).to_be_visible()
        expect(visitor.locator("#freeze")).to_have_count(0)
        screenshot(visitor, "snapshots-list-public")
        # The overview links to what changed since the last board.
        visitor.goto(live_server + "/")
        panel = visitor.locator(".overview-snapshot-panel")
        expect(panel).to_contain_text("What changed since the last board")
        panel.get_by_role("link", name="See what changed").click()
        visitor.wait_for_url(re.compile(r"/snapshots/[a-z0-9-]+\?view=changes$"))
        expect(visitor.locator(".snapshot-changes")).to_be_visible()
        assert visitor_errors == []
    finally:
        public.close()
    assert console_errors == []


def test_the_freeze_form_says_what_is_wrong_beside_the_field(
    live_server: str, warehouse: Engine, page: Page, console_errors: ConsoleErrors
) -> None:
    _sign_in(page, live_server, ADMIN, "/snapshots")
    before = _count(warehouse)
    page.get_by_label("Name").fill("   ")
    page.get_by_role("button", name="Freeze a snapshot").click()
    expect(page.locator("#snapshot-name-error")).to_have_text(
        "Give the snapshot a name, e.g. Health and Wellbeing Board."
    )
    # The field is marked, and its accessible name carries the message.
    expect(page.locator("#snapshot-name")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label(re.compile("Give the snapshot a name"))).to_have_count(1)
    page.get_by_label("Name").fill("Cabinet")
    page.get_by_label("Board date").fill("5 March")
    page.get_by_role("button", name="Freeze a snapshot").click()
    expect(page.locator("#snapshot-date-error")).to_contain_text("YYYY-MM-DD")
    expect(page.get_by_label("Name")).to_have_value("Cabinet")
    assert _count(warehouse) == before
    screenshot(page, "snapshots-form-error")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_an_unknown_snapshot_says_so(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(live_server + "/snapshots/no-such-board-2020-01-01")
    expect(page.get_by_role("heading", name="Snapshot not found")).to_be_visible()
    expect(page.get_by_text("no-such-board-2020-01-01")).to_be_visible()
    expect(page.get_by_role("link", name="See all snapshots")).to_be_visible()
    assert console_errors == []


# -- HTTP: only leadership and admin freeze --------------------------------------------------


def _client() -> FlaskClient:
    from app import server

    return server.test_client()


def _signed_in(email: str) -> tuple[FlaskClient, str]:
    """A client signed in as ``email`` and the CSRF token of its session."""
    test_client = _client()
    page = test_client.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    response = test_client.post(
        "/sign-in",
        data={"csrf_token": html.unescape(found.group(1)), "email": email, "password": PASSWORD},
    )
    assert response.status_code == 303, response.text
    test_client.get("/snapshots")  # sets the CSRF cookie, as for the browser
    cookie = test_client.get_cookie("_csrf_token")
    assert cookie is not None
    return test_client, cookie.value


def test_only_leadership_and_admin_can_freeze_at_the_http_level(warehouse: Engine) -> None:
    form = {"name": "Forged board", "as_of": "2026-01-01"}
    before = _count(warehouse)

    public = _client().post("/snapshots/new", data=form)
    assert public.status_code == 302 and public.headers["Location"].startswith("/sign-in?next=")
    public_json = _client().post(
        "/snapshots/new", data=form, headers={"Accept": "application/json"}
    )
    assert public_json.status_code == 401

    lead, lead_token = _signed_in(LEAD)
    refused = lead.post("/snapshots/new", data={**form, "csrf_token": lead_token})
    assert refused.status_code == 403
    assert lead.get("/snapshots/new").status_code == 403

    chair, chair_token = _signed_in(CHAIR)
    assert chair.post("/snapshots/new", data=form).status_code == 400  # no CSRF token
    assert _count(warehouse) == before

    made = chair.post("/snapshots/new", data={**form, "csrf_token": chair_token})
    assert made.status_code == 303
    assert made.headers["Location"] == "/snapshots/forged-board-2026-01-01"
    assert _count(warehouse) == before + 1

    admin, admin_token = _signed_in(ADMIN)
    again = admin.post("/snapshots/new", data={**form, "csrf_token": admin_token})
    assert again.headers["Location"] == "/snapshots/forged-board-2026-01-01-2"
    bad = admin.post("/snapshots/new", data={"name": "", "csrf_token": admin_token})
    assert bad.status_code == 303 and "freeze_error=name-empty" in bad.headers["Location"]
    assert _count(warehouse) == before + 2


def test_the_json_views_serve_the_frozen_figures(warehouse: Engine) -> None:
    chair, token = _signed_in(CHAIR)
    made = chair.post("/snapshots/new", data={"name": "API board", "csrf_token": token})
    snapshot_id = made.headers["Location"].rsplit("/", 1)[1]
    listing = _client().get("/api/v1/snapshots")
    assert listing.status_code == 200 and "no-store" in listing.headers["Cache-Control"]
    assert snapshot_id in [s["snapshot_id"] for s in listing.get_json()["snapshots"]]
    one = _client().get(f"/api/v1/snapshots/{snapshot_id}.json")
    assert one.status_code == 200
    with warehouse.connect() as conn:
        stored = conn.execute(
            text("SELECT figures FROM meta_snapshots WHERE snapshot_id = :s"), {"s": snapshot_id}
        ).scalar_one()
    assert f'"figures":{stored},' in one.text  # the very bytes frozen
    assert one.get_json()["snapshot"]["frozen_by"] == "Chris Chair"
    missing = _client().get("/api/v1/snapshots/not-a-snapshot.json")
    assert missing.status_code == 404 and "not-a-snapshot" in missing.get_json()["error"]
