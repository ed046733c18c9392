"""The researcher page's wiring: the directory and its pager and CSV under the filters, and the
benefits-advice services. Its charts are drawn by callbacks/chart_cards.py."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, ctx, dcc
from dash.development.base_component import Component

from components import ids
from components.views.researcher_cards import advice_services_list, count_text, directory_cards
from warehouse.db import shared_engine
from warehouse.queries.empty_states import RESEARCHERS, why_empty
from warehouse.queries.filters import Filters
from warehouse.queries.researchers import (
    advice_services,
    researcher_directory,
    researcher_directory_csv,
)
from warehouse.spreadsheet_cells import safe_frame


@callback(
    Output(ids.DIRECTORY_CARDS, "children"),
    Output(ids.DIRECTORY_COUNT, "children"),
    Output(ids.DIRECTORY_PAGER, "max_value"),
    Output(ids.DIRECTORY_PAGER, "active_page"),
    Output(ids.DIRECTORY_PAGER, "className"),
    Input(ids.FILTER_STATE, "data"),
    Input(ids.DIRECTORY_PAGER, "active_page"),
    State(ids.DIRECTORY_PAGER, "className"),
)
def show_directory(
    filter_values: dict[str, Any] | None, active_page: int | None, pager_class: str | None
) -> tuple[Any, str, int, int, str]:
    # New filters start again at the first page; the pager only moves within one result set.
    page = 1 if ctx.triggered_id == ids.FILTER_STATE else (active_page or 1)
    engine, filters = shared_engine(), Filters.from_values(filter_values or {})
    found = researcher_directory(engine, filters, page=page)
    reason = why_empty(engine, RESEARCHERS, filters) if found.researchers.empty else None
    classes = [c for c in (pager_class or "").split() if c != "d-none"]
    if found.pages == 1:
        classes.append("d-none")
    return (
        directory_cards(found.researchers, reason),
        count_text(found.total),
        found.pages,
        found.page,
        " ".join(classes),
    )


@callback(
    Output(ids.DIRECTORY_CSV_DOWNLOAD, "data"),
    Input(ids.DIRECTORY_CSV, "n_clicks"),
    State(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)
def download_directory(_clicks: int, filter_values: dict[str, Any] | None) -> dict[str, Any]:
    rows = researcher_directory_csv(shared_engine(), Filters.from_values(filter_values or {}))
    return dcc.send_data_frame(safe_frame(rows).to_csv, "researcher-directory.csv", index=False)


@callback(Output(ids.ADVICE_SERVICES, "children"), Input(ids.ADVICE_SERVICES, "id"))
def show_advice_services(_id: str) -> Component:
    return advice_services_list(advice_services(shared_engine()))
