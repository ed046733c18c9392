"""Whether the record a page's address names is there for this visitor: the pages of a
project, a case study, a recommendation, a board snapshot and a load run. ``web.not_found``
answers 404 for one that is not, as it does for a path that is no page.

Each answer is the same as the page's own: a draft project is there for staff who see drafts
and not for the public, just as ``research.project_detail`` shows it or says "not found".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, exists, select

from warehouse.schema import dim_projects, dim_recommendations, meta_load_runs, meta_snapshots


def _found(engine: Engine, *conditions: Any) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(exists().where(*conditions))).scalar())


def project_shown(engine: Engine, project_id: str, *, include_drafts: bool) -> bool:
    """A project's page and its case study: published projects, and drafts for staff."""
    wanted = dim_projects.c.project_id == project_id
    if include_drafts:
        return _found(engine, wanted)
    return _found(engine, wanted, dim_projects.c.is_published.is_(True))


def recommendation_found(engine: Engine, recommendation_id: str) -> bool:
    return _found(engine, dim_recommendations.c.recommendation_id == recommendation_id)


def snapshot_found(engine: Engine, snapshot_id: str) -> bool:
    return _found(engine, meta_snapshots.c.snapshot_id == snapshot_id)


def load_run_found(engine: Engine, load_run_id: str) -> bool:
    """Load runs are numbered: an address that is not a number names none."""
    if not load_run_id.isdigit():
        return False
    return _found(engine, meta_load_runs.c.load_run_id == int(load_run_id))
