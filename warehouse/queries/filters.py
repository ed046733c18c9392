"""The filters a page's URL can carry, parsed once and applied in SQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Table, true


@dataclass(frozen=True)
class Filters:
    """Every filter parameter; None or () means "all"."""

    fy_from: str | None = None
    fy_to: str | None = None
    funder: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()
    programme: tuple[str, ...] = ()
    recipient_type: tuple[str, ...] = ()
    ward: tuple[str, ...] = ()
    # Commissioning
    buyer: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    # Research library and researcher directory
    q: str | None = None
    topic: tuple[str, ...] = ()
    population: tuple[str, ...] = ()
    participation: tuple[str, ...] = ()
    method: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    provider: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    skill: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    # Spend over £500: the paying body (body_key) and the service (org_unit)
    payer: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    # Impact
    influence: tuple[str, ...] = ()
    reach: tuple[str, ...] = ()
    # Gap map: the matrix's columns ("ward" or "population") and the need indicator's key
    axis: str | None = None
    need: str | None = None

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Filters:
        """From filter-control values or a parsed query string (lists or comma-separated)."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            value = values.get(f.name)
            if value in (None, "", []):
                continue
            if str(f.type).startswith("tuple"):
                items = value if isinstance(value, list | tuple) else str(value).split(",")
                kwargs[f.name] = tuple(str(v) for v in items if str(v))
            else:
                kwargs[f.name] = str(value)
        return cls(**kwargs)

    def to_query(self) -> dict[str, str]:
        """The URL query parameters for these filters (empty ones left out)."""
        query: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                query[f.name] = ",".join(value) if isinstance(value, tuple) else value
        return query


def where_clause(table: Table, filters: Filters, columns: Mapping[str, str]) -> ColumnElement[bool]:
    """A WHERE clause for ``table``; ``columns`` maps filter names to the table's column names
    (filters the table has no column for are ignored). Year ranges use the key "fy"; free
    text (``q``) is each page's own query's business."""
    clause: ColumnElement[bool] = true()
    if filters.fy_from and "fy" in columns:
        clause = clause & (table.c[columns["fy"]] >= filters.fy_from)
    if filters.fy_to and "fy" in columns:
        clause = clause & (table.c[columns["fy"]] <= filters.fy_to)
    for f in fields(filters):
        chosen = getattr(filters, f.name)
        if isinstance(chosen, tuple) and chosen and f.name in columns:
            clause = clause & table.c[columns[f.name]].in_(chosen)
    return clause


ChartQuery = Callable[[Engine, Filters], pd.DataFrame]
"""The numbers behind one chart under the page's filters."""

OptionQuery = Callable[[Engine, Filters], pd.DataFrame]
"""The options of one filter: columns value, label, records (counted under the filters)."""

ChartMessage = Callable[[Engine, Filters], str]
"""Why a chart has nothing to show under the filters (nothing loaded, nothing matched ...)."""
