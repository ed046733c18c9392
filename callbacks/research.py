"""The research library's wiring: results and paging under the filters; a project's page.

Staff who may see drafts (``User.sees_drafts``) get draft projects in the results and on their
pages, marked; everyone else gets published projects only. The results are cached per load
(``computed_for_this_load``) keyed by what the visitor may see, not by who they are: staff who
see drafts share one answer, the public another, and neither is ever handed the other's. The
public's first page is warmed after each load (``callbacks.cache_warming``). A project's page
is not cached."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import unquote

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx
from dash.development.base_component import Component
from sqlalchemy import Engine

from components import ids
from components.drafts import staff_drafts_note
from components.views.research_cards import (
    count_text,
    project_not_found,
    project_page,
    results_list,
)
from warehouse.db import shared_engine
from warehouse.queries.empty_states import PROJECTS, why_empty
from warehouse.queries.filters import Filters
from warehouse.queries.research import project_detail, search_projects
from web.auth import sees_drafts
from web.caching import computed_for_this_load

RESULTS_PER_PAGE = 20
SITE = "P&C Research Observatory"


@callback(
    Output(ids.RESEARCH_RESULTS, "children"),
    Output(ids.RESEARCH_COUNT, "children"),
    Output(ids.RESEARCH_PAGER, "max_value"),
    Output(ids.RESEARCH_PAGER, "active_page"),
    Output(ids.RESEARCH_PAGER, "className"),
    Input(ids.FILTER_STATE, "data"),
    Input(ids.RESEARCH_PAGER, "active_page"),
    State(ids.RESEARCH_PAGER, "className"),
)
def show_results(
    filter_values: dict[str, Any] | None, active_page: int | None, pager_class: str | None
) -> tuple[Component, str, int, int, str]:
    # New filters start again at the first page; the pager only moves within one result set.
    page = 1 if ctx.triggered_id == ids.FILTER_STATE else (active_page or 1)
    include_drafts = sees_drafts()
    engine, filters = shared_engine(), Filters.from_values(filter_values or {})
    # Keyed by whether drafts are shown (what the visitor may see), never by the visitor.
    question = (filters, page, include_drafts, pager_class)
    return computed_for_this_load(
        engine,
        "research-results",
        question,
        partial(_results, engine, filters, page, include_drafts, pager_class),
    )


def _results(
    engine: Engine, filters: Filters, page: int, include_drafts: bool, pager_class: str | None
) -> tuple[Component, str, int, int, str]:
    """One page of results, its count, and the pager's state, computed afresh."""
    results = search_projects(
        engine,
        filters,
        page=page,
        per_page=RESULTS_PER_PAGE,
        include_drafts=include_drafts,
    )
    note = (
        staff_drafts_note(results.drafts, "project", "The chart and the filter counts")
        if include_drafts
        else None
    )
    classes = [c for c in (pager_class or "").split() if c != "d-none"]
    if results.pages == 1:
        classes.append("d-none")
    return (
        results_list(
            results.rows, note, why_empty(engine, PROJECTS, filters) if results.rows.empty else None
        ),
        count_text(results.total),
        results.pages,
        results.page,
        " ".join(classes),
    )


@callback(
    Output(ids.RESEARCH_PROJECT, "children"),
    Output(ids.RESEARCH_PROJECT_TITLE, "data"),
    Input(ids.RESEARCH_PROJECT_ID, "data"),
)
def show_project(project_id: str | None) -> tuple[Component, str]:
    wanted = unquote(project_id or "")
    detail = (
        project_detail(shared_engine(), wanted, include_drafts=sees_drafts()) if wanted else None
    )
    if detail is None:
        return project_not_found(wanted), f"Project not found · {SITE}"
    page = project_page(
        detail.project,
        topics=detail.topics,
        wards=detail.wards,
        populations=detail.populations,
        outputs=detail.outputs,
        grants=detail.grants,
        commissions=detail.commissions,
        decisions=detail.decisions,
        recommendations=detail.recommendations,
        researchers=detail.researchers,
        unlisted_researchers=detail.unlisted_researchers,
    )
    return page, f"{detail.project['title']} · Research library · {SITE}"


clientside_callback(
    ClientsideFunction("observatory", "setTitle"),
    Input(ids.RESEARCH_PROJECT_TITLE, "data"),
)
