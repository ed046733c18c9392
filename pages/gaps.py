import dash
import dash_bootstrap_components as dbc
from dash import html

from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views import gap_panels

dash.register_page(
    __name__,
    path="/gaps",
    name="Gaps",
    title="Evidence gaps · P&C Research Observatory",
    description="Where peer and community research is missing against need: topics by ward "
    "or population group, each ward's need, the cells with the biggest gaps, and how P&C "
    "research funding per resident follows deprivation.",
    order=3.5,
)

FILTERS = [
    FilterSpec("need", "Need indicator", multi=False, placeholder="IMD score (default)"),
    FilterSpec("topic", "Topic"),
    FilterSpec("participation", "Participation"),
    FilterSpec("status", "Status"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Evidence gaps", className="h2"),
            html.P(
                "Where peer and community research is missing against need. Each row is a "
                "topic; the columns are the borough's wards or its population groups. Amber "
                "cells marked 'gap' have no published project.",
                className="lead",
            ),
            gap_panels.axis_switch(query.get("axis")),
            filter_bar("gaps", FILTERS, query),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.P(
                                "On a narrow screen, scroll the matrix sideways to see every "
                                "column.",
                                className="small d-md-none mb-2",
                            ),
                            html.Div(chart_card("gaps-matrix"), className="gap-matrix-card"),
                            html.P(
                                id=gap_panels.NEED_NOTE,
                                className="small mt-2 mb-0",
                                **{"aria-live": "polite"},
                            ),
                        ],
                        lg=12,
                    ),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2("Projects in the chosen cell", className="h5 mb-0")
                                ),
                                dbc.CardBody(
                                    [
                                        gap_panels.cell_chooser(),
                                        html.Div(
                                            gap_panels.CELL_PROMPT,
                                            id=gap_panels.CELL_PROJECTS,
                                            **{"aria-live": "polite"},
                                        ),
                                    ]
                                ),
                            ],
                            className="h-100",
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2(
                                        "The biggest gaps: high need, little research",
                                        className="h5 mb-0",
                                    )
                                ),
                                dbc.CardBody(html.Div(id=gap_panels.GAP_LIST)),
                            ],
                            className="h-100",
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            html.H2("Equity of P&C research funding", className="h4 mt-2"),
                            html.P(
                                "Every P&C research grant placed in a ward, whatever the "
                                "filters above: they narrow the matrix only.",
                                className="small mb-0",
                            ),
                        ],
                        lg=12,
                    ),
                    dbc.Col(chart_card("gaps-funding-by-decile"), lg=7),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(html.H2("Concentration index", className="h5 mb-0")),
                                dbc.CardBody(html.Div(id=gap_panels.EQUITY_SUMMARY)),
                            ],
                            className="h-100",
                        ),
                        lg=5,
                    ),
                ],
                className="g-4",
            ),
        ]
    )
