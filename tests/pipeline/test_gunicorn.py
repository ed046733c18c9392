"""``gunicorn app:server -w 2`` serves everything over a demo warehouse: pages, /healthz, the
API and the embeds answer 200 with the security headers, revalidation answers 304 whichever
worker takes the request, CSVs stream, and after a load run in another process every worker
serves the new numbers."""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pipeline.gunicorn_server import WORKERS, gunicorn
from tests.pipeline.served_warehouse import (
    COUNCIL,
    EXTRA_POUNDS,
    changed_grant_file,
    load_demo,
    load_in_another_process,
)
from warehouse.db import make_engine, upgrade_schema

CHART = "funding-by-year"


@dataclass
class Served:
    port: int
    database_url: str
    demo_folder: Path
    log: Path


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def get(served: Served, path: str, headers: dict[str, str] | None = None) -> Answer:
    """One request on a new connection, so that successive requests spread over the workers."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    demo_folder = load_demo(engine, folder / "demo")
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("CACHE_REDIS_URL", None)
    with gunicorn(env, folder / "gunicorn.log") as port:
        yield Served(port, url, demo_folder, folder / "gunicorn.log")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/funding", "text/html; charset=utf-8"),
        ("/recommendations", "text/html; charset=utf-8"),
        ("/_dash-layout", "application/json"),
        ("/assets/observatory.css", "text/css; charset=utf-8"),
        ("/healthz", "application/json"),
        ("/api/v1/charts", "application/json"),
        (f"/api/v1/charts/{CHART}.json", "application/json"),
        ("/api/v1/projects.json", "application/json"),
        ("/api/v1/openapi.json", "application/json"),
        (f"/embed/{CHART}", "text/html; charset=utf-8"),
    ],
)
def test_gunicorn_serves_each_route_with_the_headers(
    served: Served, path: str, content_type: str
) -> None:
    answer = get(served, path)
    assert answer.status == 200, answer.body[:300]
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    ancestors = "frame-ancestors *" if path.startswith("/embed/") else "frame-ancestors 'none'"
    assert ancestors in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", [f"/api/v1/charts/{CHART}.json", f"/embed/{CHART}"])
def test_every_worker_answers_304_to_a_validator_another_worker_gave(
    served: Served, path: str
) -> None:
    first = get(served, path)
    etag = first.headers["ETag"]
    answers = [get(served, path, {"If-None-Match": etag}) for _ in range(3 * WORKERS)]
    assert {a.status for a in answers} == {304}
    assert all(a.body == b"" for a in answers)


def test_csv_downloads_stream_through_gunicorn(served: Served) -> None:
    answer = get(served, "/api/v1/grants.csv")
    assert answer.status == 200
    assert answer.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in answer.headers
    assert answer.body.count(b"\n") > 100


def test_after_a_load_every_worker_serves_the_new_numbers(served: Served, tmp_path: Path) -> None:
    path = f"/api/v1/charts/{CHART}.json?funder={COUNCIL}"

    def total(answer: Answer) -> int:
        import json

        return sum(int(row["amount_pence"]) for row in json.loads(answer.body)["rows"])

    # Warm every worker's cache with the old answer.
    before = [get(served, path) for _ in range(3 * WORKERS)]
    assert len({total(a) for a in before}) == 1
    assert "HIT" in {a.headers["X-Cache"] for a in before}

    changed = tmp_path / "changed_grants.csv"
    changed_grant_file(served.demo_folder, changed)
    load_in_another_process(served.database_url, changed)

    after = [get(served, path) for _ in range(3 * WORKERS)]
    assert {total(a) for a in after} == {total(before[0]) + EXTRA_POUNDS * 100}
    assert {a.headers["ETag"] for a in after} != {before[0].headers["ETag"]}
