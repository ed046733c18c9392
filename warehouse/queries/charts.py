"""The numbers behind each registered chart, and each filter's options, keyed by id.

Chart ids are the same as in ``figures.charts.REGISTRY``; a test keeps them in step. Each query
takes the engine and the page's Filters and returns a small DataFrame aggregated in SQL.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from warehouse.queries import (
    commissioning,
    funding,
    gaps,
    impact,
    recommendations,
    research,
    researchers,
    spend,
)
from warehouse.queries import empty_states as kinds
from warehouse.queries.empty_states import DataKind, EmptyReason, kind_status, why_empty
from warehouse.queries.filters import ChartMessage, ChartQuery, Filters, OptionQuery

CHART_QUERIES: dict[str, ChartQuery] = {
    **funding.CHART_QUERIES,
    **spend.CHART_QUERIES,
    **research.CHART_QUERIES,
    **commissioning.CHART_QUERIES,
    **researchers.CHART_QUERIES,
    **impact.CHART_QUERIES,
    **recommendations.CHART_QUERIES,
    **gaps.CHART_QUERIES,
}

# Page -> filter name -> the query giving that filter's options on that page.
OPTION_QUERIES: dict[str, dict[str, OptionQuery]] = {
    "funding": funding.OPTION_QUERIES,
    "spend": spend.OPTION_QUERIES,
    "research": research.OPTION_QUERIES,
    "commissioning": commissioning.OPTION_QUERIES,
    "researchers": researchers.OPTION_QUERIES,
    "impact": impact.OPTION_QUERIES,
    "recommendations": recommendations.OPTION_QUERIES,
    "gaps": gaps.OPTION_QUERIES,
    "overview": {"fy_to": funding.financial_year_options},
}

# Chart id -> the kinds of data it is drawn from (the first is checked first), and what it
# says when they are loaded and unfiltered yet hold nothing it counts.
CHART_DATA: dict[str, tuple[tuple[DataKind, ...], str]] = {
    "funding-by-year": ((kinds.GRANTS,), "None of the grants loaded is in pounds sterling."),
    "funding-flow": ((kinds.GRANTS,), "None of the grants loaded is in pounds sterling."),
    "funding-top-recipients": (
        (kinds.GRANTS,),
        "None of the grants loaded in pounds sterling went to a named organisation.",
    ),
    "funding-pc-share": (
        (kinds.GRANTS,),
        "None of the grants loaded is P&C research or from a programme with research in its title.",
    ),
    "funding-pooled": (
        (kinds.GRANTS,),
        "None of the grants loaded went through a pooled fund (the route is set by the "
        "[route_keywords] pooled phrases in observatory.toml).",
    ),
    "research-projects-by-year": (
        (kinds.PROJECTS,),
        "None of the published research projects has a start date.",
    ),
    "commissioning-pipeline": ((kinds.COMMISSIONS,), "No commissioning process has a stage."),
    "commissioning-routes": (
        (kinds.COMMISSIONS,),
        "None of the commissioning processes loaded has a financial year.",
    ),
    "commissioning-collaborative-share": (
        (kinds.COMMISSIONS,),
        "None of the commissioning processes loaded has a financial year.",
    ),
    "commissioning-days-to-award": (
        (kinds.COMMISSIONS,),
        "None of the commissioning processes loaded has both a call date and an award date.",
    ),
    "training-attendance": ((kinds.TRAINING,), "None of the training events has attendance."),
    "training-accredited-share": (
        (kinds.TRAINING,),
        "None of the training events has attendance.",
    ),
    "payments-days-to-pay": (
        (kinds.PAYMENTS,),
        "None of the payments loaded has both an invoice date and a payment date.",
    ),
    "payments-method-share": (
        (kinds.PAYMENTS,),
        "None of the payments loaded names a payment method.",
    ),
    "impact-flow": (
        (kinds.DECISIONS, kinds.PROJECTS),
        "None of the published policy decisions cites a published research project.",
    ),
    "impact-influence-over-time": (
        (kinds.DECISIONS, kinds.PROJECTS),
        "None of the published policy decisions cites a published research project.",
    ),
    "impact-time-to-decision": (
        (kinds.DECISIONS, kinds.PROJECTS),
        "None of the published policy decisions cites a published research project with an "
        "end date.",
    ),
    "recommendations-progress": (
        (kinds.RECOMMENDATIONS,),
        "None of the recommendations loaded belongs to a workstream.",
    ),
    "gaps-matrix": (
        (kinds.PROJECTS,),
        "None of the published research projects names a topic and a ward or population.",
    ),
    "gaps-funding-by-decile": (
        (kinds.PC_GRANTS, kinds.NEED),
        "None of the P&C research grants loaded names a ward with a deprivation decile.",
    ),
}


def chart_empty_reason(
    engine: Engine, filters: Filters, *, sources: tuple[DataKind, ...], nothing: str
) -> EmptyReason:
    """Why a chart drawn from ``sources`` is empty: its main kind's reason, unless that is only
    the filters or the chart's own sentence and another kind it needs is not loaded."""
    reason = why_empty(engine, sources[0], filters, nothing)
    if reason.cause not in (kinds.FILTERED, kinds.NOTHING_OF_THIS):
        return reason
    for kind in sources[1:]:
        missing = kinds.not_loaded_reason(kind, kind_status(engine, kind))
        if missing:
            return missing
    return reason


def spend_empty_reason(engine: Engine, filters: Filters) -> str:
    """The spend page's own reasons (``spend.empty_reason``), except that spend files that
    were all rejected say so rather than "not loaded yet"."""
    status = kind_status(engine, kinds.SPEND)
    rejected = kinds.not_loaded_reason(kinds.SPEND, status) if status.rejected_files else None
    return rejected or spend.empty_reason(engine, filters)


# Chart id -> why that chart is empty (nothing loaded, every row rejected, nothing shown, the
# filters, or nothing of what it counts): see warehouse.queries.empty_states.
EMPTY_MESSAGES: dict[str, ChartMessage] = {
    **{
        chart_id: partial(chart_empty_reason, sources=sources, nothing=nothing)
        for chart_id, (sources, nothing) in CHART_DATA.items()
    },
    **{chart_id: spend_empty_reason for chart_id in spend.EMPTY_REASONS},
}


def filter_options(engine: Engine, page: str, name: str, filters: Filters) -> pd.DataFrame:
    """Options of filter ``name`` on ``page`` (value, label, records), counted under the other
    filters."""
    query = OPTION_QUERIES.get(page, {}).get(name)
    if query is None:
        return pd.DataFrame(columns=["value", "label", "records"])
    cleared: dict[str, Any] = {name: () if isinstance(getattr(filters, name), tuple) else None}
    return query(engine, replace(filters, **cleared))
