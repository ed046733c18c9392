"""The source line of each chart of grants: the publishers of the grants it counts under the
page's filters, with their licences (``web.chart_sources``).

The charts of grants are the funding page's cards, and the one callback that draws them all
(``callbacks.chart_cards``) writes their source lines too: each callback a page runs is a round
trip and a round of work for Dash's renderer in the browser, which on that page cost more than
the answers themselves. A page that shows only some of these cards needs a callback of its own
for them.
"""

from __future__ import annotations

from typing import Any

from figures.charts import REGISTRY
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from web.chart_sources import cached_chart_attribution


def source_lines(chart_ids: list[str], filter_values: dict[str, Any] | None) -> tuple[str, ...]:
    """The source line of each chart of grants under these filter values."""
    filters = Filters.from_values(filter_values or {})
    engine = shared_engine()
    return tuple(
        cached_chart_attribution(engine, REGISTRY[chart_id], filters).source
        for chart_id in chart_ids
    )
