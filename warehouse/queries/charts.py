"""The numbers behind each registered chart, and each filter's options, keyed by id.

Chart ids are the same as in ``figures.charts.REGISTRY``; a test keeps them in step. Each query
takes the engine and the page's Filters and returns a small DataFrame aggregated in SQL.
"""

from __future__ import annotations

from dataclasses import replace
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

# Chart id -> why that chart is empty, where a chart can say more than "no records match these
# filters" (nothing loaded yet, nothing matched); the others use the card's own message.
EMPTY_MESSAGES: dict[str, ChartMessage] = {**spend.EMPTY_REASONS}


def filter_options(engine: Engine, page: str, name: str, filters: Filters) -> pd.DataFrame:
    """Options of filter ``name`` on ``page`` (value, label, records), counted under the other
    filters."""
    query = OPTION_QUERIES.get(page, {}).get(name)
    if query is None:
        return pd.DataFrame(columns=["value", "label", "records"])
    cleared: dict[str, Any] = {name: () if isinstance(getattr(filters, name), tuple) else None}
    return query(engine, replace(filters, **cleared))
