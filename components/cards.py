"""Small cards for headline figures."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html


def count_card(label: str, value: int) -> dbc.Card:
    """A headline count with its label."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.P(label, className="text-body-secondary mb-1"),
                html.P(f"{value:,}", className="h3 mb-0"),
            ]
        ),
        className="h-100",
    )


def headline_card(
    label: str,
    value: str,
    detail: str,
    change: str,
    trend: object | None,
    href: str | None,
) -> dbc.Card:
    """A headline figure for the selected year: what it counts, the figure, the change against
    the year before, a small trend, and a link to the page that explains it."""
    body: list[object] = [
        html.H2(label, className="h6 text-body-secondary mb-1"),
        html.P(value, className="h3 mb-0"),
        html.P(detail, className="small text-body-secondary mb-1"),
        html.P(change, className="small mb-1 headline-change"),
    ]
    if trend is not None:
        body.append(
            dcc.Graph(
                figure=trend,
                config={"displayModeBar": False, "staticPlot": True},
                className="headline-trend",
                style={"height": "56px"},
            )
        )
    if href:
        body.append(
            dcc.Link(
                ["See the details", html.Span(f" of {label.lower()}", className="visually-hidden")],
                href=href,
                className="small stretched-link",
            )
        )
    return dbc.Card(dbc.CardBody(body), className="h-100 headline-card")
