"""The impact page's decisions list (a page of decisions read with LIMIT under the filters)
and the case-study page of one project. (The impact charts are drawn by chart_cards.)

Staff who may see drafts (``User.sees_drafts``) get draft decisions and projects in the list
and the case studies, marked; the charts stay on published data for everyone."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx
from dash.development.base_component import Component

from components import ids
from components.drafts import staff_drafts_note
from components.views import impact_case, impact_list
from warehouse.db import shared_engine
from warehouse.queries.empty_states import DECISIONS, why_empty
from warehouse.queries.filters import Filters
from warehouse.queries.impact import DECISIONS_PAGE_SIZE, case_study, decisions_page
from web.auth import sees_drafts

SITE = "P&C Research Observatory"


@callback(
    Output(impact_list.BODY, "children"),
    Output(impact_list.SUMMARY, "children"),
    Output(impact_list.PAGER, "max_value"),
    Output(impact_list.PAGER, "active_page"),
    Output(impact_list.PAGER, "className"),
    Input(ids.FILTER_STATE, "data"),
    Input(impact_list.PAGER, "active_page"),
    State(impact_list.PAGER, "className"),
)
def show_decisions(
    filter_values: dict[str, Any] | None, active_page: int | None, pager_class: str | None
) -> tuple[Any, str, int, int, str]:
    # New filters start again at the first page.
    page = 1 if ctx.triggered_id == ids.FILTER_STATE else (active_page or 1)
    include_drafts = sees_drafts()
    engine, filters = shared_engine(), Filters.from_values(filter_values or {})
    result = decisions_page(
        engine,
        filters,
        page=page - 1,
        include_drafts=include_drafts,
    )
    items: list[Any] = impact_list.decision_items(result.decisions, result.citations)
    if include_drafts:
        items.insert(0, staff_drafts_note(result.drafts, "decision", "The charts"))
    pages = max((result.total + DECISIONS_PAGE_SIZE - 1) // DECISIONS_PAGE_SIZE, 1)
    classes = [c for c in (pager_class or "mb-0").split() if c != "d-none"]
    if pages == 1:
        classes.append("d-none")
    return (
        items,
        impact_list.summary_text(
            result.offset,
            len(result.decisions),
            result.total,
            why_empty(engine, DECISIONS, filters) if result.total == 0 else None,
        ),
        pages,
        result.offset // DECISIONS_PAGE_SIZE + 1,
        " ".join(classes),
    )


@callback(
    Output(impact_case.BODY, "children"),
    Output(impact_case.TITLE, "data"),
    Input(impact_case.PROJECT_ID, "data"),
)
def show_case(project_id: str | None) -> tuple[Component, str]:
    wanted = unquote(project_id or "")
    study = case_study(shared_engine(), wanted, include_drafts=sees_drafts()) if wanted else None
    if study is None:
        return impact_case.case_not_found(wanted), f"Case study not found · {SITE}"
    page = impact_case.case_study_page(study.project, study.topics, study.outputs, study.decisions)
    return page, f"{study.project['title']} · Impact case study · {SITE}"


clientside_callback(
    ClientsideFunction("observatory", "setTitle"),
    Output(impact_case.TITLE_SET, "data"),
    Input(impact_case.TITLE, "data"),
)
