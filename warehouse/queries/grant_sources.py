"""Whose grants a funding chart counts: each publisher with its licence, for the chart's source
line and its downloads.

A grant's publisher is the one its file was fetched from (the 360Giving registry's name and
licence for that file, or a ``[[sources]]`` entry's), else the publisher and licence recorded
with the file when it was loaded by hand. Two steps keep it cheap at a million grants:
``grant_files`` reads, once per load, which files hold the grants of each funder and year (a
few hundred rows); ``chart_publishers`` finds the funders and years a chart counts under its
filters in the chart's own mart and looks their files up in that table.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Table, func, select

from warehouse.queries.filters import Filters
from warehouse.queries.frames import read_frame
from warehouse.queries.funding import (
    CHART_CURRENCY,
    _facet_source,
    _where,
    is_research,
)
from warehouse.schema import (
    fct_grants,
    mart_grants_by_facet,
    meta_fetch_sources,
    meta_fetches,
    meta_load_runs,
    meta_source_files,
)

GRANT_FILES_COLUMNS = ["funder_org_id", "financial_year", "publisher", "licence", "grants"]
PUBLISHER_COLUMNS = ["publisher", "licence", "grants"]


def grant_files(engine: Engine) -> pd.DataFrame:
    """Per funder and financial year, the publishers whose files hold its grants (pounds
    sterling only, as the charts), with each one's licence and number of grants.

    ``publisher`` is None for a file loaded by hand that names no publisher (a file of many
    funders with no package metadata)."""
    per_file = read_frame(
        select(
            fct_grants.c.funder_org_id,
            fct_grants.c.financial_year,
            fct_grants.c.source_file_id,
            func.count().label("grants"),
        )
        .where(fct_grants.c.currency == CHART_CURRENCY)
        .group_by(
            fct_grants.c.funder_org_id, fct_grants.c.financial_year, fct_grants.c.source_file_id
        ),
        engine,
    )
    files = read_frame(
        select(
            meta_source_files.c.source_file_id,
            meta_source_files.c.sha256,
            meta_source_files.c.publisher,
            meta_source_files.c.licence,
        ),
        engine,
    )
    # A file fetched by the refresh: the load runs its fetches fed name its bytes.
    fetched = read_frame(
        select(
            meta_load_runs.c.sha256,
            func.max(meta_fetch_sources.c.publisher).label("fetched_publisher"),
            func.max(meta_fetch_sources.c.licence).label("fetched_licence"),
        )
        .select_from(
            meta_fetches.join(
                meta_load_runs, meta_load_runs.c.load_run_id == meta_fetches.c.load_run_id
            ).join(meta_fetch_sources, meta_fetch_sources.c.source_key == meta_fetches.c.source_key)
        )
        .group_by(meta_load_runs.c.sha256),
        engine,
    )
    if per_file.empty:
        return pd.DataFrame(columns=GRANT_FILES_COLUMNS)
    files = files.merge(fetched, on="sha256", how="left")
    files["publisher"] = files["fetched_publisher"].where(
        files["fetched_publisher"].notna(), files["publisher"]
    )
    files["licence"] = files["fetched_licence"].where(
        files["fetched_licence"].notna(), files["licence"]
    )
    merged = per_file.merge(files[["source_file_id", "publisher", "licence"]], on="source_file_id")
    merged["publisher"] = merged["publisher"].astype(object).where(merged["publisher"].notna())
    merged["licence"] = merged["licence"].astype(object).where(merged["licence"].notna())
    grouped = merged.groupby(
        ["funder_org_id", "financial_year", "publisher", "licence"], as_index=False, dropna=False
    ).agg(grants=("grants", "sum"))
    return grouped[GRANT_FILES_COLUMNS]


def _chart_scope(chart_id: str, filters: Filters) -> tuple[Table, ColumnElement[bool]]:
    """The mart a chart reads and the rows it counts under the filters."""
    yearly = chart_id in ("funding-by-year", "funding-pooled")
    source = _facet_source(filters) if yearly else mart_grants_by_facet
    clause = _where(source, filters)
    if chart_id == "funding-pc-share":
        clause = clause & is_research(source)
    if chart_id == "funding-pooled":
        clause = clause & (source.c.route == "pooled")
    return source, clause


def chart_publishers(
    engine: Engine, chart_id: str, filters: Filters, files: pd.DataFrame
) -> pd.DataFrame:
    """The publishers of the grants a funding chart counts under ``filters``, with their
    licences and grants, largest first; ``files`` is ``grant_files``' table."""
    source, clause = _chart_scope(chart_id, filters)
    counted = read_frame(
        select(source.c.funder_org_id, source.c.financial_year)
        .where(clause)
        .group_by(source.c.funder_org_id, source.c.financial_year),
        engine,
    )
    if counted.empty or files.empty:
        return pd.DataFrame(columns=PUBLISHER_COLUMNS)
    held = files.merge(counted, on=["funder_org_id", "financial_year"])
    grouped = held.groupby(["publisher", "licence"], as_index=False, dropna=False).agg(
        grants=("grants", "sum")
    )
    return (
        grouped.sort_values(["grants", "publisher"], ascending=[False, True])
        .reset_index(drop=True)[PUBLISHER_COLUMNS]
        .astype({"grants": "int64"})
    )


CHARTS_WITH_PUBLISHERS = (
    "funding-by-year",
    "funding-flow",
    "funding-top-recipients",
    "funding-pc-share",
    "funding-pooled",
)
