"""Funding transparency: grants received and awarded, by year, funder, route and recipient."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery, where_clause
from warehouse.schema import fct_grants, mart_grants_by_year

GRANT_FILTER_COLUMNS = {
    "fy": "financial_year",
    "funder": "funder_org_id",
    "direction": "direction",
    "programme": "programme_title",
    "recipient_type": "recipient_type",
    "ward": "beneficiary_geo_code",
}
MART_FILTER_COLUMNS = {
    k: v for k, v in GRANT_FILTER_COLUMNS.items() if k in ("fy", "funder", "direction")
}
TOP_FUNDERS = 6


def _needs_fact_table(filters: Filters) -> bool:
    """The mart has year, direction and funder; other filters need the grants themselves."""
    return bool(filters.programme or filters.recipient_type or filters.ward)


def funding_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Amount and count of grants per financial year, direction and funder (the largest
    funders by name, the rest as "Other funders")."""
    if _needs_fact_table(filters):
        source = fct_grants
        statement: Select[tuple[object, ...]] = select(
            source.c.financial_year,
            source.c.direction,
            source.c.funder_org_id,
            func.count().label("grants"),
            func.coalesce(func.sum(source.c.amount_awarded_pence), 0).label("amount_pence"),
        ).where(where_clause(source, filters, GRANT_FILTER_COLUMNS))
    else:
        source = mart_grants_by_year
        statement = select(
            source.c.financial_year,
            source.c.direction,
            source.c.funder_org_id,
            func.sum(source.c.grants_count).label("grants"),
            func.sum(source.c.amount_awarded_pence).label("amount_pence"),
        ).where(where_clause(source, filters, MART_FILTER_COLUMNS))
    statement = statement.group_by(
        source.c.financial_year, source.c.direction, source.c.funder_org_id
    )
    with engine.connect() as conn:
        data = pd.read_sql(statement, conn)
        names = dict(
            conn.execute(
                select(fct_grants.c.funder_org_id, func.max(fct_grants.c.funder_name)).group_by(
                    fct_grants.c.funder_org_id
                )
            ).all()
        )
    if data.empty:
        return pd.DataFrame(
            columns=["financial_year", "direction", "funder", "grants", "amount_pence"]
        )
    totals = data.groupby("funder_org_id")["amount_pence"].sum().nlargest(TOP_FUNDERS)
    data["funder"] = [
        names.get(org, org) if org in totals.index else "Other funders"
        for org in data["funder_org_id"]
    ]
    grouped = (
        data.groupby(["financial_year", "direction", "funder"], as_index=False)[
            ["grants", "amount_pence"]
        ]
        .sum()
        .sort_values(["financial_year", "direction", "amount_pence"], ascending=[True, True, False])
    )
    grouped["grants"] = grouped["grants"].astype(int)
    grouped["amount_pence"] = grouped["amount_pence"].astype("int64")
    return grouped.reset_index(drop=True)


def funder_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Funders with how many grants each has under the other filters."""
    statement = (
        select(
            fct_grants.c.funder_org_id.label("value"),
            func.max(fct_grants.c.funder_name).label("label"),
            func.count().label("records"),
        )
        .where(where_clause(fct_grants, filters, GRANT_FILTER_COLUMNS))
        .group_by(fct_grants.c.funder_org_id)
        .order_by(func.count().desc())
    )
    with engine.connect() as conn:
        return pd.read_sql(statement, conn)


def column_options(column_key: str) -> OptionQuery:
    """An option query for a plain grants column (direction, programme, ...)."""
    column = fct_grants.c[GRANT_FILTER_COLUMNS[column_key]]

    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        statement = (
            select(column.label("value"), column.label("label"), func.count().label("records"))
            .where(where_clause(fct_grants, filters, GRANT_FILTER_COLUMNS), column.is_not(None))
            .group_by(column)
            .order_by(column)
        )
        with engine.connect() as conn:
            return pd.read_sql(statement, conn)

    return options


def financial_year_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Financial years with the grants in each (ignoring the year filters themselves)."""
    unbounded = replace(filters, fy_from=None, fy_to=None)
    column = fct_grants.c.financial_year
    statement = (
        select(column.label("value"), column.label("label"), func.count().label("records"))
        .where(where_clause(fct_grants, unbounded, GRANT_FILTER_COLUMNS))
        .group_by(column)
        .order_by(column)
    )
    with engine.connect() as conn:
        return pd.read_sql(statement, conn)


CHART_QUERIES: dict[str, ChartQuery] = {"funding-by-year": funding_by_year}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "fy_from": financial_year_options,
    "fy_to": financial_year_options,
    "funder": funder_options,
    "direction": column_options("direction"),
    "programme": column_options("programme"),
    "recipient_type": column_options("recipient_type"),
    "ward": column_options("ward"),
}
