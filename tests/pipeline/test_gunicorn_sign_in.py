"""The sign-in limits under ``gunicorn app:server -w 2`` with Redis, as production runs: failed
sign-ins count across both workers, the right password still gets in from an address that has
hit its limit, and behind the configured proxy each client is counted under its own address."""

from __future__ import annotations

import html
import http.client
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.pipeline.gunicorn_server import gunicorn
from warehouse import users
from warehouse.db import make_engine, upgrade_schema

PASSWORD = "correct horse battery"


def _request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One request on a new connection, so that successive requests spread over the workers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def sign_in(port: int, email: str, password: str, client: str) -> int:
    """The status of a sign-in from ``client`` (sent as X-Forwarded-For by the proxy)."""
    forwarded = {"X-Forwarded-For": client}
    status, headers, page = _request(port, "GET", "/sign-in", headers=forwarded)
    assert status == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = {"csrf_token": html.unescape(token.group(1)), "email": email, "password": password}
    status, _, _ = _request(
        port,
        "POST",
        "/sign-in",
        urlencode(form),
        {**forwarded, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


@pytest.fixture
def port(redis_url: str, tmp_path: Path) -> Iterator[int]:
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    for name in ("target", "colleague"):
        users.create_user(engine, f"{name}@office.example", name, PASSWORD, "leadership")
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_REDIS_URL": redis_url,
        "SECRET_KEY": "a test key shared by both workers",
        "TRUSTED_PROXIES": "127.0.0.1",  # the test stands in for the reverse proxy
    }
    with gunicorn(env, tmp_path / "gunicorn.log") as served:
        yield served


def test_sign_in_limits_hold_across_workers_without_locking_staff_out(port: int) -> None:
    # Five wrong passwords for one account, from five addresses, over both workers ...
    for number in range(5):
        assert sign_in(port, "target@office.example", "wrong", f"198.51.100.{number}") == 200
    # ... and every worker refuses that account, even with the right password.
    for number in range(6):
        assert sign_in(port, "target@office.example", PASSWORD, f"198.51.100.{number}") == 429

    # A burst of wrong passwords from one office address, at other accounts ...
    office = "203.0.113.7"
    for number in range(20):
        assert sign_in(port, f"guess{number}@office.example", "wrong", office) == 200
    # ... limits wrong passwords from it on every worker, but lets a colleague in.
    for number in range(4):
        assert sign_in(port, f"more{number}@office.example", "wrong", office) == 429
    assert sign_in(port, "colleague@office.example", PASSWORD, office) == 303
    # Another client behind the same proxy is counted on its own.
    assert sign_in(port, "someone@office.example", "wrong", "203.0.113.8") == 200
