"""The recommendations tracker: the recommendations by workstream, their next milestones and
last published updates, the roll-up per workstream, and a recommendation's page.

Rules:
- Only published updates (``fct_recommendation_updates.is_published``) leave this module: the
  "last update" date and the timeline alike. Drafts are for staff only.
- Only published projects are listed as delivering a recommendation, and only grants linked to
  those projects count as its funding. A grant linked to two of its projects counts once.
- The *next milestone* of a recommendation is its open milestone (no ``done_date``) with the
  earliest due date; open milestones with no due date come last. It is *overdue* when its due
  date is before ``today``, which the caller passes (the tracker uses the date of the request).
- The status filter picks recommendations by status; the roll-up and the chart follow it.
- Everything is aggregated in SQL: there are a handful of recommendations, but updates and
  milestones are histories that grow, and only their latest or next row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    Date,
    Engine,
    Select,
    and_,
    bindparam,
    case,
    func,
    select,
)

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery, where_clause
from warehouse.schema import (
    bridge_project_grants,
    bridge_project_recommendations,
    dim_projects,
    dim_recommendations,
    dim_workstreams,
    fct_grants,
    fct_milestones,
    fct_recommendation_updates,
)
from warehouse.vocabularies import RECOMMENDATION_STATUSES

_r = dim_recommendations.c
_w = dim_workstreams.c
_m = fct_milestones.c
_u = fct_recommendation_updates.c


def _read(statement: Select[Any], engine: Engine, **params: Any) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(statement, params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _chosen(filters: Filters) -> Any:
    return where_clause(dim_recommendations, filters, {"status": "status"})


def _next_milestones() -> Any:
    """The next open milestone of each recommendation (one row each), as a subquery."""
    rank = (
        func.row_number()
        .over(
            partition_by=_m.recommendation_id,
            order_by=(case((_m.due_date.is_(None), 1), else_=0), _m.due_date, _m.milestone_id),
        )
        .label("position")
    )
    open_ones = (
        select(_m.recommendation_id, _m.title, _m.due_date, rank)
        .where(_m.done_date.is_(None))
        .subquery("open_milestones")
    )
    return (
        select(open_ones.c.recommendation_id, open_ones.c.title, open_ones.c.due_date)
        .where(open_ones.c.position == 1)
        .subquery("next_milestones")
    )


def _last_updates() -> Any:
    return (
        select(_u.recommendation_id, func.max(_u.update_date).label("last_update"))
        .where(_u.is_published.is_(True))
        .group_by(_u.recommendation_id)
        .subquery("last_updates")
    )


def tracker(engine: Engine, filters: Filters, today: date) -> pd.DataFrame:
    """One row per recommendation in workstream then id order: its workstream, text, owner,
    status, RAG, progress, next milestone (title, due date, overdue) and last published
    update."""
    nxt = _next_milestones()
    last = _last_updates()
    overdue = case(
        (
            and_(nxt.c.due_date.is_not(None), nxt.c.due_date < bindparam("today", type_=Date)),
            1,
        ),
        else_=0,
    )
    statement = (
        select(
            _r.recommendation_id,
            _r.workstream_id,
            _w.number.label("workstream_number"),
            _w.name.label("workstream_name"),
            _r.text,
            _r.owner,
            _r.status,
            _r.rag,
            _r.progress_pct,
            nxt.c.title.label("next_milestone"),
            nxt.c.due_date.label("next_milestone_due"),
            overdue.label("overdue"),
            last.c.last_update,
        )
        .select_from(
            dim_recommendations.join(dim_workstreams, _w.workstream_id == _r.workstream_id)
            .outerjoin(nxt, nxt.c.recommendation_id == _r.recommendation_id)
            .outerjoin(last, last.c.recommendation_id == _r.recommendation_id)
        )
        .where(_chosen(filters))
        .order_by(_w.number, _r.recommendation_id)
    )
    data = _read(statement, engine, today=today)
    data["overdue"] = data["overdue"].astype(bool)
    return data


def workstream_rollup(engine: Engine, filters: Filters) -> pd.DataFrame:
    """One row per workstream: how many recommendations, how many in each status, and the
    mean progress (a recommendation with no progress recorded counts as 0%)."""

    def counted(status: str) -> Any:
        return func.sum(case((_r.status == status, 1), else_=0)).label(status)

    statement = (
        select(
            _w.workstream_id,
            _w.number.label("workstream_number"),
            _w.name.label("workstream_name"),
            func.count(_r.recommendation_id).label("recommendations"),
            *[counted(status) for status in RECOMMENDATION_STATUSES],
            func.round(func.avg(func.coalesce(_r.progress_pct, 0) * 1.0)).label("progress_pct"),
        )
        .select_from(
            dim_workstreams.join(dim_recommendations, _r.workstream_id == _w.workstream_id)
        )
        .where(_chosen(filters))
        .group_by(_w.workstream_id, _w.number, _w.name)
        .order_by(_w.number)
    )
    data = _read(statement, engine)
    for column in ("recommendations", *RECOMMENDATION_STATUSES, "progress_pct"):
        data[column] = data[column].fillna(0).astype(int)
    return data


def status_by_workstream(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Chart ``recommendations-progress``: recommendations per workstream and status."""
    statement = (
        select(
            _w.name.label("workstream"),
            _w.number.label("workstream_number"),
            _r.status,
            func.count().label("recommendations"),
        )
        .select_from(
            dim_workstreams.join(dim_recommendations, _r.workstream_id == _w.workstream_id)
        )
        .where(_chosen(filters))
        .group_by(_w.number, _w.name, _r.status)
        .order_by(_w.number, _r.status)
    )
    return _read(statement, engine)


def status_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The status filter's options: each status in use, with its recommendations."""
    statement = (
        select(_r.status.label("value"), func.count().label("records"))
        .where(_chosen(filters))
        .group_by(_r.status)
    )
    data = _read(statement, engine)
    order = {status: index for index, status in enumerate(RECOMMENDATION_STATUSES)}
    data["label"] = data["value"].map(lambda s: str(s).replace("_", " ").capitalize())
    data = data.sort_values("value", key=lambda s: s.map(lambda v: order.get(v, len(order))))
    return data[["value", "label", "records"]].reset_index(drop=True)


@dataclass(frozen=True)
class RecommendationDetail:
    """What a recommendation's page shows."""

    recommendation: dict[str, Any]
    updates: pd.DataFrame
    milestones: pd.DataFrame
    projects: pd.DataFrame
    grants: pd.DataFrame
    funding_pence: int


def recommendations_with_workstreams() -> Select[Any]:
    """Each recommendation as published, with its workstream's number and name."""
    return select(
        _r.recommendation_id,
        _r.workstream_id,
        _w.number.label("workstream_number"),
        _w.name.label("workstream_name"),
        _r.text,
        _r.owner,
        _r.status,
        _r.rag,
        _r.progress_pct,
    ).select_from(dim_recommendations.join(dim_workstreams, _w.workstream_id == _r.workstream_id))


def recommendation_detail(
    engine: Engine, recommendation_id: str, today: date
) -> RecommendationDetail | None:
    """A recommendation with its published updates (oldest first), milestones, published
    projects and their grants; None when there is no such recommendation."""
    head = _read(
        recommendations_with_workstreams().where(_r.recommendation_id == recommendation_id),
        engine,
    )
    if head.empty:
        return None
    updates = _read(
        select(
            _u.update_id,
            _u.update_date,
            _u.author,
            _u.note,
            _u.evidence_url,
            _u.status_from,
            _u.status_to,
            _u.rag_from,
            _u.rag_to,
            _u.progress_pct,
        )
        .where(_u.recommendation_id == recommendation_id, _u.is_published.is_(True))
        .order_by(_u.update_date, _u.update_id),
        engine,
    )
    milestones = _read(
        select(
            _m.milestone_id,
            _m.title,
            _m.due_date,
            _m.done_date,
            case(
                (
                    and_(
                        _m.done_date.is_(None),
                        _m.due_date.is_not(None),
                        _m.due_date < bindparam("today", type_=Date),
                    ),
                    1,
                ),
                else_=0,
            ).label("overdue"),
        )
        .where(_m.recommendation_id == recommendation_id)
        .order_by(case((_m.due_date.is_(None), 1), else_=0), _m.due_date, _m.milestone_id),
        engine,
        today=today,
    )
    milestones["overdue"] = milestones["overdue"].astype(bool)
    p = dim_projects.c
    b = bridge_project_recommendations.c
    delivering = (
        select(p.project_id)
        .select_from(
            dim_projects.join(bridge_project_recommendations, b.project_id == p.project_id)
        )
        .where(b.recommendation_id == recommendation_id, p.is_published.is_(True))
    )
    projects = _read(
        select(p.project_id, p.title, p.status, p.start_date, p.end_date)
        .where(p.project_id.in_(delivering))
        .order_by(p.start_date, p.project_id),
        engine,
    )
    g = fct_grants.c
    pg = bridge_project_grants.c
    grant_ids = select(pg.grant_id).where(pg.project_id.in_(delivering))
    grants = _read(
        select(
            g.grant_id,
            g.title,
            g.funder_name,
            g.award_date,
            g.amount_awarded_pence,
            g.currency,
        )
        .where(g.grant_id.in_(grant_ids))
        .order_by(g.award_date, g.grant_id),
        engine,
    )
    total = _read(
        select(func.coalesce(func.sum(g.amount_awarded_pence), 0).label("pence")).where(
            g.grant_id.in_(grant_ids), g.currency == "GBP"
        ),
        engine,
    )
    return RecommendationDetail(
        recommendation={str(k): v for k, v in head.iloc[0].to_dict().items()},
        updates=updates,
        milestones=milestones,
        projects=projects,
        grants=grants,
        funding_pence=int(total["pence"].iloc[0]),
    )


CHART_QUERIES: dict[str, ChartQuery] = {"recommendations-progress": status_by_workstream}
OPTION_QUERIES: dict[str, OptionQuery] = {"status": status_options}
