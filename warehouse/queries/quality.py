"""Sources and quality, for the public ``/data`` page: the loaded files, counts of rejected
rows, a completeness scorecard per register and per workstream, and full-dataset CSVs.

Public rules, kept here so that no caller can forget them:
- Rejected rows are only ever counted (by file, field and reason). Their contents (``raw``) are
  never read, and any quoted value in a reason (``'12x' is not a date``) is masked before the
  reason leaves this module, so no rejected value reaches the page.
- Only published projects, decisions and updates, and only researchers whose consent is
  ``public``, are counted, listed or downloaded. Drafts and hidden researchers never appear.
- Payments are downloaded as totals per quarter and provider; a total of fewer than
  ``SUPPRESS_BELOW`` payments shows ``"fewer than 5"`` and no amount. Training attendance under
  5 is suppressed the same way.
- CSVs are written from one streaming cursor, ``CSV_CHUNK`` rows at a time; no table is ever
  read whole into memory.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    FromClause,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)

from warehouse.queries.filters import Filters
from warehouse.queries.grants_table import grant_csv_chunks
from warehouse.queries.impact import DECISION_COLUMNS
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_topics,
    dim_advice_services,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_workstreams,
    fct_commissions,
    fct_grants,
    fct_milestones,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_recommendation_updates,
    fct_training_events,
    meta_rejected_rows,
    meta_source_files,
)
from warehouse.spreadsheet_cells import SafeCsvWriter

PUBLIC = "public"
SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
CSV_CHUNK = 5_000
RECENT_UPDATE_DAYS = 183  # "a published update in the last 6 months"
MISSING_PROJECTS_SHOWN = 200
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”")
MASK = "(value withheld)"

# --------------------------------------------------------------------------------------------
# Loaded files and rejected rows
# --------------------------------------------------------------------------------------------


def source_files(engine: Engine) -> pd.DataFrame:
    """Every loaded file: name, format, publisher, licence, rows, last load and sha256."""
    f = meta_source_files.c
    statement = select(
        f.file_name,
        f.detected_format,
        f.publisher,
        f.licence,
        f.row_count,
        f.last_loaded_at,
        f.sha256,
    ).order_by(f.file_name, f.last_loaded_at.desc())
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(statement).all(), columns=statement.selected_columns.keys()
        )


def mask_reason(reason: str) -> str:
    """A reason with every quoted value replaced by ``MASK``: the public sees the kind of
    problem, never the rejected value."""
    return _QUOTED.sub(MASK, reason)


def rejected_counts(engine: Engine) -> pd.DataFrame:
    """Rejected rows counted by file, field and (masked) reason, most first. Only counts."""
    r = meta_rejected_rows.c
    statement = select(r.file_name, r.field, r.reason, func.count().label("rows")).group_by(
        r.file_name, r.field, r.reason
    )
    with engine.connect() as conn:
        data = pd.DataFrame(
            conn.execute(statement).all(), columns=statement.selected_columns.keys()
        )
    columns = ["file_name", "field", "reason", "rows"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    data["field"] = data["field"].fillna("")
    data["reason"] = data["reason"].map(mask_reason)
    grouped = data.groupby(["file_name", "field", "reason"], as_index=False).agg(
        rows=("rows", "sum")
    )
    return grouped.sort_values(["rows", "file_name"], ascending=[False, True])[columns].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# Completeness scorecard
# --------------------------------------------------------------------------------------------


def _filled(column: ColumnElement[Any]) -> ColumnElement[bool]:
    """The column holds a value (text must not be blank)."""
    if column.type.python_type is str:
        return and_(column.is_not(None), func.trim(column) != "")
    return column.is_not(None)


def _linked(bridge: FromClause) -> ColumnElement[bool]:
    return exists().where(bridge.c.project_id == dim_projects.c.project_id)


@dataclass(frozen=True)
class Register:
    """One register on the scorecard: its public rows and the fields that matter."""

    name: str
    label: str
    table: FromClause
    public: ColumnElement[bool] | None
    fields: tuple[tuple[str, ColumnElement[bool]], ...]


# The fields each register is scored on. The warehouse's NOT NULL columns (title, dates, status,
# consent, ...) are enforced on load and always complete, so the scorecard checks the nullable
# columns the register templates (data_pipeline/registers/spec.py) ask for, plus links
# (location, topics) that live in bridge tables.
_p, _d, _r = dim_projects.c, fct_policy_decisions.c, dim_recommendations.c
_u, _s, _t = fct_recommendation_updates.c, dim_researchers.c, fct_training_events.c
_m, _pay, _a = fct_milestones.c, fct_payments.c, dim_advice_services.c
REGISTERS: tuple[Register, ...] = (
    Register(
        "projects",
        "Research projects (published)",
        dim_projects,
        _p.is_published.is_(True),
        (
            ("Lay summary", _filled(_p.lay_summary)),
            ("Methodology", _filled(_p.methodology)),
            ("Methods", _filled(_p.methods)),
            ("Participation level", _filled(_p.participation_level)),
            ("Location (ward or area)", _linked(bridge_project_areas)),
            ("Topics", _linked(bridge_project_topics)),
            ("Provider", _filled(_p.provider_name)),
            ("Start date", _filled(_p.start_date)),
            ("End date", _filled(_p.end_date)),
            ("Budget", _filled(_p.budget_pence)),
            ("Findings", _filled(_p.findings)),
        ),
    ),
    Register(
        "policy_decisions",
        "Policy decisions (published)",
        fct_policy_decisions,
        _d.is_published.is_(True),
        (
            ("Decision document", _filled(_d.document_url)),
            (
                "Cites research",
                exists().where(fct_policy_citations.c.decision_id == _d.decision_id),
            ),
        ),
    ),
    Register(
        "recommendations",
        "Recommendations",
        dim_recommendations,
        None,
        (
            ("Owner", _filled(_r.owner)),
            ("Delivery confidence (RAG)", _filled(_r.rag)),
            ("Progress", _filled(_r.progress_pct)),
        ),
    ),
    Register(
        "recommendation_updates",
        "Recommendation updates (published)",
        fct_recommendation_updates,
        _u.is_published.is_(True),
        (
            ("Evidence link", _filled(_u.evidence_url)),
            ("Progress", _filled(_u.progress_pct)),
        ),
    ),
    Register(
        "milestones",
        "Milestones",
        fct_milestones,
        None,
        (("Due date", _filled(_m.due_date)),),
    ),
    Register(
        "researchers",
        "Researchers (public directory)",
        dim_researchers,
        _s.consent == PUBLIC,
        (
            ("Skills", _filled(_s.skills)),
            ("Languages", _filled(_s.languages)),
            ("Areas", _filled(_s.areas)),
            ("Training completed", _filled(_s.training_completed)),
            ("Availability", _filled(_s.availability)),
            ("Contact", or_(_filled(_s.contact_email), _filled(_s.contact_phone))),
        ),
    ),
    Register(
        "training_events",
        "Training events",
        fct_training_events,
        None,
        (("Provider", _filled(_t.provider)),),
    ),
    Register(
        "payments",
        "Payments (quarterly totals)",
        fct_payments,
        None,
        (("Median days to pay", _filled(_pay.median_days_to_pay)),),
    ),
    Register(
        "advice_services",
        "Advice services",
        dim_advice_services,
        None,
        (
            ("Provider", _filled(_a.provider)),
            ("Description", _filled(_a.description)),
            ("Web address", _filled(_a.url)),
            ("Phone", _filled(_a.phone)),
            ("Areas", _filled(_a.areas)),
        ),
    ),
)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def register_completeness(engine: Engine) -> pd.DataFrame:
    """One row per register and field: register, records, field, filled, pct (0 to 100).
    A register with no records still gets its rows, with pct blank."""
    rows: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for register in REGISTERS:
            statement = select(
                func.count().label("records"),
                *(_count_if(has).label(f"f{i}") for i, (_, has) in enumerate(register.fields)),
            ).select_from(register.table)
            if register.public is not None:
                statement = statement.where(register.public)
            counts = conn.execute(statement).one()
            records = int(counts[0])
            for i, (field, _) in enumerate(register.fields):
                filled = int(counts[i + 1])
                rows.append(
                    {
                        "register": register.label,
                        "records": records,
                        "field": field,
                        "filled": filled,
                        "pct": round(100 * filled / records, 1) if records else None,
                    }
                )
    return pd.DataFrame(rows, columns=["register", "records", "field", "filled", "pct"])


def workstream_completeness(engine: Engine, today: date | None = None) -> pd.DataFrame:
    """Per workstream: recommendations, how many have an owner, a progress figure and a
    published update in the last 6 months; milestones and how many have a due date."""
    since = (today or date.today()) - timedelta(days=RECENT_UPDATE_DAYS)
    w, r, m, u = (
        dim_workstreams.c,
        dim_recommendations.c,
        fct_milestones.c,
        fct_recommendation_updates.c,
    )
    recent = exists().where(
        u.recommendation_id == r.recommendation_id,
        u.is_published.is_(True),
        u.update_date >= since,
    )
    recs = (
        select(
            r.workstream_id,
            func.count().label("recommendations"),
            _count_if(_filled(r.owner)).label("with_owner"),
            _count_if(r.progress_pct.is_not(None)).label("with_progress"),
            _count_if(recent).label("with_recent_update"),
        )
        .group_by(r.workstream_id)
        .subquery()
    )
    miles = (
        select(
            r.workstream_id,
            func.count().label("milestones"),
            _count_if(m.due_date.is_not(None)).label("milestones_with_due_date"),
        )
        .select_from(
            fct_milestones.join(dim_recommendations, r.recommendation_id == m.recommendation_id)
        )
        .group_by(r.workstream_id)
        .subquery()
    )
    statement = (
        select(
            w.workstream_id,
            w.number,
            w.name,
            func.coalesce(recs.c.recommendations, 0).label("recommendations"),
            func.coalesce(recs.c.with_owner, 0).label("with_owner"),
            func.coalesce(recs.c.with_progress, 0).label("with_progress"),
            func.coalesce(recs.c.with_recent_update, 0).label("with_recent_update"),
            func.coalesce(miles.c.milestones, 0).label("milestones"),
            func.coalesce(miles.c.milestones_with_due_date, 0).label("milestones_with_due_date"),
        )
        .select_from(
            dim_workstreams.outerjoin(recs, recs.c.workstream_id == w.workstream_id).outerjoin(
                miles, miles.c.workstream_id == w.workstream_id
            )
        )
        .order_by(w.number)
    )
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(statement).all(), columns=statement.selected_columns.keys()
        )


def incomplete_projects(engine: Engine, limit: int = MISSING_PROJECTS_SHOWN) -> pd.DataFrame:
    """Published projects missing methodology, location (no area link) or participation level:
    project_id, title, and a True/False column for each gap. At most ``limit`` rows."""
    no_methodology = ~_filled(_p.methodology)
    no_location = ~_linked(bridge_project_areas)
    no_participation = ~_filled(_p.participation_level)
    statement = (
        select(
            _p.project_id,
            _p.title,
            case((no_methodology, True), else_=False).label("missing_methodology"),
            case((no_location, True), else_=False).label("missing_location"),
            case((no_participation, True), else_=False).label("missing_participation"),
        )
        .where(_p.is_published.is_(True), or_(no_methodology, no_location, no_participation))
        .order_by(_p.title, _p.project_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        data = pd.DataFrame(
            conn.execute(statement).all(), columns=statement.selected_columns.keys()
        )
    for column in ("missing_methodology", "missing_location", "missing_participation"):
        data[column] = data[column].astype(bool)
    return data


def count_incomplete_projects(engine: Engine) -> int:
    """How many published projects miss methodology, location or participation level."""
    statement = (
        select(func.count())
        .select_from(dim_projects)
        .where(
            _p.is_published.is_(True),
            or_(
                ~_filled(_p.methodology),
                ~_linked(bridge_project_areas),
                ~_filled(_p.participation_level),
            ),
        )
    )
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())


# --------------------------------------------------------------------------------------------
# Full-dataset downloads
# --------------------------------------------------------------------------------------------


def _suppress_under(value: ColumnElement[Any], count: ColumnElement[Any]) -> ColumnElement[Any]:
    """``value`` as text, or ``"fewer than 5"`` when ``count`` is under the threshold."""
    return case((count < SUPPRESS_BELOW, literal(SUPPRESSED)), else_=cast(value, Text()))


def _commissions() -> Select[Any]:
    c = fct_commissions.c
    columns = [col for col in fct_commissions.c if col.name not in _LINEAGE]
    return select(*columns).order_by(c.ocid, c.award_id)


def _projects() -> Select[Any]:
    columns = [col for col in dim_projects.c if col.name not in (*_LINEAGE, "is_published")]
    return select(*columns).where(_p.is_published.is_(True)).order_by(_p.project_id)


def _decisions() -> Select[Any]:
    cited = fct_policy_citations.join(
        dim_projects,
        and_(
            dim_projects.c.project_id == fct_policy_citations.c.project_id,
            dim_projects.c.is_published.is_(True),
        ),
    )
    citations = (
        select(
            fct_policy_citations.c.decision_id,
            fct_policy_citations.c.project_id,
            dim_projects.c.title.label("project_title"),
            fct_policy_citations.c.snippet,
            fct_policy_citations.c.page,
        )
        .select_from(cited)
        .subquery()
    )
    return (
        select(
            *DECISION_COLUMNS,
            citations.c.project_id.label("cited_project_id"),
            citations.c.project_title.label("cited_project_title"),
            citations.c.snippet.label("citing_snippet"),
            citations.c.page.label("citing_page"),
        )
        .select_from(
            fct_policy_decisions.outerjoin(citations, citations.c.decision_id == _d.decision_id)
        )
        .where(_d.is_published.is_(True))
        .order_by(_d.decision_date, _d.decision_id, citations.c.project_id)
    )


def _recommendations() -> Select[Any]:
    w = dim_workstreams.c
    return (
        select(
            _r.recommendation_id,
            _r.workstream_id,
            w.name.label("workstream"),
            _r.text,
            _r.owner,
            _r.status,
            _r.rag,
            _r.progress_pct,
        )
        .select_from(
            dim_recommendations.outerjoin(dim_workstreams, w.workstream_id == _r.workstream_id)
        )
        .order_by(_r.recommendation_id)
    )


def _updates() -> Select[Any]:
    columns = [
        col for col in fct_recommendation_updates.c if col.name not in (*_LINEAGE, "is_published")
    ]
    return (
        select(*columns)
        .where(_u.is_published.is_(True))
        .order_by(_u.recommendation_id, _u.update_date, _u.update_id)
    )


def _researchers() -> Select[Any]:
    # Only the public directory: consent ``public`` is consent to show the contact details.
    return (
        select(
            _s.researcher_id,
            _s.display_name,
            _s.skills,
            _s.languages,
            _s.areas,
            _s.training_completed,
            _s.availability,
            _s.contact_email,
            _s.contact_phone,
        )
        .where(_s.consent == PUBLIC)
        .order_by(_s.display_name, _s.researcher_id)
    )


def _training() -> Select[Any]:
    return select(
        _t.event_id,
        _t.event_date,
        _t.financial_year,
        _t.title,
        _t.audience,
        _t.is_accredited,
        _suppress_under(_t.attendees, _t.attendees).label("attendees"),
        _t.provider,
    ).order_by(_t.event_date, _t.event_id)


def _payments() -> Select[Any]:
    payments = func.sum(_pay.payments_count)
    return (
        select(
            _pay.period.label("quarter"),
            _pay.provider,
            _pay.currency,
            _suppress_under(payments, payments).label("payments"),
            case(
                (payments < SUPPRESS_BELOW, literal(None)),
                else_=func.sum(_pay.total_pence),
            ).label("total_pence"),
        )
        .group_by(_pay.period, _pay.provider, _pay.currency)
        .order_by(_pay.period, _pay.provider, _pay.currency)
    )


def _advice() -> Select[Any]:
    columns = [col for col in dim_advice_services.c if col.name not in _LINEAGE]
    return select(*columns).order_by(_a.name, _a.service_id)


_LINEAGE = ("source_file_id", "load_run_id", "row_hash")


@dataclass(frozen=True)
class Dataset:
    """One full-dataset download: file name (without .csv), title, what a row is, and its
    query (None for grants, which stream through the grants table's own CSV writer)."""

    name: str
    title: str
    row: str
    query: Callable[[], Select[Any]] | None


DATASETS: tuple[Dataset, ...] = (
    Dataset("grants", "Grants (360Giving)", "grant; individuals' names withheld", None),
    Dataset("commissions", "Commissions (OCDS)", "contracting process and award", _commissions),
    Dataset("projects", "Research projects", "published project", _projects),
    Dataset(
        "policy-decisions",
        "Policy decisions and citations",
        "published decision and project it cites",
        _decisions,
    ),
    Dataset("recommendations", "Recommendations", "recommendation", _recommendations),
    Dataset(
        "recommendation-updates",
        "Recommendation updates",
        "published update",
        _updates,
    ),
    Dataset("researchers", "Researchers", "researcher in the public directory", _researchers),
    Dataset("training-events", "Training events", "event; attendance under 5 withheld", _training),
    Dataset(
        "payments",
        "Payments to researchers",
        "quarter and provider; counts under 5 withheld",
        _payments,
    ),
    Dataset("advice-services", "Benefits advice services", "service", _advice),
)
DATASET_NAMES = {d.name: d for d in DATASETS}


def dataset_rows(engine: Engine) -> dict[str, int]:
    """How many rows each download holds (counted in SQL)."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for dataset in DATASETS:
            query = dataset.query() if dataset.query else _grant_ids()
            statement = select(func.count()).select_from(query.order_by(None).subquery())
            counts[dataset.name] = int(conn.execute(statement).scalar_one())
    return counts


def _grant_ids() -> Select[Any]:
    return select(fct_grants.c.grant_id)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def dataset_csv_chunks(engine: Engine, name: str, chunk: int = CSV_CHUNK) -> Iterator[str]:
    """The download ``name`` as CSV text: the header, then ``chunk`` rows at a time from one
    streaming cursor. KeyError for an unknown name."""
    dataset = DATASET_NAMES[name]
    if dataset.query is None:
        yield from grant_csv_chunks(engine, Filters(), chunk=chunk)
        return
    statement = dataset.query()
    yield from _stream(engine, statement, list(statement.selected_columns.keys()), chunk)


def _stream(
    engine: Engine, statement: Select[Any], header: Sequence[str], chunk: int
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(header)
    yield buffer.getvalue()
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(statement)
        for rows in result.partitions():
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([_csv_value(v) for v in row] for row in rows)
            yield buffer.getvalue()
