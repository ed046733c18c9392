"""A comparable picture of everything a warehouse holds, for "nothing changed" assertions."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, select

from warehouse.schema import metadata


def warehouse_state(engine: Engine, *, include_meta: bool = True) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a digest of its rows in key order.

    Surrogate keys, timestamps and lineage ids differ between otherwise identical loads, so
    with ``include_meta=False`` the meta tables and lineage columns are left out.
    """
    state: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if not include_meta and table.name.startswith("meta_"):
                continue
            columns = [
                c
                for c in table.columns
                if include_meta or c.name not in ("source_file_id", "load_run_id")
            ]
            order = [c for c in table.primary_key.columns] or columns
            rows = conn.execute(select(*columns).order_by(*order)).all()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(_normalise(v) for v in row)).encode())
            state[table.name] = (len(rows), digest.hexdigest()[:16])
    return state


def _normalise(value: object) -> object:
    # PostgreSQL returns aware datetimes and SQLite naive ones; compare their text.
    return value.isoformat() if hasattr(value, "isoformat") else value
