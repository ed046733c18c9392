"""Every chart in the registry has its query, a card-worthy description, and a page."""

from __future__ import annotations

from figures.charts import REGISTRY
from warehouse.queries.charts import CHART_QUERIES


def test_every_registered_chart_has_a_query_and_every_query_a_chart() -> None:
    assert set(REGISTRY) == set(CHART_QUERIES)


def test_every_chart_says_what_it_counts_and_where_it_comes_from() -> None:
    for chart in REGISTRY.values():
        assert chart.title and chart.units and chart.source and chart.description, chart.chart_id
        assert chart.page.startswith("/"), chart.chart_id
