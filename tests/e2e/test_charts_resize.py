"""Charts keep their height when a wide window is narrowed to a phone's width: Dash's
responsive graphs fill their container, and a container without a height collapses. A chart
with a phone form (figures.registry's narrow_build: the Sankeys as ranked bars) is redrawn in
it below 576 px, with a height of its own, which must not collapse either."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from components.ids import chart_part
from figures.charts import REGISTRY

PAGES_WITH_CHARTS = sorted({chart.page for chart in REGISTRY.values()})
WITH_PHONE_FORM = {
    chart_part(chart.chart_id, "graph") for chart in REGISTRY.values() if chart.narrow_build
}
# Charts with no data are hidden (class d-none instead of chart-graph) and are left out.
HEIGHTS = (
    "Array.from(document.querySelectorAll('.chart-graph .js-plotly-plot'))"
    ".map(e => [e.closest('.chart-graph').id, e.offsetHeight])"
)


def _settled_heights(page: Page) -> list[list[Any]]:
    """The charts' heights once two readings half a second apart agree (a chart may be
    redrawn once the filter state arrives)."""
    previous: list[list[Any]] = []
    for _ in range(20):
        heights: list[list[Any]] = page.evaluate(HEIGHTS)
        if heights and heights == previous:
            return heights
        previous = heights
        page.wait_for_timeout(500)
    return previous


@pytest.mark.parametrize("path", PAGES_WITH_CHARTS)
def test_every_chart_keeps_its_height_when_the_window_narrows(
    live_server: str, page: Page, path: str
) -> None:
    page.goto(live_server + path)
    plots = page.locator(".chart-graph .js-plotly-plot .main-svg")
    expect(plots.first).to_be_visible()
    page.wait_for_load_state("networkidle")
    wide = _settled_heights(page)
    assert wide and min(height for _, height in wide) > 100, wide

    page.set_viewport_size({"width": 375, "height": 800})
    narrow = _settled_heights(page)
    assert [row for row in narrow if row[0] not in WITH_PHONE_FORM] == [
        row for row in wide if row[0] not in WITH_PHONE_FORM
    ]
    redrawn = [height for graph, height in narrow if graph in WITH_PHONE_FORM]
    assert len(redrawn) == len([row for row in wide if row[0] in WITH_PHONE_FORM])
    assert all(height > 100 for height in redrawn), narrow
