"""The open-data API for published records, over the demo borough on SQLite and PostgreSQL,
through Flask's test client: JSON pages and streamed CSVs agree record for record, every filter
a dataset takes narrows it, paging is stable, bad parameters are a JSON 400, the 360Giving
package passes the official schema, every answer carries provenance and matches openapi.json,
and nothing unpublished, hidden or individual ever appears.

The demo has draft projects, decisions and updates and hidden and partners-only researchers;
the test adds what it lacks: a grant to an individual and a published decision citing a draft
project. Expected values are read here with plain SQL, not through the queries under test."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import flask
import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import Engine, insert, text

from data_pipeline.config import Config, load_config
from data_pipeline.demo import write_demo
from data_pipeline.export_360giving import package_problems
from data_pipeline.load import load_file
from tests.conftest import _postgres_database
from warehouse.db import make_engine, upgrade_schema
from warehouse.marts import refresh_marts
from warehouse.queries.charts import OPTION_QUERIES
from warehouse.queries.filters import Filters
from warehouse.queries.records import DATASETS
from warehouse.schema import fct_grants, fct_policy_citations
from web.openapi import openapi_document
from web.records_api import records_api

SCALE = 600
INDIVIDUAL = "Winifred Secretperson"
INDIVIDUAL_POSTCODE = "ZZ9 9ZZ"
DRAFT_CITATION = "SNIPPET-FROM-A-DRAFT-PROJECT-5521"
PROVENANCE_HEADERS = ("X-Data-Licence", "X-Data-Sources", "X-Data-Last-Loaded")


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo(tmp_path_factory.mktemp("demo"), scale=SCALE)


def _add_what_the_demo_lacks(engine: Engine) -> None:
    with engine.begin() as conn:
        decision = conn.execute(
            text(
                "SELECT d.decision_id FROM fct_policy_decisions d WHERE d.is_published AND EXISTS "
                "(SELECT 1 FROM fct_policy_citations c JOIN dim_projects p USING (project_id) "
                "WHERE c.decision_id = d.decision_id AND p.is_published) ORDER BY 1"
            )
        ).scalar()
        draft = conn.execute(
            text("SELECT project_id FROM dim_projects WHERE NOT is_published ORDER BY 1")
        ).scalar()
        conn.execute(
            insert(fct_policy_citations),
            {
                "decision_id": decision,
                "project_id": draft,
                "snippet": DRAFT_CITATION,
                "page": "1",
                "row_hash": "x",
            },
        )
        home = conn.execute(
            text("SELECT home_org_id FROM fct_grants WHERE direction = 'awarded' LIMIT 1")
        ).scalar()
        conn.execute(
            insert(fct_grants),
            {
                "grant_id": "360G-test-individual-1",
                "title": "Hardship grant",
                "description": f"A grant to {INDIVIDUAL} for research expenses",
                "currency": "GBP",
                "amount_awarded_pence": 25_000,
                "award_date": date(2024, 6, 3),
                "financial_year": "2024/25",
                "funder_org_id": home,
                "funder_name": "Home funder",
                "recipient_name": INDIVIDUAL,
                "recipient_is_individual": True,
                "recipient_type": "individual",
                "recipient_postal_code": INDIVIDUAL_POSTCODE,
                "route": "grant",
                "direction": "awarded",
                "home_org_id": home,
                "is_pc_research": True,
                "row_hash": "x",
            },
        )
        refresh_marts(conn)


def _load(url: str, files: list[Path]) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    config = load_config()
    for path in files:
        result = load_file(engine, path, config)
        assert not result.rejected_whole, result.problems
    _add_what_the_demo_lacks(engine)
    engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def warehouse_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_files: list[Path],
) -> Iterator[str]:
    """The demo (plus the test's additions) on each engine; DATABASE_URL points at it."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('records')}/w.db"])
    else:
        if not os.environ.get("TEST_POSTGRES_URL"):
            pytest.skip("TEST_POSTGRES_URL is not set")
        urls = _postgres_database()
    url = next(urls)
    _load(url, demo_files)
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    yield url
    if before is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = before
    from warehouse.db import _shared

    engine = _shared.pop(url, None)
    if engine is not None:
        engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


@pytest.fixture(scope="module")
def client(warehouse_url: str) -> FlaskClient:
    app = flask.Flask(__name__)
    app.register_blueprint(records_api)
    return app.test_client()


def _sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(statement)).all()]
    engine.dispose()
    return rows


def _ids(url: str, table: str, key: str, where: str) -> set[str]:
    return {str(row[0]) for row in _sql(url, f"SELECT {key} FROM {table} WHERE {where}")}


def _get_json(client: FlaskClient, url: str, status: int = 200) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.content_type == "application/json"
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return body


def _all_pages(client: FlaskClient, name: str, query: str = "") -> list[dict[str, Any]]:
    url: str | None = f"/api/v1/{name}.json?per_page=1000{query}"
    results: list[dict[str, Any]] = []
    while url:
        body = _get_json(client, url.replace("http://localhost", ""))
        results.extend(body["results"])
        url = body["next"]
    return results


def _csv(client: FlaskClient, url: str) -> tuple[list[str], list[dict[str, str]], Any]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, response.headers


# ---- what the datasets hold ----------------------------------------------------------------


def test_each_dataset_as_json_pages_and_as_csv_holds_the_same_records(
    client: FlaskClient, warehouse_url: str
) -> None:
    expected = {
        "grants": _sql(warehouse_url, "SELECT COUNT(*) FROM fct_grants")[0][0],
        "projects": _sql(warehouse_url, "SELECT COUNT(*) FROM dim_projects WHERE is_published")[0][
            0
        ],
        "recommendations": _sql(warehouse_url, "SELECT COUNT(*) FROM dim_recommendations")[0][0],
        "researchers": _sql(
            warehouse_url, "SELECT COUNT(*) FROM dim_researchers WHERE consent = 'public'"
        )[0][0],
    }
    for dataset in DATASETS:
        records = _all_pages(client, dataset.name)
        first = _get_json(client, f"/api/v1/{dataset.name}.json?per_page=1")
        assert first["total"] == len(records) > 0
        if dataset.name in expected:
            assert len(records) == expected[dataset.name], dataset.name
        ids = [record[dataset.key] for record in records]
        assert len(set(ids)) == len(ids), f"{dataset.name}: a record on two pages"
        header, rows, _ = _csv(client, f"/api/v1/{dataset.name}.csv")
        assert header[0] == dataset.key
        csv_ids = list(dict.fromkeys(row[dataset.key] for row in rows))
        assert csv_ids == ids, dataset.name
        if dataset.csv_rows_per is None:
            assert len(rows) == len(records)
        else:
            items = sum(len(record[dataset.csv_rows_per]) for record in records)
            assert len(rows) == items


def test_the_csv_has_the_json_values(client: FlaskClient) -> None:
    (project,) = _get_json(client, "/api/v1/projects.json?per_page=1")["results"]
    _, rows, _ = _csv(client, "/api/v1/projects.csv")
    row = next(r for r in rows if r["project_id"] == project["project_id"])
    assert row["title"] == project["title"]
    assert row["budget_pence"] == (
        "" if project["budget_pence"] is None else str(project["budget_pence"])
    )
    assert row["topics"] == "; ".join(project["topics"])
    assert row["start_date"] == (project["start_date"] or "")
    assert row["outputs_count"] == str(len(project["outputs"]))


def test_money_is_integer_pence_and_dates_iso(client: FlaskClient, warehouse_url: str) -> None:
    (grant,) = _get_json(client, "/api/v1/grants.json?per_page=1")["results"]
    ((pence, awarded),) = _sql(
        warehouse_url,
        "SELECT amount_awarded_pence, award_date FROM fct_grants "
        f"WHERE grant_id = '{grant['grant_id']}'",
    )
    assert grant["amount_awarded_pence"] == pence and isinstance(pence, int)
    assert grant["award_date"] == str(awarded)[:10]
    newest = _sql(warehouse_url, "SELECT MAX(award_date) FROM fct_grants")[0][0]
    assert grant["award_date"] == str(newest)[:10]


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_every_filter_a_dataset_takes_narrows_it(
    client: FlaskClient, warehouse_url: str, dataset: Any
) -> None:
    everything = _get_json(client, f"/api/v1/{dataset.name}.json?per_page=1")["total"]
    engine = make_engine(warehouse_url)
    options = OPTION_QUERIES[dataset.page]
    try:
        for name in dataset.filters:
            if name == "q":
                title = _get_json(client, "/api/v1/projects.json?per_page=1")["results"][0]["title"]
                values = [title.split()[0]]
            else:
                values = [str(v) for v in options[name](engine, Filters())["value"]]
                if name == "fy_from":
                    values.reverse()  # the latest year leaves the fewest
            totals = []
            for value in values:  # the first value that narrows without emptying will do
                url = f"/api/v1/{dataset.name}.json?per_page=1&{name}={quote(value)}"
                totals.append(_get_json(client, url)["total"])
                if 0 < totals[-1] < everything:
                    break
            else:
                pytest.fail(f"{dataset.name}: no value of {name} narrows it: {totals}")
    finally:
        engine.dispose()


def test_filters_combine_and_csv_follows_them(client: FlaskClient, warehouse_url: str) -> None:
    query = "&fy_from=2022/23&direction=awarded"
    records = _all_pages(client, "grants", query)
    (expected,) = _sql(
        warehouse_url,
        "SELECT COUNT(*) FROM fct_grants WHERE financial_year >= '2022/23' "
        "AND direction = 'awarded'",
    )[0]
    assert len(records) == expected > 0
    assert {(r["direction"], r["financial_year"] >= "2022/23") for r in records} == {
        ("awarded", True)
    }
    _, rows, _ = _csv(client, f"/api/v1/grants.csv?{query[1:]}")
    assert [r["grant_id"] for r in rows] == [r["grant_id"] for r in records]
    body = _get_json(client, f"/api/v1/grants.json?per_page=5{query}")
    assert body["filters"] == {"fy_from": "2022/23", "direction": "awarded"}
    two = _get_json(client, "/api/v1/researchers.json?availability=available,limited")["total"]
    one = _get_json(client, "/api/v1/researchers.json?availability=available")["total"]
    repeated = _get_json(
        client, "/api/v1/researchers.json?availability=available&availability=limited"
    )["total"]
    assert two == repeated > one > 0


# ---- paging ----------------------------------------------------------------------------------


def test_pages_follow_one_stable_order_with_links(client: FlaskClient) -> None:
    _, rows, _ = _csv(client, "/api/v1/projects.csv")
    ids = [row["project_id"] for row in rows]
    second = _get_json(client, "/api/v1/projects.json?page=2&per_page=7&status=completed")
    completed = [row["project_id"] for row in rows if row["status"] == "completed"]
    assert [r["project_id"] for r in second["results"]] == completed[7:14]
    assert second["page"] == 2 and second["per_page"] == 7
    assert second["prev"].endswith("/api/v1/projects.json?status=completed&page=1&per_page=7")
    assert second["next"].endswith("/api/v1/projects.json?status=completed&page=3&per_page=7")
    last_page = -(-len(ids) // 10)
    last = _get_json(client, f"/api/v1/projects.json?page={last_page}&per_page=10")
    assert (
        last["next"] is None
        and [r["project_id"] for r in last["results"]] == ids[(last_page - 1) * 10 :]
    )
    beyond = _get_json(client, f"/api/v1/projects.json?page={last_page + 5}&per_page=10")
    assert beyond["results"] == [] and beyond["total"] == len(ids)
    assert beyond["prev"].endswith(f"page={last_page}&per_page=10")
    assert _get_json(client, "/api/v1/projects.json")["per_page"] == 100


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/v1/grants.json?page=0", 400, "page must be from 1"),
        ("/api/v1/grants.json?fy_from=2024", 400, "fy_from must be a financial year"),
        ("/api/v1/grants.json?page=two", 400, "page must be a whole number"),
        ("/api/v1/grants.json?page=", 400, "page must be a whole number, not ''"),
        ("/api/v1/grants.json?per_page=", 400, "per_page must be a whole number, not ''"),
        ("/api/v1/grants.json?per_page=1001", 400, "per_page must be from 1 to 1000"),
        ("/api/v1/grants.json?topic=health", 400, "grants.json does not take topic"),
        ("/api/v1/grants.csv?page=2", 400, "grants.csv does not take page"),
        ("/api/v1/projects.json?q=a%00b", 400, "NUL"),
        ("/api/v1/researchers.json?skill=" + ",".join(["x"] * 201), 400, "at most 200"),
        ("/api/v1/payments.json", 404, "there is no dataset 'payments'"),
        ("/api/v1/payments.csv", 404, "there is no dataset 'payments'"),
        ("/api/v1/no/such/thing", 404, "there is nothing at /api/v1/no/such/thing"),
        ("/api/v1/360giving.json?fy_from=2020/21", 400, "does not take fy_from"),
    ],
)
def test_bad_requests_get_a_json_error(
    client: FlaskClient, url: str, status: int, says: str
) -> None:
    body = _get_json(client, url, status)
    assert says in body["error"]


# ---- nothing private -------------------------------------------------------------------------


def test_nothing_unpublished_hidden_or_individual_appears_anywhere(
    client: FlaskClient, warehouse_url: str
) -> None:
    secrets: set[str] = {INDIVIDUAL, INDIVIDUAL_POSTCODE, DRAFT_CITATION}
    draft_projects = _ids(warehouse_url, "dim_projects", "project_id", "NOT is_published")
    draft_decisions = _ids(warehouse_url, "fct_policy_decisions", "decision_id", "NOT is_published")
    draft_updates = _ids(
        warehouse_url, "fct_recommendation_updates", "update_id", "NOT is_published"
    )
    hidden = _sql(
        warehouse_url,
        "SELECT researcher_id, contact_email, contact_phone FROM dim_researchers "
        "WHERE consent <> 'public'",
    )
    assert draft_projects and draft_decisions and draft_updates, "the demo lost its drafts"
    assert {r[1] for r in hidden if r[1]}, "the demo lost its partners-only contacts"
    # ids are matched whole (a quoted JSON string or a CSV cell), so PCR-1 never matches PCR-10
    ids = draft_projects | draft_decisions | draft_updates | {r[0] for r in hidden}
    secrets |= {value for r in hidden for value in r[1:] if value}

    answers: list[str] = []
    for dataset in DATASETS:
        answers.append(json.dumps(_all_pages(client, dataset.name), ensure_ascii=False))
        answers.append(client.get(f"/api/v1/{dataset.name}.csv").get_data(as_text=True))
    answers.append(client.get("/api/v1/360giving.json").get_data(as_text=True))
    answers.append(client.get("/api/v1/").get_data(as_text=True))
    everything = "\n".join(answers)
    assert INDIVIDUAL not in everything and "Individual (name withheld)" in everything
    for secret in secrets:
        assert secret not in everything, secret
    cells = set(everything.replace("\n", ",").replace('"', ",").split(","))
    leaked = ids & cells
    assert not leaked
    assert "payments_count" not in everything and "total_pence" not in everything


def test_researcher_contact_details_only_with_public_consent(
    client: FlaskClient, warehouse_url: str
) -> None:
    public = dict(
        _sql(
            warehouse_url,
            "SELECT researcher_id, contact_email FROM dim_researchers WHERE consent = 'public'",
        )
    )
    records = _all_pages(client, "researchers")
    assert {r["researcher_id"]: r["contact_email"] for r in records} == public
    assert all(isinstance(r["skills"], list) for r in records)


# ---- 360Giving ------------------------------------------------------------------------------


def test_360giving_package_passes_the_official_schema(
    client: FlaskClient, warehouse_url: str
) -> None:
    response = client.get("/api/v1/360giving.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    for header in PROVENANCE_HEADERS:
        assert response.headers[header]
    package = json.loads(response.get_data(as_text=True))
    assert package_problems(package) == []
    (awarded,) = _sql(warehouse_url, "SELECT COUNT(*) FROM fct_grants WHERE direction = 'awarded'")[
        0
    ]
    assert len(package["grants"]) == awarded
    assert package["version"] == "1.4"
    assert package["license"].startswith("http")
    individual = next(g for g in package["grants"] if g["id"] == "360G-test-individual-1")
    assert individual["amountAwarded"] == 250
    assert package["provenance"]["last_loaded_at"]


def test_360giving_without_home_organisations_is_a_json_404(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.records_api.load_config", lambda: Config())
    body = _get_json(client, "/api/v1/360giving.json", 404)
    assert "at least one grant" in body["error"]


# ---- provenance and the OpenAPI description ---------------------------------------------------


def test_every_json_answer_has_provenance_and_every_csv_its_headers(client: FlaskClient) -> None:
    for dataset in DATASETS:
        body = _get_json(client, f"/api/v1/{dataset.name}.json?per_page=2")
        assert body["provenance"]["licence"] and body["provenance"]["sources"]
        assert body["provenance"]["last_loaded_at"] and body["provenance"]["generated_at"]
        _, _, headers = _csv(client, f"/api/v1/{dataset.name}.csv")
        for header in PROVENANCE_HEADERS:
            assert headers[header], header
        assert headers["Content-Disposition"] == f'attachment; filename="{dataset.name}.csv"'
    assert _get_json(client, "/api/v1/provenance")["sources"]


def _response_schema(path: str, status: int) -> Draft202012Validator:
    document = openapi_document()
    schema = document["paths"][path]["get"]["responses"][str(status)]["content"][
        "application/json"
    ]["schema"]
    return Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _assert_valid(path: str, status: int, body: Any) -> None:
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in _response_schema(path, status).iter_errors(body)
    ]
    assert not errors, errors[:5]


def test_every_answer_matches_openapi_json(client: FlaskClient) -> None:
    for dataset in DATASETS:
        path = f"/api/v1/{dataset.name}.json"
        for query in ("", "?per_page=1000", "?page=3&per_page=2", "?page=999"):
            _assert_valid(path, 200, _get_json(client, path + query))
        _assert_valid(path, 400, _get_json(client, path + "?page=-1", 400))
    for path in ("/api/v1/", "/api/v1/provenance"):
        _assert_valid(path, 200, _get_json(client, path))
    _assert_valid("/api/v1/360giving.json", 200, _get_json(client, "/api/v1/360giving.json"))
    assert _get_json(client, "/api/v1/openapi.json") == openapi_document()
