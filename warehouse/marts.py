"""The ``mart_`` tables: aggregates that pages read, rebuilt in the same transaction as a load.

Each mart is rebuilt from the tables that feed it, and a load rebuilds only the marts fed by
the tables it wrote: a register of projects leaves the grant marts alone (at a million grants
their rebuild is most of a minute), a grants file rebuilds the grant marts, an area lookup or
an indicator file the ward need. So every committed load leaves every mart consistent with
its fact tables, and no load pays for marts it cannot have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Table, func, insert, select

from warehouse.marts_grants import refresh_grant_facets
from warehouse.marts_need import refresh_ward_need
from warehouse.schema import dim_areas, fct_area_indicators, fct_grants, mart_grants_by_year


def refresh_grants_by_year(conn: Connection) -> None:
    """Rebuild ``mart_grants_by_year`` from ``fct_grants``."""
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


def _refresh_grant_marts(conn: Connection) -> None:
    refresh_grants_by_year(conn)
    refresh_grant_facets(conn)


# Each rebuild and the tables it reads: a load that wrote none of them cannot change its marts.
MART_REFRESHES: tuple[tuple[frozenset[Table], Callable[[Connection], None]], ...] = (
    (frozenset({fct_grants}), _refresh_grant_marts),
    (frozenset({dim_areas, fct_area_indicators}), refresh_ward_need),
)


def refresh_marts(conn: Connection, changed: Iterable[Table] | None = None) -> None:
    """Rebuild the marts fed by the ``changed`` tables; every mart when ``changed`` is None."""
    written = None if changed is None else set(changed)
    for sources, refresh in MART_REFRESHES:
        if written is None or sources & written:
            refresh(conn)
