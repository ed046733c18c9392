"""The researcher directory, training and payment practice, for the public ``/researchers`` page.

Public rules, kept here so that no caller can forget them:
- Only researchers whose consent is ``public`` are read: partners-only and hidden entries never
  leave this module, not in rows, counts or filter options.
- Payments are read as totals by quarter and provider (or method), never the register's own rows,
  and any count under ``SUPPRESS_BELOW`` is replaced by ``"fewer than 5"``, with the figures
  that depend on it (median days, shares) left blank.
- Training attendance of fewer than 5 people in a group is suppressed in the same way.

Skills, languages, areas and training are stored as ``a; b`` text in ``dim_researchers``. A value
matches one item exactly (case-sensitive, on SQLite and PostgreSQL alike), never a substring of
another item, and options count researchers per item with a recursive split done in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    FromClause,
    Integer,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery
from warehouse.schema import (
    dim_advice_services,
    dim_areas,
    dim_researchers,
    fct_payments,
    fct_training_events,
)

PUBLIC = "public"
SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
OTHER_PROVIDERS = "Other providers"
MOST_PROVIDERS_SHOWN = 6  # more than this: the five largest by name, the rest together
DIRECTORY_PAGE_SIZE = 12
SEPARATOR = ";"

# Filter name -> the multi-valued column it matches per item.
LIST_FILTERS = {"skill": "skills", "language": "languages", "area": "areas"}

DIRECTORY_COLUMNS = [
    "researcher_id",
    "display_name",
    "skills",
    "languages",
    "areas",
    "availability",
    "training_completed",
    "contact_email",
    "contact_phone",
]


class _position(FunctionElement[int]):
    """1-based position of ``needle`` in ``haystack`` (0 if absent), case-sensitive on both
    engines: ``instr`` on SQLite, ``strpos`` on PostgreSQL."""

    type = Integer()
    inherit_cache = True
    name = "position_of"


@compiles(_position)
def _position_sqlite(element: _position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"instr({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)})"


@compiles(_position, "postgresql")
def _position_postgresql(element: _position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"strpos({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)})"


def _fenced(column: ColumnElement[Any]) -> ColumnElement[str]:
    """``a; b`` as ``;a;b;`` so that ``;a;`` finds exactly one whole item."""
    return literal(SEPARATOR) + func.replace(column, "; ", SEPARATOR) + literal(SEPARATOR)


def _has_any_item(column: ColumnElement[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    fenced = _fenced(column)
    return or_(*(_position(fenced, literal(f"{SEPARATOR}{v}{SEPARATOR}")) > 0 for v in values))


def _directory_where(filters: Filters) -> ColumnElement[bool]:
    """Public researchers matching the filters: any chosen value within a filter, every filter."""
    clause: ColumnElement[bool] = dim_researchers.c.consent == PUBLIC
    for name, column in LIST_FILTERS.items():
        chosen: tuple[str, ...] = getattr(filters, name)
        if chosen:
            clause = and_(clause, _has_any_item(dim_researchers.c[column], chosen))
    if filters.availability:
        clause = and_(clause, dim_researchers.c.availability.in_(filters.availability))
    return clause


def _public_contact(column: ColumnElement[Any]) -> ColumnElement[Any]:
    # The WHERE clause already keeps only public entries; this guards the column itself.
    return case((dim_researchers.c.consent == PUBLIC, column), else_=None)


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the public directory."""

    total: int  # public researchers matching the filters, on every page
    page: int  # 1-based, clamped to the pages there are
    pages: int
    researchers: pd.DataFrame  # DIRECTORY_COLUMNS, areas as names where known


def _directory_select(filters: Filters) -> Select[Any]:
    r = dim_researchers.c
    return (
        select(
            r.researcher_id,
            r.display_name,
            r.skills,
            r.languages,
            r.areas,
            r.availability,
            r.training_completed,
            _public_contact(r.contact_email).label("contact_email"),
            _public_contact(r.contact_phone).label("contact_phone"),
        )
        .where(_directory_where(filters))
        .order_by(r.display_name, r.researcher_id)
    )


def researcher_directory(
    engine: Engine, filters: Filters, page: int = 1, page_size: int = DIRECTORY_PAGE_SIZE
) -> DirectoryPage:
    """One page of public researchers matching ``filters``, ordered by name, with area codes
    shown as area names."""
    with engine.connect() as conn:
        total = int(
            conn.execute(
                select(func.count()).select_from(dim_researchers).where(_directory_where(filters))
            ).scalar_one()
        )
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = pd.read_sql(
            _directory_select(filters).limit(page_size).offset((page - 1) * page_size), conn
        )
        rows["areas"] = _area_names(conn, rows["areas"])
    return DirectoryPage(total=total, page=page, pages=pages, researchers=rows)


def researcher_directory_csv(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Every public researcher matching ``filters`` (what the directory pages show)."""
    with engine.connect() as conn:
        rows = pd.read_sql(_directory_select(filters), conn)
        rows["areas"] = _area_names(conn, rows["areas"])
    return rows


def _area_names(conn: Any, lists: pd.Series) -> pd.Series:
    """``code; code`` cells as ``name; name`` (codes without a name stay as they are)."""
    items = {i.strip() for cell in lists.dropna() for i in str(cell).split(SEPARATOR) if i.strip()}
    if not items:
        return lists
    names = dict(
        conn.execute(
            select(dim_areas.c.area_code, dim_areas.c.area_name).where(
                dim_areas.c.area_code.in_(sorted(items)), dim_areas.c.area_name.is_not(None)
            )
        ).all()
    )
    return lists.map(
        lambda cell: (
            "; ".join(
                names.get(i.strip(), i.strip()) for i in str(cell).split(SEPARATOR) if i.strip()
            )
            if isinstance(cell, str)
            else cell
        )
    )


def _item_options(filter_name: str) -> OptionQuery:
    """Options of a multi-valued filter: each item once, with the public researchers who have
    it (under the other filters), split in SQL by a recursive common table expression."""
    column = dim_researchers.c[LIST_FILTERS[filter_name]]

    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        start = select(
            dim_researchers.c.researcher_id,
            cast(literal(""), Text).label("item"),
            (func.replace(column, "; ", SEPARATOR) + literal(SEPARATOR)).label("rest"),
        ).where(_directory_where(filters), column.is_not(None))
        split = start.cte("split_items", recursive=True)
        cut = _position(split.c.rest, literal(SEPARATOR))
        split = split.union_all(
            select(
                split.c.researcher_id,
                func.trim(func.substr(split.c.rest, 1, cut - 1)),
                func.substr(split.c.rest, cut + 1),
            ).where(split.c.rest != "")
        )
        counted = (
            select(
                split.c.item.label("value"),
                func.count(func.distinct(split.c.researcher_id)).label("records"),
            )
            .where(split.c.item != "")
            .group_by(split.c.item)
            .subquery()
        )
        label: ColumnElement[Any] = counted.c.value
        source: FromClause = counted
        if filter_name == "area":
            label = func.coalesce(dim_areas.c.area_name, counted.c.value)
            source = counted.outerjoin(dim_areas, dim_areas.c.area_code == counted.c.value)
        statement = (
            select(counted.c.value, label.label("label"), counted.c.records)
            .select_from(source)
            .order_by(counted.c.records.desc(), label)
        )
        with engine.connect() as conn:
            return pd.read_sql(statement, conn)

    return options


def availability_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Availability values with the public researchers in each, under the other filters."""
    column = dim_researchers.c.availability
    statement = (
        select(column.label("value"), column.label("label"), func.count().label("records"))
        .where(_directory_where(filters), column.is_not(None))
        .group_by(column)
        .order_by(column)
    )
    with engine.connect() as conn:
        return pd.read_sql(statement, conn)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def _suppressed(counts: pd.Series) -> pd.Series:
    """Counts as numbers, with those under the threshold replaced by "fewer than 5"."""
    return pd.Series(
        [SUPPRESSED if int(c) < SUPPRESS_BELOW else int(c) for c in counts],
        index=counts.index,
        dtype=object,
    )


def training_attendance(engine: Engine, _filters: Filters) -> pd.DataFrame:
    """Training events and attendees per financial year and audience; attendance under 5 in a
    group is suppressed."""
    t = fct_training_events.c
    statement = (
        select(
            t.financial_year,
            t.audience,
            func.count().label("events"),
            func.sum(t.attendees).label("attendees"),
        )
        .group_by(t.financial_year, t.audience)
        .order_by(t.financial_year, t.audience)
    )
    with engine.connect() as conn:
        data = pd.read_sql(statement, conn)
    if data.empty:
        return pd.DataFrame(columns=["financial_year", "audience", "events", "attendees"])
    data["events"] = data["events"].astype(int)
    data["attendees"] = _suppressed(data["attendees"])
    return data


def training_accredited_share(engine: Engine, _filters: Filters) -> pd.DataFrame:
    """Training events per financial year, how many were accredited, and their share (%)."""
    t = fct_training_events.c
    statement = (
        select(
            t.financial_year,
            func.count().label("events"),
            func.sum(case((t.is_accredited, 1), else_=0)).label("accredited_events"),
        )
        .group_by(t.financial_year)
        .order_by(t.financial_year)
    )
    with engine.connect() as conn:
        data = pd.read_sql(statement, conn)
    if data.empty:
        return pd.DataFrame(
            columns=["financial_year", "events", "accredited_events", "accredited_share_pct"]
        )
    data["events"] = data["events"].astype(int)
    data["accredited_events"] = data["accredited_events"].astype(int)
    data["accredited_share_pct"] = (100 * data["accredited_events"] / data["events"]).round(1)
    return data


# --------------------------------------------------------------------------------------------
# Payments (aggregated; never individual payments)
# --------------------------------------------------------------------------------------------


def _provider_groups(conn: Any) -> ColumnElement[str]:
    """Provider names as shown: every provider when there are few, else the largest five by
    payments and "Other providers"."""
    p = fct_payments.c
    ranked = conn.execute(
        select(p.provider)
        .group_by(p.provider)
        .order_by(func.sum(p.payments_count).desc(), p.provider)
    ).scalars()
    providers = list(ranked)
    if len(providers) <= MOST_PROVIDERS_SHOWN:
        return p.provider
    shown = providers[: MOST_PROVIDERS_SHOWN - 1]
    return case((p.provider.in_(shown), p.provider), else_=literal(OTHER_PROVIDERS))


def payments_days_to_pay(engine: Engine, _filters: Filters) -> pd.DataFrame:
    """Per quarter and provider: payments made and the median days to pay. The register holds
    a median per quarter, provider and method; a provider's median is the median of those,
    weighted by the payments behind each (as on the overview). Fewer than 5 payments: the
    count shows as "fewer than 5" and the median is left blank."""
    p = fct_payments.c
    with engine.connect() as conn:
        provider = _provider_groups(conn).label("provider")
        grouped = select(
            p.period, provider, p.payments_count, p.median_days_to_pay, p.method
        ).subquery()
        g = grouped.c
        totals = (
            select(g.period, g.provider, func.sum(g.payments_count).label("payments"))
            .group_by(g.period, g.provider)
            .subquery()
        )
        timed = (
            select(
                g.period,
                g.provider,
                g.median_days_to_pay,
                func.sum(g.payments_count)
                .over(
                    partition_by=[g.period, g.provider],
                    order_by=[g.median_days_to_pay, g.method],
                    rows=(None, 0),
                )
                .label("running"),
                func.sum(g.payments_count)
                .over(partition_by=[g.period, g.provider])
                .label("timed_payments"),
            )
            .where(g.median_days_to_pay.is_not(None), g.payments_count > 0)
            .subquery()
        )
        medians = (
            select(
                timed.c.period,
                timed.c.provider,
                func.min(timed.c.median_days_to_pay).label("median_days_to_pay"),
            )
            .where(2 * timed.c.running >= timed.c.timed_payments)
            .group_by(timed.c.period, timed.c.provider)
            .subquery()
        )
        statement = (
            select(
                totals.c.period.label("quarter"),
                totals.c.provider,
                totals.c.payments,
                medians.c.median_days_to_pay,
            )
            .select_from(
                totals.outerjoin(
                    medians,
                    and_(
                        medians.c.period == totals.c.period,
                        medians.c.provider == totals.c.provider,
                    ),
                )
            )
            .order_by(totals.c.period, totals.c.provider)
        )
        data = pd.read_sql(statement, conn)
    if data.empty:
        return pd.DataFrame(columns=["quarter", "provider", "payments", "median_days_to_pay"])
    small = data["payments"].astype(int) < SUPPRESS_BELOW
    days = data["median_days_to_pay"].astype(float).round(1)
    data["median_days_to_pay"] = pd.Series(
        ["" if hide or pd.isna(d) else float(d) for hide, d in zip(small, days, strict=True)],
        index=data.index,
        dtype=object,
    )
    data["payments"] = _suppressed(data["payments"])
    return data


def payments_method_share(engine: Engine, _filters: Filters) -> pd.DataFrame:
    """Per quarter and payment method (all providers together): payments and their share of
    the quarter's payments (%). Fewer than 5: "fewer than 5" and no share."""
    p = fct_payments.c
    by_method = (
        select(p.period, p.method, func.sum(p.payments_count).label("payments"))
        .group_by(p.period, p.method)
        .subquery()
    )
    statement = select(
        by_method.c.period.label("quarter"),
        by_method.c.method,
        by_method.c.payments,
        func.sum(by_method.c.payments)
        .over(partition_by=by_method.c.period)
        .label("quarter_payments"),
    ).order_by(by_method.c.period, by_method.c.method)
    with engine.connect() as conn:
        data = pd.read_sql(statement, conn)
    if data.empty:
        return pd.DataFrame(columns=["quarter", "method", "payments", "share_pct"])
    counts = data["payments"].astype(int)
    shares = (100 * counts / data["quarter_payments"].astype(int)).round(1)
    data["share_pct"] = pd.Series(
        ["" if c < SUPPRESS_BELOW else float(s) for c, s in zip(counts, shares, strict=True)],
        index=data.index,
        dtype=object,
    )
    data["payments"] = _suppressed(data["payments"])
    return data[["quarter", "method", "payments", "share_pct"]]


# --------------------------------------------------------------------------------------------
# Benefits advice
# --------------------------------------------------------------------------------------------


def advice_services(engine: Engine) -> pd.DataFrame:
    """Every welfare-benefits advice service, specialists in research payments first, with the
    areas it covers as names."""
    a = dim_advice_services.c
    statement = select(
        a.service_id,
        a.name,
        a.provider,
        a.description,
        a.url,
        a.phone,
        a.areas,
        a.specialist_pc_payments,
    ).order_by(case((a.specialist_pc_payments, 0), else_=1), a.name)
    with engine.connect() as conn:
        data = pd.read_sql(statement, conn)
        data["areas"] = _area_names(conn, data["areas"])
    return data


CHART_QUERIES: dict[str, ChartQuery] = {
    "training-attendance": training_attendance,
    "training-accredited-share": training_accredited_share,
    "payments-days-to-pay": payments_days_to_pay,
    "payments-method-share": payments_method_share,
}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "skill": _item_options("skill"),
    "language": _item_options("language"),
    "area": _item_options("area"),
    "availability": availability_options,
}
