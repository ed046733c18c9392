"""The recommendations tracker's wiring: the cards and roll-up under the status filter; a
recommendation's page."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

from dash import ClientsideFunction, Input, Output, callback, clientside_callback
from dash.development.base_component import Component

from components import ids
from components.views.recommendation_cards import (
    recommendation_not_found,
    recommendation_page,
    rollup_table,
    tracker_view,
)
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from warehouse.queries.recommendations import recommendation_detail, tracker, workstream_rollup

SITE = "P&C Research Observatory"


@callback(
    Output(ids.RECOMMENDATIONS_TRACKER, "children"),
    Output(ids.RECOMMENDATIONS_ROLLUP, "children"),
    Input(ids.FILTER_STATE, "data"),
)
def show_tracker(filter_values: dict[str, Any] | None) -> tuple[Component, Any]:
    filters = Filters.from_values(filter_values or {})
    engine = shared_engine()
    rollup = workstream_rollup(engine, filters)
    rows = tracker(engine, filters, date.today())
    return tracker_view(rows, rollup), rollup_table(rollup)


@callback(
    Output(ids.RECOMMENDATION_DETAIL, "children"),
    Output(ids.RECOMMENDATION_TITLE, "data"),
    Input(ids.RECOMMENDATION_ID, "data"),
)
def show_recommendation(recommendation_id: str | None) -> tuple[Component, str]:
    wanted = unquote(recommendation_id or "")
    detail = recommendation_detail(shared_engine(), wanted, date.today()) if wanted else None
    if detail is None:
        return recommendation_not_found(wanted), f"Recommendation not found · {SITE}"
    page = recommendation_page(
        detail.recommendation,
        updates=detail.updates,
        milestones=detail.milestones,
        projects=detail.projects,
        grants=detail.grants,
        funding_pence=detail.funding_pence,
    )
    return page, f"Recommendation {detail.recommendation['recommendation_id']} · {SITE}"


clientside_callback(
    ClientsideFunction("observatory", "setTitle"),
    Input(ids.RECOMMENDATION_TITLE, "data"),
)
