"""The spend page's wiring: the status line, and the organisations paid with the links to
their CSV and JSON under the filters. Its charts are drawn by callbacks/chart_cards.py."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback
from dash import get_relative_path as relative_path

from components import ids
from components.views.spend_view import api_links, count_text, recipients_table, status_text
from warehouse.db import shared_engine
from warehouse.queries.filters import Filters
from warehouse.queries.spend import TOP_RECIPIENTS_SHOWN, spend_recipients, spend_status
from web.caching import computed_for_this_load

API_ROOT = "/api/v1/spend"


@callback(Output(ids.SPEND_STATUS, "children"), Input(ids.SPEND_STATUS, "id"))
def show_status(_id: str) -> str:
    engine = shared_engine()
    found = computed_for_this_load(engine, "spend-status", (), lambda: spend_status(engine))
    return status_text(
        found.empty_reason,
        found.recipients,
        found.recipients_paid,
        found.payments,
        found.amount_pence,
    )


@callback(
    Output(ids.SPEND_RECIPIENTS, "children"),
    Output(ids.SPEND_RECIPIENTS_COUNT, "children"),
    Output(ids.SPEND_CSV, "href"),
    Output(ids.SPEND_JSON, "href"),
    Input(ids.FILTER_STATE, "data"),
)
def show_recipients(filter_values: dict[str, Any] | None) -> tuple[Any, str, str, str]:
    filters = Filters.from_values(filter_values or {})
    engine = shared_engine()
    rows = computed_for_this_load(
        engine, "spend-recipients", filters, lambda: spend_recipients(engine, filters, None)
    )
    shown = rows.head(TOP_RECIPIENTS_SHOWN)
    csv, json = api_links(relative_path(API_ROOT), sorted(filters.to_query().items()))
    return (
        recipients_table(shown),
        count_text(len(shown), len(rows), bool(filters.to_query())),
        csv,
        json,
    )
