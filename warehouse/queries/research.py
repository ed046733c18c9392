"""The open research library: published projects, searched and faceted, and a project's page.

Rules kept here, so no page can break them:
- Only published projects (``dim_projects.is_published``) leave this module: in results, facet
  counts, charts and project pages alike. Of the links, only published policy decisions and
  researchers whose consent is ``public`` are shown.
- The one exception is ``include_drafts=True``, which callbacks pass for staff who may see
  drafts (``User.sees_drafts``): the results and a project's page then hold draft projects and
  draft decisions too, each row carrying ``is_published`` so it can be marked. Facet counts and
  the chart never take it: staff see the same figures as the public.
- Search is plain ``LIKE`` on lower-cased text, so SQLite and PostgreSQL give the same results:
  every word of the query must appear (anywhere, as part of a word too) in the title, lay
  summary, methodology or findings. Projects whose title holds more of the words come first,
  then the most recently started.
- Within one facet the chosen values are alternatives (any of them); different facets and the
  search must all hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
)

from warehouse.queries.filters import ChartQuery, Filters, OptionQuery
from warehouse.queries.frames import read_frame
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_commissions,
    bridge_project_grants,
    bridge_project_populations,
    bridge_project_recommendations,
    bridge_project_researchers,
    bridge_project_topics,
    dim_areas,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_commissions,
    fct_grants,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
)
from warehouse.vocabularies import PARTICIPATION_LEVELS, PROJECT_STATUSES

NOT_RECORDED = "not recorded"
SEARCH_COLUMNS = ("title", "lay_summary", "methodology", "findings")
MAX_SEARCH_WORDS = 12
PUBLIC_CONSENT = "public"

projects = dim_projects
provider_key = func.coalesce(projects.c.provider_org_id, projects.c.provider_name)


def search_words(q: str | None) -> list[str]:
    """The distinct lower-case words of a search, in the order typed (at most a dozen)."""
    words = dict.fromkeys(word.lower() for word in (q or "").split())
    return list(words)[:MAX_SEARCH_WORDS]


def _contains(column_name: str, word: str) -> ColumnElement[bool]:
    return func.lower(projects.c[column_name]).contains(word, autoescape=True)


def _search_clause(words: Sequence[str]) -> ColumnElement[bool]:
    clause: ColumnElement[bool] = true()
    for word in words:
        clause = clause & or_(*(_contains(name, word) for name in SEARCH_COLUMNS))
    return clause


def _method_clause(methods: Sequence[str]) -> ColumnElement[bool]:
    """Methods are stored ``a; b``; wrapping them as ``; a; b;`` makes each item a whole match."""
    wrapped = literal("; ") + func.lower(projects.c.methods) + literal(";")
    return or_(*(wrapped.contains(f"; {m.lower()};", autoescape=True) for m in methods))


def _linked(bridge_column: Any, chosen: Sequence[str]) -> ColumnElement[bool]:
    bridge = bridge_column.table
    return projects.c.project_id.in_(
        select(bridge.c.project_id).where(bridge_column.in_(list(chosen)))
    )


def published_clause(filters: Filters) -> ColumnElement[bool]:
    """WHERE clause on ``dim_projects``: published, matching the search and every facet."""
    return library_clause(filters)


def library_clause(filters: Filters, *, include_drafts: bool = False) -> ColumnElement[bool]:
    """WHERE clause on ``dim_projects``: matching the search and every facet, and published
    unless ``include_drafts`` (staff only)."""
    clause: ColumnElement[bool] = true() if include_drafts else projects.c.is_published.is_(True)
    words = search_words(filters.q)
    if words:
        clause = clause & _search_clause(words)
    if filters.topic:
        clause = clause & _linked(bridge_project_topics.c.topic_id, filters.topic)
    if filters.ward:
        clause = clause & _linked(bridge_project_areas.c.area_code, filters.ward)
    if filters.population:
        clause = clause & _linked(bridge_project_populations.c.population, filters.population)
    if filters.participation:
        clause = clause & projects.c.participation_level.in_(filters.participation)
    if filters.method:
        clause = clause & _method_clause(filters.method)
    if filters.status:
        clause = clause & projects.c.status.in_(filters.status)
    if filters.provider:
        clause = clause & provider_key.in_(filters.provider)
    if filters.year:
        clause = clause & projects.c.financial_year.in_(filters.year)
    return clause


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectResults:
    """One page of matching projects, and how many match in all."""

    total: int
    page: int
    pages: int
    rows: pd.DataFrame  # project_id, title, lay_summary, status, participation_level, ...
    drafts: int = 0  # how many of ``total`` are drafts (only with ``include_drafts``)


RESULT_COLUMNS = [
    "project_id",
    "title",
    "lay_summary",
    "status",
    "participation_level",
    "provider_name",
    "start_date",
    "end_date",
    "has_methodology",
    "topics",
    "is_published",
]


def _has_methodology() -> ColumnElement[bool]:
    return and_(projects.c.methodology.is_not(None), func.trim(projects.c.methodology) != "")


def search_projects(
    engine: Engine,
    filters: Filters,
    *,
    page: int = 1,
    per_page: int = 20,
    include_drafts: bool = False,
) -> ProjectResults:
    """Published projects matching ``filters``, best first, ``per_page`` at a time; ``page``
    is clamped to the pages there are. Each row carries its topic labels ('; '-joined) and
    ``is_published``. With ``include_drafts`` (staff only) draft projects match too."""
    clause = library_clause(filters, include_drafts=include_drafts)
    words = search_words(filters.q)
    title_hits: ColumnElement[int] = literal(0)
    for word in words:
        title_hits = title_hits + case((_contains("title", word), 1), else_=0)
    with engine.connect() as conn:
        total, drafts = conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((projects.c.is_published.is_(False), 1), else_=0)), 0),
            )
            .select_from(projects)
            .where(clause)
        ).one()
        total, drafts = int(total), int(drafts)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        statement = (
            select(
                projects.c.project_id,
                projects.c.title,
                projects.c.lay_summary,
                projects.c.status,
                projects.c.participation_level,
                projects.c.provider_name,
                projects.c.start_date,
                projects.c.end_date,
                case((_has_methodology(), True), else_=False).label("has_methodology"),
                projects.c.is_published,
            )
            .where(clause)
            .order_by(
                title_hits.desc(),
                projects.c.start_date.desc().nulls_last(),
                projects.c.project_id,
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        rows = pd.read_sql(statement, conn)
        ids = rows["project_id"].tolist()
        topic_rows = conn.execute(
            select(bridge_project_topics.c.project_id, dim_topics.c.label)
            .join(dim_topics, dim_topics.c.topic_id == bridge_project_topics.c.topic_id)
            .where(bridge_project_topics.c.project_id.in_(ids))
            .order_by(dim_topics.c.label)
        ).all()
    topics: dict[str, list[str]] = {}
    for project_id, label in topic_rows:
        topics.setdefault(project_id, []).append(label)
    rows["topics"] = ["; ".join(topics.get(pid, [])) for pid in ids]
    rows["has_methodology"] = rows["has_methodology"].astype(bool)
    rows["is_published"] = rows["is_published"].astype(bool)
    return ProjectResults(
        total=total, page=page, pages=pages, rows=rows[RESULT_COLUMNS], drafts=drafts
    )


# --------------------------------------------------------------------------------------------
# Facets: options of each filter, counting published projects under the other filters
# --------------------------------------------------------------------------------------------

OPTION_COLUMNS = ["value", "label", "records"]


def _bridge_options(
    bridge_column: Any, label: Any = None, join: tuple[Any, Any] | None = None
) -> OptionQuery:
    bridge = bridge_column.table

    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        source = bridge.join(projects, projects.c.project_id == bridge.c.project_id)
        if join is not None:
            source = source.outerjoin(join[0], join[1])
        shown = func.max(func.coalesce(label, bridge_column)) if label is not None else None
        statement = (
            select(
                bridge_column.label("value"),
                (shown if shown is not None else bridge_column).label("label"),
                func.count(func.distinct(projects.c.project_id)).label("records"),
            )
            .select_from(source)
            .where(published_clause(filters))
            .group_by(bridge_column)
        )
        data = read_frame(statement, engine)
        return data.sort_values(["records", "label"], ascending=[False, True], ignore_index=True)

    return options


def _column_options(
    column: Any, order: Sequence[str] | None = None, *, newest_first: bool = False
) -> OptionQuery:
    def options(engine: Engine, filters: Filters) -> pd.DataFrame:
        statement = (
            select(column.label("value"), func.count().label("records"))
            .where(published_clause(filters), column.is_not(None))
            .group_by(column)
        )
        data = read_frame(statement, engine)
        data["label"] = data["value"].astype(str).str.capitalize()
        if order is not None:
            rank = {value: i for i, value in enumerate(order)}
            data["rank"] = data["value"].map(lambda v: rank.get(v, len(rank)))
            data = data.sort_values(["rank", "value"], ignore_index=True)
        else:
            data = data.sort_values("value", ascending=not newest_first, ignore_index=True)
        return data[OPTION_COLUMNS]

    return options


def provider_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Organisations that ran published projects, with how many each ran."""
    statement = (
        select(
            provider_key.label("value"),
            func.max(func.coalesce(projects.c.provider_name, provider_key)).label("label"),
            func.count().label("records"),
        )
        .where(published_clause(filters), provider_key.is_not(None))
        .group_by(provider_key)
    )
    data = read_frame(statement, engine)
    return data.sort_values(["records", "label"], ascending=[False, True], ignore_index=True)


def method_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Research methods with how many published projects used each. SQL counts projects per
    method list (a few dozen distinct lists); the lists are split here."""
    statement = (
        select(projects.c.methods, func.count().label("records"))
        .where(published_clause(filters), projects.c.methods.is_not(None))
        .group_by(projects.c.methods)
    )
    counts: dict[str, int] = {}
    for methods, records in read_frame(statement, engine).itertuples(index=False):
        for method in dict.fromkeys(m.strip().lower() for m in str(methods).split(";")):
            if method:
                counts[method] = counts.get(method, 0) + int(records)
    data = pd.DataFrame([(m, m.capitalize(), n) for m, n in counts.items()], columns=OPTION_COLUMNS)
    return data.sort_values(["records", "label"], ascending=[False, True], ignore_index=True)


OPTION_QUERIES: dict[str, OptionQuery] = {
    "topic": _bridge_options(
        bridge_project_topics.c.topic_id,
        dim_topics.c.label,
        (dim_topics, dim_topics.c.topic_id == bridge_project_topics.c.topic_id),
    ),
    "ward": _bridge_options(
        bridge_project_areas.c.area_code,
        dim_areas.c.area_name,
        (dim_areas, dim_areas.c.area_code == bridge_project_areas.c.area_code),
    ),
    "population": _bridge_options(bridge_project_populations.c.population),
    "participation": _column_options(projects.c.participation_level, PARTICIPATION_LEVELS),
    "method": method_options,
    "status": _column_options(projects.c.status, PROJECT_STATUSES),
    "provider": provider_options,
    "year": _column_options(projects.c.financial_year, newest_first=True),
}


# --------------------------------------------------------------------------------------------
# Chart
# --------------------------------------------------------------------------------------------


def projects_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Published projects with a start date, per financial year of the start and participation
    level (``not recorded`` where the register leaves it blank), ladder order within a year."""
    level = func.coalesce(projects.c.participation_level, NOT_RECORDED)
    statement = (
        select(
            projects.c.financial_year,
            level.label("participation_level"),
            func.count().label("projects"),
        )
        .where(published_clause(filters), projects.c.financial_year.is_not(None))
        .group_by(projects.c.financial_year, level)
    )
    data = read_frame(statement, engine)
    if data.empty:
        return pd.DataFrame(columns=["financial_year", "participation_level", "projects"])
    rank = {value: i for i, value in enumerate((*PARTICIPATION_LEVELS, NOT_RECORDED))}
    data["rank"] = data["participation_level"].map(lambda v: rank.get(v, len(rank)))
    data = data.sort_values(["financial_year", "rank", "participation_level"], ignore_index=True)
    data["projects"] = data["projects"].astype(int)
    return data[["financial_year", "participation_level", "projects"]]


CHART_QUERIES: dict[str, ChartQuery] = {"research-projects-by-year": projects_by_year}


# --------------------------------------------------------------------------------------------
# One project's page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDetail:
    """Everything the public page of one published project shows."""

    project: dict[str, Any]
    topics: list[str]
    wards: list[str]
    populations: list[str]
    outputs: pd.DataFrame  # title, url, output_type
    grants: pd.DataFrame  # grant_id, title, funder_name, amount_pence, currency, financial_year
    commissions: pd.DataFrame  # ocid, title, buyer_name, stage, value_pence, currency
    decisions: pd.DataFrame  # decision_id, title, decision_body, ..., snippet, is_published
    recommendations: pd.DataFrame  # recommendation_id, text, status, workstream
    researchers: pd.DataFrame  # researcher_id, display_name, skills, languages, contacts
    unlisted_researchers: int  # registered researchers on it who chose not to be listed


def project_detail(
    engine: Engine, project_id: str, *, include_drafts: bool = False
) -> ProjectDetail | None:
    """The published project ``project_id`` with its links; None if unknown or unpublished.
    With ``include_drafts`` (staff only) a draft project answers too, and the decisions citing
    it include drafts; ``project["is_published"]`` and the decisions' ``is_published`` say
    which are drafts."""
    shown = true() if include_drafts else projects.c.is_published.is_(True)
    decision_shown = true() if include_drafts else fct_policy_decisions.c.is_published.is_(True)
    with engine.connect() as conn:
        found = (
            conn.execute(select(projects).where(projects.c.project_id == project_id, shown))
            .mappings()
            .first()
        )
        if found is None:
            return None
        project = {
            k: v for k, v in found.items() if k not in ("source_file_id", "load_run_id", "row_hash")
        }
        project["has_methodology"] = bool(
            project["methodology"] and str(project["methodology"]).strip()
        )

        def labels(statement: Select[Any]) -> list[str]:
            return [str(v) for v in conn.execute(statement).scalars()]

        topics = labels(
            select(dim_topics.c.label)
            .join(bridge_project_topics, bridge_project_topics.c.topic_id == dim_topics.c.topic_id)
            .where(bridge_project_topics.c.project_id == project_id)
            .order_by(dim_topics.c.label)
        )
        ward_name = func.coalesce(dim_areas.c.area_name, bridge_project_areas.c.area_code)
        wards = labels(
            select(ward_name)
            .select_from(
                bridge_project_areas.outerjoin(
                    dim_areas, dim_areas.c.area_code == bridge_project_areas.c.area_code
                )
            )
            .where(bridge_project_areas.c.project_id == project_id)
            .order_by(ward_name)
        )
        populations = labels(
            select(bridge_project_populations.c.population)
            .where(bridge_project_populations.c.project_id == project_id)
            .order_by(bridge_project_populations.c.population)
        )
        outputs = pd.read_sql(
            select(
                fct_project_outputs.c.title,
                fct_project_outputs.c.url,
                fct_project_outputs.c.output_type,
            )
            .where(fct_project_outputs.c.project_id == project_id)
            .order_by(fct_project_outputs.c.output_no),
            conn,
        )
        grants = pd.read_sql(
            select(
                fct_grants.c.grant_id,
                fct_grants.c.title,
                fct_grants.c.funder_name,
                fct_grants.c.amount_awarded_pence.label("amount_pence"),
                fct_grants.c.currency,
                fct_grants.c.financial_year,
            )
            .join(bridge_project_grants, bridge_project_grants.c.grant_id == fct_grants.c.grant_id)
            .where(bridge_project_grants.c.project_id == project_id)
            .order_by(fct_grants.c.award_date, fct_grants.c.grant_id),
            conn,
        )
        commissions = pd.read_sql(
            select(
                fct_commissions.c.ocid,
                func.max(fct_commissions.c.title).label("title"),
                func.max(fct_commissions.c.buyer_name).label("buyer_name"),
                func.max(fct_commissions.c.stage).label("stage"),
                func.coalesce(
                    func.sum(fct_commissions.c.award_value_pence),
                    func.max(fct_commissions.c.tender_value_pence),
                ).label("value_pence"),
                func.max(fct_commissions.c.currency).label("currency"),
                func.max(fct_commissions.c.financial_year).label("financial_year"),
            )
            .join(
                bridge_project_commissions,
                bridge_project_commissions.c.ocid == fct_commissions.c.ocid,
            )
            .where(bridge_project_commissions.c.project_id == project_id)
            .group_by(fct_commissions.c.ocid)
            .order_by(fct_commissions.c.ocid),
            conn,
        )
        decisions = pd.read_sql(
            select(
                fct_policy_decisions.c.decision_id,
                fct_policy_decisions.c.title,
                fct_policy_decisions.c.decision_body,
                fct_policy_decisions.c.decision_date,
                fct_policy_decisions.c.document_url,
                fct_policy_decisions.c.influence_type,
                fct_policy_citations.c.snippet,
                fct_policy_citations.c.page,
                fct_policy_decisions.c.is_published,
            )
            .join(
                fct_policy_citations,
                fct_policy_citations.c.decision_id == fct_policy_decisions.c.decision_id,
            )
            .where(fct_policy_citations.c.project_id == project_id, decision_shown)
            .order_by(fct_policy_decisions.c.decision_date, fct_policy_decisions.c.decision_id),
            conn,
        )
        recommendations = pd.read_sql(
            select(
                dim_recommendations.c.recommendation_id,
                dim_recommendations.c.text,
                dim_recommendations.c.status,
                func.coalesce(dim_workstreams.c.name, dim_recommendations.c.workstream_id).label(
                    "workstream"
                ),
            )
            .select_from(
                dim_recommendations.join(
                    bridge_project_recommendations,
                    bridge_project_recommendations.c.recommendation_id
                    == dim_recommendations.c.recommendation_id,
                ).outerjoin(
                    dim_workstreams,
                    dim_workstreams.c.workstream_id == dim_recommendations.c.workstream_id,
                )
            )
            .where(bridge_project_recommendations.c.project_id == project_id)
            .order_by(dim_recommendations.c.recommendation_id),
            conn,
        )
        on_project = bridge_project_researchers.c.project_id == project_id
        researchers = pd.read_sql(
            select(
                dim_researchers.c.researcher_id,
                dim_researchers.c.display_name,
                dim_researchers.c.skills,
                dim_researchers.c.languages,
                dim_researchers.c.contact_email,
                dim_researchers.c.contact_phone,
            )
            .join(
                bridge_project_researchers,
                bridge_project_researchers.c.researcher_id == dim_researchers.c.researcher_id,
            )
            .where(on_project, dim_researchers.c.consent == PUBLIC_CONSENT)
            .order_by(dim_researchers.c.display_name, dim_researchers.c.researcher_id),
            conn,
        )
        on_team = int(
            conn.execute(
                select(func.count())
                .select_from(
                    bridge_project_researchers.join(
                        dim_researchers,
                        dim_researchers.c.researcher_id
                        == bridge_project_researchers.c.researcher_id,
                    )
                )
                .where(on_project)
            ).scalar_one()
        )
    return ProjectDetail(
        project=project,
        topics=topics,
        wards=wards,
        populations=populations,
        outputs=outputs,
        grants=grants,
        commissions=commissions,
        decisions=decisions,
        recommendations=recommendations,
        researchers=researchers,
        unlisted_researchers=on_team - len(researchers),
    )
