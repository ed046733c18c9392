"""Small cards for headline figures."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


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
