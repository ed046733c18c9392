"""The grants table of the funding page: one page of grants at a time, sorted, filtered and
counted in SQL, and a CSV of every grant the filters match, read in chunks from one cursor.

The page's filters (``Filters``) and the table's own column filters and sort apply together.
The table's sort and filter models come as AG Grid sends them:
- sort: ``[{"colId": "amount", "sort": "desc"}, ...]``;
- filter: ``{"title": {"filterType": "text", "type": "contains", "filter": "youth"}, ...}``,
  a condition or ``{"operator": "AND" | "OR", "conditions": [...]}``; number filters carry
  ``filter`` and ``filterTo``, date filters ``dateFrom`` and ``dateTo`` (``YYYY-MM-DD ...``).
Only the columns in ``GRID_COLUMNS`` can be sorted or filtered; anything else is ignored.

Grants to individuals never show the recipient's name.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, not_, or_, select, true

from warehouse.queries.filters import Filters, where_clause
from warehouse.queries.funding import GRANT_FILTER_COLUMNS
from warehouse.schema import fct_grants, mart_grants_by_facet
from warehouse.spreadsheet_cells import SafeCsvWriter

g = fct_grants.c
WITHHELD = "Individual (name withheld)"


@dataclass(frozen=True)
class GrantColumn:
    """A column of the grants table: its SQL expression, CSV header and kind of filter."""

    expression: ColumnElement[Any]
    header: str
    kind: str = "text"  # text, number, date or boolean
    scale: int = 1  # the table shows the value divided by this (pence -> pounds)


GRID_COLUMNS: dict[str, GrantColumn] = {
    "award_date": GrantColumn(g.award_date, "Award date", "date"),
    "financial_year": GrantColumn(g.financial_year, "Financial year"),
    "title": GrantColumn(g.title, "Title"),
    "funder": GrantColumn(g.funder_name, "Funder"),
    "recipient": GrantColumn(
        case((g.recipient_is_individual, WITHHELD), else_=g.recipient_name), "Recipient"
    ),
    "recipient_type": GrantColumn(g.recipient_type, "Recipient type"),
    "amount": GrantColumn(g.amount_awarded_pence, "Amount", "number", scale=100),
    "currency": GrantColumn(g.currency, "Currency"),
    "programme": GrantColumn(g.programme_title, "Programme"),
    "route": GrantColumn(g.route, "Route"),
    "direction": GrantColumn(g.direction, "Direction"),
    "ward": GrantColumn(g.beneficiary_name, "Beneficiary area"),
    "pc_research": GrantColumn(g.is_pc_research, "P&C research", "boolean"),
    "grant_id": GrantColumn(g.grant_id, "Grant id"),
}
DEFAULT_SORT = ({"colId": "award_date", "sort": "desc"},)
CSV_CHUNK = 5_000

SortModel = Sequence[Mapping[str, Any]]
FilterModel = Mapping[str, Any]


# ---- the table's own filters ---------------------------------------------------------------


def _text_condition(column: ColumnElement[Any], kind: str, value: str) -> ColumnElement[bool]:
    text = func.lower(column)
    needle = value.lower()
    conditions: dict[str, ColumnElement[bool]] = {
        "contains": text.contains(needle, autoescape=True),
        "notContains": or_(column.is_(None), not_(text.contains(needle, autoescape=True))),
        "equals": text == needle,
        "notEqual": or_(column.is_(None), text != needle),
        "startsWith": text.startswith(needle, autoescape=True),
        "endsWith": text.endswith(needle, autoescape=True),
    }
    return conditions.get(kind, true())


def _compare(
    column: ColumnElement[Any], kind: str, low: Any, high: Any = None
) -> ColumnElement[bool]:
    comparisons: dict[str, ColumnElement[bool]] = {
        "equals": column == low,
        "notEqual": or_(column.is_(None), column != low),
        "lessThan": column < low,
        "lessThanOrEqual": column <= low,
        "greaterThan": column > low,
        "greaterThanOrEqual": column >= low,
    }
    if kind == "inRange" and high is not None:
        return and_(column >= low, column <= high)
    return comparisons.get(kind, true())


def _number(value: Any, scale: int) -> int | float | None:
    try:
        number = float(value) * scale
    except (TypeError, ValueError):
        return None
    return round(number) if scale != 1 else number


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _condition(column: GrantColumn, model: Mapping[str, Any]) -> ColumnElement[bool]:
    """One AG Grid filter condition on one column as SQL (unusable conditions match all)."""
    if "conditions" in model:
        parts = [_condition(column, part) for part in model.get("conditions") or []]
        if not parts:
            return true()
        return or_(*parts) if str(model.get("operator", "AND")).upper() == "OR" else and_(*parts)
    kind = str(model.get("type", ""))
    expression = column.expression
    if kind == "blank":
        return (
            expression.is_(None) if column.kind != "text" else func.coalesce(expression, "") == ""
        )
    if kind == "notBlank":
        return (
            expression.is_not(None)
            if column.kind != "text"
            else func.coalesce(expression, "") != ""
        )
    if column.kind == "number":
        low = _number(model.get("filter"), column.scale)
        high = _number(model.get("filterTo"), column.scale)
        return true() if low is None else _compare(expression, kind, low, high)
    if column.kind == "date":
        start, end = _date(model.get("dateFrom")), _date(model.get("dateTo"))
        return true() if start is None else _compare(expression, kind, start, end)
    if column.kind == "boolean":
        wanted = str(model.get("filter", "")).strip().lower()
        if wanted in ("yes", "true", "1"):
            return expression.is_(True)
        if wanted in ("no", "false", "0"):
            return expression.is_(False)
        return true()
    value = model.get("filter")
    if value is None or str(value) == "":
        return true()
    return _text_condition(expression, kind, str(value))


def _year_start(financial_year: str | None) -> date | None:
    """1 April of a financial year such as ``2024/25`` (None if it is not one)."""
    try:
        return date(int(str(financial_year)[:4]), 4, 1)
    except ValueError:
        return None


def _award_dates(filters: Filters) -> ColumnElement[bool]:
    """The year filters again as award dates (the financial year is derived from the award
    date), so that a page in date order reads the award-date index instead of sorting."""
    clause: ColumnElement[bool] = true()
    start, end = _year_start(filters.fy_from), _year_start(filters.fy_to)
    if start is not None:
        clause = clause & (g.award_date >= start)
    if end is not None:
        clause = clause & (g.award_date < end.replace(year=end.year + 1))
    return clause


def grid_where(filters: Filters, filter_model: FilterModel | None) -> ColumnElement[bool]:
    """The page's filters and the table's column filters, as one WHERE clause."""
    clause = where_clause(fct_grants, filters, GRANT_FILTER_COLUMNS) & _award_dates(filters)
    for column_id, model in (filter_model or {}).items():
        column = GRID_COLUMNS.get(str(column_id))
        if column is not None and isinstance(model, Mapping):
            clause = clause & _condition(column, model)
    return clause


# ---- sort, pages, count ----------------------------------------------------------------------


def _order(sort_model: SortModel | None, *, reverse: bool = False) -> list[ColumnElement[Any]]:
    """ORDER BY for the sort model (by default newest first); the grant id breaks ties so
    that pages never overlap. Reversed, it is the exact reverse order on either engine
    (each engine's nulls come first one way and last the other)."""
    wanted = [
        (GRID_COLUMNS[str(item["colId"])].expression, item.get("sort") == "desc")
        for item in (sort_model or [])
        if isinstance(item, Mapping) and str(item.get("colId")) in GRID_COLUMNS
    ] or [(GRID_COLUMNS["award_date"].expression, True)]
    last_descending = wanted[-1][1]
    if all(expression is not g.grant_id for expression, _ in wanted):
        wanted.append((g.grant_id, last_descending))
    return [
        expression.desc() if descending != reverse else expression.asc()
        for expression, descending in wanted
    ]


def _select_columns() -> Select[Any]:
    return select(*(column.expression.label(key) for key, column in GRID_COLUMNS.items()))


def count_grants(engine: Engine, filters: Filters, filter_model: FilterModel | None) -> int:
    """How many grants the page's filters and the table's filters match (from the funding
    mart, which has every page filter, unless the table's own column filters are in use)."""
    statement: Select[Any]
    if any(str(key) in GRID_COLUMNS for key in filter_model or {}):
        statement = select(func.count()).select_from(fct_grants)
        statement = statement.where(grid_where(filters, filter_model))
    else:
        mart = mart_grants_by_facet
        statement = select(func.coalesce(func.sum(mart.c.grants_count), 0)).where(
            where_clause(mart, filters, GRANT_FILTER_COLUMNS)
        )
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())


def _json_value(key: str, value: Any) -> Any:
    column = GRID_COLUMNS[key]
    if value is None:
        return None
    if column.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.kind == "boolean":
        return "Yes" if value else "No"
    if column.scale != 1:
        return int(value) / column.scale
    return value


def grant_page(
    engine: Engine,
    filters: Filters,
    start: int,
    end: int,
    sort_model: SortModel | None = None,
    filter_model: FilterModel | None = None,
    total: int | None = None,
) -> list[dict[str, Any]]:
    """Grants ``start`` to ``end`` (end excluded) in the sort order, as JSON-ready rows.

    Past the middle of ``total`` rows the page is read from the other end (the reverse order
    with a small OFFSET) and turned round, so the last page is as quick as the first.
    """
    start = max(0, int(start))
    size = max(0, int(end) - start)
    if size == 0:
        return []
    where = grid_where(filters, filter_model)
    from_end = total is not None and start > total // 2
    if from_end and total is not None:
        offset = max(0, total - start - size)
        size = max(0, min(size, total - start))
        statement = (
            (_select_columns().where(where).order_by(*_order(sort_model, reverse=True)))
            .limit(size)
            .offset(offset)
        )
    else:
        statement = (
            _select_columns().where(where).order_by(*_order(sort_model)).limit(size).offset(start)
        )
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(statement)]
    if from_end:
        rows.reverse()
    return [{key: _json_value(key, value) for key, value in row.items()} for row in rows]


def csv_header() -> list[str]:
    """The CSV's column titles; money columns say their unit."""
    return [
        f"{column.header} (£)" if key == "amount" else column.header
        for key, column in GRID_COLUMNS.items()
    ]


def _csv_value(key: str, value: Any) -> Any:
    column = GRID_COLUMNS[key]
    if value is None:
        return ""
    if column.kind == "boolean":
        return "Yes" if value else "No"
    if column.scale == 100:
        pence = int(value)
        sign = "-" if pence < 0 else ""
        return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"
    if column.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def grant_csv_chunks(
    engine: Engine,
    filters: Filters,
    sort_model: SortModel | None = None,
    filter_model: FilterModel | None = None,
    chunk: int = CSV_CHUNK,
) -> Iterator[str]:
    """Every grant the filters match, in the table's order, as CSV text: the header, then
    ``chunk`` rows at a time fetched from one streaming cursor (never all rows at once)."""
    statement = _select_columns().where(grid_where(filters, filter_model))
    statement = statement.order_by(*_order(sort_model))
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(csv_header())
    yield buffer.getvalue()
    keys = list(GRID_COLUMNS)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(statement)
        for rows in result.partitions():
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(
                [_csv_value(k, v) for k, v in zip(keys, row, strict=True)] for row in rows
            )
            yield buffer.getvalue()
