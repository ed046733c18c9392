"""The source line of each chart of grants: the publishers of the grants it counts under the
page's filters, with their licences (``web.chart_sources``)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from components import ids
from figures.charts import REGISTRY
from figures.registry import Chart
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from warehouse.queries.grant_sources import CHARTS_WITH_PUBLISHERS
from web.chart_sources import cached_chart_attribution


def _register(chart: Chart) -> None:
    @callback(
        Output(ids.chart_part(chart.chart_id, "source"), "children"),
        Input(ids.FILTER_STATE, "data"),
    )
    def source_line(filter_values: dict[str, Any] | None) -> str:
        filters = Filters.from_values(filter_values or {})
        return cached_chart_attribution(shared_engine(), chart, filters).source


def register_all() -> None:
    """One callback per chart of grants; called once at import."""
    for chart_id in CHARTS_WITH_PUBLISHERS:
        _register(REGISTRY[chart_id])
