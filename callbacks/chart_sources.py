"""The source line of each chart of grants: the publishers of the grants it counts under the
page's filters, with their licences (``web.chart_sources``).

The charts of grants are the funding page's cards, and one callback writes all their source
lines: each callback a page runs is a round trip and a round of work for Dash's renderer in
the browser, which on that page cost more than the answers themselves. A page that shows only
some of these cards needs a callback of its own for them.
"""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from components import ids
from figures.charts import REGISTRY
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from warehouse.queries.grant_sources import CHARTS_WITH_PUBLISHERS
from web.chart_sources import cached_chart_attribution


def register_all() -> None:
    """One callback for the charts of grants; called once at import."""

    @callback(
        *(
            Output(ids.chart_part(chart_id, "source"), "children")
            for chart_id in CHARTS_WITH_PUBLISHERS
        ),
        Input(ids.FILTER_STATE, "data"),
    )
    def source_lines(filter_values: dict[str, Any] | None) -> tuple[str, ...]:
        filters = Filters.from_values(filter_values or {})
        engine = shared_engine()
        return tuple(
            cached_chart_attribution(engine, REGISTRY[chart_id], filters).source
            for chart_id in CHARTS_WITH_PUBLISHERS
        )
