"""The funding page's grants table: pages of rows for the grid, its count line, and the CSV
of every filtered grant, streamed from ``/download/grants.csv``.

The grid follows the page's filters: when they change, its cache is dropped (client side)
and it asks again for its first page, which the server reads under the new filters.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import flask
from dash import Input, Output, State, callback, clientside_callback, hooks
from dash import get_relative_path as relative_path
from dash.exceptions import PreventUpdate

from components import ids
from components.empty_state import reason_text
from warehouse.db import shared_engine
from warehouse.queries.empty_states import GRANTS, filtered_reason, why_empty
from warehouse.queries.filters import Filters
from warehouse.queries.grants_table import count_grants, grant_csv_chunks, grant_page

GRID = ids.FUNDING_GRANTS_GRID
CSV_ROUTE = "download/grants.csv"
CSV_NAME = "grants.csv"


def _json(text: str | None, kind: type) -> Any:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, kind) else None


def csv_link(filter_values: dict[str, Any] | None, request: dict[str, Any]) -> str:
    """The CSV address for the page's filters and the grid's sort and column filters."""
    query = Filters.from_values(filter_values or {}).to_query()
    if request.get("sortModel"):
        query["grid_sort"] = json.dumps(request["sortModel"], separators=(",", ":"))
    if request.get("filterModel"):
        query["grid_filter"] = json.dumps(request["filterModel"], separators=(",", ":"))
    address = relative_path("/" + CSV_ROUTE)
    return f"{address}?{urlencode(query)}" if query else address


@callback(
    Output(ids.grid_part(GRID, "grid"), "getRowsResponse"),
    Output(ids.grid_part(GRID, "count"), "children"),
    Output(ids.grid_part(GRID, "csv"), "href"),
    Input(ids.grid_part(GRID, "grid"), "getRowsRequest"),
    State(ids.FILTER_STATE, "data"),
    # Only the grid's own requests: as the page opens it has asked nothing yet, and a call
    # then would be a round trip (and a round of the renderer's work) that answers nothing.
    prevent_initial_call=True,
)
def serve_rows(
    request: dict[str, Any] | None, filter_values: dict[str, Any] | None
) -> tuple[dict[str, Any], Any, str]:
    if not request:
        raise PreventUpdate
    engine = shared_engine()
    filters = Filters.from_values(filter_values or {})
    sort_model = request.get("sortModel") or None
    filter_model = request.get("filterModel") or None
    total = count_grants(engine, filters, filter_model)
    rows = grant_page(
        engine,
        filters,
        int(request.get("startRow") or 0),
        int(request.get("endRow") or 0),
        sort_model,
        filter_model,
        total,
    )
    count: Any = f"{total:,} grant{'' if total == 1 else 's'} match."
    if total == 0:
        # The grid's own column filters narrow it as the page's filters do.
        reason = filtered_reason(GRANTS) if filter_model else why_empty(engine, GRANTS, filters)
        count = reason_text(reason)
    return {"rowData": rows, "rowCount": total}, count, csv_link(filter_values, request)


clientside_callback(
    """
    function (state) {
        const gridId = "GRID_ID";
        if (!document.getElementById(gridId)) { return window.dash_clientside.no_update; }
        window.dash_ag_grid.getApiAsync(gridId).then(function (api) {
            api.purgeInfiniteCache();
            api.paginationGoToFirstPage();
        });
        return window.dash_clientside.no_update;
    }
    """.replace("GRID_ID", ids.grid_part(GRID, "grid")),
    Input(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function (theme) {
        document.documentElement.setAttribute("data-ag-theme-mode", theme || "light");
        return window.dash_clientside.no_update;
    }
    """,
    Input(ids.THEME_STORE, "data"),
)


@hooks.route(name=CSV_ROUTE, methods=("GET",))
def grants_csv() -> flask.Response:
    """Every grant the page's filters and the grid's filters match, as CSV, in the grid's
    order; streamed in chunks so a million rows never sit in memory at once."""
    args = flask.request.args
    filters = Filters.from_values(args.to_dict())
    chunks = grant_csv_chunks(
        shared_engine(),
        filters,
        _json(args.get("grid_sort"), list),
        _json(args.get("grid_filter"), dict),
    )
    return flask.Response(
        flask.stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{CSV_NAME}"'},
    )
