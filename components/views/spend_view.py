"""The spend page's own pieces: the line that says what the view found (or why it is empty),
and the table of organisations paid, with its CSV. Pure layout from plain values; the callbacks
in ``callbacks/spend.py`` fill them."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components import ids
from components.format import money, pounds, present


def status_text(
    empty_reason: str | None,
    recipients: int = 0,
    recipients_paid: int = 0,
    payments: int = 0,
    amount_pence: int = 0,
) -> str:
    """One sentence for the top of the page: why the view is empty, or what it holds."""
    if empty_reason:
        return empty_reason
    return (
        f"In all the spend loaded, the Council and NHS bodies paid {recipients_paid:,} of the "
        f"{recipients:,} organisations that received P&C research grants: "
        f"{pounds(amount_pence)} in {payments:,} payments over £500."
    )


def spend_status() -> dbc.Alert:
    """The status line, filled by a callback."""
    return dbc.Alert("…", id=ids.SPEND_STATUS, color="info", className="mb-4")


def recipients_card() -> dbc.Card:
    """The organisations paid under the filters, with links to the CSV and the API."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("Organisations paid", className="h5 mb-1"),
                    html.P(
                        "Organisations that received P&C research grants (all years) and what "
                        "the Council and NHS bodies paid them under the filters. Totals of "
                        "fewer than 5 payments are withheld.",
                        className="small text-body-secondary mb-0",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    html.P("…", id=ids.SPEND_RECIPIENTS_COUNT, className="small mb-2"),
                    # Focusable, so a keyboard can scroll the table sideways on a phone.
                    html.Div(
                        id=ids.SPEND_RECIPIENTS,
                        className="table-responsive",
                        tabIndex="0",
                        role="region",
                        **{"aria-label": "Organisations paid"},
                    ),
                ]
            ),
            dbc.CardFooter(
                html.Div(
                    [
                        html.A(
                            "Download CSV",
                            id=ids.SPEND_CSV,
                            href="#",
                            className="btn btn-sm btn-outline-secondary",
                            title="Totals by year, paying body, service and organisation, as CSV",
                        ),
                        html.A(
                            "Open data (JSON)",
                            id=ids.SPEND_JSON,
                            href="#",
                            className="btn btn-sm btn-outline-secondary",
                        ),
                        html.Span(
                            "The CSV and JSON hold totals by year, paying body, service and "
                            "organisation.",
                            className="small text-body-secondary align-self-center",
                        ),
                    ],
                    className="d-flex flex-wrap gap-2",
                )
            ),
        ],
        className="chart-card",
        id="card-spend-recipients",
    )


def _amount(pence: object) -> str:
    return money(pence, whole_pounds=True) if present(pence) else ""


def _payments(count: object) -> str:
    return count if isinstance(count, str) else f"{int(str(count)):,}"


def recipients_table(rows: pd.DataFrame) -> dbc.Table | None:
    """The organisations as a table: name, amount paid, payments and paying bodies first (a
    phone shows those before it scrolls), then their P&C grants."""
    if rows.empty:
        return None
    header = html.Thead(
        html.Tr(
            [
                html.Th("Organisation", scope="col"),
                html.Th("Paid (£)", scope="col", className="text-end"),
                html.Th("Payments", scope="col", className="text-end"),
                html.Th("Paying bodies", scope="col", className="text-end"),
                html.Th("P&C grants", scope="col", className="text-end"),
                html.Th("P&C grants (£)", scope="col", className="text-end"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row.recipient),
                    html.Td(
                        _amount(row.amount_pence) or "withheld", className="text-end text-nowrap"
                    ),
                    html.Td(_payments(row.payments), className="text-end text-nowrap"),
                    html.Td(f"{int(row.payers):,}", className="text-end"),
                    html.Td(f"{int(row.pc_grants):,}", className="text-end"),
                    html.Td(_amount(row.pc_grants_pence), className="text-end text-nowrap"),
                ]
            )
            for row in rows.itertuples()
        ]
    )
    return dbc.Table([header, body], striped=True, hover=True, size="sm", className="mb-0")


def count_text(shown: int, total: int, filtered: bool) -> str:
    """How many organisations the table lists, and whether the list goes on in the CSV."""
    if total == 0:
        return (
            "No organisation with a P&C research grant was paid under these filters."
            if filtered
            else "No organisation with a P&C research grant was paid."
        )
    noun = "organisation" if total == 1 else "organisations"
    if shown < total:
        return f"{total:,} {noun} paid; the {shown:,} paid most are listed. The CSV has them all."
    return f"{total:,} {noun} paid."


def api_links(root: str, query: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The CSV and JSON addresses of the spend dataset under the filters."""
    suffix = f"?{urlencode(list(query))}" if query else ""
    return f"{root}.csv{suffix}", f"{root}.json{suffix}"
