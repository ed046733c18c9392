"""Sign-in, sessions, CSRF, the sign-in rate limit and the role matrix, at the HTTP level (the
real app through Flask's test client, over the e2e demo warehouse)."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from warehouse import snapshots, users
from warehouse.db import make_engine
from web.openapi import openapi_document
from web.sign_in_limits import trusted_proxies

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
MATRIX_SNAPSHOT = "role-matrix-2026-01-01"  # frozen by the warehouse fixture
ROLES = ("public", "lead", "leadership", "admin")
_addresses = itertools.count(1)


@pytest.fixture(scope="module")
def warehouse(live_server: str) -> Iterator[Engine]:
    """The e2e demo warehouse, with one account per role."""
    engine = make_engine(os.environ["DATABASE_URL"])
    for role in ROLES[1:]:
        if users.find_user(engine, f"{role}@matrix.example") is None:
            users.create_user(
                engine,
                f"{role}@matrix.example",
                f"Matrix {role}",
                PASSWORD,
                role,
                ["WS1"] if role == "lead" else [],
            )
    if snapshots.get_snapshot(engine, MATRIX_SNAPSHOT) is None:
        leader = users.find_user(engine, "leadership@matrix.example")
        assert leader is not None
        snapshots.freeze(engine, name="Role matrix", as_of=date(2026, 1, 1), user_id=leader.user_id)
    yield engine
    engine.dispose()


def client(address: str | None = None) -> FlaskClient:
    """A test client from its own client address (the rate limit counts per address)."""
    from app import server

    test_client = server.test_client()
    test_client.environ_base["REMOTE_ADDR"] = (
        address or f"10.9.{next(_addresses) // 250}.{next(_addresses) % 250}"
    )
    return test_client


def form_token(test_client: FlaskClient) -> str:
    """The hidden csrf_token field of the sign-in form."""
    page = test_client.get("/sign-in")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return html.unescape(found.group(1))


def sign_in(test_client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    token = form_token(test_client)
    return test_client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": password, **extra}
    )


def signed_in(role: str) -> FlaskClient:
    test_client = client()
    if role != "public":
        response = sign_in(test_client, f"{role}@matrix.example")
        assert response.status_code == 303, response.text
    return test_client


def test_sign_in_success_sets_a_safe_session_and_shows_the_user(warehouse: Engine) -> None:
    test_client = client()
    response = sign_in(test_client, "LEAD@matrix.example", next="/funding?fy_to=2024")
    assert response.status_code == 303
    assert response.headers["Location"] == "/funding?fy_to=2024"
    session_cookie = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")
    )
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # development over http; production: see below
    assert test_client.get("/admin/users").status_code == 403  # signed in, as a lead
    # The navbar's callback names the user and offers Sign out (a CSRF-carrying POST form).
    answer = navbar_callback(test_client, with_token=True)
    assert answer.status_code == 200
    shown = json.dumps(answer.get_json())
    assert "Matrix lead" in shown and "(Workstream lead)" in shown and "Sign out" in shown
    assert '"action": "/sign-out"' in shown and '"name": "csrf_token"' in shown
    out = test_client.post("/sign-out", data={"csrf_token": form_token(test_client)})
    assert out.status_code == 303
    assert "Matrix lead" not in json.dumps(navbar_callback(test_client, with_token=True).get_json())


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        ("/\t/evil.example", "/"),
        ("/\n/x", "/"),
        ("/\\evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("\t/funding?fy_to=2024", "/funding?fy_to=2024"),
        ("/fund\u3000ing", None),  # not ASCII: a path on this site, encoded or not
    ],
)
def test_sign_in_never_redirects_to_another_site(
    warehouse: Engine, next_path: str, location: str | None
) -> None:
    response = sign_in(client(), "lead@matrix.example", next=next_path)
    assert response.status_code == 303
    sent = response.headers["Location"]
    assert not sent.startswith("//") and "evil" not in sent and "\\" not in sent
    assert sent.startswith("/") and not any(c < " " for c in sent)
    if location is not None:
        assert sent == location


def test_the_public_navbar_offers_sign_in_and_names_nobody(warehouse: Engine) -> None:
    answer = navbar_callback(client(), with_token=True)
    assert answer.status_code == 200
    shown = json.dumps(answer.get_json())
    assert "Staff sign in" in shown
    assert "Matrix" not in shown and "@" not in shown and "csrf_token" not in shown


@pytest.mark.parametrize(
    ("email", "password", "status", "message"),
    [
        ("lead@matrix.example", "not the password", 200, "The email or password is not right."),
        ("nobody@matrix.example", PASSWORD, 200, "The email or password is not right."),
        ("", PASSWORD, 200, "Enter your email address."),
        ("lead@matrix.example", "", 200, "Enter your password."),
    ],
)
def test_failed_sign_in_says_why_beside_the_field_and_signs_nobody_in(
    warehouse: Engine, email: str, password: str, status: int, message: str
) -> None:
    test_client = client()
    response = sign_in(test_client, email, password)
    assert response.status_code == status
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert (
        test_client.get("/admin/users", headers={"Accept": "application/json"}).status_code == 401
    )


def test_a_password_reset_or_deactivation_ends_open_sessions(warehouse: Engine) -> None:
    users.create_user(warehouse, "temp@matrix.example", "Temp Admin", PASSWORD, "admin")
    test_client = client()
    assert sign_in(test_client, "temp@matrix.example").status_code == 303
    assert test_client.get("/admin/users").status_code == 200
    users.reset_password(warehouse, "temp@matrix.example", "a different passphrase")
    assert test_client.get("/admin/users").status_code == 302
    assert sign_in(test_client, "temp@matrix.example", "a different passphrase").status_code == 303
    users.deactivate(warehouse, "temp@matrix.example")
    assert test_client.get("/admin/users").status_code == 302
    assert sign_in(test_client, "temp@matrix.example", "a different passphrase").status_code == 200


# -- CSRF ------------------------------------------------------------------------------------


def navbar_callback(test_client: FlaskClient, *, with_token: bool, token: str | None = None):  # type: ignore[no-untyped-def]
    """POST the navbar account callback as Dash's renderer does."""
    test_client.get("/")  # for a signed-in user, the page sets the cookie the renderer reads
    cookie = test_client.get_cookie("_csrf_token")
    value = token or (cookie.value if cookie else None)
    headers = {"X-CSRFToken": value} if with_token and value else {}
    return test_client.post(
        "/_dash-update-component",
        json={
            "output": "nav-account.children",
            "outputs": {"id": "nav-account", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
            "changedPropIds": ["url.pathname"],
            "state": [],
        },
        headers=headers,
    )


def test_a_signed_in_dash_callback_without_the_csrf_header_is_refused(
    warehouse: Engine,
) -> None:
    test_client = client()
    assert sign_in(test_client, "admin@matrix.example", PASSWORD).status_code == 303
    assert navbar_callback(test_client, with_token=True).status_code == 200
    assert navbar_callback(test_client, with_token=False).status_code == 400
    assert navbar_callback(test_client, with_token=True, token="forged.token").status_code == 400


def test_a_callback_answered_after_sign_out_cannot_sign_the_browser_back_in(
    warehouse: Engine,
) -> None:
    """A page's callbacks may still be in flight when "Sign out" is pressed. Their answers must
    not carry the session cookie, or the browser would be signed in again."""
    test_client = client()
    assert sign_in(test_client, "admin@matrix.example", PASSWORD).status_code == 303
    answer = navbar_callback(test_client, with_token=True)
    assert answer.status_code == 200 and "Signed in as" in answer.text
    assert not [v for v in answer.headers.getlist("Set-Cookie") if v.startswith("session=")]


def test_the_public_uses_the_dashboard_without_any_cookie(warehouse: Engine) -> None:
    test_client = client()
    page = test_client.get("/funding")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    answer = test_client.post(
        "/_dash-update-component",
        json={
            "output": "nav-account.children",
            "outputs": {"id": "nav-account", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
            "changedPropIds": ["url.pathname"],
            "state": [],
        },
    )
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers


def test_a_sign_in_post_without_the_csrf_token_is_refused(warehouse: Engine) -> None:
    test_client = client()
    form_token(test_client)
    response = test_client.post(
        "/sign-in", data={"email": "admin@matrix.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form had expired" in response.text
    assert test_client.get("/admin/users").status_code == 302  # not signed in
    # Sign out is a change too.
    assert test_client.post("/sign-out").status_code == 400


def test_pages_set_the_csrf_cookie_for_a_signed_in_user_but_the_api_and_embeds_set_none(
    warehouse: Engine,
) -> None:
    test_client = client()
    assert sign_in(test_client, "admin@matrix.example", PASSWORD).status_code == 303
    page = test_client.get("/funding")
    cookie = next(v for v in page.headers.getlist("Set-Cookie") if v.startswith("_csrf_token="))
    assert "SameSite=Lax" in cookie and "HttpOnly" not in cookie  # the renderer must read it
    assert "Set-Cookie" not in client().get("/api/v1/grants.json?per_page=1").headers
    chart = next(iter(openapi_chart_ids()))
    assert "Set-Cookie" not in client().get(f"/embed/{chart}").headers


# -- Rate limit ------------------------------------------------------------------------------


def test_after_repeated_wrong_passwords_sign_in_is_rate_limited(warehouse: Engine) -> None:
    users.create_user(warehouse, "limited@matrix.example", "Limited", PASSWORD, "leadership")
    test_client = client()
    for _ in range(5):
        assert sign_in(test_client, "limited@matrix.example", "wrong password!").status_code == 200
    refused = sign_in(test_client, "limited@matrix.example", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts; try again in 1 minute." in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    # The limit is per email: from another address, this email is still refused ...
    assert sign_in(client(), "limited@matrix.example", PASSWORD).status_code == 429
    # ... while other people sign in as usual.
    assert sign_in(client(), "leadership@matrix.example").status_code == 303


def test_sign_in_is_rate_limited_per_client_address(warehouse: Engine) -> None:
    address = "10.200.0.1"
    for number in range(20):
        response = sign_in(client(address), f"guess{number}@matrix.example", "wrong password!")
        assert response.status_code == 200
    refused = sign_in(client(address), "admin@matrix.example", "wrong password!")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert sign_in(client("10.200.0.2"), "admin@matrix.example").status_code == 303


def test_the_right_password_gets_through_a_limited_address(warehouse: Engine) -> None:
    """A burst of failures from a shared office address must not lock its staff out."""
    address = "10.202.0.1"
    for number in range(25):
        sign_in(client(address), f"burst{number}@matrix.example", "wrong password!")
    assert sign_in(client(address), "leadership@matrix.example").status_code == 303
    assert sign_in(client(address), "lead@matrix.example", "wrong password!").status_code == 429


def test_forwarded_for_counts_only_from_a_trusted_proxy(
    warehouse: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import server

    # From a client that is no proxy, X-Forwarded-For cannot spread guesses over addresses.
    spoofer = client("10.203.0.1")
    for number in range(20):
        spoofer.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        assert sign_in(spoofer, f"spoof{number}@matrix.example", "wrong!").status_code == 200
    assert sign_in(spoofer, "spoof-last@matrix.example", "wrong!").status_code == 429

    # Behind a trusted proxy, each forwarded client is counted under its own address.
    monkeypatch.setitem(server.config, "TRUSTED_PROXIES", trusted_proxies("10.204.0.0/16"))
    proxy = client("10.204.0.1")
    for number in range(20):
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9, 10.204.0.2"
        assert sign_in(proxy, f"behind{number}@matrix.example", "wrong!").status_code == 200
    assert sign_in(proxy, "behind-last@matrix.example", "wrong!").status_code == 429
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.10"
    assert sign_in(proxy, "elsewhere@matrix.example", "wrong!").status_code == 200


def test_successful_sign_ins_are_not_counted(warehouse: Engine) -> None:
    address = "10.201.0.1"
    for _ in range(8):
        assert sign_in(client(address), "lead@matrix.example").status_code == 303


# -- Production ------------------------------------------------------------------------------


def _start_app(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import app.py in a fresh process with these settings and print its cookie flags."""
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(env_changes)
    probe = (
        "import app; c = app.server.config; print(c['SESSION_COOKIE_SECURE'], "
        "c['SESSION_COOKIE_HTTPONLY'], c['SESSION_COOKIE_SAMESITE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(warehouse: Engine) -> None:
    refused = _start_app({"OBSERVATORY_ENV": "production"})
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
    started = _start_app({"OBSERVATORY_ENV": "production", "SECRET_KEY": "s" * 64})
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "True", "Lax"]


# -- Role matrix -----------------------------------------------------------------------------


def openapi_chart_ids() -> list[str]:
    from figures.charts import REGISTRY

    return list(REGISTRY)


def _first(engine: Engine, sql: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text(sql)).scalar_one())


def page_routes(engine: Engine) -> list[str]:
    """Every registered page, templates filled with real ids from the warehouse."""
    values = {
        # Published: a draft's page is not there for the public (tests/e2e/test_not_found.py).
        "project_id": _first(engine, "SELECT MIN(project_id) FROM dim_projects WHERE is_published"),
        "recommendation_id": _first(
            engine, "SELECT MIN(recommendation_id) FROM dim_recommendations"
        ),
        "load_run_id": _first(engine, "SELECT MIN(load_run_id) FROM meta_load_runs"),
        "snapshot_id": MATRIX_SNAPSHOT,
    }
    routes = []
    for page in dash.page_registry.values():
        route = str(page.get("path_template") or page["path"])
        for name, value in values.items():
            route = route.replace(f"<{name}>", value)
        assert "<" not in route, route
        routes.append(route)
    return routes


def api_routes() -> list[str]:
    """Every GET endpoint in openapi.json, chart ids filled with a real chart."""
    chart = openapi_chart_ids()[0]
    return [
        path.replace("{chart_id}", chart).replace("{snapshot_id}", MATRIX_SNAPSHOT)
        for path, operations in openapi_document()["paths"].items()
        if "get" in operations
    ]


# Routes that are not public today: (path, {role: status}).
GUARDED = {
    "/admin/users": {"public": 302, "lead": 403, "leadership": 403, "admin": 200},
    "/data/rejected.csv": {"public": 302, "lead": 403, "leadership": 403, "admin": 200},
    "/data/loads/1/rejected.csv": {"public": 302, "lead": 403, "leadership": 403, "admin": 200},
    "/snapshots/new": {"public": 302, "lead": 403, "leadership": 303, "admin": 303},
}
OPEN = ("/sign-in", "/healthz")


def test_role_matrix_over_every_page_and_api_endpoint(warehouse: Engine) -> None:
    import app  # noqa: F401  (registers the pages)

    pages, apis = page_routes(warehouse), api_routes()
    assert len(pages) >= 12 and len(apis) >= 19
    expected: dict[tuple[str, str], int] = {}
    for role in ROLES:
        for route in (*pages, *apis, *OPEN, f"/embed/{openapi_chart_ids()[0]}"):
            expected[(role, route)] = 200
        for route, statuses in GUARDED.items():
            expected[(role, route)] = statuses[role]
    seen: dict[tuple[str, str], int] = {}
    for role in ROLES:
        test_client = signed_in(role)
        for role_name, route in [key for key in expected if key[0] == role]:
            seen[(role_name, route)] = test_client.get(route).status_code
    wrong = {key: (seen[key], status) for key, status in expected.items() if seen[key] != status}
    assert not wrong, f"(role, route): (got, expected) {wrong}"


def test_guarded_json_answers_401_for_the_public_and_403_for_a_wrong_role(
    warehouse: Engine,
) -> None:
    json_headers = {"Accept": "application/json"}
    public = client().get("/admin/users", headers=json_headers)
    assert public.status_code == 401 and public.json == {"error": "Sign in first."}
    lead = signed_in("lead").get("/admin/users", headers=json_headers)
    assert lead.status_code == 403
    redirect = client().get("/admin/users")
    assert redirect.headers["Location"].startswith("/sign-in?next=")


def test_the_admin_users_page_lists_accounts_without_hashes(warehouse: Engine) -> None:
    users.create_user(warehouse, "markup@matrix.example", "<b>Bold</b>", PASSWORD, "leadership")
    listing = signed_in("admin").get("/admin/users")
    assert listing.status_code == 200
    assert "&lt;b&gt;Bold&lt;/b&gt;" in listing.text and "<b>Bold" not in listing.text
    assert "lead@matrix.example" in listing.text and "Workstream lead" in listing.text
    assert "scrypt" not in listing.text
