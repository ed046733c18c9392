"""'Has this been done already?': the published projects and P&C research grants most like a
proposed project, ranked by ``warehouse.similarity``.

Rules kept here:
- Only published projects (``dim_projects.is_published``) and P&C research grants
  (``fct_grants.is_pc_research``) are indexed, so nothing else can ever be a result.
- A project's document is its title, lay summary, methodology, findings and topic labels; a
  grant's is its title and description. SQL joins the fields, one to a line.
- Each process builds the index on the first search and keeps it while
  ``load_generation`` stays the same: the first search after a load rebuilds it from the
  warehouse as it then is. One index is kept per database, and one thread builds it while the
  others wait for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, Engine, String, cast, func, literal, null, select

from warehouse.queries.frames import read_frame
from warehouse.queries.overview import load_generation
from warehouse.schema import bridge_project_topics, dim_projects, dim_topics, fct_grants
from warehouse.similarity import (
    MAX_RESULTS,
    SCORE_COLUMN,
    TERMS_COLUMN,
    TEXT_COLUMN,
    SimilarityIndex,
    build_index,
    rank,
)

PROJECT = "project"
GRANT = "grant"
DOCUMENT_COLUMNS = [
    "kind",
    "record_id",
    "title",
    "status",
    "provider_name",
    "funder_name",
    "financial_year",
    "amount_pence",
    "currency",
    TEXT_COLUMN,
]
RESULT_COLUMNS = [c for c in DOCUMENT_COLUMNS if c != TEXT_COLUMN] + [SCORE_COLUMN, TERMS_COLUMN]


def _lines(*fields: ColumnElement[str]) -> ColumnElement[str]:
    text: ColumnElement[str] = func.coalesce(fields[0], "")
    for field in fields[1:]:
        text = text + literal("\n") + func.coalesce(field, "")
    return text


def similarity_documents(engine: Engine) -> pd.DataFrame:
    """One row per published project and per P&C research grant (projects first, each kind in
    id order), with what a result shows and the ``text`` that is indexed."""
    topics = (
        select(
            bridge_project_topics.c.project_id,
            func.aggregate_strings(dim_topics.c.label, "\n").label("labels"),
        )
        .join(dim_topics, dim_topics.c.topic_id == bridge_project_topics.c.topic_id)
        .group_by(bridge_project_topics.c.project_id)
        .subquery()
    )
    p = dim_projects.c
    projects = (
        select(
            literal(PROJECT).label("kind"),
            p.project_id.label("record_id"),
            p.title,
            p.status,
            p.provider_name,
            cast(null(), String).label("funder_name"),
            p.financial_year,
            cast(null(), BigInteger).label("amount_pence"),
            cast(null(), String).label("currency"),
            _lines(p.title, p.lay_summary, p.methodology, p.findings, topics.c.labels).label(
                TEXT_COLUMN
            ),
        )
        .select_from(dim_projects.outerjoin(topics, topics.c.project_id == p.project_id))
        .where(p.is_published.is_(True))
        .order_by(p.project_id)
    )
    g = fct_grants.c
    grants = (
        select(
            literal(GRANT).label("kind"),
            g.grant_id.label("record_id"),
            g.title,
            cast(null(), String).label("status"),
            cast(null(), String).label("provider_name"),
            g.funder_name,
            g.financial_year,
            g.amount_awarded_pence.label("amount_pence"),
            g.currency,
            _lines(g.title, g.description).label(TEXT_COLUMN),
        )
        .where(g.is_pc_research.is_(True))
        .order_by(g.grant_id)
    )
    frames = [read_frame(projects, engine), read_frame(grants, engine)]
    documents = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return documents[DOCUMENT_COLUMNS]


@dataclass(frozen=True)
class _Built:
    generation: str
    index: SimilarityIndex


_indexes: dict[str, _Built] = {}
_building = threading.Lock()


def _database_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def similarity_index(engine: Engine) -> SimilarityIndex:
    """The index of the warehouse as of its latest load, built now if a load has happened since
    this process last built it."""
    key = _database_key(engine)
    generation = load_generation(engine)
    built = _indexes.get(key)
    if built is not None and built.generation == generation:
        return built.index
    with _building:
        built = _indexes.get(key)
        if built is None or built.generation != generation:
            # Read after the generation, so a load in between only makes the next search rebuild.
            built = _Built(generation, build_index(similarity_documents(engine)))
            _indexes[key] = built
    return built.index


@dataclass(frozen=True)
class SimilarWork:
    """The ranked results of one search, and what they were compared with."""

    rows: pd.DataFrame  # RESULT_COLUMNS, best first
    projects: int  # published projects in the index
    grants: int  # P&C research grants in the index


def find_similar(
    engine: Engine, title: str | None, description: str | None, *, limit: int = MAX_RESULTS
) -> SimilarWork:
    """Published projects and P&C research grants most like a proposed project's title and
    description, best first (at most ``limit``)."""
    index = similarity_index(engine)
    query = "\n".join(part.strip() for part in (title or "", description or "") if part.strip())
    rows = rank(index, query, limit=limit)[RESULT_COLUMNS]
    kinds = index.documents["kind"] if index.size else pd.Series(dtype=str)
    return SimilarWork(
        rows=rows,
        projects=int((kinds == PROJECT).sum()),
        grants=int((kinds == GRANT).sum()),
    )
