"""Caching and conditional requests on the API and the embeds, through the real blueprints and
hooks (composed as app.py does; tests/pipeline/test_gunicorn.py serves app.py itself): answers
are cached whole and revalidated with ETag / Last-Modified (304), streamed CSVs get validators
but are never cached, the cache backend follows CACHE_REDIS_URL, and a load run in another
process empties the cache so the API and the embeds show the new numbers."""

from __future__ import annotations

import email.utils
import gc
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_caching import Cache
from flask_caching.backends import RedisCache, SimpleCache
from sqlalchemy import Engine

from tests.pipeline.served_warehouse import (
    COUNCIL,
    EXTRA_POUNDS,
    changed_grant_file,
    load_demo,
    load_in_another_process,
    served_app,
)
from warehouse.db import make_engine, upgrade_schema
from warehouse.queries.overview import last_load_time, load_generation
from web import caching
from web.delivery import ASSETS, install_delivery

CHART = "funding-by-year"
# One of each kind of cached answer: chart JSON, chart CSV, a page of records, the embed.
CACHED = [
    f"/api/v1/charts/{CHART}.json",
    f"/api/v1/charts/{CHART}.csv?direction=awarded",
    "/api/v1/grants.json?per_page=5&page=2",
    f"/embed/{CHART}",
]
# Streamed: every row, never held whole in memory, so never cached.
STREAMED = ["/api/v1/grants.csv", "/api/v1/360giving.json"]


def _client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    return served_app().test_client()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("http-caching")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    load_demo(engine, folder / "demo")
    engine.dispose()
    yield url


@pytest.fixture
def client(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    return _client(demo_url, monkeypatch)


def test_simple_cache_by_default_and_redis_when_cache_redis_url_is_set() -> None:
    simple = Flask("simple")
    simple.config.update(caching.cache_settings({}))
    simple_cache = Cache(app=simple)
    assert isinstance(simple_cache.cache, SimpleCache)

    shared = Flask("shared")
    shared.config.update(caching.cache_settings({"CACHE_REDIS_URL": "redis://127.0.0.1:6390/2"}))
    redis_cache = Cache(app=shared)  # the client connects lazily: no server needed here
    assert isinstance(redis_cache.cache, RedisCache)
    pool = redis_cache.cache._write_client.connection_pool.connection_kwargs
    assert (pool["host"], pool["port"], pool["db"]) == ("127.0.0.1", 6390, 2)
    # clear() must delete only the observatory's keys, never FLUSHDB a shared Redis.
    assert redis_cache.cache.key_prefix == caching.CACHE_KEY_PREFIX


@pytest.mark.parametrize("path", CACHED)
def test_an_answer_is_cached_and_revalidated_with_304(client: FlaskClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    second = client.get(path)
    assert second.headers["X-Cache"] == "HIT"
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Type"] == first.headers["Content-Type"]

    etag = second.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/"), "a strong validator"
    assert second.headers["Cache-Control"] == "public, no-cache"

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    assert unchanged.headers["X-Content-Type-Options"] == "nosniff"

    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.get_data() == first.get_data()


@pytest.mark.parametrize("path", CACHED)
def test_last_modified_is_the_last_load_and_if_modified_since_answers_304(
    client: FlaskClient, demo_url: str, path: str
) -> None:
    engine = make_engine(demo_url)
    loaded = last_load_time(engine)
    engine.dispose()
    assert loaded is not None
    answer = client.get(path)
    stamp = email.utils.parsedate_to_datetime(answer.headers["Last-Modified"])
    assert stamp.replace(tzinfo=None) == loaded.replace(microsecond=0, tzinfo=None)

    since = client.get(path, headers={"If-Modified-Since": answer.headers["Last-Modified"]})
    assert since.status_code == 304
    before = client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert before.status_code == 200


def test_the_same_query_in_another_order_shares_one_cache_entry(client: FlaskClient) -> None:
    client.get("/api/v1/grants.json?per_page=3&page=2")
    reordered = client.get("/api/v1/grants.json?page=2&per_page=3")
    assert reordered.headers["X-Cache"] == "HIT"


def test_error_answers_are_not_cached(client: FlaskClient) -> None:
    for _ in range(2):
        missing = client.get("/api/v1/charts/no-such-chart.json")
        assert missing.status_code == 404
        assert "X-Cache" not in missing.headers
        assert "ETag" not in missing.headers


@pytest.mark.parametrize("path", STREAMED)
def test_streamed_answers_get_a_validator_but_are_never_cached(
    client: FlaskClient, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert first.is_streamed, "every row is streamed, not built in memory"
    assert "Content-Length" not in first.headers, "nothing read the stream ahead to count it"
    etag = first.headers["ETag"]
    body = first.get_data()
    assert len(body) > 1000
    second = client.get(path)
    assert second.headers["X-Cache"] == "MISS"
    assert second.headers["ETag"] == etag and second.get_data() == body

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""


def _total_pence(answer: Any) -> int:
    return sum(int(row["amount_pence"]) for row in answer.get_json()["rows"])


def test_a_load_in_another_process_clears_the_cache_and_the_answers_change(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = make_engine(database_url)
    upgrade_schema(engine)
    demo_folder = load_demo(engine, tmp_path / "demo")
    client = _client(database_url, monkeypatch)
    chart_json = f"/api/v1/charts/{CHART}.json?funder={COUNCIL}"
    embed = f"/embed/{CHART}?funder={COUNCIL}"

    before = client.get(chart_json)
    embed_before = client.get(embed)
    assert client.get(chart_json).headers["X-Cache"] == "HIT"
    assert client.get(embed).headers["X-Cache"] == "HIT"
    old_generation = load_generation(engine)
    with client.application.test_request_context(chart_json):
        old_key = caching.response_key(old_generation)
        assert caching.cache.get(old_key) is not None

    changed = changed_grant_file(demo_folder, tmp_path / "changed_grants.csv")
    load_in_another_process(database_url, tmp_path / "changed_grants.csv")

    after = client.get(chart_json)
    assert after.headers["X-Cache"] == "MISS"
    assert _total_pence(after) == _total_pence(before) + EXTRA_POUNDS * 100
    with client.application.app_context():
        assert caching.cache.get(old_key) is None, "the old answers were cleared"
    assert caching.seen_generation() == load_generation(engine)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    stale = client.get(chart_json, headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200, "an old ETag no longer matches"

    # The embed of the changed chart shows the new figure for the changed year.
    year_row = next(
        row
        for row in after.get_json()["rows"]
        if row["financial_year"] in _financial_year(changed["Award Date"])
    )
    new_amount = f"{int(year_row['amount_pence']) / 100:.2f}"
    embed_after = client.get(embed)
    assert embed_after.headers["X-Cache"] == "MISS"
    assert new_amount in embed_after.get_data(as_text=True)
    assert new_amount not in embed_before.get_data(as_text=True)
    engine.dispose()


def _financial_year(award_date: str) -> str:
    year, month = int(award_date[:4]), int(award_date[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}/{str(start + 1)[2:]}"


def test_answers_round_trip_through_redis_and_clear_keeps_other_keys(
    redis_url: str, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("CACHE_REDIS_URL", redis_url)
    # A second app object like one gunicorn worker's, on the shared Redis, with the real hooks.
    from web.chart_api import chart_api
    from web.embeds import embeds

    server = Flask("worker")
    server.register_blueprint(chart_api)
    server.register_blueprint(embeds)
    monkeypatch.setattr(caching, "cache", Cache())
    caching.install_caching(server, lambda: make_engine(demo_url))
    with server.app_context():
        assert isinstance(caching.cache.cache, RedisCache)
    neighbour = redis.Redis.from_url(redis_url)
    neighbour.set("someone-else:key", b"kept")

    client = server.test_client()
    first = client.get(f"/embed/{CHART}")
    assert first.headers["X-Cache"] == "MISS"
    keys = {key.decode() for key in neighbour.keys(f"{caching.CACHE_KEY_PREFIX}response:*")}
    assert len(keys) == 1, "the answer is stored in Redis, under the observatory's prefix"
    second = client.get(f"/embed/{CHART}")
    assert second.headers["X-Cache"] == "HIT"
    assert second.get_data() == first.get_data()
    assert (
        client.get(f"/embed/{CHART}", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )

    with server.app_context():
        caching.cache.clear()
    assert neighbour.keys(f"{caching.CACHE_KEY_PREFIX}*") == []
    assert neighbour.get("someone-else:key") == b"kept"
    neighbour.close()


def test_a_full_simple_cache_drops_old_answers_not_all_of_them(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_THRESHOLD", "3")
    from web.records_api import records_api

    server = Flask("small-cache")
    server.register_blueprint(records_api)
    monkeypatch.setattr(caching, "cache", Cache())
    caching.install_caching(server, lambda: make_engine(demo_url))
    client = server.test_client()

    pages = [f"/api/v1/grants.json?per_page=2&page={n}" for n in range(1, 7)]
    for path in pages:
        assert client.get(path).headers["X-Cache"] == "MISS"
    # The newest answers survive the pruning; the cache was not emptied wholesale.
    assert client.get(pages[-1]).headers["X-Cache"] == "HIT"
    assert client.get(pages[0]).headers["X-Cache"] == "MISS"


def test_a_computed_answer_is_kept_until_a_load_changes_the_warehouse(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gap list, the equity summary and the filter choices are kept this way.
    engine = make_engine(database_url)
    upgrade_schema(engine)
    demo_folder = load_demo(engine, tmp_path / "demo")
    app = _client(database_url, monkeypatch).application
    computed: list[int] = []

    def answer() -> int:
        computed.append(1)
        return len(computed)

    with app.app_context():
        first = caching.computed_for_this_load(engine, "test", ("a", 1), answer)
        again = caching.computed_for_this_load(engine, "test", ("a", 1), answer)
        other = caching.computed_for_this_load(engine, "test", ("b", 1), answer)
        assert (first, again, other) == (1, 1, 2)

        changed_grant_file(demo_folder, tmp_path / "changed_grants.csv")
        load_in_another_process(database_url, tmp_path / "changed_grants.csv")
        assert caching.computed_for_this_load(engine, "test", ("a", 1), answer) == 3
    engine.dispose()


def test_a_question_asked_by_several_visitors_at_once_is_computed_once(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's charts ask for the same answer at once (the chart source lines share the
    publishers behind them): the first thread computes it, the others wait for its answer."""
    app = _client(demo_url, monkeypatch).application
    engine = make_engine(demo_url)
    computed: list[int] = []
    everyone_asking = threading.Barrier(5)
    answers: list[int] = []

    def slow_answer() -> int:
        computed.append(1)
        time.sleep(0.3)  # the others ask while it is computed
        return 42

    def visitor() -> None:
        with app.app_context():
            everyone_asking.wait()
            answers.append(caching.computed_for_this_load(engine, "test", "same", slow_answer))

    visitors = [threading.Thread(target=visitor) for _ in range(5)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join()
    engine.dispose()
    assert answers == [42] * 5
    assert len(computed) == 1


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compressed_static_file_is_closed_once_read(encoding: str) -> None:
    """The file a static answer is read from is closed when its compressed bytes replace it,
    not left open for the garbage collector (a ResourceWarning, and a file handle held)."""
    server = Flask("assets", static_folder=ASSETS, static_url_path="/assets")
    install_delivery(server)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = server.test_client().get(
            "/assets/researchers.css", headers={"Accept-Encoding": encoding}
        )
        assert answer.headers["Content-Encoding"] == encoding
        del answer
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []
