"""openapi.json is valid OpenAPI 3.1 and says what the code does: every filter documented, each
dataset's parameters and record schema taken from its query, every chart id listed, every
documented records path served and every served path documented. (That each answer matches
its schema is tested over the demo in tests/pipeline/test_records_api.py and by Schemathesis in
tests/e2e/test_api_schemathesis.py.)"""

from __future__ import annotations

import re
from dataclasses import fields

import flask
import pytest
import schemathesis
from jsonschema import Draft202012Validator

from figures.charts import REGISTRY
from warehouse.queries.filters import Filters
from warehouse.queries.records import DATASETS
from web.openapi import FILTER_DESCRIPTIONS, openapi_document
from web.records_api import records_api

DOCUMENT = openapi_document()


def _parameters(path: str) -> list[str]:
    return [p["name"] for p in DOCUMENT["paths"][path]["get"].get("parameters", [])]


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(DOCUMENT).validate()
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_filter_is_documented_and_offered_to_the_chart_endpoints() -> None:
    names = [f.name for f in fields(Filters)]
    assert set(FILTER_DESCRIPTIONS) == set(names), "document the new filter in FILTER_DESCRIPTIONS"
    for suffix in ("json", "csv"):
        assert _parameters(f"/api/v1/charts/{{chart_id}}.{suffix}") == ["chart_id", *names]
    for suffix in ("png", "svg"):
        assert _parameters(f"/api/v1/charts/{{chart_id}}.{suffix}") == [
            "chart_id",
            *names,
            "theme",
            "width",
        ]


def test_the_chart_ids_are_the_registry() -> None:
    (chart_id,) = [
        p
        for p in DOCUMENT["paths"]["/api/v1/charts/{chart_id}.json"]["get"]["parameters"]
        if p["in"] == "path"
    ]
    assert chart_id["schema"]["enum"] == sorted(REGISTRY)


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_dataset_documents_its_filters_paging_and_record(dataset: object) -> None:
    from warehouse.queries.records import Dataset

    assert isinstance(dataset, Dataset)
    assert _parameters(f"/api/v1/{dataset.name}.json") == [*dataset.filters, "page", "per_page"]
    assert _parameters(f"/api/v1/{dataset.name}.csv") == list(dataset.filters)
    schema_name = "".join(part.capitalize() for part in dataset.name.split("-"))
    record = DOCUMENT["components"]["schemas"][schema_name]
    assert list(record["properties"]) == [*dataset.columns, *(n.name for n in dataset.nested)]
    assert record["required"] == list(record["properties"])
    undescribed = [k for k, v in record["properties"].items() if not v.get("description")]
    assert not undescribed
    for column in dataset.list_columns:
        assert record["properties"][column]["type"] == "array"


def test_record_types_follow_the_warehouse_columns() -> None:
    grant = DOCUMENT["components"]["schemas"]["Grants"]["properties"]
    assert grant["amount_awarded_pence"]["type"] == ["integer", "null"]
    assert grant["grant_id"]["type"] == "string"  # a primary key is never null
    assert grant["award_date"] == {**grant["award_date"], "type": "string", "format": "date"}
    assert grant["is_pc_research"]["type"] == "boolean"
    assert grant["recipient_name"]["type"] == ["string", "null"]
    updates = DOCUMENT["components"]["schemas"]["Recommendations"]["properties"]["updates"]
    assert updates["items"]["properties"]["update_date"]["format"] == "date"
    assert "parent_id" not in updates["items"]["properties"]
    topics = DOCUMENT["components"]["schemas"]["Projects"]["properties"]["topics"]
    assert topics["items"]["type"] == "string"


def _flask_path(openapi_path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", openapi_path)


def test_every_documented_records_path_is_served_and_every_route_documented() -> None:
    app = flask.Flask(__name__)
    app.register_blueprint(records_api)
    adapter = app.url_map.bind("localhost")
    # Charts and snapshots have blueprints of their own (served: tests/e2e/test_api_schemathesis.py)
    other_blueprints = ("/api/v1/charts", "/api/v1/snapshots")
    documented = {path for path in DOCUMENT["paths"] if not path.startswith(other_blueprints)}
    for path in documented:
        endpoint, _ = adapter.match(path, method="GET")
        assert endpoint != "records_api.not_found", path
    served = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("records_api.") and rule.endpoint != "records_api.not_found"
    }
    named = {
        rule.replace("<name>", d.name) for rule in served for d in DATASETS if "<name>" in rule
    } | {rule for rule in served if "<" not in rule}
    assert named == documented
