"""The filter bar's wiring: values -> filter state -> URL; options with counts; clear."""

from __future__ import annotations

import hashlib
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, callback, clientside_callback, ctx

from components import ids
from warehouse.db import shared_engine
from warehouse.queries.charts import filter_options
from warehouse.queries.filters import Filters
from web.caching import cache, current_generation

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
    controls = [item["id"] for item in ctx.outputs_list]
    filters = Filters.from_values(state or {})
    engine = shared_engine()
    # Public counts that take no user: one cached answer per (controls, filters, load).
    asked = hashlib.sha256(f"{controls!r} {filters!r}".encode()).hexdigest()
    key = f"options:{current_generation(engine).generation}:{asked}"
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    result = []
    for control in controls:
        options = filter_options(engine, control["page"], control["name"], filters)
        result.append(
            [
                {"label": f"{row.label} ({row.records:,})", "value": str(row.value)}
                for row in options.itertuples()
            ]
        )
    cache.set(key, result)
    return result


@callback(
    Output(ids.filter_control(ALL, ALL), "value"),  # type: ignore[arg-type]
    Output(ids.filter_text(ALL, ALL), "value"),  # type: ignore[arg-type]
    Input(ids.CLEAR_FILTERS, "n_clicks"),
    prevent_initial_call=True,
)
def clear_filters(_clicks: int) -> tuple[list[None], list[str]]:
    return [None] * len(ctx.outputs_list[0]), [""] * len(ctx.outputs_list[1])
