"""After a load, every page's default charts and filter lists are in the cache before anyone
asks, and they are the new data's answers: through the real app, with the chart queries and
the option counts made to fail, the first visitor's requests for /funding are still answered,
and with the numbers of the file just loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask.testing import FlaskClient

from tests.pipeline.served_warehouse import changed_grant_file, load_demo, load_in_another_process
from warehouse.db import make_engine, upgrade_schema
from warehouse.queries.charts import CHART_QUERIES
from web import caching


def _answers(client: FlaskClient, requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Each request's answer, as the browser gets it, by the outputs it asked for."""
    answers = {}
    for body in requests:
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        answers[json.dumps(body["outputs"], sort_keys=True)] = answer.get_json()["response"]
    return answers


def _charts(requests: list[dict[str, Any]]) -> list[str]:
    """The graphs the requests draw (one callback may draw several)."""
    return [
        output["id"]
        for body in requests
        for output in (body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]])
        if output["property"] == "figure" and str(output["id"]).endswith("-graph")
    ]


def test_a_load_leaves_the_new_default_views_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    demo = load_demo(engine, tmp_path / "demo")
    monkeypatch.setenv("DATABASE_URL", url)
    import dash

    from app import server
    from callbacks import cache_warming, filter_bar

    assert cache_warming.warm_default_views in caching._warmers
    client = server.test_client()
    client.get("/funding")  # the session and CSRF cookie, as a browser holds them
    cookie = client.get_cookie("_csrf_token")
    if cookie is not None:
        client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    funding = next(v for v in cache_warming.page_views(server) if v.path == "/funding")
    requests = cache_warming.default_requests(dash.get_app().callback_map, funding)
    assert len(_charts(requests)) >= 5, "every chart of the funding page is asked for"
    assert any(str(b["output"]).startswith('{"name"') for b in requests), "its filter lists"
    before = _answers(client, requests)

    # A load in another process (the CLI), then what each server process does when it sees
    # the new generation.
    changed_grant_file(demo, tmp_path / "changed.csv")
    load_in_another_process(url, tmp_path / "changed.csv")
    assert caching.warm_for_this_load(server, engine) is not None

    def must_not_run(*_args: object) -> pd.DataFrame:
        raise AssertionError("a default view was computed for its first visitor")

    queries = dict(CHART_QUERIES)
    for chart in CHART_QUERIES:
        monkeypatch.setitem(CHART_QUERIES, chart, must_not_run)
    option_counts = filter_bar.filter_options
    monkeypatch.setattr(filter_bar, "filter_options", must_not_run)
    warmed = _answers(client, requests)

    # The warmed answers are the new data's: those computed afresh, and not the old ones.
    for chart, query in queries.items():
        monkeypatch.setitem(CHART_QUERIES, chart, query)
    monkeypatch.setattr(filter_bar, "filter_options", option_counts)
    with server.app_context():
        caching.cache.clear()
    assert warmed == _answers(client, requests)
    assert warmed != before
    engine.dispose()
