"""Small cards for headline figures."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from figures.headlines import SPARKLINE_HEIGHT


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
    trend_numbers: list[tuple[str, str]] | None = None,
) -> dbc.Card:
    """A headline figure for the selected year: what it counts, the figure, the change against
    the year before, a small trend, and a link to the page that explains it.

    ``trend_numbers`` are the trend's (financial year, value with its unit) pairs. They follow
    the drawing as a table behind "Show the numbers", which is what a screen reader reads: the
    drawing itself is hidden from it, since a static plot says nothing to one."""
    body: list[object] = [
        html.H2(label, className="h6 text-body-secondary mb-1"),
        html.P(value, className="h3 mb-0"),
        html.P(detail, className="small text-body-secondary mb-1"),
        html.P(change, className="small mb-1 headline-change"),
    ]
    if trend is not None:
        body.append(
            html.Div(
                dcc.Graph(
                    figure=trend,
                    config={"displayModeBar": False, "staticPlot": True},
                    className="headline-trend",
                    style={"height": f"{SPARKLINE_HEIGHT}px"},
                ),
                **{"aria-hidden": "true"},
            )
        )
    if trend_numbers:
        body.append(_trend_table(label, trend_numbers))
    if href:
        body.append(
            dcc.Link(
                ["See the details", html.Span(f" of {label.lower()}", className="visually-hidden")],
                href=href,
                className="small stretched-link",
            )
        )
    return dbc.Card(dbc.CardBody(body), className="h-100 headline-card")


def _trend_table(label: str, numbers: list[tuple[str, str]]) -> html.Details:
    return html.Details(
        [
            html.Summary(
                [
                    "Show the numbers",
                    html.Span(f" of {label.lower()}", className="visually-hidden"),
                ],
                className="small",
            ),
            html.Table(
                [
                    html.Caption(f"{label}, by financial year", className="visually-hidden"),
                    html.Thead(
                        html.Tr([html.Th("Year", scope="col"), html.Th(label, scope="col")])
                    ),
                    html.Tbody(
                        [
                            html.Tr([html.Th(year, scope="row"), html.Td(value)])
                            for year, value in numbers
                        ]
                    ),
                ],
                className="table table-sm small mb-0 mt-1 headline-trend-table",
            ),
        ],
        className="headline-numbers mb-1",
    )
