"""Security headers on every kind of response the app sends (pages, Dash's endpoints and
bundles, assets, downloads, the API, the embeds, errors): the right Content-Type, nosniff, a
Referrer-Policy, and a Content-Security-Policy whose frame-ancestors is 'none' everywhere except
/embed/*, which takes it from configuration."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from data_pipeline.config import Config, load_config
from tests.pipeline.served_warehouse import load_demo
from warehouse.db import make_engine, upgrade_schema
from web.headers import (
    POLICY,
    configured_frame_ancestors,
    content_security_policy,
    embed_frame_ancestors,
    install_headers,
)

ROOT = Path(__file__).resolve().parents[2]
CHART = "funding-by-year"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

# (path, status, Content-Type). "{suite}" is a Dash bundle and "{embed_js}" an embed script,
# both read from the HTML that links them.
ROUTES = [
    ("/", 200, HTML),
    ("/funding?fy_from=2021/22", 200, HTML),
    ("/research/PCR-2019-001", 200, HTML),
    ("/no-such-page", 404, HTML),  # no page: 404, with the site's own "not found" layout
    ("/_dash-layout", 200, JSON),
    ("/_dash-dependencies", 200, JSON),
    ("{suite}", 200, JS),
    ("/_favicon.ico", 200, "image/x-icon"),
    ("/assets/observatory.css", 200, CSS),
    ("/assets/observatory.js", 200, JS),
    ("/download/grants.csv", 200, CSV),
    ("/download/data/projects.csv", 200, CSV),
    ("/healthz", 200, JSON),
    ("/api/v1/charts", 200, JSON),
    (f"/api/v1/charts/{CHART}.json", 200, JSON),
    (f"/api/v1/charts/{CHART}.csv", 200, CSV),
    ("/api/v1/charts/no-such-chart.json", 404, JSON),
    ("/api/v1/grants.json?per_page=2", 200, JSON),
    ("/api/v1/grants.json?per_page=100000", 400, JSON),
    ("/api/v1/projects.csv", 200, CSV),
    ("/api/v1/provenance", 200, JSON),
    ("/api/v1/openapi.json", 200, JSON),
    (f"/embed/{CHART}", 200, HTML),
    (f"/embed/{CHART}?theme=dark&fy_from=2021/22", 200, HTML),
    ("{embed_js}", 200, JS),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("http-headers")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    load_demo(engine, folder / "demo")
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        from app import server

        yield server.test_client()


def _linked(client: FlaskClient, page: str, pattern: str) -> str:
    html = client.get(page).get_data(as_text=True)
    found = re.search(pattern, html)
    assert found, f"{page} links no {pattern}"
    return found.group(1)


def _csp(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


@pytest.mark.parametrize(("path", "status", "content_type"), ROUTES)
def test_every_response_carries_the_security_headers(
    client: FlaskClient, path: str, status: int, content_type: str
) -> None:
    if path == "{suite}":
        path = _linked(client, "/", r'src="(/_dash-component-suites/[^"]+\.js)"')
    elif path == "{embed_js}":
        path = _linked(client, f"/embed/{CHART}", r'src="(/embed/static/[^"]+/embed\.js)"')
    answer = client.get(path)
    answer.close()

    assert answer.status_code == status
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = _csp(answer.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    if path.startswith("/embed/"):
        assert policy["frame-ancestors"] == ["*"], "embeds may be framed by any site by default"
        assert "X-Frame-Options" not in answer.headers
    else:
        assert policy["frame-ancestors"] == ["'none'"]
        assert answer.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", ["/", "/funding", "/research", "/recommendations/R01"])
def test_the_policy_allows_exactly_the_inline_scripts_dash_writes(
    client: FlaskClient, page: str
) -> None:
    answer = client.get(page)
    html = answer.get_data(as_text=True)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Dash's IE notice sits in a comment
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, flags=re.S)
    executable = [body for attrs, body in scripts if "application/json" not in attrs]
    assert len(executable) >= 2, "Dash's renderer start-up and its clientside callbacks"
    script_src = _csp(answer.headers["Content-Security-Policy"])["script-src"]
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src, body[:200]
    assert script_src[0] == "'self'"
    assert len(script_src) == 1 + len(executable), "no hash for a script the page lacks"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_pages_and_dash_endpoints_are_not_cached(client: FlaskClient) -> None:
    for path in ("/", "/funding", "/_dash-layout", "/healthz"):
        for _ in range(2):
            answer = client.get(path)
            assert answer.status_code == 200
            assert "X-Cache" not in answer.headers and "ETag" not in answer.headers


def test_embed_frame_ancestors_come_from_configuration() -> None:
    assert load_config().embed_frame_ancestors == ("*",)
    council = Config(embed_frame_ancestors=("https://www.council.example",))
    assert configured_frame_ancestors(council, {}) == ("https://www.council.example",)
    override = {"EMBED_FRAME_ANCESTORS": "https://a.example, https://b.example"}
    assert configured_frame_ancestors(council, override) == (
        "https://a.example",
        "https://b.example",
    )
    # The embed builder's preview frames the embed from the site itself.
    assert embed_frame_ancestors(("https://a.example",)) == ("https://a.example", "'self'")
    assert embed_frame_ancestors(("*",)) == ("*",)
    assert embed_frame_ancestors(()) == ("'none'",)


def test_configured_origins_reach_the_embed_header_and_only_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EMBED_FRAME_ANCESTORS", raising=False)
    server = Flask("framed")
    server.add_url_rule("/embed/<name>", "embed", lambda name: name)
    server.add_url_rule("/page", "page", lambda: "page")
    install_headers(
        server, lambda: ["'sha256-abc='"], Config(embed_frame_ancestors=("https://c.example",))
    )
    client = server.test_client()

    embed = _csp(client.get("/embed/x").headers["Content-Security-Policy"])
    assert embed["frame-ancestors"] == ["https://c.example", "'self'"]
    page = client.get("/page")
    assert _csp(page.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert _csp(page.headers["Content-Security-Policy"])["script-src"] == [
        "'self'",
        "'sha256-abc='",
    ]


def test_every_directive_is_explained_in_the_module_and_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running in production", 1)[-1]
    module = (ROOT / "web" / "headers.py").read_text(encoding="utf-8")
    header = content_security_policy([], ("'none'",))
    for directive, sources, why in POLICY:
        assert why, directive
        assert f"| `{directive}` |" in section, f"README does not explain {directive}"
        assert re.search(rf"^{directive}\s", module, flags=re.M), directive
        assert " ".join((directive, *sources)) in header
    assert "| `frame-ancestors` |" in section
