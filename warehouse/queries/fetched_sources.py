"""The sources the refresh fetches, for ``/data``: each with its last fetch, status, the
period its data covers and the next scheduled run."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from warehouse.schema import meta_fetch_sources

COLUMNS = [
    "title",
    "publisher",
    "kind",
    "url",
    "licence",
    "last_fetch_at",
    "last_status",
    "last_reason",
    "period_start",
    "period_end",
    "next_run_at",
]


def fetched_sources(engine: Engine) -> pd.DataFrame:
    """One row per source (registry file or URL), failing ones first, then by publisher."""
    t = meta_fetch_sources
    query = select(*(t.c[name] for name in COLUMNS)).order_by(t.c.publisher, t.c.title)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=COLUMNS)
    trouble = frame["last_status"].isin(["failed", "rejected"])
    return pd.concat([frame[trouble], frame[~trouble]], ignore_index=True)
