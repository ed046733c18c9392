"""The overview's headlines after a load (issue 21, "no slow first visitor"): the warming that
each server process runs when it sees a new load generation leaves the overview's default
headlines in the cache, so the first visitor's request runs no headline query and no SQL but
the generation check; and after another load the council's P&C money shows the new total,
never the cached old one. Through the real app and Dash's own dispatch, as a browser asks."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from figures.money import pounds
from tests.pipeline.served_warehouse import (
    COUNCIL,
    EXTRA_POUNDS,
    load_demo,
    load_in_another_process,
)
from warehouse.queries import headlines as headline_queries
from web import caching

HEADLINES = "overview-headlines.children"
COUNCIL_AWARDED = "P&C research funding awarded by the Council"
COUNCIL_PC_PROGRAMMES = ("MBC-CRF", "MBC-PRA")  # the council's P&C programmes (observatory.toml)


class NoQueries:
    """Stands in for the headline queries: any use of them fails the test."""

    def __getattr__(self, name: str) -> Any:
        def must_not_run(*_args: object, **_kwargs: object) -> Any:
            raise AssertionError(f"headlines.{name} ran for the first visitor")

        return must_not_run


def _client(server: Flask) -> FlaskClient:
    client = server.test_client()
    client.get("/")  # the session and CSRF cookie, as a browser holds them
    cookie = client.get_cookie("_csrf_token")
    if cookie is not None:
        client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


def _headline_request(server: Flask) -> dict[str, Any]:
    """The request a browser sends for the headlines when it opens the overview."""
    import dash

    from callbacks import cache_warming

    overview = next(v for v in cache_warming.page_views(server) if v.path == "/")
    app = dash.get_app()  # type: ignore[no-untyped-call]
    requests = cache_warming.default_requests(app.callback_map, overview)
    return next(b for b in requests if HEADLINES in str(b["output"]))


def _headlines(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return dict(answer.get_json()["response"])


def _card(answer: dict[str, Any], label: str) -> str:
    """One headline card as the browser gets it (its JSON)."""
    cards = [json.dumps(c, ensure_ascii=False) for c in answer["overview-headlines"]["children"]]
    return next(card for card in cards if label in card)


def _council_pc_awarded(engine: Engine, year: str) -> int:
    """The council's P&C research pence awarded in ``year``, straight from the warehouse."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT SUM(g.amount_awarded_pence) FROM fct_grants g "
                    "JOIN dim_organisations o ON o.org_id = g.home_org_id "
                    "WHERE o.home_role = 'council' AND g.direction = 'awarded' "
                    "AND g.is_pc_research AND g.financial_year = :year"
                ),
                {"year": year},
            ).scalar_one()
        )


def _more_pc_money(demo: Path, out: Path) -> None:
    """A one-row 360Giving CSV: the council's latest P&C award, with ``EXTRA_POUNDS`` more."""
    source = next(demo.glob("*_grants_360giving.csv"))
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        row = max(
            (
                r
                for r in reader
                if r["Funding Org:Identifier"] == COUNCIL
                and r["Grant Programme:Code"] in COUNCIL_PC_PROGRAMMES
            ),
            key=lambda r: r["Award Date"],
        )
    row["Amount Awarded"] = str(int(float(row["Amount Awarded"])) + EXTRA_POUNDS)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)


def test_warming_fills_the_headlines_and_a_new_load_shows_the_new_figures(
    tmp_path: Path,
    sqlite_url: str,
    sqlite_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    statements: list[str],
) -> None:
    engine = sqlite_engine
    demo = load_demo(engine, tmp_path / "demo")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    from app import server

    client = _client(server)
    body = _headline_request(server)

    def first_visit_after_warming() -> dict[str, Any]:
        """Warm as a server process does when it sees a new generation, then ask as the first
        visitor with every headline query made to fail."""
        assert caching.warm_for_this_load(server, engine) is not None
        monkeypatch.setattr("callbacks.overview.headlines", NoQueries())
        statements.clear()
        answer = _headlines(client, body)
        assert statements, "the load generation is checked"
        assert all("meta_load_runs" in s for s in statements), statements
        monkeypatch.setattr("callbacks.overview.headlines", headline_queries)
        return answer

    before = first_visit_after_warming()
    year = before["overview-year"]["children"]
    old_total = _council_pc_awarded(engine, year)
    assert pounds(old_total) in _card(before, COUNCIL_AWARDED)

    # A load in another process (the CLI) while this one serves: a new generation.
    _more_pc_money(demo, tmp_path / "more.csv")
    load_in_another_process(sqlite_url, tmp_path / "more.csv")
    new_total = _council_pc_awarded(engine, year)
    assert new_total == old_total + EXTRA_POUNDS * 100
    after = first_visit_after_warming()

    assert after["overview-year"]["children"] == year
    assert pounds(new_total) in _card(after, COUNCIL_AWARDED)
    assert pounds(old_total) not in _card(after, COUNCIL_AWARDED)
    # And it is what the headlines are when computed afresh.
    with server.app_context():
        caching.cache.clear()
    assert after == _headlines(client, body)
