"""Commissioning from OCDS: the pipeline by stage, routes over time, collaborative-working
conditions, days from call to award, and the contracts table.

Rules:
- A *commission* is one contracting process (one ``ocid``). ``fct_commissions`` holds one row
  per award, so every chart first folds the rows of a process into one (``_processes``); a
  process with two lots counts once and its value is the sum of its awards.
- Value: the sum of the award values once there are any, else the tender's value (the
  buyer's estimate). Only pounds are added up: values in another currency are left out of £
  totals (a value with no currency is read as pounds, as a UK publisher means it).
- Financial year of a process: its earliest award's, else its tender's (set by the pipeline
  row by row; the earliest row wins).
- Days from call to award: from the tender period's start to the earliest award date, for
  processes that have both and whose award does not come before the call. The median is
  computed in SQL with window functions, the same way on SQLite and PostgreSQL.
- The contracts table is read a page at a time (``LIMIT``/``OFFSET``) with a stable order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    Float,
    Integer,
    Select,
    Subquery,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery, where_clause
from warehouse.queries.frames import read_frame
from warehouse.schema import fct_commissions
from warehouse.vocabularies import COMMISSIONING_STAGES

COMMISSION_FILTER_COLUMNS = {
    "fy": "financial_year",
    "buyer": "buyer_org_id",
    "route": "route",
    "stage": "stage",
}
# Stages the pipeline always shows, even when no commission is there.
PIPELINE_STAGES = COMMISSIONING_STAGES[:4]
CONTRACTS_PAGE_SIZE = 20

_c = fct_commissions.c


class days_between(GenericFunction[int]):
    """Whole days from the second date to the first: ``end - start`` on PostgreSQL,
    the difference of Julian days on SQLite."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


def _stage_rank(column: ColumnElement[Any]) -> ColumnElement[int]:
    """Pipeline order of a stage (unknown stages last)."""
    return case(
        {stage: rank for rank, stage in enumerate(COMMISSIONING_STAGES)},
        value=column,
        else_=len(COMMISSIONING_STAGES),
    )


def _in_pounds(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((func.coalesce(_c.currency, "GBP") == "GBP", value), else_=None)


def _processes(filters: Filters) -> Subquery:
    """One row per contracting process under the filters."""
    award_pence = func.sum(_in_pounds(_c.award_value_pence))
    return (
        select(
            _c.ocid,
            func.max(_c.stage).label("stage"),
            func.max(_c.route).label("route"),
            func.min(_c.financial_year).label("financial_year"),
            func.max(case((_c.has_collaboration_condition, 1), else_=0)).label("collaborative"),
            func.coalesce(award_pence, func.max(_in_pounds(_c.tender_value_pence))).label(
                "value_pence"
            ),
            func.min(_c.tender_start_date).label("tender_start_date"),
            func.min(_c.award_date).label("award_date"),
        )
        .where(where_clause(fct_commissions, filters, COMMISSION_FILTER_COLUMNS))
        .group_by(_c.ocid)
        .subquery("processes")
    )


def _as_int(data: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        data[column] = data[column].fillna(0).astype("int64")
    return data


def pipeline_by_stage(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Commissions and their £ value at each stage, in pipeline order: stage, commissions,
    value_pence (tender estimates before award, award values after). The stages from planning
    to contract are always there (with zeros) unless the stage filter leaves them out;
    nothing at all matching gives no rows."""
    data = _pipeline_rows(engine, filters)
    if data.empty:
        return data
    wanted = [s for s in PIPELINE_STAGES if not filters.stage or s in filters.stage]
    stages = [*wanted, *(s for s in data["stage"] if s not in wanted)]
    stages.sort(
        key=lambda s: (
            COMMISSIONING_STAGES.index(s)
            if s in COMMISSIONING_STAGES
            else len(COMMISSIONING_STAGES)
        )
    )
    data = data.set_index("stage").reindex(stages).rename_axis("stage").reset_index()
    return _as_int(data, "commissions", "value_pence")


def _pipeline_rows(engine: Engine, filters: Filters) -> pd.DataFrame:
    p = _processes(filters)
    statement = (
        select(
            p.c.stage,
            func.count().label("commissions"),
            func.coalesce(func.sum(p.c.value_pence), 0).label("value_pence"),
        )
        .group_by(p.c.stage)
        .order_by(_stage_rank(p.c.stage), p.c.stage)
    )
    return _as_int(read_frame(statement, engine), "commissions", "value_pence")


def routes_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Commissions and £ per financial year and route: financial_year, route, commissions,
    value_pence. Processes without a date (so without a year) are left out."""
    p = _processes(filters)
    statement = (
        select(
            p.c.financial_year,
            p.c.route,
            func.count().label("commissions"),
            func.coalesce(func.sum(p.c.value_pence), 0).label("value_pence"),
        )
        .where(p.c.financial_year.is_not(None))
        .group_by(p.c.financial_year, p.c.route)
        .order_by(p.c.financial_year, p.c.route)
    )
    return _as_int(read_frame(statement, engine), "commissions", "value_pence")


def collaborative_share_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per financial year: commissions, how many carry collaborative-working conditions, and
    that share (0 to 1)."""
    p = _processes(filters)
    statement = (
        select(
            p.c.financial_year,
            func.count().label("commissions"),
            func.sum(p.c.collaborative).label("with_condition"),
        )
        .where(p.c.financial_year.is_not(None))
        .group_by(p.c.financial_year)
        .order_by(p.c.financial_year)
    )
    data = _as_int(read_frame(statement, engine), "commissions", "with_condition")
    data["share"] = (data["with_condition"] / data["commissions"]).astype(float)
    return data


def days_to_award_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per financial year of award: the median days from call to award, over how many
    commissions, and the shortest and longest."""
    p = _processes(filters)
    days = days_between(p.c.award_date, p.c.tender_start_date)
    timed = (
        select(p.c.financial_year, days.label("days"))
        .where(
            p.c.award_date.is_not(None),
            p.c.tender_start_date.is_not(None),
            p.c.financial_year.is_not(None),
            days >= 0,
        )
        .subquery("timed")
    )
    ranked = select(
        timed.c.financial_year,
        timed.c.days,
        func.row_number()
        .over(partition_by=timed.c.financial_year, order_by=timed.c.days)
        .label("position"),
        func.count().over(partition_by=timed.c.financial_year).label("size"),
    ).subquery("ranked")
    # The middle value, or the mean of the two middle values: positions (n+1)//2 and (n+2)//2.
    middle = (ranked.c.position == (ranked.c.size + 1) // 2) | (
        ranked.c.position == (ranked.c.size + 2) // 2
    )
    medians = (
        select(
            ranked.c.financial_year,
            cast(func.avg(cast(ranked.c.days, Float)), Float).label("median_days"),
        )
        .where(middle)
        .group_by(ranked.c.financial_year)
        .subquery("medians")
    )
    spread = (
        select(
            timed.c.financial_year,
            func.count().label("commissions"),
            func.min(timed.c.days).label("shortest_days"),
            func.max(timed.c.days).label("longest_days"),
        )
        .group_by(timed.c.financial_year)
        .subquery("spread")
    )
    statement = (
        select(
            spread.c.financial_year,
            medians.c.median_days,
            spread.c.commissions,
            spread.c.shortest_days,
            spread.c.longest_days,
        )
        .join_from(spread, medians, spread.c.financial_year == medians.c.financial_year)
        .order_by(spread.c.financial_year)
    )
    data = read_frame(statement, engine)
    data["median_days"] = data["median_days"].astype(float)
    return _as_int(data, "commissions", "shortest_days", "longest_days")


# The contracts table ----------------------------------------------------------------------

_VALUE = func.coalesce(_c.award_value_pence, _c.tender_value_pence)
CONTRACT_SORTS: dict[str, ColumnElement[Any]] = {
    "title": _c.title,
    "buyer": _c.buyer_name,
    "stage": _stage_rank(_c.stage),
    "route": _c.route,
    "procurement_method": _c.procurement_method,
    "cpv": _c.cpv_code,
    "suppliers": _c.supplier_names,
    "value": _VALUE,
    "award_date": _c.award_date,
}
CONTRACT_COLUMNS = [
    "ocid",
    "award_id",
    "title",
    "buyer_name",
    "stage",
    "route",
    "procurement_method",
    "procurement_method_details",
    "cpv_code",
    "cpv_description",
    "supplier_names",
    "value_pence",
    "value_is_estimate",
    "currency",
    "award_date",
    "financial_year",
    "has_collaboration_condition",
    "is_research",
]


@dataclass(frozen=True)
class ContractsPage:
    """One page of the contracts table and how many rows the filters match."""

    rows: pd.DataFrame
    total: int
    offset: int


def _contracts_select(filters: Filters, sort: str, descending: bool) -> Select[Any]:
    key = CONTRACT_SORTS.get(sort, CONTRACT_SORTS["award_date"])
    order = (key.desc() if descending else key.asc()).nulls_last()
    return (
        select(
            _c.ocid,
            _c.award_id,
            _c.title,
            _c.buyer_name,
            _c.stage,
            _c.route,
            _c.procurement_method,
            _c.procurement_method_details,
            _c.cpv_code,
            _c.cpv_description,
            _c.supplier_names,
            _VALUE.label("value_pence"),
            case(
                (_c.award_value_pence.is_(None) & _c.tender_value_pence.is_not(None), 1), else_=0
            ).label("value_is_estimate"),
            _c.currency,
            _c.award_date,
            _c.financial_year,
            _c.has_collaboration_condition,
            _c.is_research,
        )
        .where(where_clause(fct_commissions, filters, COMMISSION_FILTER_COLUMNS))
        .order_by(order, _c.ocid, _c.award_id)
    )


def contracts_page(
    engine: Engine,
    filters: Filters,
    *,
    sort: str = "award_date",
    descending: bool = True,
    page: int = 0,
    page_size: int = CONTRACTS_PAGE_SIZE,
) -> ContractsPage:
    """One page of contracts and awards (one row per award; a process not yet awarded has
    one row) under the filters, sorted by ``sort`` (a key of ``CONTRACT_SORTS``) and then by
    ocid and award id, so pages never overlap. A page past the end shows the last page."""
    count = (
        select(func.count())
        .select_from(fct_commissions)
        .where(where_clause(fct_commissions, filters, COMMISSION_FILTER_COLUMNS))
    )
    with engine.connect() as conn:
        total = int(conn.execute(count).scalar_one())
        last_page = max((total - 1) // page_size, 0)
        offset = min(max(page, 0), last_page) * page_size
        statement = _contracts_select(filters, sort, descending).limit(page_size).offset(offset)
        rows = pd.read_sql(statement, conn)
    rows = rows.reindex(columns=CONTRACT_COLUMNS)
    for flag in ("value_is_estimate", "has_collaboration_condition", "is_research"):
        rows[flag] = rows[flag].astype(bool)
    return ContractsPage(rows=rows, total=total, offset=offset)


def contracts_csv_rows(
    engine: Engine, filters: Filters, *, sort: str = "award_date", descending: bool = True
) -> Iterator[Sequence[Any]]:
    """Every contract row under the filters, header first, streamed from the database in
    batches (for the CSV download; never held as one DataFrame)."""
    statement = _contracts_select(filters, sort, descending)
    yield CONTRACT_COLUMNS
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=500).execute(statement)
        for row in result:
            yield tuple(row)


# Filter options -------------------------------------------------------------------------


def _option_statement(
    value: ColumnElement[Any], label: ColumnElement[Any], filters: Filters
) -> Select[Any]:
    return (
        select(
            value.label("value"),
            label.label("label"),
            func.count(_c.ocid.distinct()).label("records"),
        )
        .where(
            where_clause(fct_commissions, filters, COMMISSION_FILTER_COLUMNS),
            value.is_not(None),
        )
        .group_by(value)
    )


def financial_year_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Financial years with the commissions in each (the year filters themselves ignored)."""
    unbounded = replace(filters, fy_from=None, fy_to=None)
    column = _c.financial_year
    return read_frame(_option_statement(column, column, unbounded).order_by(column), engine)


def buyer_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Buyers (by org id, labelled by name) with their commissions, most first."""
    statement = _option_statement(_c.buyer_org_id, func.max(_c.buyer_name), filters)
    data = read_frame(statement.order_by(func.count(_c.ocid.distinct()).desc()), engine)
    data["label"] = data["label"].fillna(data["value"])
    return data


def _capitalised(column: ColumnElement[str]) -> ColumnElement[str]:
    return func.upper(func.substr(column, 1, 1)).concat(func.substr(column, 2))


def route_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Routes with their commissions."""
    column = _c.route
    statement = _option_statement(column, _capitalised(column), filters).order_by(column)
    return read_frame(statement, engine)


def stage_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Stages, in pipeline order, with their commissions."""
    column = _c.stage
    statement = _option_statement(column, _capitalised(column), filters).order_by(
        _stage_rank(column)
    )
    return read_frame(statement, engine)


CHART_QUERIES: dict[str, ChartQuery] = {
    "commissioning-pipeline": pipeline_by_stage,
    "commissioning-routes": routes_by_year,
    "commissioning-collaborative-share": collaborative_share_by_year,
    "commissioning-days-to-award": days_to_award_by_year,
}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "fy_from": financial_year_options,
    "fy_to": financial_year_options,
    "buyer": buyer_options,
    "route": route_options,
    "stage": stage_options,
}
