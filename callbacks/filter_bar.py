"""The filter bar's wiring: values -> filter state -> URL; options with counts; clear."""

from __future__ import annotations

from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, callback, clientside_callback, ctx

from callbacks import cache_warming  # noqa: F401  (the lists and charts it drives, warmed per load)
from components import ids
from warehouse.db import shared_engine
from warehouse.queries.charts import filter_options
from warehouse.queries.filters import Filters
from web.caching import computed_for_this_load

# In the browser: the page's charts wait for the filter state, so a server round trip here
# would delay every first draw.
clientside_callback(
    ClientsideFunction("observatory", "collectFilters"),
    Output(ids.FILTER_STATE, "data"),
    Input(ids.filter_control(ALL, ALL), "value"),  # type: ignore[arg-type]
    Input(ids.filter_text(ALL, ALL), "value"),  # type: ignore[arg-type]
)


clientside_callback(
    ClientsideFunction("observatory", "syncUrl"),
    Output(ids.FILTER_URL, "data"),
    Input(ids.FILTER_STATE, "data"),
)


@callback(
    Output(ids.filter_control(ALL, ALL), "options"),  # type: ignore[arg-type]
    Input(ids.FILTER_STATE, "data"),
)
def show_options(state: dict[str, Any] | None) -> list[list[dict[str, str]]]:
    # Keys in a fixed order: the cache key is the controls' repr, and the renderer's order of an
    # id's keys need not be the layout's (callbacks/cache_warming.py asks with the layout's).
    controls = [dict(sorted(item["id"].items())) for item in ctx.outputs_list]
    filters = Filters.from_values(state or {})
    engine = shared_engine()

    def count_options() -> list[list[dict[str, str]]]:
        return [
            [
                {"label": f"{row.label} ({row.records:,})", "value": str(row.value)}
                for row in filter_options(
                    engine, control["page"], control["name"], filters
                ).itertuples()
            ]
            for control in controls
        ]

    # Public counts that take no user: one cached answer per (controls, filters, load).
    return computed_for_this_load(engine, "options", (controls, filters), count_options)


@callback(
    Output(ids.filter_control(ALL, ALL), "value"),  # type: ignore[arg-type]
    Output(ids.filter_text(ALL, ALL), "value"),  # type: ignore[arg-type]
    Input(ids.CLEAR_FILTERS, "n_clicks"),
    prevent_initial_call=True,
)
def clear_filters(_clicks: int) -> tuple[list[None], list[str]]:
    return [None] * len(ctx.outputs_list[0]), [""] * len(ctx.outputs_list[1])
