"""Funding transparency: grants received and awarded, by year, funder, route and recipient.

Every chart and filter of the funding page reads a mart, never ``fct_grants`` itself, so the
page answers as fast at a million grants as at a thousand: ``mart_grants_by_year`` when the
filters are only years, funders and directions, else ``mart_grants_by_facet`` (every filter
column), and ``mart_grants_by_recipient`` for the recipients. The marts keep the fact table's
column names, so one WHERE clause serves all three. Charts count pounds sterling only
(``currency = 'GBP'``): sums of mixed currencies would mean nothing.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    Table,
    case,
    cast,
    func,
    or_,
    select,
)

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery, where_clause
from warehouse.queries.frames import read_frame
from warehouse.schema import (
    dim_areas,
    dim_organisations,
    mart_grants_by_facet,
    mart_grants_by_recipient,
    mart_grants_by_year,
)

GRANT_FILTER_COLUMNS = {
    "fy": "financial_year",
    "funder": "funder_org_id",
    "direction": "direction",
    "programme": "programme_title",
    "recipient_type": "recipient_type",
    "ward": "beneficiary_geo_code",
}
YEAR_MART_FILTERS = ("fy", "funder", "direction")
TOP_FUNDERS = 6
TOP_RECIPIENTS = 15
OTHER_FUNDERS = "Other funders"
CHART_CURRENCY = "GBP"
# A grant is research funding when it is P&C research or its programme's title says research.
RESEARCH_WORD = "research"


def _grants(source: Table) -> ColumnElement[int]:
    return cast(func.coalesce(func.sum(source.c.grants_count), 0), BigInteger)


def _pence(source: Table) -> ColumnElement[int]:
    return cast(func.coalesce(func.sum(source.c.amount_awarded_pence), 0), BigInteger)


def _facet_source(filters: Filters) -> Table:
    """The smallest mart that has a column for every filter in use."""
    if filters.programme or filters.recipient_type or filters.ward:
        return mart_grants_by_facet
    return mart_grants_by_year


def _where(source: Table, filters: Filters, *, money: bool = True) -> ColumnElement[bool]:
    columns = GRANT_FILTER_COLUMNS
    if source is mart_grants_by_year:
        columns = {k: v for k, v in columns.items() if k in YEAR_MART_FILTERS}
    clause = where_clause(source, filters, columns)
    if money:
        clause = clause & (source.c.currency == CHART_CURRENCY)
    return clause


def funder_names(engine: Engine) -> dict[str, str]:
    """Organisation names by org-id (the funders' names as last published)."""
    with engine.connect() as conn:
        rows = conn.execute(select(dim_organisations.c.org_id, dim_organisations.c.name)).all()
    return {str(org): str(name) for org, name in rows}


def _label_funders(data: pd.DataFrame, engine: Engine) -> pd.Series:
    """Each row's funder by name; beyond the ``TOP_FUNDERS`` largest by amount, "Other
    funders"."""
    names = funder_names(engine)
    largest = data.groupby("funder_org_id")["amount_pence"].sum().nlargest(TOP_FUNDERS).index
    return pd.Series(
        [names.get(org, org) if org in largest else OTHER_FUNDERS for org in data["funder_org_id"]],
        index=data.index,
        dtype=object,
    )


def _sum_by(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = data.groupby(keys, as_index=False, dropna=False)[["grants", "amount_pence"]].sum()
    grouped["grants"] = grouped["grants"].astype("int64")
    grouped["amount_pence"] = grouped["amount_pence"].astype("int64")
    return grouped


def funding_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Amount and count of grants per financial year, direction and funder (the largest
    funders by name, the rest as "Other funders")."""
    source = _facet_source(filters)
    statement = (
        select(
            source.c.financial_year,
            source.c.direction,
            source.c.funder_org_id,
            _grants(source).label("grants"),
            _pence(source).label("amount_pence"),
        )
        .where(_where(source, filters))
        .group_by(source.c.financial_year, source.c.direction, source.c.funder_org_id)
    )
    data = read_frame(statement, engine)
    columns = ["financial_year", "direction", "funder", "grants", "amount_pence"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    data["funder"] = _label_funders(data, engine)
    grouped = _sum_by(data, ["financial_year", "direction", "funder"])
    return grouped.sort_values(
        ["financial_year", "direction", "amount_pence"], ascending=[True, True, False]
    ).reset_index(drop=True)[columns]


def funding_flow(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Amount and count of grants from each funder, by commissioning route and recipient type
    (the links of the money-flow Sankey)."""
    source = mart_grants_by_facet
    statement = (
        select(
            source.c.funder_org_id,
            source.c.route,
            source.c.recipient_type,
            _grants(source).label("grants"),
            _pence(source).label("amount_pence"),
        )
        .where(_where(source, filters))
        .group_by(source.c.funder_org_id, source.c.route, source.c.recipient_type)
    )
    data = read_frame(statement, engine)
    columns = ["funder", "route", "recipient_type", "grants", "amount_pence"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    data["funder"] = _label_funders(data, engine)
    data["recipient_type"] = data["recipient_type"].fillna("unknown")
    grouped = _sum_by(data, ["funder", "route", "recipient_type"])
    return grouped.sort_values("amount_pence", ascending=False).reset_index(drop=True)[columns]


def top_recipients(engine: Engine, filters: Filters, limit: int = TOP_RECIPIENTS) -> pd.DataFrame:
    """The organisations that received the most, with their type and number of grants.
    Grants to individuals are left out: their names are not published."""
    source = mart_grants_by_recipient
    amount = _pence(source)
    statement = (
        select(
            func.max(source.c.recipient_name).label("recipient"),
            func.max(source.c.recipient_type).label("recipient_type"),
            _grants(source).label("grants"),
            amount.label("amount_pence"),
        )
        .where(
            _where(source, filters),
            source.c.recipient_org_id.is_not(None),
            or_(source.c.recipient_type.is_(None), source.c.recipient_type != "individual"),
        )
        .group_by(source.c.recipient_org_id)
        .order_by(amount.desc(), source.c.recipient_org_id)
        .limit(limit)
    )
    data = read_frame(statement, engine)
    if data.empty:
        return pd.DataFrame(columns=["recipient", "recipient_type", "grants", "amount_pence"])
    data["recipient"] = data["recipient"].fillna("(name not published)")
    data["recipient_type"] = data["recipient_type"].fillna("unknown")
    return data


def is_research(source: Table) -> ColumnElement[bool]:
    """Research funding: P&C research, or a programme whose title mentions research."""
    return or_(
        source.c.is_pc_research,
        func.lower(source.c.programme_title).contains(RESEARCH_WORD, autoescape=True),
    )


def pc_research_share(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per financial year: research funding, the part of it that is P&C research, and the
    share of P&C research in all research funding (by amount)."""
    source = mart_grants_by_facet
    pc_pence = cast(
        func.coalesce(func.sum(case((source.c.is_pc_research, source.c.amount_awarded_pence))), 0),
        BigInteger,
    )
    pc_grants = cast(
        func.coalesce(func.sum(case((source.c.is_pc_research, source.c.grants_count))), 0),
        BigInteger,
    )
    statement = (
        select(
            source.c.financial_year,
            pc_grants.label("pc_research_grants"),
            _grants(source).label("research_grants"),
            pc_pence.label("pc_research_pence"),
            _pence(source).label("research_pence"),
        )
        .where(_where(source, filters), is_research(source))
        .group_by(source.c.financial_year)
        .order_by(source.c.financial_year)
    )
    data = read_frame(statement, engine)
    columns = [
        "financial_year",
        "pc_research_grants",
        "research_grants",
        "pc_research_pence",
        "research_pence",
        "pc_share",
    ]
    if data.empty:
        return pd.DataFrame(columns=columns)
    total = data["research_pence"].where(data["research_pence"] > 0)
    data["pc_share"] = (data["pc_research_pence"] / total).fillna(0.0).round(4)
    return data[columns]


def pooled_contributions(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Money paid through pooled funds, per financial year and partner (the funder)."""
    source = _facet_source(filters)
    statement = (
        select(
            source.c.financial_year,
            source.c.funder_org_id,
            _grants(source).label("grants"),
            _pence(source).label("amount_pence"),
        )
        .where(_where(source, filters), source.c.route == "pooled")
        .group_by(source.c.financial_year, source.c.funder_org_id)
    )
    data = read_frame(statement, engine)
    columns = ["financial_year", "partner", "grants", "amount_pence"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    data["partner"] = _label_funders(data, engine)
    grouped = _sum_by(data, ["financial_year", "partner"])
    return grouped.sort_values(
        ["financial_year", "amount_pence"], ascending=[True, False]
    ).reset_index(drop=True)[columns]


# ---- filter options: value, label, records (grants under the other filters) ---------------


def _option_rows(
    engine: Engine,
    filters: Filters,
    value: ColumnElement[object],
    label: ColumnElement[object],
    outer: tuple[Table, ColumnElement[bool]] | None = None,
) -> pd.DataFrame:
    source = mart_grants_by_facet
    records = _grants(source)
    from_clause = source if outer is None else source.outerjoin(outer[0], outer[1])
    statement = (
        select(value.label("value"), label.label("label"), records.label("records"))
        .select_from(from_clause)
        .where(_where(source, filters, money=False), value.is_not(None))
        .group_by(value)
        .order_by(value)
    )
    return read_frame(statement, engine)


def funder_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Funders by name with how many grants each has under the other filters, largest first."""
    source = mart_grants_by_facet
    data = _option_rows(
        engine,
        filters,
        source.c.funder_org_id,
        func.coalesce(func.max(dim_organisations.c.name), source.c.funder_org_id),
        (dim_organisations, dim_organisations.c.org_id == source.c.funder_org_id),
    )
    return data.sort_values(["records", "label"], ascending=[False, True]).reset_index(drop=True)


def ward_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Beneficiary areas (mostly wards) by name, with their grants under the other filters."""
    source = mart_grants_by_facet
    data = _option_rows(
        engine,
        filters,
        source.c.beneficiary_geo_code,
        func.coalesce(func.max(dim_areas.c.area_name), source.c.beneficiary_geo_code),
        (dim_areas, dim_areas.c.area_code == source.c.beneficiary_geo_code),
    )
    return data.sort_values("label", kind="stable").reset_index(drop=True)


def column_options(column_key: str) -> OptionQuery:
    """An option query for a plain grants column (direction, programme, ...)."""
    column = mart_grants_by_facet.c[GRANT_FILTER_COLUMNS[column_key]]

    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        return _option_rows(engine, filters, column, column)

    return options


def financial_year_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Financial years with the grants in each (ignoring the year filters themselves)."""
    unbounded = replace(filters, fy_from=None, fy_to=None)
    column = mart_grants_by_facet.c.financial_year
    return _option_rows(engine, unbounded, column, column)


CHART_QUERIES: dict[str, ChartQuery] = {
    "funding-by-year": funding_by_year,
    "funding-flow": funding_flow,
    "funding-top-recipients": top_recipients,
    "funding-pc-share": pc_research_share,
    "funding-pooled": pooled_contributions,
}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "fy_from": financial_year_options,
    "fy_to": financial_year_options,
    "funder": funder_options,
    "direction": column_options("direction"),
    "programme": column_options("programme"),
    "recipient_type": column_options("recipient_type"),
    "ward": ward_options,
}
