"""Headline counts of what the warehouse holds."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Table, func, select, true

from warehouse.schema import (
    dim_projects,
    dim_recommendations,
    dim_researchers,
    fct_area_indicators,
    fct_commissions,
    fct_grants,
    fct_policy_decisions,
    fct_spend,
    meta_audit_log,
    meta_load_runs,
    meta_source_files,
)

# Runs that changed nothing in the warehouse.
WROTE_NOTHING = ("rejected", "unchanged")

# The overview is public, so it counts only what the public may see: published projects and
# decisions, and researchers who consented to public listing.
HEADLINE_TABLES: list[tuple[str, Table, ColumnElement[bool]]] = [
    ("Grants", fct_grants, true()),
    ("Commissioning processes", fct_commissions, true()),
    ("Spend transactions", fct_spend, true()),
    ("Need indicator values", fct_area_indicators, true()),
    ("Published research projects", dim_projects, dim_projects.c.is_published.is_(True)),
    (
        "Published policy decisions",
        fct_policy_decisions,
        fct_policy_decisions.c.is_published.is_(True),
    ),
    ("Recommendations", dim_recommendations, true()),
    ("Researchers listed publicly", dim_researchers, dim_researchers.c.consent == "public"),
    ("Source files", meta_source_files, true()),
]


def warehouse_holdings(engine: Engine) -> pd.DataFrame:
    """One row per headline table: a plain-English label and its (public) row count."""
    with engine.connect() as conn:
        counts = [
            (
                label,
                int(
                    conn.execute(select(func.count()).select_from(table).where(shown)).scalar_one()
                ),
            )
            for label, table, shown in HEADLINE_TABLES
        ]
    return pd.DataFrame(counts, columns=["label", "rows"])


def last_load_time(engine: Engine) -> datetime | None:
    """When the most recent load run that changed the warehouse finished, or None if nothing
    has been loaded. A file rejected whole, or loaded again unchanged, changed nothing, so it
    is not the last load."""
    runs = meta_load_runs.c
    with engine.connect() as conn:
        value = conn.execute(
            select(func.max(runs.finished_at)).where(runs.status.not_in(WROTE_NOTHING))
        ).scalar_one()
    return value if isinstance(value, datetime) else None


def load_generation(engine: Engine) -> str:
    """A token that changes whenever a load run starts or finishes, or an edit is made on the
    site (``meta_audit_log``): caches and search indexes built from the warehouse are stale
    once it differs from the one they were built under. A file loaded again unchanged wrote
    nothing, so its run leaves the token as it was and every cached answer stays good."""
    runs = meta_load_runs.c
    edits = select(func.max(meta_audit_log.c.audit_id)).scalar_subquery()
    with engine.connect() as conn:
        latest, count, finished, edit = conn.execute(
            select(
                func.max(runs.load_run_id), func.count(), func.max(runs.finished_at), edits
            ).where(runs.status != "unchanged")
        ).one()
    return f"{latest or 0}.{count}.{finished.isoformat() if finished else '-'}.{edit or 0}"


def source_publishers(engine: Engine) -> tuple[int, list[str]]:
    """How many files have been loaded, and their publishers, most files first."""
    files = meta_source_files
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(files)).scalar_one())
        publishers = (
            conn.execute(
                select(files.c.publisher)
                .where(files.c.publisher.is_not(None))
                .group_by(files.c.publisher)
                .order_by(func.count().desc(), files.c.publisher)
            )
            .scalars()
            .all()
        )
    return total, [str(name) for name in publishers]
