"""The open-data API for published records (``/api/v1``): each dataset as paginated JSON and as
a streamed CSV, the home organisations' awards as a 360Giving package, the provenance, and the
OpenAPI description of the whole API.

Parameters are checked before any query runs: a dataset takes its page's filters (the same
names and comma-separated values as the page's URL) and, in JSON, ``page`` and ``per_page``;
anything else is a 400 with a JSON ``{"error": ...}`` naming what it takes. Unknown addresses
under ``/api/v1`` are a JSON 404. Every JSON answer has a ``provenance`` member and every CSV
the provenance headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any, NoReturn

import flask
from flask import Blueprint, Response, request, url_for
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from data_pipeline.config import load_config
from data_pipeline.export_360giving import build_package, grant_json
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from warehouse.queries.records import (
    DATASET_NAMES,
    DATASETS,
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    Dataset,
    awarded_grant_rows,
    awarding_home_organisations,
    count_records,
    records_csv_chunks,
    records_page,
)
from web.openapi import openapi_document
from web.provenance import provenance, provenance_headers

MAX_VALUES = 200  # per filter; keeps every query well under the engines' parameter limits
PAGING = ("page", "per_page")
YEAR_FILTERS = ("fy_from", "fy_to")
FINANCIAL_YEAR = re.compile(r"[0-9]{4}/[0-9]{2}")
CSV_TYPE = "text/csv; charset=utf-8"

records_api = Blueprint("records_api", __name__, url_prefix="/api/v1")


class ApiError(HTTPException):
    """An error answered as JSON ``{"error": description}``."""

    def get_body(self, environ: Any = None, scope: Any = None) -> str:
        return json.dumps({"error": self.description})

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", "application/json")]


def _fail(code: int, message: str) -> NoReturn:
    error = ApiError(message)
    error.code = code
    raise error


def _engine() -> Engine:
    return shared_engine()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _json(body: Mapping[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )


def _dataset(name: str) -> Dataset:
    dataset = DATASET_NAMES.get(name)
    if dataset is None:
        known = ", ".join(d.name for d in DATASETS)
        _fail(404, f"there is no dataset '{name}'; the datasets are {known}")
    return dataset


def _values(allowed: tuple[str, ...], what: str) -> dict[str, str]:
    """The query string as one value per name (repeated names joined with commas), after
    checking that every name is one ``what`` takes and no value holds a NUL character."""
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters"
        _fail(400, f"{what} does not take {', '.join(unknown)}; it takes {takes}")
    values = {name: ",".join(request.args.getlist(name)) for name in request.args}
    for name, value in values.items():
        if name in YEAR_FILTERS and value and not FINANCIAL_YEAR.fullmatch(value):
            _fail(400, f"{name} must be a financial year such as 2024/25, not '{value}'")
        if "\x00" in value:
            _fail(400, f"the value of {name} holds a NUL character")
        if value.count(",") >= MAX_VALUES:
            _fail(400, f"{name} takes at most {MAX_VALUES} values")
    return values


def _whole_number(values: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = values.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        _fail(400, f"{name} must be a whole number, not '{raw}'")
    if not low <= number <= high:
        _fail(400, f"{name} must be from {low} to {high}, not {number}")
    return number


def _page_url(name: str, filters: Filters, page: int, per_page: int) -> str:
    query = {**filters.to_query(), "page": str(page), "per_page": str(per_page)}
    return url_for("records_api.dataset_json", name=name, _external=True, **query)


@records_api.get("/<name>.json")
def dataset_json(name: str) -> Response:
    """One page of a dataset's records, with the paging links and the provenance."""
    dataset = _dataset(name)
    values = _values((*dataset.filters, *PAGING), f"{dataset.name}.json")
    page = _whole_number(values, "page", 1, 1, MAX_PAGE)
    per_page = _whole_number(values, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    filters = Filters.from_values({k: v for k, v in values.items() if k not in PAGING})
    engine = _engine()
    total = count_records(engine, dataset, filters)
    offset = (page - 1) * per_page
    results = records_page(engine, dataset, filters, offset, per_page) if offset < total else []
    last_page = max(1, -(-total // per_page))
    return _json(
        {
            "dataset": dataset.name,
            "filters": filters.to_query(),
            "page": page,
            "per_page": per_page,
            "total": total,
            "next": _page_url(name, filters, page + 1, per_page) if page < last_page else None,
            "prev": (
                _page_url(name, filters, min(page - 1, last_page), per_page) if page > 1 else None
            ),
            "results": _jsonable(results),
            "provenance": provenance(engine),
        }
    )


@records_api.get("/<name>.csv")
def dataset_csv(name: str) -> Response:
    """Every record of a dataset the filters match, streamed as CSV."""
    dataset = _dataset(name)
    values = _values(dataset.filters, f"{dataset.name}.csv")
    filters = Filters.from_values(values)
    engine = _engine()
    return Response(
        flask.stream_with_context(records_csv_chunks(engine, dataset, filters)),
        content_type=CSV_TYPE,
        headers={
            **provenance_headers(engine),
            "Content-Disposition": f'attachment; filename="{dataset.name}.csv"',
        },
    )


def _package_chunks(head: Mapping[str, Any], engine: Engine) -> Iterator[str]:
    """The package's members, then its grants one at a time, as JSON text."""
    opening = json.dumps(head, ensure_ascii=False)
    yield opening[:-1] + ', "grants": ['
    for number, row in enumerate(awarded_grant_rows(engine)):
        yield ("," if number else "") + json.dumps(grant_json(row), ensure_ascii=False)
    yield "]}\n"


@records_api.get("/360giving.json")
def threesixtygiving() -> Response:
    """The grants the home organisations awarded, as a 360Giving 1.4 package (streamed)."""
    _values((), "360giving.json")
    engine = _engine()
    config = load_config()
    awarding = awarding_home_organisations(engine)
    if not config.home_organisations or not awarding:
        _fail(
            404,
            "no grants awarded by the home organisations are loaded, and a 360Giving package "
            "must hold at least one grant",
        )
    head = {key: value for key, value in build_package([], config, awarding).items()}
    head.pop("grants", None)
    head["provenance"] = provenance(engine)
    return Response(
        flask.stream_with_context(_package_chunks(head, engine)),
        content_type="application/json",
        headers={
            **provenance_headers(engine),
            "Content-Disposition": 'inline; filename="360giving.json"',
        },
    )


@records_api.get("/provenance")
def provenance_json() -> Response:
    """The sources loaded, the licence and the times of the last load and of this answer."""
    _values((), "provenance")
    return _json(provenance(_engine()))


@records_api.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3 description of the whole API."""
    _values((), "openapi.json")
    return _json(openapi_document())


@records_api.get("/")
def index() -> Response:
    """Where to start: the datasets, their formats and the API's description."""
    _values((), "the API index")
    root = f"{request.script_root}/api/v1"
    return _json(
        {
            "datasets": [
                {
                    "name": d.name,
                    "title": d.title,
                    "row": d.row,
                    "filters": list(d.filters),
                    "links": {"json": f"{root}/{d.name}.json", "csv": f"{root}/{d.name}.csv"},
                }
                for d in DATASETS
            ],
            "links": {
                "charts": f"{root}/charts",
                "360giving": f"{root}/360giving.json",
                "openapi": f"{root}/openapi.json",
                "provenance": f"{root}/provenance",
            },
            "provenance": provenance(_engine()),
        }
    )


@records_api.route("/<path:rest>", methods=["GET", "HEAD"])
def not_found(rest: str) -> NoReturn:
    """Anything else under /api/v1 is a JSON 404 (more specific routes always win)."""
    _fail(404, f"there is nothing at /api/v1/{rest}; see /api/v1/openapi.json")
