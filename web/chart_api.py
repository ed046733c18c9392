"""The chart endpoints of the open-data API: every registered chart's numbers (JSON, CSV) and
images (PNG, SVG), under the same filter parameters as the pages' URLs.

- GET /api/v1/charts: each chart's id, title, description, units, source, page, filters, links.
- GET /api/v1/charts/<id>.json|.csv|.png|.svg?<filters>
Unknown chart or format: 404 JSON; a bad parameter: 400 JSON. JSON answers carry "provenance";
CSV and image answers carry the provenance headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, url_for
from sqlalchemy import Engine

from figures.charts import REGISTRY
from figures.provenance import csv_with_provenance
from figures.registry import Chart
from figures.summaries import summarise
from figures.table_view import readable_table
from warehouse.db import shared_engine
from warehouse.queries.charts import CHART_QUERIES, OPTION_QUERIES
from warehouse.queries.filters import Filters
from warehouse.spreadsheet_cells import safe_cell, safe_frame
from web.images import DEFAULT_WIDTH, FORMATS, chart_image
from web.provenance import chart_provenance, provenance, provenance_headers

chart_api = Blueprint("chart_api", __name__, url_prefix="/api/v1")

FILTER_NAMES = tuple(f.name for f in fields(Filters))
# Free-text filters have no option list in OPTION_QUERIES; this package may not import pages.
SEARCH_FILTERS: dict[str, tuple[str, ...]] = {"research": ("q",)}
THEMES = ("light", "dark")
IMAGE_WIDTHS = range(300, 2401)
FINANCIAL_YEAR = re.compile(r"\d{4}/\d{2}")
DATA_FORMATS = ("json", "csv")


class BadParameter(ValueError):
    """A query parameter the API cannot use; answered with 400."""


def error(message: str, status: int) -> tuple[Response, int]:
    """The API's error answer: JSON ``{"error": message}``."""
    return jsonify(error=message), status


def page_name(chart: Chart) -> str:
    """The page a chart sits on, as OPTION_QUERIES names it (``/funding`` -> ``funding``)."""
    return chart.page.strip("/").split("/")[0] or "overview"


def chart_filters(chart: Chart) -> list[str]:
    """The filter parameters of the chart's page."""
    page = page_name(chart)
    return [*OPTION_QUERIES.get(page, {}), *SEARCH_FILTERS.get(page, ())]


def parse_filters(args: Mapping[str, str], extra: tuple[str, ...] = ()) -> Filters:
    """Filters from a query string, refusing parameters no page knows and malformed years."""
    unknown = sorted(set(args) - set(FILTER_NAMES) - set(extra))
    if unknown:
        raise BadParameter(
            f"unknown parameter(s): {', '.join(unknown)}; "
            f"the parameters are {', '.join((*FILTER_NAMES, *extra))}"
        )
    if any("\x00" in value for value in args.values()):
        # PostgreSQL refuses NUL in text; a query string has no business carrying one.
        raise BadParameter("parameters may not contain NUL characters")
    for name in ("fy_from", "fy_to"):
        value = args.get(name)
        if value and not FINANCIAL_YEAR.fullmatch(value):
            raise BadParameter(f"{name} must be a financial year such as 2024/25, not {value!r}")
    return Filters.from_values({k: v for k, v in args.items() if k in FILTER_NAMES})


def theme_of(args: Mapping[str, str]) -> str:
    """The ``theme`` parameter (light or dark)."""
    theme = args.get("theme") or "light"
    if theme not in THEMES:
        raise BadParameter(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
    return theme


def _width(args: Mapping[str, str]) -> int:
    raw = args.get("width")
    if raw is None:
        return DEFAULT_WIDTH
    if not raw.isdigit() or int(raw) not in IMAGE_WIDTHS:
        raise BadParameter(
            f"width must be a whole number of pixels from {IMAGE_WIDTHS.start} "
            f"to {IMAGE_WIDTHS.stop - 1}"
        )
    return int(raw)


def with_query(url: str, filters: Filters, **more: str) -> str:
    """``url`` with the filters (and any more parameters) as its query string."""
    query = {**filters.to_query(), **{k: v for k, v in more.items() if v}}
    return f"{url}?{urlencode(query, safe=',/')}" if query else url


def chart_links(chart: Chart, filters: Filters | None = None) -> dict[str, str]:
    """Where a chart's numbers, images, embed and page are, under ``filters``."""
    filters = filters or Filters()
    links = {
        fmt: with_query(url_for("chart_api.chart", chart_id=chart.chart_id, fmt=fmt), filters)
        for fmt in (*DATA_FORMATS, *FORMATS)
    }
    links["embed"] = with_query(f"/embed/{chart.chart_id}", filters)
    links["page"] = with_query(chart.page, filters)
    return links


def page_url(chart: Chart, filters: Filters) -> str:
    """The full address of the chart's card on its page, with these filters."""
    return (
        request.host_url.rstrip("/")
        + chart_links(chart, filters)["page"]
        + f"#card-{chart.chart_id}"
    )


def _engine() -> Engine:
    return shared_engine()


@chart_api.errorhandler(BadParameter)
def bad_parameter(problem: BadParameter) -> tuple[Response, int]:
    return error(str(problem), 400)


@chart_api.get("/charts")
def charts() -> Response:
    """Every registered chart, with its filter parameters and links."""
    return jsonify(
        charts=[
            {
                "id": chart.chart_id,
                "title": chart.title,
                "description": chart.description,
                "units": chart.units,
                "source": chart.source,
                "page": chart.page,
                "filters": chart_filters(chart),
                "links": chart_links(chart),
            }
            for chart in REGISTRY.values()
        ],
        provenance=provenance(_engine()),
    )


def chart_json(engine: Engine, chart: Chart, filters: Filters) -> dict[str, Any]:
    """The JSON answer for one chart under ``filters``."""
    data = CHART_QUERIES[chart.chart_id](engine, filters)
    # pandas writes NaN as null and numpy integers as plain numbers.
    rows = json.loads(data.to_json(orient="records", date_format="iso"))
    return {
        "chart": {
            "id": chart.chart_id,
            "title": chart.title,
            "description": chart.description,
            "units": chart.units,
            "source": chart.source,
        },
        "filters": filters.to_query(),
        "summary": summarise(chart, data),
        "columns": [str(c) for c in data.columns],
        "rows": rows,
        "provenance": provenance(engine),
    }


@chart_api.get("/charts/<chart_id>.<fmt>")
def chart(chart_id: str, fmt: str) -> Response | tuple[Response, int]:
    """One chart's numbers or image under the filters in the query string."""
    found = REGISTRY.get(chart_id)
    if found is None:
        return error(f"no chart {chart_id!r}; GET /api/v1/charts lists them", 404)
    if fmt not in (*DATA_FORMATS, *FORMATS):
        return error(f"no format {fmt!r}; use json, csv, png or svg", 404)
    engine = _engine()
    args = request.args.to_dict()
    if fmt == "json":
        return jsonify(chart_json(engine, found, parse_filters(args)))
    if fmt == "csv":
        filters = parse_filters(args)
        data = CHART_QUERIES[chart_id](engine, filters)
        facts = chart_provenance(engine, found, filters, data, page_url(found, filters))
        return Response(
            csv_with_provenance(facts, safe_frame(readable_table(data)), cell=safe_cell),
            mimetype="text/csv",
            content_type="text/csv; charset=utf-8",
            headers={
                **provenance_headers(engine),
                "Content-Disposition": f'attachment; filename="{chart_id}.csv"',
            },
        )
    filters = parse_filters(args, extra=("theme", "width"))
    image = chart_image(
        engine,
        found,
        filters,
        fmt,
        theme=theme_of(args),
        width=_width(args),
        page_url=page_url(found, filters),
    )
    return Response(
        image,
        content_type=FORMATS[fmt],
        headers={
            **provenance_headers(engine),
            "Content-Disposition": f'inline; filename="{chart_id}.{fmt}"',
        },
    )
