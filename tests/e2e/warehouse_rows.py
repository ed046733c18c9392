"""Rows straight from the live server's warehouse, for tests that work out what a page should
show without the queries under test."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text


def warehouse_rows(sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` selects from the warehouse the live server reads (``DATABASE_URL``)."""
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows
