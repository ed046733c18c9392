"""Board snapshots: frozen, citable copies of the published figures, and what changed since.

Rules:
- A snapshot is cited in public committee papers, so it is computed from what the public may
  see only: published projects, decisions and updates, the grants marts, the recommendations.
- ``freeze`` writes the figures once, as JSON text with sorted keys, in ``meta_snapshots``.
  Nothing in the application updates or deletes a snapshot: its numbers never change, whatever
  is loaded afterwards. Everything the snapshot page shows, and every "before" value of
  ``changes_since``, is read from that JSON, never from the warehouse as it is now.
- A snapshot's id is a slug of its name and date (``health-and-wellbeing-board-2026-11-29``);
  a second snapshot with the same name and date gets ``-2``, then ``-3``.
- ``changes_since`` compares the snapshot with the warehouse today: status and RAG moves,
  P&C research money received and awarded by each home organisation (and the awards made after
  the snapshot's date), milestones met and missed since that date, published policy decisions
  that the snapshot did not hold, and milestones overdue today. Every live figure is read with
  SQL that aggregates or limits; the lists are bounded.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, bindparam, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from warehouse.queries import headlines
from warehouse.queries.filters import Filters
from warehouse.queries.funding import funding_by_year
from warehouse.queries.overview import last_load_time, source_publishers
from warehouse.queries.recommendations import recommendations_with_workstreams, tracker
from warehouse.schema import (
    dim_recommendations,
    dim_workstreams,
    fct_grants,
    fct_milestones,
    fct_policy_decisions,
    meta_snapshots,
    meta_users,
)
from warehouse.snapshot_data import (
    Changes,
    Decision,
    Figures,
    FrozenMilestone,
    FrozenRecommendation,
    Funding,
    FundingChanges,
    GrantsByYear,
    Headline,
    MilestoneChange,
    MoneyTotal,
    NewAward,
    NewAwards,
    Number,
    PcFunding,
    SnapshotSummary,
    StatusMove,
)
from warehouse.vocabularies import DIRECTIONS, HOME_ROLES

MAX_NAME_LENGTH = 120
MAX_SLUG_WORDS_LENGTH = 60
LISTED = 200  # rows at most in each list of changes
POUNDS = "GBP"

_s = meta_snapshots.c
_m = fct_milestones.c
_d = fct_policy_decisions.c
_g = fct_grants.c


@dataclass(frozen=True)
class Snapshot:
    """A frozen snapshot: its metadata, its figures, and the figures' JSON exactly as stored."""

    snapshot_id: str
    name: str
    as_of: date
    created_at: datetime
    user_id: int
    frozen_by: str
    figures: Figures
    figures_json: str


# --------------------------------------------------------------------------------------------
# Freezing
# --------------------------------------------------------------------------------------------


def slug(name: str, as_of: date) -> str:
    """The id a snapshot of this name and date starts from: lower-case ASCII words and the
    ISO date, joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.replace("&", " and ").lower()).strip("-")
    words = words[:MAX_SLUG_WORDS_LENGTH].rstrip("-") or "snapshot"
    return f"{words}-{as_of.isoformat()}"


def clean_name(name: str) -> str:
    """The name as stored (single spaces). Raises ValueError, with a message for the form,
    when it is empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValueError("Give the snapshot a name, e.g. Health and Wellbeing Board.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"Keep the name under {MAX_NAME_LENGTH} characters.")
    return cleaned


def freeze(
    engine: Engine, *, name: str, as_of: date, user_id: int, now: datetime | None = None
) -> str:
    """Freeze the published figures as they are now, under ``name`` and the date ``as_of``
    (the board's date), frozen by ``user_id``. Returns the new snapshot's id. Raises
    ValueError for an empty or too long name."""
    cleaned = clean_name(name)
    created_at = (now or datetime.now(UTC)).astimezone(UTC)
    figures = frozen_figures(engine, as_of, created_at)
    text = json.dumps(figures.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    base = slug(cleaned, as_of)
    for _attempt in range(5):
        try:
            with engine.begin() as conn:
                taken = set(
                    conn.execute(
                        select(_s.snapshot_id).where(
                            or_(_s.snapshot_id == base, _s.snapshot_id.like(f"{base}-%"))
                        )
                    ).scalars()
                )
                snapshot_id = base
                number = 2
                while snapshot_id in taken:
                    snapshot_id = f"{base}-{number}"
                    number += 1
                conn.execute(
                    insert(meta_snapshots).values(
                        snapshot_id=snapshot_id,
                        name=cleaned,
                        as_of=as_of,
                        created_at=created_at,
                        user_id=user_id,
                        figures=text,
                    )
                )
            return snapshot_id
        except IntegrityError:
            continue  # another snapshot took the same id at the same moment: count again
    raise RuntimeError(f"could not find a free id for the snapshot {base!r}")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return int(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _year_of(as_of: date, years: list[str]) -> str | None:
    """The financial year the snapshot stands for: the one holding ``as_of``, else the latest
    year with grants before it, else the earliest year there is."""
    if not years:
        return None
    start = as_of.year if as_of.month >= 4 else as_of.year - 1
    own = f"{start}/{(start + 1) % 100:02d}"
    earlier = [year for year in years if year <= own]
    return earlier[-1] if earlier else years[0]


def _records(data: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in data.to_dict("records")]


def _series(
    data: pd.DataFrame, years: list[str], *, counts: bool, digits: int
) -> tuple[tuple[str, Number | None], ...]:
    """(year, value) per year: counts and sums are 0 in a year without records; a share or a
    median has no value there."""
    values: dict[str, Any] = {str(row["financial_year"]): row["value"] for row in _records(data)}
    series: list[tuple[str, Number | None]] = []
    for year in years:
        value = values.get(year)
        if value is None or pd.isna(value):
            series.append((year, 0 if counts else None))
        elif digits:
            series.append((year, round(float(value), digits)))
        else:
            series.append((year, round(float(value))))
    return tuple(series)


def _headline(
    key: str,
    label: str,
    unit: str,
    detail: str,
    series: tuple[tuple[str, Number | None], ...],
    year: str | None,
    previous: str | None,
) -> Headline:
    values = dict(series)
    return Headline(
        key=key,
        label=label,
        unit=unit,
        detail=detail,
        value=values.get(year) if year else None,
        previous=values.get(previous) if previous else None,
        series=series,
    )


def _headlines(engine: Engine, years: list[str], year: str | None) -> tuple[Headline, ...]:
    previous = years[years.index(year) - 1] if year in years and years.index(year) > 0 else None
    funding = headlines.pc_funding_by_year(engine)
    figures = []
    for direction in DIRECTIONS:
        for role, who in (("council", "Council"), ("nhs", "NHS")):
            rows = funding[(funding["direction"] == direction) & (funding["home_role"] == role)]
            figures.append(
                _headline(
                    f"pc_{direction}_{role}",
                    f"P&C research funding {direction} by the {who}",
                    "pence",
                    f"{direction.capitalize()} in grants flagged as P&C research",
                    _series(rows, years, counts=True, digits=0),
                    year,
                    previous,
                )
            )
    status = headlines.recommendation_status(engine)
    figures += [
        _headline(
            "participatory_share",
            "Awarded through participatory commissioning",
            "share",
            "Share of P&C research money awarded",
            _series(headlines.participatory_share_by_year(engine), years, counts=False, digits=4),
            year,
            previous,
        ),
        _headline(
            "active_projects",
            "Active research projects",
            "count",
            "Published projects running during the year",
            _series(headlines.active_projects_by_year(engine, years), years, counts=True, digits=0),
            year,
            previous,
        ),
        _headline(
            "policy_decisions",
            "Policy decisions informed",
            "count",
            "Published decisions that cite P&C research",
            _series(headlines.policy_decisions_by_year(engine), years, counts=True, digits=0),
            year,
            previous,
        ),
        _headline(
            "recommendations_achieved",
            "Recommendations achieved",
            "count",
            f"of {status['total']}; {status['on_track']} more on track (green or amber-green)",
            _series(headlines.achieved_by_year(engine, years), years, counts=True, digits=0),
            year,
            previous,
        ),
        _headline(
            "days_to_pay",
            "Median days to pay P&C researchers",
            "days",
            "Weighted median of quarterly medians, all providers",
            _series(headlines.days_to_pay_by_year(engine), years, counts=False, digits=1),
            year,
            previous,
        ),
        Headline(
            key="researchers",
            label="Researchers in the directory",
            unit="count",
            detail="Listed with consent to public listing",
            value=headlines.public_researchers(engine),
        ),
    ]
    return tuple(figures)


def _pc_funding_rows(engine: Engine) -> tuple[PcFunding, ...]:
    """P&C research money received and awarded by each home role, per financial year."""
    data = headlines.pc_funding_by_year(engine)
    return tuple(
        PcFunding(
            financial_year=str(row["financial_year"]),
            direction=str(row["direction"]),
            home_role=str(row["home_role"]),
            grants=int(row["grants"]),
            amount_pence=int(row["value"]),
        )
        for row in _records(data)
    )


def _funding_rows(engine: Engine) -> tuple[GrantsByYear, ...]:
    """The funding page's main chart: all grants (GBP) by year, direction and funder."""
    data = funding_by_year(engine, Filters())
    return tuple(
        GrantsByYear(
            financial_year=str(row["financial_year"]),
            direction=str(row["direction"]),
            funder=str(row["funder"]),
            grants=int(row["grants"]),
            amount_pence=int(row["amount_pence"]),
        )
        for row in _records(data)
    )


def _milestones_by_recommendation(engine: Engine) -> dict[str, list[FrozenMilestone]]:
    statement = select(
        _m.milestone_id, _m.recommendation_id, _m.title, _m.due_date, _m.done_date
    ).order_by(_m.recommendation_id, _m.due_date, _m.milestone_id)
    milestones: dict[str, list[FrozenMilestone]] = {}
    with engine.connect() as conn:
        for row in conn.execute(statement):
            milestones.setdefault(str(row.recommendation_id), []).append(
                FrozenMilestone(
                    milestone_id=str(row.milestone_id),
                    title=str(row.title),
                    due_date=_iso(row.due_date),
                    done_date=_iso(row.done_date),
                )
            )
    return milestones


def _recommendation_rows(engine: Engine, as_of: date) -> tuple[FrozenRecommendation, ...]:
    data = tracker(engine, Filters(), as_of)
    milestones = _milestones_by_recommendation(engine)
    return tuple(
        FrozenRecommendation(
            recommendation_id=str(row["recommendation_id"]),
            workstream_id=str(row["workstream_id"]),
            workstream_number=int(row["workstream_number"]),
            workstream_name=str(row["workstream_name"]),
            text=str(row["text"]),
            owner=_text(row["owner"]),
            status=str(row["status"]),
            rag=_text(row["rag"]),
            progress_pct=_int(row["progress_pct"]),
            last_update=_iso(row["last_update"]),
            milestones=tuple(milestones.get(str(row["recommendation_id"]), [])),
        )
        for row in _records(data)
    )


def _decision(row: Any) -> Decision:
    return Decision(
        decision_id=str(row.decision_id),
        title=str(row.title),
        decision_body=str(row.decision_body),
        decision_date=_iso(row.decision_date),
        influence_type=str(row.influence_type),
    )


def _decision_rows(engine: Engine) -> tuple[Decision, ...]:
    statement = (
        select(_d.decision_id, _d.title, _d.decision_body, _d.decision_date, _d.influence_type)
        .where(_d.is_published.is_(True))
        .order_by(_d.decision_date, _d.decision_id)
    )
    with engine.connect() as conn:
        return tuple(_decision(row) for row in conn.execute(statement))


def frozen_figures(engine: Engine, as_of: date, created_at: datetime) -> Figures:
    """Everything a snapshot shows and compares against, from published data (money in
    integer pence); ``to_json()`` gives what is stored."""
    years = headlines.financial_years(engine)
    year = _year_of(as_of, years)
    _files, publishers = source_publishers(engine)
    return Figures(
        as_of=as_of.isoformat(),
        frozen_at=_iso(created_at),
        data_last_loaded_at=_iso(last_load_time(engine)),
        sources=tuple(publishers),
        financial_year=year,
        previous_year=years[years.index(year) - 1]
        if year in years and years.index(year) > 0
        else None,
        headlines=_headlines(engine, years, year),
        funding=Funding(pc_by_year=_pc_funding_rows(engine), by_year=_funding_rows(engine)),
        recommendations=_recommendation_rows(engine, as_of),
        policy_decisions=_decision_rows(engine),
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _frozen_by() -> Any:
    return func.coalesce(meta_users.c.display_name, "a member of staff").label("frozen_by")


def list_snapshots(engine: Engine) -> list[SnapshotSummary]:
    """Every snapshot, newest board date first: id, name, as_of, created_at, frozen_by."""
    statement = (
        select(_s.snapshot_id, _s.name, _s.as_of, _s.created_at, _frozen_by())
        .select_from(meta_snapshots.outerjoin(meta_users, meta_users.c.user_id == _s.user_id))
        .order_by(_s.as_of.desc(), _s.created_at.desc(), _s.snapshot_id)
    )
    with engine.connect() as conn:
        return [
            SnapshotSummary(
                snapshot_id=str(row.snapshot_id),
                name=str(row.name),
                as_of=_as_date(row.as_of),
                created_at=_as_moment(row.created_at),
                frozen_by=str(row.frozen_by),
            )
            for row in conn.execute(statement)
        ]


def latest_snapshot(engine: Engine) -> SnapshotSummary | None:
    """The snapshot of the last board (latest date; the last frozen on that date)."""
    found = list_snapshots(engine)
    return found[0] if found else None


def get_snapshot(engine: Engine, snapshot_id: str) -> Snapshot | None:
    """The snapshot with this id, or None."""
    statement = (
        select(
            _s.snapshot_id,
            _s.name,
            _s.as_of,
            _s.created_at,
            _s.user_id,
            _s.figures,
            _frozen_by(),
        )
        .select_from(meta_snapshots.outerjoin(meta_users, meta_users.c.user_id == _s.user_id))
        .where(_s.snapshot_id == snapshot_id)
    )
    with engine.connect() as conn:
        row = conn.execute(statement).first()
    if row is None:
        return None
    return Snapshot(
        snapshot_id=str(row.snapshot_id),
        name=str(row.name),
        as_of=_as_date(row.as_of),
        created_at=_as_moment(row.created_at),
        user_id=int(row.user_id),
        frozen_by=str(row.frozen_by),
        figures=Figures.from_json(json.loads(row.figures)),
        figures_json=str(row.figures),
    )


# --------------------------------------------------------------------------------------------
# What changed since
# --------------------------------------------------------------------------------------------


def _status_moves(
    engine: Engine, frozen: tuple[FrozenRecommendation, ...]
) -> tuple[StatusMove, ...]:
    before = {row.recommendation_id: row for row in frozen}
    statement = recommendations_with_workstreams().order_by(
        dim_workstreams.c.number, dim_recommendations.c.recommendation_id
    )
    moves = []
    with engine.connect() as conn:
        for row in conn.execute(statement):
            was = before.get(str(row.recommendation_id))
            then = (was.status, was.rag, was.progress_pct) if was else (None, None, None)
            now = (str(row.status), _text(row.rag), _int(row.progress_pct))
            if then == now:
                continue
            moves.append(
                StatusMove(
                    recommendation_id=str(row.recommendation_id),
                    text=str(row.text),
                    workstream_name=str(row.workstream_name),
                    status_from=then[0],
                    status_to=now[0],
                    rag_from=then[1],
                    rag_to=now[1],
                    progress_from=then[2],
                    progress_to=now[2],
                )
            )
    return tuple(moves)


def _money_totals(rows: tuple[PcFunding, ...]) -> dict[tuple[str, str], tuple[int, int]]:
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows:
        key = (row.direction, row.home_role)
        grants, pence = totals.get(key, (0, 0))
        totals[key] = (grants + int(row.grants), pence + int(row.amount_pence))
    return totals


def _funding_changes(engine: Engine, frozen: tuple[PcFunding, ...], as_of: date) -> FundingChanges:
    """P&C research money by direction and home role, then and now, and the awards made after
    the snapshot's date."""
    before, now = _money_totals(frozen), _money_totals(_pc_funding_rows(engine))
    totals = []
    for direction in DIRECTIONS:
        for role in HOME_ROLES:
            was, is_now = before.get((direction, role), (0, 0)), now.get((direction, role), (0, 0))
            if was == (0, 0) and is_now == (0, 0):
                continue
            totals.append(
                MoneyTotal(
                    direction=direction,
                    home_role=role,
                    grants_before=was[0],
                    grants_now=is_now[0],
                    pence_before=was[1],
                    pence_now=is_now[1],
                    change_pence=is_now[1] - was[1],
                )
            )
    new_awards = and_(
        _g.award_date > bindparam("as_of", as_of),
        _g.is_pc_research.is_(True),
        _g.direction.in_(DIRECTIONS),
        _g.currency == POUNDS,
    )
    count_and_sum = select(
        func.count().label("grants"),
        func.coalesce(func.sum(_g.amount_awarded_pence), 0).label("pence"),
    ).where(new_awards)
    listed = (
        select(
            _g.grant_id,
            _g.title,
            _g.funder_name,
            _g.recipient_name,
            _g.recipient_is_individual,
            _g.direction,
            _g.award_date,
            _g.amount_awarded_pence,
        )
        .where(new_awards)
        .order_by(_g.award_date.desc(), _g.grant_id)
        .limit(LISTED)
    )
    with engine.connect() as conn:
        counted = conn.execute(count_and_sum).one()
        awards = tuple(
            NewAward(
                grant_id=str(row.grant_id),
                title=str(row.title),
                funder=_text(row.funder_name),
                # Grants to individuals are listed without the person's name.
                recipient=None if row.recipient_is_individual else _text(row.recipient_name),
                direction=str(row.direction),
                award_date=_iso(row.award_date),
                amount_pence=int(row.amount_awarded_pence),
            )
            for row in conn.execute(listed)
        )
    return FundingChanges(
        totals=tuple(totals),
        new_awards=NewAwards(
            grants=int(counted.grants), amount_pence=int(counted.pence), listed=awards
        ),
    )


def _milestone_query() -> Any:
    r = dim_recommendations.c
    return select(
        _m.milestone_id,
        _m.recommendation_id,
        r.text.label("recommendation_text"),
        _m.title,
        _m.due_date,
        _m.done_date,
    ).select_from(
        fct_milestones.join(dim_recommendations, r.recommendation_id == _m.recommendation_id)
    )


def _milestone_change(row: Any, today: date) -> MilestoneChange:
    due = row.due_date
    done = row.done_date
    return MilestoneChange(
        milestone_id=str(row.milestone_id),
        recommendation_id=str(row.recommendation_id),
        recommendation_text=str(row.recommendation_text),
        title=str(row.title),
        due_date=_iso(due),
        done_date=_iso(done),
        on_time=None if done is None or due is None else bool(done <= due),
        days_overdue=(today - due).days if done is None and due is not None else None,
    )


def _milestone_changes(
    engine: Engine, frozen: tuple[FrozenRecommendation, ...], as_of: date, today: date
) -> dict[str, tuple[MilestoneChange, ...]]:
    open_then = [
        milestone.milestone_id
        for recommendation in frozen
        for milestone in recommendation.milestones
        if milestone.done_date is None
    ]
    after: Any = bindparam("as_of", as_of)
    now: Any = bindparam("today", today)
    met_since = _m.done_date > after
    if open_then:
        met_since = or_(met_since, _m.milestone_id.in_(open_then))
    met = (
        _milestone_query()
        .where(_m.done_date.is_not(None), met_since)
        .order_by(_m.done_date, _m.milestone_id)
        .limit(LISTED)
    )
    missed = (
        _milestone_query()
        .where(
            _m.due_date > after,
            _m.due_date < now,
            or_(_m.done_date.is_(None), _m.done_date > _m.due_date),
        )
        .order_by(_m.due_date, _m.milestone_id)
        .limit(LISTED)
    )
    overdue = (
        _milestone_query()
        .where(_m.done_date.is_(None), _m.due_date < now)
        .order_by(_m.due_date, _m.milestone_id)
        .limit(LISTED)
    )
    with engine.connect() as conn:
        return {
            "met": tuple(_milestone_change(row, today) for row in conn.execute(met)),
            "missed": tuple(_milestone_change(row, today) for row in conn.execute(missed)),
            "overdue": tuple(_milestone_change(row, today) for row in conn.execute(overdue)),
        }


def _new_decisions(engine: Engine, frozen: tuple[Decision, ...]) -> tuple[Decision, ...]:
    known = [row.decision_id for row in frozen]
    statement = select(
        _d.decision_id, _d.title, _d.decision_body, _d.decision_date, _d.influence_type
    ).where(_d.is_published.is_(True))
    if known:
        statement = statement.where(_d.decision_id.not_in(known))
    statement = statement.order_by(_d.decision_date.desc(), _d.decision_id).limit(LISTED)
    with engine.connect() as conn:
        return tuple(_decision(row) for row in conn.execute(statement))


def changes_since(engine: Engine, snapshot: Snapshot, today: date | None = None) -> Changes:
    """What changed between ``snapshot`` and the published figures now (``today`` defaults to
    the current date): ``status_moves``, ``funding`` (``totals`` and ``new_awards``),
    ``milestones_met``, ``milestones_missed``, ``new_decisions`` and ``overdue``."""
    day = today or date.today()
    figures = snapshot.figures
    milestones = _milestone_changes(engine, figures.recommendations, snapshot.as_of, day)
    return Changes(
        snapshot_id=snapshot.snapshot_id,
        as_of=snapshot.as_of.isoformat(),
        today=day.isoformat(),
        status_moves=_status_moves(engine, figures.recommendations),
        funding=_funding_changes(engine, figures.funding.pc_by_year, snapshot.as_of),
        milestones_met=milestones["met"],
        milestones_missed=milestones["missed"],
        new_decisions=_new_decisions(engine, figures.policy_decisions),
        overdue=milestones["overdue"],
    )
