"""Schemathesis against the whole app (WSGI) over the e2e demo warehouse: for every operation in
/api/v1/openapi.json it generates requests from the documented parameters and checks that none
is a server error and that each answer's status, content type, headers and body are the ones
documented. Few examples per operation, so ``make test`` stays quick; the full-coverage checks
of the record answers are in tests/pipeline/test_records_api.py."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from web.openapi import openapi_document

MAX_EXAMPLES = 6
IMAGE_EXAMPLES = 3
# The WSGI test client hands back the bytes as sent; compression is tested in test_page_weight.
UNCOMPRESSED = {"Accept-Encoding": "identity"}


# The document is plain data (web.openapi), so the operations are known at collection time;
# the requests go to the live app, whose DATABASE_URL live_server points at the demo.
schema = schemathesis.openapi.from_dict(openapi_document())
IMAGES = r"\.(png|svg)$"
# kaleido draws every distinct image (about 0.2 s each), so the images get a few random examples
# and no coverage phase (which would draw one per boundary value of every parameter).
images = schemathesis.openapi.from_dict(openapi_document())
images.config.phases.coverage.enabled = False


@pytest.fixture(scope="module")
def wsgi_app(live_server: str) -> Any:
    from app import server

    return server


@schema.exclude(path_regex=IMAGES).parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case: Any, wsgi_app: Any) -> None:
    case.call_and_validate(app=wsgi_app, headers=UNCOMPRESSED)


@images.include(path_regex=IMAGES).parametrize()
@settings(
    max_examples=IMAGE_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_chart_images_answer_as_documented(case: Any, wsgi_app: Any) -> None:
    case.call_and_validate(app=wsgi_app, headers=UNCOMPRESSED)


def test_the_app_serves_this_very_document(wsgi_app: Any) -> None:
    response = wsgi_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json() == openapi_document()


def test_every_operation_is_served(wsgi_app: Any) -> None:
    adapter = wsgi_app.url_map.bind("localhost")
    for operation in schema.get_all_operations():
        path = operation.ok().path.replace("{chart_id}", "funding-by-year")
        endpoint, _ = adapter.match(path, method="GET")
        assert endpoint != "records_api.not_found", path
