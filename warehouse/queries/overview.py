"""Headline counts of what the warehouse holds."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, Table, func, select

from warehouse.schema import (
    dim_projects,
    dim_recommendations,
    dim_researchers,
    fct_area_indicators,
    fct_commissions,
    fct_grants,
    fct_policy_decisions,
    fct_spend,
    meta_load_runs,
    meta_source_files,
)

HEADLINE_TABLES: list[tuple[str, Table]] = [
    ("Grants", fct_grants),
    ("Commissioning processes", fct_commissions),
    ("Spend transactions", fct_spend),
    ("Need indicator values", fct_area_indicators),
    ("Research projects", dim_projects),
    ("Policy decisions", fct_policy_decisions),
    ("Recommendations", dim_recommendations),
    ("Researchers", dim_researchers),
    ("Source files", meta_source_files),
]


def warehouse_holdings(engine: Engine) -> pd.DataFrame:
    """One row per headline table: a plain-English label and its row count."""
    with engine.connect() as conn:
        counts = [
            (label, int(conn.execute(select(func.count()).select_from(table)).scalar_one()))
            for label, table in HEADLINE_TABLES
        ]
    return pd.DataFrame(counts, columns=["label", "rows"])


def last_load_time(engine: Engine) -> datetime | None:
    """When the most recent load run finished, or None if nothing has been loaded."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(meta_load_runs.c.finished_at))).scalar_one()
    return value if isinstance(value, datetime) else None


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
