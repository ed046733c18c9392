"""The ``mart_`` tables: aggregates that pages read, rebuilt in the same transaction as a load."""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select

from warehouse.marts_grants import refresh_grant_facets
from warehouse.marts_need import refresh_ward_need
from warehouse.schema import fct_grants, mart_grants_by_year


def refresh_marts(conn: Connection) -> None:
    """Rebuild every mart from the fact tables."""
    conn.execute(mart_grants_by_year.delete())
    home_org = func.coalesce(fct_grants.c.home_org_id, "").label("home_org_id")
    grants = select(
        fct_grants.c.financial_year,
        fct_grants.c.direction,
        fct_grants.c.funder_org_id,
        fct_grants.c.route,
        fct_grants.c.is_pc_research,
        fct_grants.c.currency,
        home_org,
        func.count().label("grants_count"),
        func.coalesce(func.sum(fct_grants.c.amount_awarded_pence), 0).label("amount_awarded_pence"),
    ).group_by(
        fct_grants.c.financial_year,
        fct_grants.c.direction,
        fct_grants.c.funder_org_id,
        fct_grants.c.route,
        fct_grants.c.is_pc_research,
        fct_grants.c.currency,
        home_org,
    )
    conn.execute(
        insert(mart_grants_by_year).from_select(
            [c.name for c in mart_grants_by_year.columns], grants
        )
    )
    refresh_grant_facets(conn)
    refresh_ward_need(conn)
