"""The OpenAPI 3.1 description of ``/api/v1``, built as data from the code it describes, so the
two cannot drift apart:
- filter parameters come from the ``Filters`` dataclass fields (each needs a line in
  ``FILTER_DESCRIPTIONS``; a test fails when one is missing), and each dataset lists the filters
  its page takes (``warehouse.queries.records.DATASETS``);
- record schemas come from the columns each dataset's SQL selects: their types, their
  nullability and the schema's own column comments;
- chart ids come from ``figures.charts.REGISTRY``.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, ColumnElement, Label

from figures.charts import REGISTRY
from warehouse.queries.filters import Filters
from warehouse.queries.records import (
    DATASETS,
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    PARENT,
    Dataset,
    Nested,
)
from web.snapshots_api import openapi_paths as snapshot_paths
from web.snapshots_api import openapi_schemas as snapshot_schemas

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
JSON = "application/json"
YEAR_FILTERS = ("fy_from", "fy_to")
FINANCIAL_YEAR_PATTERN = "^([0-9]{4}/[0-9]{2})?$"  # empty means every year
NO_NUL_PATTERN = "^[^\\x00]*$"  # PostgreSQL text cannot hold NUL, so it is refused
CSV = "text/csv"

FILTER_DESCRIPTIONS: dict[str, str] = {
    "fy_from": "First UK financial year, e.g. 2022/23",
    "fy_to": "Last UK financial year, e.g. 2024/25",
    "funder": "Funder org-ids",
    "direction": "Direction of the money: awarded, received or external",
    "programme": "Grant programme titles",
    "recipient_type": "Recipient types: charity, company, council, nhs, individual, ...",
    "ward": "Ward (or area) ONS codes",
    "buyer": "Buyer org-ids (commissioning)",
    "route": "Commissioning routes: grant, contract, participatory, pooled, ...",
    "stage": "Commissioning stages: planning, tender, award, contract, ...",
    "q": "Search words; every word must appear in the title, summary, methodology or findings",
    "topic": "Topic ids",
    "population": "Population groups",
    "participation": "Participation levels: inform, consult, involve, co-produce, community-led",
    "method": "Research methods, e.g. survey, interviews",
    "status": "Statuses (of projects: planned, ongoing, completed; of recommendations: "
    "not_started, in_progress, achieved, paused)",
    "provider": "Research providers (org-id, or name where there is none)",
    "year": "UK financial years in which projects started",
    "skill": "Researchers' skills",
    "language": "Researchers' languages",
    "area": "Areas researchers work in",
    "availability": "Researchers' availability: available, limited or unavailable",
    "payer": "Paying bodies of spend over £500 (their identifiers, lower case)",
    "service": "Services (departments) that paid, as their spend files name them",
    "influence": "Types of policy influence, e.g. strategy-or-plan, service-change",
    "reach": "Reach of a decision: local, regional or national",
    "axis": "Gap map columns: ward or population",
    "need": "Need indicator key for the gap map, e.g. iod.imd",
}

_TYPES: dict[type, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _table_column(column: ColumnElement[Any]) -> Column[Any] | None:
    element = column.element if isinstance(column, Label) else column
    return element if isinstance(element, Column) else None


def _column_schema(column: ColumnElement[Any], *, as_list: bool = False) -> dict[str, Any]:
    """A selected column's JSON Schema: its type, null unless the table forbids it, and the
    table's comment as its description."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = str
    schema: dict[str, Any] = dict(_TYPES.get(python_type, {"type": "string"}))
    source = _table_column(column)
    if as_list:
        schema = {"type": "array", "items": schema}
    elif source is None or source.nullable:
        schema = _nullable(schema)
    if source is not None and source.comment:
        schema["description"] = source.comment
    return schema


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    # Column keys are SQLAlchemy's quoted_name, a str subclass; the document holds plain str.
    plain = {str(key): value for key, value in properties.items()}
    return {
        "type": "object",
        "required": list(plain),
        "properties": plain,
        "additionalProperties": False,
    }


def _nested_schema(nested: Nested) -> dict[str, Any]:
    columns = {
        key: column
        for key, column in nested.statement(()).selected_columns.items()
        if key != PARENT
    }
    if nested.is_scalar:
        items = _column_schema(next(iter(columns.values())))
    else:
        items = _object({key: _column_schema(column) for key, column in columns.items()})
    return {"type": "array", "items": items, "description": nested.description}


def record_schema(dataset: Dataset) -> dict[str, Any]:
    """One record of a dataset as JSON Schema."""
    selected = dataset.statement(Filters()).selected_columns
    properties = {
        key: _column_schema(column, as_list=key in dataset.list_columns)
        for key, column in selected.items()
    }
    for key, text in dataset.descriptions.items():
        properties[key]["description"] = text
    for nested in dataset.nested:
        properties[nested.name] = _nested_schema(nested)
    return {**_object(properties), "description": f"One record: {dataset.row}"}


def _schema_name(dataset: Dataset) -> str:
    return "".join(part.capitalize() for part in dataset.name.split("-"))


def _page_schema(dataset: Dataset) -> dict[str, Any]:
    link = {"type": ["string", "null"], "format": "uri"}
    return _object(
        {
            "dataset": {"const": dataset.name},
            "filters": {
                "type": "object",
                "description": "The filters given, as in the query string",
                "additionalProperties": {"type": "string"},
            },
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0, "description": "Records matching"},
            "next": {**link, "description": "The next page, or null on the last"},
            "prev": {**link, "description": "The previous page, or null on the first"},
            "results": {"type": "array", "items": _ref(_schema_name(dataset))},
            "provenance": _ref("Provenance"),
        }
    )


def _provenance_schema() -> dict[str, Any]:
    text = {"type": ["string", "null"]}
    moment = {"type": ["string", "null"], "format": "date-time"}
    return _object(
        {
            "sources": {
                "type": "array",
                "description": "Every file loaded into the warehouse",
                "items": _object(
                    {
                        "file_name": text,
                        "format": text,
                        "publisher": text,
                        "licence": text,
                        "sha256": text,
                        "last_loaded_at": moment,
                    }
                ),
            },
            "licence": {"type": "string", "description": "Licence of the published data"},
            "last_loaded_at": {**moment, "description": "End of the last load (UTC)"},
            "generated_at": {
                "type": "string",
                "format": "date-time",
                "description": "When this answer was made (UTC)",
            },
        }
    )


def _error_schema() -> dict[str, Any]:
    return _object({"error": {"type": "string", "description": "What was wrong, in plain words"}})


def _filter_parameter(name: str) -> dict[str, Any]:
    field_type = {f.name: str(f.type) for f in fields(Filters)}[name]
    description = FILTER_DESCRIPTIONS[name]
    if field_type.startswith("tuple"):
        description += " (one or more, comma-separated; any of them matches)"
    schema: dict[str, Any] = {"type": "string"}
    if name in YEAR_FILTERS:
        schema["pattern"] = FINANCIAL_YEAR_PATTERN
    else:
        schema["pattern"] = NO_NUL_PATTERN
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _errors(*codes: int) -> dict[str, Any]:
    reasons = {
        400: "A parameter is unknown, malformed or out of range",
        404: "No such dataset, chart or data",
    }
    return {
        str(code): {
            "description": reasons[code],
            "content": {JSON: {"schema": _ref("Error")}},
        }
        for code in codes
    }


def _csv_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": _provenance_headers(),
        "content": {CSV: {"schema": {"type": "string"}}},
    }


def _provenance_headers() -> dict[str, Any]:
    def header(text: str) -> dict[str, Any]:
        return {"description": text, "schema": {"type": "string"}}

    return {
        "X-Data-Licence": header("Licence of the data"),
        "X-Data-Sources": header("Publishers of the sources, '; '-separated"),
        "X-Data-Last-Loaded": header("End of the last load (UTC), or 'never'"),
        "X-Data-Generated-At": header("When this answer was made (UTC)"),
    }


def _dataset_paths(dataset: Dataset) -> dict[str, Any]:
    filters = [_filter_parameter(name) for name in dataset.filters]
    paging = [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "Page number, from 1 (a page past the last is empty)",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        {
            "name": "per_page",
            "in": "query",
            "required": False,
            "description": f"Records per page, at most {MAX_PER_PAGE}",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PER_PAGE,
                "default": DEFAULT_PER_PAGE,
            },
        },
    ]
    operation = dataset.name.replace("-", "_")
    return {
        f"/api/v1/{dataset.name}.json": {
            "get": {
                "operationId": f"{operation}_json",
                "summary": f"{dataset.title}: one page of records",
                "description": f"Each record is {dataset.row}.",
                "tags": ["records"],
                "parameters": [*filters, *paging],
                "responses": {
                    "200": {
                        "description": "One page of records, with paging links and provenance",
                        "content": {JSON: {"schema": _ref(f"{_schema_name(dataset)}Page")}},
                    },
                    **_errors(400),
                },
            }
        },
        f"/api/v1/{dataset.name}.csv": {
            "get": {
                "operationId": f"{operation}_csv",
                "summary": f"{dataset.title}: every record as CSV",
                "description": (
                    f"Every record the filters match, streamed: {dataset.row}. Lists are "
                    "joined with '; ', lists of objects are counted, dates are ISO 8601, money "
                    "is integer pence in *_pence columns."
                ),
                "tags": ["records"],
                "parameters": filters,
                "responses": {
                    "200": _csv_response("Every matching record, with provenance headers"),
                    **_errors(400),
                },
            }
        },
    }


def _chart_paths() -> dict[str, Any]:
    chart_id = {
        "name": "chart_id",
        "in": "path",
        "required": True,
        "description": "A chart id (GET /api/v1/charts lists them)",
        "schema": {"type": "string", "enum": sorted(REGISTRY)},
    }
    filters = [_filter_parameter(f.name) for f in fields(Filters)]
    parameters = [chart_id, *filters]
    note = (
        "Every filter is accepted; the chart follows those of its page (its `filters` in "
        "/api/v1/charts)."
    )
    drawing = [
        {
            "name": "theme",
            "in": "query",
            "required": False,
            "description": "Colours of the image",
            "schema": {"type": "string", "enum": ["light", "dark"], "default": "light"},
        },
        {
            "name": "width",
            "in": "query",
            "required": False,
            "description": "Width in CSS pixels",
            "schema": {"type": "integer", "minimum": 300, "maximum": 2400, "default": 1000},
        },
    ]

    def image(kind: str, media: str) -> dict[str, Any]:
        return {
            "get": {
                "operationId": f"chart_{kind}",
                "summary": f"A chart as {kind.upper()}",
                "description": note,
                "tags": ["charts"],
                "parameters": [*parameters, *drawing],
                "responses": {
                    "200": {
                        "description": f"The chart drawn as {kind.upper()}",
                        "headers": _provenance_headers(),
                        "content": {media: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **_errors(400, 404),
                },
            }
        }

    return {
        "/api/v1/charts": {
            "get": {
                "operationId": "charts",
                "summary": "Every chart: id, title, description, filters and links",
                "tags": ["charts"],
                "responses": {
                    "200": {
                        "description": "The chart registry",
                        "content": {JSON: {"schema": _ref("ChartList")}},
                    }
                },
            }
        },
        "/api/v1/charts/{chart_id}.json": {
            "get": {
                "operationId": "chart_json",
                "summary": "A chart's numbers",
                "description": note + " Money is integer pence in *_pence columns.",
                "tags": ["charts"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The chart's numbers, a sentence about them and provenance",
                        "content": {JSON: {"schema": _ref("ChartData")}},
                    },
                    **_errors(400, 404),
                },
            }
        },
        "/api/v1/charts/{chart_id}.csv": {
            "get": {
                "operationId": "chart_csv",
                "summary": "A chart's numbers as CSV (the card's table view)",
                "description": note,
                "tags": ["charts"],
                "parameters": parameters,
                "responses": {
                    "200": _csv_response("The chart's table, with provenance headers"),
                    **_errors(400, 404),
                },
            }
        },
        "/api/v1/charts/{chart_id}.png": image("png", "image/png"),
        "/api/v1/charts/{chart_id}.svg": image("svg", "image/svg+xml"),
    }


def _chart_schemas() -> dict[str, Any]:
    text = {"type": "string"}
    chart_head = {
        "id": {"type": "string", "enum": sorted(REGISTRY)},
        "title": text,
        "description": text,
        "units": text,
        "source": text,
    }
    links = _object(
        {name: {"type": "string"} for name in ("json", "csv", "png", "svg", "embed", "page")}
    )
    return {
        "ChartList": _object(
            {
                "charts": {
                    "type": "array",
                    "items": _object(
                        {
                            **chart_head,
                            "page": text,
                            "filters": {
                                "type": "array",
                                "items": {
                                    "type": "string",
                                    "enum": [f.name for f in fields(Filters)],
                                },
                            },
                            "links": links,
                        }
                    ),
                },
                "provenance": _ref("Provenance"),
            }
        ),
        "ChartData": _object(
            {
                "chart": _object(chart_head),
                "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                "summary": {"type": "string", "description": "The numbers in one sentence"},
                "columns": {"type": "array", "items": text},
                "rows": {"type": "array", "items": {"type": "object"}},
                "provenance": _ref("Provenance"),
            }
        ),
    }


def _other_paths() -> dict[str, Any]:
    return {
        "/api/v1/": {
            "get": {
                "operationId": "index",
                "summary": "The datasets and where to find everything else",
                "tags": ["about"],
                "responses": {
                    "200": {
                        "description": "Datasets and links",
                        "content": {JSON: {"schema": _ref("Index")}},
                    },
                    **_errors(400),
                },
            }
        },
        "/api/v1/360giving.json": {
            "get": {
                "operationId": "threesixtygiving",
                "summary": "The home organisations' awards as a 360Giving 1.4 package",
                "description": (
                    "Every grant a home organisation awarded, oldest first, as a package valid "
                    "against the 360Giving 1.4 package schema, with a `provenance` member."
                ),
                "tags": ["records"],
                "externalDocs": {
                    "description": "360Giving Data Standard",
                    "url": "https://standard.threesixtygiving.org/en/latest/",
                },
                "responses": {
                    "200": {
                        "description": "A 360Giving package",
                        "headers": _provenance_headers(),
                        "content": {JSON: {"schema": _ref("ThreeSixtyGivingPackage")}},
                    },
                    **_errors(400, 404),
                },
            }
        },
        "/api/v1/provenance": {
            "get": {
                "operationId": "provenance",
                "summary": "Sources, licence, time of the last load and of this answer",
                "tags": ["about"],
                "responses": {
                    "200": {
                        "description": "Provenance",
                        "content": {JSON: {"schema": _ref("Provenance")}},
                    },
                    **_errors(400),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "tags": ["about"],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    },
                    **_errors(400),
                },
            }
        },
    }


def _index_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return _object(
        {
            "datasets": {
                "type": "array",
                "items": _object(
                    {
                        "name": {"type": "string", "enum": [d.name for d in DATASETS]},
                        "title": text,
                        "row": text,
                        "filters": {"type": "array", "items": text},
                        "links": _object({"json": text, "csv": text}),
                    }
                ),
            },
            "links": _object(
                {name: text for name in ("charts", "360giving", "openapi", "provenance")}
            ),
            "provenance": _ref("Provenance"),
        }
    )


def _package_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A 360Giving 1.4 package; see the standard for the grant objects",
        "required": ["version", "grants", "provenance"],
        "properties": {
            "version": {"const": "1.4"},
            "title": {"type": "string"},
            "issued": {"type": "string", "format": "date"},
            "publisher": {"type": "object"},
            "license": {"type": "string", "format": "uri"},
            "provenance": _ref("Provenance"),
            "grants": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["id", "title", "currency", "amountAwarded", "awardDate"],
                },
            },
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the whole of ``/api/v1``."""
    schemas: dict[str, Any] = {
        "Provenance": _provenance_schema(),
        "Error": _error_schema(),
        "Index": _index_schema(),
        "ThreeSixtyGivingPackage": _package_schema(),
        **_chart_schemas(),
        **snapshot_schemas(),
    }
    paths: dict[str, Any] = {**_other_paths()}
    for dataset in DATASETS:
        schemas[_schema_name(dataset)] = record_schema(dataset)
        schemas[f"{_schema_name(dataset)}Page"] = _page_schema(dataset)
        paths.update(_dataset_paths(dataset))
    paths.update(_chart_paths())
    paths.update(snapshot_paths())
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "P&C Research Observatory open-data API",
            "version": API_VERSION,
            "description": (
                "Published records and chart data of the observatory, as JSON and CSV, with "
                "provenance on every answer: the sources loaded, their licence, the time of the "
                "last load and the time of the answer. Filters take the same names and "
                "comma-separated values as the dashboard's page URLs. Drafts, unpublished "
                "records, researchers without public consent and individual payments are never "
                "published."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "records", "description": "Published records"},
            {"name": "charts", "description": "Chart data and images"},
            {"name": "about", "description": "Provenance and this description"},
            {"name": "snapshots", "description": "Frozen board snapshots"},
        ],
        "paths": paths,
        "components": {"schemas": schemas},
    }
