"""The gap page's panels: the need note, the ranked gaps, a clicked cell's projects, and the
concentration index. (Its two charts are drawn by chart_cards from the same filter state.)
The numbers behind the gap list and the equity summary take no user and are cached per load,
like the charts'; both are warmed after a load (``callbacks.cache_warming``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from dash import Input, Output, callback, ctx, no_update
from sqlalchemy import Engine

from components import ids
from components.views import gap_panels
from warehouse.db import shared_engine
from warehouse.gap_scores import concentration_sentence
from warehouse.queries import gaps
from warehouse.queries.filters import Filters
from web.caching import computed_for_this_load


@callback(
    Output(gap_panels.AXIS_CONTROL, "value", allow_duplicate=True),
    Input(gap_panels.AXIS_CONTROL, "value"),
    prevent_initial_call=True,
)
def keep_an_axis(value: str | None) -> Any:
    # "Clear filters" empties every filter control; the matrix then shows wards, and so
    # should the switch.
    return gaps.AXIS_DEFAULT if value not in gaps.AXES else no_update


@callback(
    Output(gap_panels.NEED_NOTE, "children"),
    Output(gap_panels.GAP_LIST, "children"),
    Input(ids.FILTER_STATE, "data"),
)
def show_gaps(filter_values: dict[str, Any] | None) -> tuple[Any, Any]:
    filters = Filters.from_values(filter_values or {})
    engine = shared_engine()
    axis = gaps.axis_of(filters)

    def indicator_and_gaps() -> tuple[str, list[dict[str, Any]]]:
        matrix = gaps.matrix_cells(engine, filters)
        indicator = "" if matrix.empty else str(matrix["need_indicator"].iloc[0])
        ranked = gaps.ranked_gaps(matrix)
        return indicator, ranked.to_dict("records") if not ranked.empty else []

    indicator, rows = computed_for_this_load(engine, "gaps", filters, indicator_and_gaps)
    return gap_panels.need_note(axis, indicator), gap_panels.gap_list(rows, axis)


@callback(
    Output(gap_panels.CELL_TOPIC, "options"),
    Output(gap_panels.CELL_TOPIC, "value"),
    Output(gap_panels.CELL_COLUMN, "options"),
    Output(gap_panels.CELL_COLUMN, "value"),
    Input(ids.FILTER_STATE, "data"),
)
def offer_cells(filter_values: dict[str, Any] | None) -> tuple[Any, ...]:
    topics, columns = gaps.cell_choices(shared_engine(), Filters.from_values(filter_values or {}))
    return topics, None, columns, None


@callback(
    Output(gap_panels.CELL_PROJECTS, "children"),
    Input(gap_panels.MATRIX_GRAPH, "clickData"),
    Input(gap_panels.CELL_TOPIC, "value"),
    Input(gap_panels.CELL_COLUMN, "value"),
    Input(ids.FILTER_STATE, "data"),
)
def show_cell(
    click: dict[str, Any] | None,
    chosen_topic: str | None,
    chosen_column: str | None,
    filter_values: dict[str, Any] | None,
) -> Any:
    # A new filter or axis redraws the matrix, so the cell chosen before may be gone.
    if ctx.triggered_id == ids.FILTER_STATE:
        return gap_panels.CELL_PROMPT
    if ctx.triggered_id == gap_panels.MATRIX_GRAPH:
        if not click or not click.get("points"):
            return gap_panels.CELL_PROMPT
        # Dash passes a heatmap point's x and y (the labels), not its customdata.
        point = click["points"][0]
        topic, column = str(point.get("y", "")), str(point.get("x", ""))
    else:
        topic, column = chosen_topic or "", chosen_column or ""
    filters = Filters.from_values(filter_values or {})
    engine = shared_engine()
    code = gaps.column_code(engine, filters, column)
    if not topic or code is None:
        return gap_panels.CELL_PROMPT
    rows = gaps.cell_projects(engine, filters, topic, code)
    return gap_panels.cell_projects(topic, column, rows.to_dict("records"), gaps.CELL_PROJECT_LIMIT)


@callback(
    Output(gap_panels.EQUITY_SUMMARY, "children"),
    Input(gap_panels.EQUITY_SUMMARY, "id"),
)
def show_equity(_id: str) -> Any:
    # The page's filters narrow the matrix, not the funding: one answer per load, warmed after
    # it (its input, the panel's own id, is known before the page opens).
    engine = shared_engine()
    return computed_for_this_load(engine, "equity-summary", (), partial(_equity_summary, engine))


def _equity_summary(engine: Engine) -> Any:
    wards = gaps.ward_funding(engine)
    index = gaps.concentration_of(wards)
    return gap_panels.equity_summary(
        concentration_sentence(index), len(wards), int(wards["amount_pence"].sum())
    )
