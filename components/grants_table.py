"""The funding page's grants table: the server-side grid with the grants' columns. The rows
come from ``warehouse.queries.grants_table`` through ``callbacks/grants_table.py``; a test
keeps the column fields and that query's columns in step."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from components.ids import FUNDING_GRANTS_GRID
from components.server_grid import GridColumn, server_grid

GRANT_COLUMNS = (
    GridColumn("award_date", "Awarded", "date", width=130),
    GridColumn("title", "Title", width=300),
    GridColumn("funder", "Funder", width=220),
    GridColumn("recipient", "Recipient", width=220),
    GridColumn("amount", "Amount", "money", width=140),
    GridColumn("currency", "Currency", width=120),
    GridColumn("recipient_type", "Recipient type", width=150),
    GridColumn("programme", "Programme", width=240),
    GridColumn("route", "Route", width=130),
    GridColumn("direction", "Direction", width=130),
    GridColumn("financial_year", "Year", width=110),
    GridColumn("ward", "Beneficiary area", width=180),
    GridColumn("pc_research", "P&C research", width=140),
    GridColumn("grant_id", "Grant id", width=230),
)


def grants_table() -> dbc.Card:
    """Every grant under the page's filters, a page at a time, with its CSV."""
    return server_grid(
        FUNDING_GRANTS_GRID,
        "Grants",
        GRANT_COLUMNS,
        description="Every grant under the filters above; sort or filter any column.",
        csv_name="grants.csv",
    )
