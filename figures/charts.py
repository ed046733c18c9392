"""The chart registry: every chart the product draws, keyed by chart id.

Pages place charts by id, callbacks draw them by id, embeds and the API serve them by id.
A chart's numbers come from the warehouse query of the same id (``warehouse.queries.charts``);
a test keeps the two registries in step.
"""

from __future__ import annotations

from figures import (
    commissioning,
    funding,
    gaps,
    impact,
    recommendations,
    research,
    researchers,
    spend,
)
from figures.registry import Chart

CHARTS: list[Chart] = [
    *funding.CHARTS,
    *spend.CHARTS,
    *research.CHARTS,
    *commissioning.CHARTS,
    *researchers.CHARTS,
    *impact.CHARTS,
    *recommendations.CHARTS,
    *gaps.CHARTS,
]

REGISTRY: dict[str, Chart] = {chart.chart_id: chart for chart in CHARTS}
if len(REGISTRY) != len(CHARTS):
    raise ValueError("two charts share an id")
