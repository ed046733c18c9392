"""The overview's headline figures, each as a series by UK financial year.

Every function returns a DataFrame with a ``financial_year`` column and a ``value`` column (plus
what the figure needs to say what it counts), sorted by year, aggregated in SQL or read from a
mart. The overview
shows the selected year's value, its change against the year before and the series as a trend.
Only published records count: the overview is public.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, or_, select, union_all

from warehouse.queries.frames import read_frame
from warehouse.schema import (
    dim_organisations,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    fct_payments,
    fct_policy_decisions,
    fct_recommendation_updates,
    mart_grants_by_year,
)
from warehouse.vocabularies import ACHIEVED, DIRECTIONS, ON_TRACK_RAG_RATINGS

# Headline money comes from the grants mart, so the overview costs the same at a million grants
# as at a thousand.
mart = mart_grants_by_year

POUNDS = "GBP"  # headline money is in pounds; other currencies are not added to it


def financial_years(engine: Engine) -> list[str]:
    """The financial years with grants, oldest first: the years the overview can show."""
    column = mart.c.financial_year
    with engine.connect() as conn:
        found = conn.execute(select(column).distinct().order_by(column)).scalars().all()
    return [str(year) for year in found]


def pc_funding_by_year(engine: Engine) -> pd.DataFrame:
    """P&C research money received and awarded by each home role (council, nhs, hdrc) per
    financial year: columns financial_year, direction, home_role, grants, value (pence)."""
    home = dim_organisations
    statement = (
        select(
            mart.c.financial_year,
            mart.c.direction,
            home.c.home_role,
            func.sum(mart.c.grants_count).label("grants"),
            func.sum(mart.c.amount_awarded_pence).label("value"),
        )
        .select_from(mart.join(home, home.c.org_id == mart.c.home_org_id))
        .where(
            mart.c.is_pc_research.is_(True),
            mart.c.direction.in_(DIRECTIONS),
            mart.c.currency == POUNDS,
            home.c.is_home.is_(True),
        )
        .group_by(mart.c.financial_year, mart.c.direction, home.c.home_role)
        .order_by(mart.c.financial_year)
    )
    return read_frame(statement, engine)


def participatory_share_by_year(engine: Engine) -> pd.DataFrame:
    """The share (0 to 1) of P&C research money awarded by home organisations that went through
    participatory commissioning: columns financial_year, participatory (pence), awarded
    (pence), grants, value (the share)."""
    participatory = case((mart.c.route == "participatory", mart.c.amount_awarded_pence), else_=0)
    statement = (
        select(
            mart.c.financial_year,
            func.sum(participatory).label("participatory"),
            func.sum(mart.c.amount_awarded_pence).label("awarded"),
            func.sum(mart.c.grants_count).label("grants"),
        )
        .where(
            mart.c.is_pc_research.is_(True),
            mart.c.direction == "awarded",
            mart.c.currency == POUNDS,
        )
        .group_by(mart.c.financial_year)
        .order_by(mart.c.financial_year)
    )
    data = read_frame(statement, engine)
    data["value"] = (data["participatory"] / data["awarded"].where(data["awarded"] > 0)).fillna(0)
    return data


def _year_bounds(year: str) -> tuple[date, date]:
    start = int(year[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def active_projects_by_year(engine: Engine, years: list[str]) -> pd.DataFrame:
    """Published projects running at some point in each financial year (started by its end and
    not ended before its start): columns financial_year, value."""
    selects = []
    for year in years:
        first, last = _year_bounds(year)
        selects.append(
            select(literal(year).label("financial_year"), func.count().label("value")).where(
                dim_projects.c.is_published.is_(True),
                dim_projects.c.start_date <= last,
                or_(dim_projects.c.end_date.is_(None), dim_projects.c.end_date >= first),
            )
        )
    if not selects:
        return pd.DataFrame(columns=["financial_year", "value"])
    return read_frame(union_all(*selects), engine).sort_values("financial_year")


def policy_decisions_by_year(engine: Engine) -> pd.DataFrame:
    """Published policy decisions informed by P&C research per financial year."""
    decisions = fct_policy_decisions
    statement = (
        select(decisions.c.financial_year, func.count().label("value"))
        .where(decisions.c.is_published.is_(True))
        .group_by(decisions.c.financial_year)
        .order_by(decisions.c.financial_year)
    )
    return read_frame(statement, engine)


def recommendation_status(engine: Engine) -> dict[str, int]:
    """How many recommendations there are, how many are achieved and how many are on track
    (not yet achieved, with a green or amber-green delivery confidence)."""
    recs = dim_recommendations
    statement = select(
        func.count().label("total"),
        func.coalesce(func.sum(case((recs.c.status == ACHIEVED, 1), else_=0)), 0).label("achieved"),
        func.coalesce(
            func.sum(
                case(
                    (and_(recs.c.status != ACHIEVED, recs.c.rag.in_(ON_TRACK_RAG_RATINGS)), 1),
                    else_=0,
                )
            ),
            0,
        ).label("on_track"),
    )
    with engine.connect() as conn:
        row = conn.execute(statement).one()
    return {"total": int(row.total), "achieved": int(row.achieved), "on_track": int(row.on_track)}


def achieved_by_year(engine: Engine, years: list[str]) -> pd.DataFrame:
    """Recommendations achieved by the end of each financial year: columns financial_year,
    value. Past years come from the published update history (the first update to
    "achieved"); the latest year is the register's current status, which also counts
    recommendations whose closing update is not published yet."""
    if not years:
        return pd.DataFrame(columns=["financial_year", "value"])
    updates = fct_recommendation_updates
    first_achieved = (
        select(
            updates.c.recommendation_id,
            func.min(updates.c.update_date).label("achieved_on"),
        )
        .where(updates.c.status_to == ACHIEVED, updates.c.is_published.is_(True))
        .group_by(updates.c.recommendation_id)
        .subquery()
    )
    selects = [
        select(literal(year).label("financial_year"), func.count().label("value")).where(
            first_achieved.c.achieved_on <= _year_bounds(year)[1]
        )
        for year in years[:-1]
    ]
    past = read_frame(union_all(*selects), engine) if selects else pd.DataFrame()
    latest = pd.DataFrame(
        {"financial_year": years[-1:], "value": [recommendation_status(engine)["achieved"]]}
    )
    return pd.concat([past, latest], ignore_index=True).sort_values("financial_year")


def public_researchers(engine: Engine) -> int:
    """Researchers listed in the public directory (consent to public listing)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(dim_researchers.c.consent == "public")
            ).scalar_one()
        )


def days_to_pay_by_year(engine: Engine) -> pd.DataFrame:
    """Median days to pay P&C researchers per financial year: the median of the register's
    quarterly medians (one per period, provider and method) weighted by the payments behind
    each, since the register holds aggregates, never single payments. Columns
    financial_year, payments, value. Quarters are calendar quarters, so January to March
    belongs to the financial year that began the April before."""
    statement = select(
        fct_payments.c.period, fct_payments.c.payments_count, fct_payments.c.median_days_to_pay
    ).where(fct_payments.c.median_days_to_pay.is_not(None), fct_payments.c.payments_count > 0)
    rows = read_frame(statement, engine)
    if rows.empty:
        return pd.DataFrame(columns=["financial_year", "payments", "value"])
    parts = rows["period"].str.extract(r"^(\d{4})-Q([1-4])$").dropna()
    rows = rows.loc[parts.index]
    start = parts[0].astype(int) - (parts[1] == "1").astype(int)
    rows["financial_year"] = start.astype(str) + "/" + ((start + 1) % 100).map("{:02d}".format)
    medians = [
        {"financial_year": year, **_weighted_median(group)}
        for year, group in rows.groupby("financial_year", sort=True)
    ]
    return pd.DataFrame(medians, columns=["financial_year", "payments", "value"])


def _weighted_median(group: pd.DataFrame) -> dict[str, float]:
    ordered = group.sort_values("median_days_to_pay")
    weights = ordered["payments_count"].cumsum()
    half = weights.iloc[-1] / 2
    median = float(ordered["median_days_to_pay"][weights >= half].iloc[0])
    return {"payments": int(weights.iloc[-1]), "value": median}
