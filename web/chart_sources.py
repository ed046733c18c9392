"""Whose grants a chart shows, for its card's source line and its downloads.

The card asks on every change of filters, so its answer is kept once per load and filter set
(``web.caching``): a million grants cost one read of their files per load. Downloads ask
``chart_attribution`` directly; their whole answers are cached by the HTTP layer.
"""

from __future__ import annotations

from sqlalchemy import Engine

from figures.provenance import Attribution, attribution
from figures.registry import Chart
from warehouse.queries.filters import Filters
from warehouse.queries.grant_sources import CHARTS_WITH_PUBLISHERS, chart_publishers, grant_files
from web.caching import computed_for_this_load


def chart_attribution(
    engine: Engine, chart: Chart, filters: Filters, site_licence: str | None = None
) -> Attribution:
    """The chart's source line, licence and publishers under ``filters``; files loaded by
    hand that state no licence are under ``site_licence`` when given. Charts that do not
    count grants keep their registered source."""
    if chart.chart_id not in CHARTS_WITH_PUBLISHERS:
        return Attribution(chart.source, None)
    publishers = chart_publishers(engine, chart.chart_id, filters, grant_files(engine))
    return attribution(chart.source, publishers, site_licence)


def cached_chart_attribution(engine: Engine, chart: Chart, filters: Filters) -> Attribution:
    """The same for the chart card (no site licence: the card's callbacks never read the
    configuration), kept for as long as the warehouse's load generation holds."""
    if chart.chart_id not in CHARTS_WITH_PUBLISHERS:
        return Attribution(chart.source, None)
    files = computed_for_this_load(engine, "grant-files", (), lambda: grant_files(engine))
    publishers = computed_for_this_load(
        engine,
        "chart-publishers",
        (chart.chart_id, filters),
        lambda: chart_publishers(engine, chart.chart_id, filters, files),
    )
    return attribution(chart.source, publishers)
