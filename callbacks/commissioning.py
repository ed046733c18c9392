"""The commissioning page's contracts table: filters, sort and page -> one page of rows read
with LIMIT; the CSV streams every matching row. (Its charts are drawn by chart_cards.)"""

from __future__ import annotations

import io
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, no_update

from components import ids
from components.views import contracts_table as table
from warehouse.db import shared_engine
from warehouse.queries.commissioning import contracts_csv_rows, contracts_page
from warehouse.queries.empty_states import COMMISSIONS, why_empty
from warehouse.queries.filters import Filters
from warehouse.spreadsheet_cells import SafeCsvWriter


@callback(
    Output(table.STATE, "data"),
    Input(ids.FILTER_STATE, "data"),
    Input(table.sort_id(ALL), "n_clicks"),  # type: ignore[arg-type]
    Input(table.PREVIOUS, "n_clicks"),
    Input(table.NEXT, "n_clicks"),
    State(table.STATE, "data"),
)
def update_state(
    filter_values: dict[str, Any] | None,
    _sort_clicks: list[int],
    _previous: int,
    _next: int,
    state: dict[str, Any] | None,
) -> dict[str, Any]:
    state = {**table.initial_state(), **(state or {})}
    trigger = ctx.triggered_id
    if trigger == table.PREVIOUS:
        return {**state, "page": max(int(state["page"]) - 1, 0)}
    if trigger == table.NEXT:
        return {**state, "page": int(state["page"]) + 1}
    if isinstance(trigger, dict) and trigger.get("type") == table.SORT:
        key = str(trigger["column"])
        descending = (
            not state["descending"] if key == state["sort"] else key in table.DESCENDING_FIRST
        )
        return {**state, "sort": key, "descending": descending, "page": 0}
    return {**state, "filters": filter_values or {}, "page": 0}


@callback(
    Output(table.BODY, "children"),
    Output(table.SUMMARY, "children"),
    Output(table.PREVIOUS, "disabled"),
    Output(table.NEXT, "disabled"),
    Output(table.mark_id(ALL), "children"),  # type: ignore[arg-type]
    Output(table.header_id(ALL), "aria-sort"),  # type: ignore[arg-type]
    Input(table.STATE, "data"),
)
def show_page(state: dict[str, Any] | None) -> tuple[Any, ...]:
    state = {**table.initial_state(), **(state or {})}
    engine, filters = shared_engine(), Filters.from_values(state["filters"])
    page = contracts_page(
        engine,
        filters,
        sort=str(state["sort"]),
        descending=bool(state["descending"]),
        page=int(state["page"]),
    )
    shown = len(page.rows)
    rows = table.contract_rows(page.rows.to_dict("records"))
    keys = [item["id"]["column"] for item in ctx.outputs_list[4]]
    headers = [item["id"]["column"] for item in ctx.outputs_list[5]]
    return (
        rows,
        table.summary_text(
            page.offset,
            shown,
            page.total,
            why_empty(engine, COMMISSIONS, filters) if page.total == 0 else None,
        ),
        page.offset == 0,
        page.offset + shown >= page.total,
        [table.sort_mark(key, state) for key in keys],
        [table.aria_sort(key, state) for key in headers],
    )


@callback(
    Output(table.CSV_DOWNLOAD, "data"),
    Input(table.CSV, "n_clicks"),
    State(table.STATE, "data"),
    prevent_initial_call=True,
)
def download_csv(clicks: int, state: dict[str, Any] | None) -> Any:
    if not clicks:
        return no_update
    state = {**table.initial_state(), **(state or {})}
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    for row in contracts_csv_rows(
        shared_engine(),
        Filters.from_values(state["filters"]),
        sort=str(state["sort"]),
        descending=bool(state["descending"]),
    ):
        writer.writerow(row)
    return dcc.send_string(buffer.getvalue(), "commissioning-contracts.csv")
