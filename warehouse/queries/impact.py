"""Impact: research linked to the policy decisions it informed.

Rules:
- Only published decisions (``fct_policy_decisions.is_published``) and published projects
  (``dim_projects.is_published``) leave this module. A citation counts when both ends are
  published; a decision counts when it cites at least one published project.
- Filters: financial years of the decision (``fy_from``/``fy_to``), influence type
  (``influence``) and reach (``reach``).
- The flow (topic -> project -> decision body) counts citations. A project with several
  topics is drawn under its first topic by label, so every citation is counted once. Only
  the most-cited projects are named (``FLOW_PROJECTS``); the rest are folded into
  "Other projects" (the fold runs on already aggregated rows).
- Time to decision: whole days from the cited project's end to the decision date, computed in
  SQL; a decision on or before the end is "during the project". Citations of projects with no
  end date are left out.
- The decisions list is read a page at a time (``LIMIT``/``OFFSET``), newest first.
- ``include_drafts=True`` (passed by callbacks for staff who may see drafts) lets the decisions
  list and a case study hold draft decisions and draft projects, each row carrying
  ``is_published`` so it can be marked. The charts and filter options never take it: staff see
  the same figures as the public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    case,
    exists,
    func,
    literal,
    select,
    true,
)

from warehouse.queries.commissioning import days_between
from warehouse.queries.filters import ChartQuery, Filters, OptionQuery, where_clause
from warehouse.queries.frames import read_frame
from warehouse.schema import (
    bridge_project_topics,
    dim_projects,
    dim_topics,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
)
from warehouse.vocabularies import INFLUENCE_TYPES, REACHES

DECISION_FILTER_COLUMNS = {
    "fy": "financial_year",
    "influence": "influence_type",
    "reach": "reach",
}
FLOW_PROJECTS = 15
OTHER_PROJECTS = "Other projects"
NO_TOPIC = "No topic recorded"
DECISIONS_PAGE_SIZE = 10

# Bands of time from a project's end to a decision: label and the last day in the band.
TIME_BANDS: tuple[tuple[str, int | None], ...] = (
    ("During the project", 0),
    ("Within 6 months", 183),
    ("6–12 months", 365),
    ("1–2 years", 730),
    ("2–3 years", 1095),
    ("Over 3 years", None),
)

_d = fct_policy_decisions.c
# What a published decision says of itself, in the API and in the CSV download alike.
DECISION_COLUMNS = (
    _d.decision_id,
    _d.title,
    _d.decision_body,
    _d.decision_date,
    _d.financial_year,
    _d.document_url,
    _d.influence_type,
    _d.reach,
)
_c = fct_policy_citations.c
_p = dim_projects.c


def _shown(column: Any, include_drafts: bool) -> ColumnElement[bool]:
    return true() if include_drafts else column.is_(True)


def _cites_published_project(include_drafts: bool = False) -> ColumnElement[bool]:
    return exists(
        select(literal(1))
        .select_from(fct_policy_citations.join(dim_projects, _p.project_id == _c.project_id))
        .where(_c.decision_id == _d.decision_id, _shown(_p.is_published, include_drafts))
    )


def decisions_clause(filters: Filters, *, include_drafts: bool = False) -> ColumnElement[bool]:
    """Published decisions under the filters that cite at least one published project; with
    ``include_drafts`` (staff only), any decision under the filters citing any project."""
    return and_(
        _shown(_d.is_published, include_drafts),
        where_clause(fct_policy_decisions, filters, DECISION_FILTER_COLUMNS),
        _cites_published_project(include_drafts),
    )


def _citations_clause(filters: Filters) -> ColumnElement[bool]:
    """Citations whose decision and project are both published, under the filters."""
    return and_(
        _d.is_published.is_(True),
        where_clause(fct_policy_decisions, filters, DECISION_FILTER_COLUMNS),
        _p.is_published.is_(True),
    )


def _citations_from() -> Any:
    return fct_policy_citations.join(fct_policy_decisions, _d.decision_id == _c.decision_id).join(
        dim_projects, _p.project_id == _c.project_id
    )


def _first_topic() -> Any:
    """Each project's first topic by label."""
    return (
        select(
            bridge_project_topics.c.project_id,
            func.min(dim_topics.c.label).label("topic"),
        )
        .select_from(
            bridge_project_topics.join(
                dim_topics, dim_topics.c.topic_id == bridge_project_topics.c.topic_id
            )
        )
        .group_by(bridge_project_topics.c.project_id)
        .subquery("first_topic")
    )


def impact_flow(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Citations from topic to project to decision body: topic, project, decision_body,
    citations. The ``FLOW_PROJECTS`` most-cited projects are named ("title (id)"); the others
    are folded into "Other projects" (one link per topic and body)."""
    topic = _first_topic()
    statement = (
        select(
            func.coalesce(topic.c.topic, NO_TOPIC).label("topic"),
            _p.project_id,
            _p.title,
            _d.decision_body,
            func.count().label("citations"),
        )
        .select_from(_citations_from().outerjoin(topic, topic.c.project_id == _p.project_id))
        .where(_citations_clause(filters))
        .group_by(topic.c.topic, _p.project_id, _p.title, _d.decision_body)
        .order_by(_p.project_id, _d.decision_body)
    )
    rows = read_frame(statement, engine)
    columns = ["topic", "project", "decision_body", "citations"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    per_project = (
        rows.groupby("project_id")["citations"]
        .sum()
        .reset_index()
        .sort_values(["citations", "project_id"], ascending=[False, True], kind="stable")
    )
    named = set(per_project["project_id"].head(FLOW_PROJECTS))
    rows["project"] = [
        f"{title} ({pid})" if pid in named else OTHER_PROJECTS
        for pid, title in zip(rows["project_id"], rows["title"], strict=True)
    ]
    folded: pd.DataFrame = rows.groupby(["topic", "project", "decision_body"], as_index=False)[
        ["citations"]
    ].sum()
    folded = folded.sort_values(
        ["citations", "topic", "project"], ascending=[False, True, True]
    ).reset_index(drop=True)
    folded["citations"] = folded["citations"].astype("int64")
    return pd.DataFrame(folded[columns])


def influence_over_time(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Decisions per financial year and influence type: financial_year, influence_type,
    decisions."""
    statement = (
        select(
            _d.financial_year,
            _d.influence_type,
            func.count().label("decisions"),
        )
        .where(decisions_clause(filters))
        .group_by(_d.financial_year, _d.influence_type)
        .order_by(_d.financial_year, _d.influence_type)
    )
    data = read_frame(statement, engine)
    data["decisions"] = data["decisions"].astype("int64")
    return data


def time_to_decision(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Citations by the time from the cited project's end to the decision: band, citations,
    in ``TIME_BANDS`` order. Bands with no citations show zero when any citation is there."""
    days = days_between(_d.decision_date, _p.end_date)
    whens = [(days <= last, label) for label, last in TIME_BANDS if last is not None]
    band = case(*whens, else_=TIME_BANDS[-1][0])
    statement = (
        select(band.label("band"), func.count().label("citations"))
        .select_from(_citations_from())
        .where(_citations_clause(filters), _p.end_date.is_not(None))
        .group_by(band)
    )
    data = read_frame(statement, engine)
    if data.empty:
        return pd.DataFrame(columns=["band", "citations"])
    counts = dict(zip(data["band"], data["citations"], strict=True))
    return pd.DataFrame(
        {
            "band": [label for label, _ in TIME_BANDS],
            "citations": [int(counts.get(label, 0)) for label, _ in TIME_BANDS],
        }
    )


# --------------------------------------------------------------------------------------------
# Filter options
# --------------------------------------------------------------------------------------------


def _column_options(column_name: str, order: Sequence[str] = ()) -> OptionQuery:
    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        column = fct_policy_decisions.c[column_name]
        statement = (
            select(column.label("value"), func.count().label("records"))
            .where(decisions_clause(filters))
            .group_by(column)
            .order_by(column)
        )
        data = read_frame(statement, engine)
        if order:
            data = data.sort_values(
                "value",
                key=lambda s: s.map(lambda v: order.index(v) if v in order else len(order)),
                kind="stable",
            )
        data["label"] = [str(v)[:1].upper() + str(v)[1:].replace("-", " ") for v in data["value"]]
        return data[["value", "label", "records"]].reset_index(drop=True)

    return options


financial_year_options = _column_options("financial_year")

OPTION_QUERIES: dict[str, OptionQuery] = {
    "fy_from": financial_year_options,
    "fy_to": financial_year_options,
    "influence": _column_options("influence_type", INFLUENCE_TYPES),
    "reach": _column_options("reach", REACHES),
}

CHART_QUERIES: dict[str, ChartQuery] = {
    "impact-flow": impact_flow,
    "impact-influence-over-time": influence_over_time,
    "impact-time-to-decision": time_to_decision,
}


# --------------------------------------------------------------------------------------------
# The decisions list and the case study
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionsPage:
    decisions: pd.DataFrame  # decision_id, title, decision_body, decision_date, ..., is_published
    citations: pd.DataFrame  # decision_id, project_id, project_title, snippet, page, is_published
    total: int
    offset: int
    drafts: int = 0  # how many of ``total`` are draft decisions (only with ``include_drafts``)


def _citing(engine: Engine, decision_ids: Sequence[str], include_drafts: bool) -> pd.DataFrame:
    statement = (
        select(
            _c.decision_id,
            _c.project_id,
            _p.title.label("project_title"),
            _c.snippet,
            _c.page,
            _p.is_published,
        )
        .select_from(fct_policy_citations.join(dim_projects, _p.project_id == _c.project_id))
        .where(_c.decision_id.in_(list(decision_ids)), _shown(_p.is_published, include_drafts))
        .order_by(_c.decision_id, _c.project_id)
    )
    return read_frame(statement, engine)


def decisions_page(
    engine: Engine,
    filters: Filters,
    *,
    page: int = 0,
    page_size: int = DECISIONS_PAGE_SIZE,
    include_drafts: bool = False,
) -> DecisionsPage:
    """One page of the decisions research informed, newest first, with their citations of
    published projects. With ``include_drafts`` (staff only) draft decisions and citations of
    draft projects are listed too."""
    clause = decisions_clause(filters, include_drafts=include_drafts)
    with engine.connect() as conn:
        total, drafts = conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((_d.is_published.is_(False), 1), else_=0)), 0),
            )
            .select_from(fct_policy_decisions)
            .where(clause)
        ).one()
        total, drafts = int(total), int(drafts)
    last_page = max((total - 1) // page_size, 0)
    offset = min(max(page, 0), last_page) * page_size
    statement = (
        select(
            _d.decision_id,
            _d.title,
            _d.decision_body,
            _d.decision_date,
            _d.financial_year,
            _d.influence_type,
            _d.reach,
            _d.document_url,
            _d.is_published,
        )
        .where(clause)
        .order_by(_d.decision_date.desc(), _d.decision_id)
        .limit(page_size)
        .offset(offset)
    )
    decisions = read_frame(statement, engine)
    citations = _citing(engine, list(decisions["decision_id"]), include_drafts)
    return DecisionsPage(
        decisions=decisions, citations=citations, total=total, offset=offset, drafts=drafts
    )


@dataclass(frozen=True)
class CaseStudy:
    project: dict[str, Any]
    topics: list[str]
    outputs: pd.DataFrame  # title, url, output_type
    decisions: pd.DataFrame  # decision_id, title, decision_body, decision_date, ..., snippet, page


def case_study(
    engine: Engine, project_id: str, *, include_drafts: bool = False
) -> CaseStudy | None:
    """A published project with the published decisions that cite it; None when the project
    is unknown or unpublished. With ``include_drafts`` (staff only) a draft project answers
    too and draft decisions are listed; ``is_published`` on the project and on each decision
    says which are drafts."""
    with engine.connect() as conn:
        found = (
            conn.execute(
                select(
                    _p.project_id,
                    _p.title,
                    _p.lay_summary,
                    _p.methodology,
                    _p.findings,
                    _p.provider_name,
                    _p.start_date,
                    _p.end_date,
                    _p.status,
                    _p.is_published,
                ).where(_p.project_id == project_id, _shown(_p.is_published, include_drafts))
            )
            .mappings()
            .first()
        )
        if found is None:
            return None
        topics = [
            str(label)
            for label in conn.execute(
                select(dim_topics.c.label)
                .select_from(
                    bridge_project_topics.join(
                        dim_topics, dim_topics.c.topic_id == bridge_project_topics.c.topic_id
                    )
                )
                .where(bridge_project_topics.c.project_id == project_id)
                .order_by(dim_topics.c.label)
            ).scalars()
        ]
    outputs = read_frame(
        select(
            fct_project_outputs.c.title,
            fct_project_outputs.c.url,
            fct_project_outputs.c.output_type,
        )
        .where(fct_project_outputs.c.project_id == project_id)
        .order_by(fct_project_outputs.c.output_no),
        engine,
    )
    decisions = read_frame(
        select(
            _d.decision_id,
            _d.title,
            _d.decision_body,
            _d.decision_date,
            _d.influence_type,
            _d.reach,
            _d.document_url,
            _c.snippet,
            _c.page,
            _d.is_published,
        )
        .select_from(
            fct_policy_citations.join(fct_policy_decisions, _d.decision_id == _c.decision_id)
        )
        .where(_c.project_id == project_id, _shown(_d.is_published, include_drafts))
        .order_by(_d.decision_date, _d.decision_id),
        engine,
    )
    return CaseStudy(project=dict(found), topics=topics, outputs=outputs, decisions=decisions)
