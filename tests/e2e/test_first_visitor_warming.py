"""The callbacks whose inputs are a page's address or a component's own value are warmed too
(issue 21, "no slow first visitor"): after a load, the overview's "what the warehouse holds"
(its input: the URL's pathname), the gaps page's equity summary (its input: the panel's own
id) and the research library's first page of results (its inputs: the filter state and the
pager's ``active_page``, with the pager's class as state) are answered from the cache, running
none of their queries and no SQL but the load generation's check.

The research results differ by what the visitor may see (staff who see drafts get draft
projects), so their cached answers are kept apart: the warmed answer is the public's, staff
asking after the warming still get their drafts, and an answer computed for staff is never
handed to the public. Through the real app and Dash's own dispatch, as a browser asks."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from components.drafts import DRAFT_LABEL
from tests.pipeline.served_warehouse import load_demo
from warehouse import users
from warehouse.db import make_engine, upgrade_schema
from web import caching

PASSWORD = "correct horse battery"
STAFF = "first.visitor.leadership@example.org"
HOLDINGS = "overview-holdings.children"
EQUITY = "gaps-equity-summary.children"
RESULTS = "research-results.children"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Engine]]:
    """The app over a demo warehouse with one leadership account (who may see drafts)."""
    folder = tmp_path_factory.mktemp("first-visitor")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    load_demo(engine, folder / "demo")
    users.create_user(engine, STAFF, "Lee Leader", PASSWORD, "leadership", [])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        from app import server

        yield server, engine
    engine.dispose()


def _must_not_run(*_args: object, **_kwargs: object) -> Any:
    raise AssertionError("a warmed answer was computed again for its first visitor")


def _client(server: Flask, email: str | None = None) -> FlaskClient:
    """A browser's session: the public's, or signed in as ``email``; with the CSRF header the
    renderer sends."""
    from web.first_view import INTERACTIVE, VIEW_COOKIE

    client = server.test_client()
    client.set_cookie(VIEW_COOKIE, INTERACTIVE)  # no first view drawn for this test's visits
    if email is not None:
        form = client.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        form_fields = {"csrf_token": html.unescape(token.group(1)), "email": email}
        signed = client.post("/sign-in", data={**form_fields, "password": PASSWORD})
        assert signed.status_code == 303, signed.text
    client.get("/")
    cookie = client.get_cookie("_csrf_token")
    if cookie is not None:
        client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


def _default_request(server: Flask, path: str, output: str) -> dict[str, Any]:
    """The request the warmer sends (and a browser opening ``path`` sends) for ``output``."""
    from callbacks import cache_warming

    view = next(v for v in cache_warming.page_views(server) if v.path == path)
    app = dash.get_app()  # type: ignore[no-untyped-call]
    with server.app_context():
        app._setup_server()  # Dash fills its callback map when it serves its first request
    requests = cache_warming.default_requests(app.callback_map, view)
    found = [b for b in requests if output in str(b["output"])]
    assert len(found) == 1, f"the warmer asks for {output} on {path} once: {found}"
    return found[0]


def _answer(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return dict(answer.get_json()["response"])


def _warm(server: Flask, engine: Engine) -> None:
    """What a server process does when it sees a new load generation (the cache emptied
    first, so this process warms again even if it saw this generation before)."""
    with server.app_context():
        caching.cache.clear()
    assert caching.warm_for_this_load(server, engine) is not None


def test_the_address_and_own_id_callbacks_are_answered_from_the_warmed_cache(
    served: tuple[Flask, Engine], monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    server, engine = served
    asked = {
        HOLDINGS: _default_request(server, "/", HOLDINGS),
        EQUITY: _default_request(server, "/gaps", EQUITY),
        RESULTS: _default_request(server, "/research", RESULTS),
    }
    # What the browser sends as these pages open: the page's pathname, the panel's own id,
    # the pager as laid out.
    assert asked[HOLDINGS]["inputs"] == [{"id": "url", "property": "pathname", "value": "/"}]
    assert asked[EQUITY]["inputs"][0]["value"] == "gaps-equity-summary"
    pager = {(i["id"], i["property"]): i["value"] for i in asked[RESULTS]["inputs"]}
    assert pager[("research-pager", "active_page")] == 1
    assert asked[RESULTS]["state"][0]["property"] == "className"

    _warm(server, engine)
    for module, name in (
        ("callbacks.overview", "warehouse_holdings"),
        ("callbacks.overview", "home_organisations_found"),
        ("callbacks.research", "search_projects"),
        ("callbacks.research", "why_empty"),
        ("warehouse.queries.gaps", "ward_funding"),
        ("warehouse.queries.gaps", "concentration_of"),
    ):
        monkeypatch.setattr(f"{module}.{name}", _must_not_run)
    client = _client(server)
    warmed = {}
    for output, body in asked.items():
        statements.clear()
        warmed[output] = _answer(client, body)
        assert statements, "the load generation is checked"
        assert all("meta_load_runs" in s for s in statements), (output, statements)

    # The warmed answers are what the callbacks compute afresh.
    monkeypatch.undo()
    with server.app_context():
        caching.cache.clear()
    fresh = {output: _answer(client, body) for output, body in asked.items()}
    assert warmed == fresh
    assert "Grants" in json.dumps(fresh[HOLDINGS])


def _draft_titles(engine: Engine) -> list[str]:
    """Titles of draft projects that no published project shares."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT title FROM dim_projects WHERE NOT is_published AND title NOT IN "
                "(SELECT title FROM dim_projects WHERE is_published)"
            )
        ).all()
    titles = [str(title) for (title,) in rows]
    assert titles, "the demo lost its draft projects"
    return titles


def _text(answer: dict[str, Any]) -> str:
    """An answer as the browser reads it (its JSON, with the text as written)."""
    return json.dumps(answer, ensure_ascii=False)


def _searching(body: dict[str, Any], words: str) -> dict[str, Any]:
    """The same results request with ``words`` in the search box."""
    asked = json.loads(json.dumps(body))
    asked["inputs"][0]["value"] = {**asked["inputs"][0]["value"], "q": words}
    return asked


def test_research_results_are_cached_by_what_the_visitor_may_see(
    served: tuple[Flask, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, engine = served
    default = _default_request(server, "/research", RESULTS)
    draft = _draft_titles(engine)[0]
    _warm(server, engine)
    public, staff = _client(server), _client(server, STAFF)

    # Warmed as the public: the public's first page comes from the cache, without drafts.
    monkeypatch.setattr("callbacks.research.search_projects", _must_not_run)
    public_page = _text(_answer(public, default))
    assert DRAFT_LABEL not in public_page and "Staff view" not in public_page
    monkeypatch.undo()

    # Staff asking the same question are not handed the public's warmed answer.
    staff_page = _text(_answer(staff, default))
    assert "Staff view" in staff_page
    assert staff_page != public_page

    # A question staff asked first (a draft's title) is cached for staff, and the public asking
    # it afterwards gets the public's answer, never the staff one.
    search = _searching(default, draft)
    staff_search = _text(_answer(staff, search))
    assert draft in staff_search and DRAFT_LABEL in staff_search
    public_search = _text(_answer(public, search))
    assert draft not in public_search and DRAFT_LABEL not in public_search

    # Both answers are now cached, each for its own kind of visitor.
    monkeypatch.setattr("callbacks.research.search_projects", _must_not_run)
    assert _text(_answer(staff, search)) == staff_search
    assert _text(_answer(public, search)) == public_search
    assert _text(_answer(staff, default)) == staff_page
