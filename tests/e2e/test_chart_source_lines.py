"""The source lines of the charts of grants come from one callback (``callbacks.chart_sources``):
every page that shows one of those charts shows them all."""

from __future__ import annotations

import app  # registers the pages
from callbacks.cache_warming import page_views
from components import ids
from warehouse.queries.grant_sources import CHARTS_WITH_PUBLISHERS


def test_a_page_that_shows_a_chart_of_grants_shows_every_one_of_them() -> None:
    """One callback writes the source lines of all the charts of grants (a callback per chart
    cost the browser more than the answers): Dash runs it only on a page that has every one of
    its outputs, so a page showing some of these cards would show them with no source line."""
    shown_on = {}
    for view in page_views(app.server):
        shown = {
            chart
            for chart in CHARTS_WITH_PUBLISHERS
            if ids.chart_part(chart, "source") in view.component_ids
        }
        if shown:
            shown_on[view.path] = shown
    assert shown_on, "no page shows a chart of grants"
    for path, shown in shown_on.items():
        assert shown == set(CHARTS_WITH_PUBLISHERS), f"{path} shows only {sorted(shown)}"
