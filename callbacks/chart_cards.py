"""One set of callbacks per registered chart: draw it, its table, its n and the period it covers;
the addresses of its downloads; copy link.

Charts are drawn from the page's filter state, so every card on a page follows the same
filters, and the URL (written by callbacks/filter_bar.py) restores them.

Caching: a chart's numbers and its drawn answer are kept in ``web.caching.cache`` under (chart,
filters, theme, load generation), so a new load is never answered from an older one. Charts
show published data only and their queries take no user, so one answer serves every role;
nothing here may read ``current_user()``. The table view is built only while it is open: a
client-side gate (``observatory.cardFilters``, which also writes the downloads' addresses: one
callback where there were two, since each callback a page runs is a round of work for Dash's
renderer in the browser) passes the filter state on to the server only then, so a collapsed
table costs no request and no rendering.
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    no_update,
)

from callbacks import embed_dialog
from callbacks.chart_sources import source_lines
from components import ids
from components.empty_state import reason_text
from figures.charts import REGISTRY
from figures.provenance import covers_text, period_covered
from figures.registry import Chart, records_counted
from figures.table_view import readable_table
from warehouse.db import shared_engine
from warehouse.queries.charts import CHART_QUERIES, EMPTY_MESSAGES
from warehouse.queries.filters import Filters
from warehouse.queries.grant_sources import CHARTS_WITH_PUBLISHERS
from web.caching import cache, current_generation

# Cards that one callback draws, with their source lines, and one client-side callback gives
# their downloads and table gates: the funding page's, whose every card is always there (Dash
# runs a callback only where all its outputs are). Each callback a page runs is a round of
# work for Dash's renderer in the browser (some twenty updates of its store, each one checked
# by every component on the page): on that page, a callback per card cost more than drawing.
DRAWN_TOGETHER = (CHARTS_WITH_PUBLISHERS,)


def _key(kind: str, chart_id: str, filters: Filters, generation: str | None, theme: str) -> str:
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return f"chart:{kind}:{generation}:{chart_id}:{theme}:{digest}"


def _numbers(chart_id: str, filters: Filters, generation: str | None) -> pd.DataFrame:
    key = _key("data", chart_id, filters, generation, "")
    data = cache.get(key)
    if not isinstance(data, pd.DataFrame):
        data = CHART_QUERIES[chart_id](shared_engine(), filters)
        cache.set(key, data)
    return data


def chart_data(chart_id: str, filter_values: dict[str, Any] | None) -> pd.DataFrame:
    """The numbers behind a chart for these filter values (cached for this load)."""
    generation = current_generation(shared_engine()).generation
    return _numbers(chart_id, Filters.from_values(filter_values or {}), generation)


def _empty_message(chart_id: str, filters: Filters) -> list[Any]:
    """Why a chart is empty: nothing loaded, every row rejected, nothing shown, the filters
    (only then "Clear a filter"), or nothing of what it counts."""
    return reason_text(EMPTY_MESSAGES[chart_id](shared_engine(), filters))


def _drawn(
    chart: Chart, data: pd.DataFrame, updated: str, theme: str, filters: Filters, narrow: bool
) -> tuple[Any, ...]:
    """The draw callback's outputs, as plain data that the cache can keep."""
    n = f"{records_counted(chart, data):,}"
    if data.empty:
        return {}, "d-none", {}, _empty_message(chart.chart_id, filters), True, n, updated
    build = chart.narrow_build if narrow and chart.narrow_build else chart.build
    figure = build(data, theme)
    # The graph is responsive, which makes Dash drop the figure's height and fill the
    # container instead; without a height of its own the container collapses to nothing
    # when the window narrows.
    style = {"height": f"{figure.layout.height}px"} if figure.layout.height else {}
    return figure.to_plotly_json(), "chart-graph", style, None, False, n, updated


def _answer(
    chart: Chart, filter_values: dict[str, Any] | None, theme: str | None, viewport: str | None
) -> tuple[Any, ...]:
    """The draw outputs of one chart for these filters, colours and screen (cached)."""
    seen = current_generation(shared_engine())
    filters, theme = Filters.from_values(filter_values or {}), theme or "light"
    narrow = viewport == "narrow"
    form = f"{theme}:narrow" if narrow and chart.narrow_build else theme
    key = _key("drawn", chart.chart_id, filters, seen.generation, form)
    answer = cache.get(key)
    if not isinstance(answer, tuple):
        data = _numbers(chart.chart_id, filters, seen.generation)
        period = period_covered(data, filters.fy_from, filters.fy_to)
        updated = covers_text(period, seen.last_modified)
        answer = _drawn(chart, data, updated, theme, filters, narrow)
        cache.set(key, answer)
    return answer


def _draw_outputs(chart_id: str) -> list[Output]:
    part = partial(ids.chart_part, chart_id)
    return [
        Output(part("graph"), "figure"),
        Output(part("graph"), "className"),
        Output(part("graph"), "style"),
        Output(part("message"), "children"),
        Output(part("message"), "is_open"),
        Output(part("n"), "children"),
        Output(part("updated"), "children"),
    ]


def _register_draw(chart: Chart) -> None:
    @callback(
        *_draw_outputs(chart.chart_id),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.THEME_STORE, "data"),
        # Only a chart with a phone form redraws when the screen crosses the breakpoint.
        *([Input(ids.VIEWPORT_STORE, "data")] if chart.narrow_build else []),
    )
    def draw(
        filter_values: dict[str, Any] | None, theme: str | None, viewport: str | None = None
    ) -> tuple[Any, ...]:
        return _answer(chart, filter_values, theme, viewport)


def _register_drawn_together(charts: list[Chart]) -> None:
    """One callback draws ``charts`` (the cards of one page) and writes their source lines;
    on a change of screen width alone only those with a phone form are drawn again."""
    draw_width = len(_draw_outputs(charts[0].chart_id))

    @callback(
        *(output for chart in charts for output in _draw_outputs(chart.chart_id)),
        *(Output(ids.chart_part(chart.chart_id, "source"), "children") for chart in charts),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.THEME_STORE, "data"),
        Input(ids.VIEWPORT_STORE, "data"),
    )
    def draw_together(
        filter_values: dict[str, Any] | None, theme: str | None, viewport: str | None
    ) -> tuple[Any, ...]:
        width_only = set(ctx.triggered_prop_ids) == {f"{ids.VIEWPORT_STORE}.data"}
        drawn: list[Any] = []
        for chart in charts:
            if width_only and not chart.narrow_build:
                drawn.extend([no_update] * draw_width)
            else:
                drawn.extend(_answer(chart, filter_values, theme, viewport))
        if width_only:
            return (*drawn, *([no_update] * len(charts)))
        return (*drawn, *source_lines([c.chart_id for c in charts], filter_values))

    # Every card's downloads and table gate (observatory.cardFilters) in one client-side
    # callback; a card whose table opens or closes alone changes nothing on the others.
    clientside_callback(
        ClientsideFunction("observatory", "cardsFilters"),
        *(
            Output(ids.chart_part(chart.chart_id, name), prop)
            for chart in charts
            for name, prop in _CARD_LINKS
        ),
        Input(ids.FILTER_STATE, "data"),
        *(Input(ids.chart_part(chart.chart_id, "table-collapse"), "is_open") for chart in charts),
        *(State(f"card-{chart.chart_id}", "id") for chart in charts),
    )


_CARD_LINKS = (("csv", "href"), ("png", "href"), ("svg", "href"), ("table-wanted", "data"))


def _register(chart: Chart, drawn_together: bool) -> None:
    part = partial(ids.chart_part, chart.chart_id)
    if not drawn_together:
        _register_draw(chart)

    @callback(
        Output(part("table-collapse"), "is_open"),
        Output(part("table-toggle"), "children"),
        Input(part("table-toggle"), "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle_table(clicks: int) -> tuple[bool, str]:
        shown = bool(clicks % 2)
        return shown, "Chart only" if shown else "Table"

    @callback(
        Output(part("table"), "children"),
        Input(part("table-wanted"), "data"),
        prevent_initial_call=True,
    )
    def table(wanted: dict[str, Any] | None) -> Any:
        data = chart_data(chart.chart_id, (wanted or {}).get("filters"))
        if data.empty:
            return None
        return dbc.Table.from_dataframe(
            readable_table(data),
            striped=True,
            bordered=False,
            hover=True,
            size="sm",
            class_name="mb-0",
        )

    # The downloads are the chart API's CSV, PNG and SVG under the card's filters: each carries
    # its title, source, licence, period and address (figures.provenance). The same client-side
    # callback is the table's gate: one callback, not two, for every card on a page.
    if drawn_together:
        _register_copy_link(chart)
        return
    clientside_callback(
        ClientsideFunction("observatory", "cardFilters"),
        Output(part("csv"), "href"),
        Output(part("png"), "href"),
        Output(part("svg"), "href"),
        Output(part("table-wanted"), "data"),
        Input(ids.FILTER_STATE, "data"),
        Input(part("table-collapse"), "is_open"),
        State(f"card-{chart.chart_id}", "id"),
    )
    _register_copy_link(chart)


def _register_copy_link(chart: Chart) -> None:
    part = partial(ids.chart_part, chart.chart_id)
    clientside_callback(
        ClientsideFunction("observatory", "currentLink"),
        Output(part("copy"), "content"),
        Input(part("copy"), "n_clicks"),
        State(f"card-{chart.chart_id}", "id"),
        prevent_initial_call=True,
    )


def register_all() -> None:
    """Callbacks for every chart in the registry; called once at import."""
    together = {chart_id for group in DRAWN_TOGETHER for chart_id in group}
    for group in DRAWN_TOGETHER:
        _register_drawn_together([REGISTRY[chart_id] for chart_id in group])
    for chart in REGISTRY.values():
        _register(chart, chart.chart_id in together)
        embed_dialog.register(chart)
