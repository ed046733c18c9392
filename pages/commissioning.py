import dash
import dash_bootstrap_components as dbc
from dash import html

from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.contracts_table import contracts_table

dash.register_page(
    __name__,
    path="/commissioning",
    name="Commissioning",
    title="Commissioning · P&C Research Observatory",
    description="How the Council and the NHS commission: the pipeline from planning to "
    "contract, participatory, pooled and collaborative routes over time, collaborative-working "
    "conditions, days from call to award, and every contract with its procurement method and "
    "CPV code.",
    order=2,
)

FILTERS = [
    FilterSpec("fy_from", "From year", multi=False),
    FilterSpec("fy_to", "To year", multi=False),
    FilterSpec("buyer", "Buyer"),
    FilterSpec("route", "Route"),
    FilterSpec("stage", "Stage"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Commissioning", className="h2"),
            html.P(
                "What the Council and the NHS commission and how: through contracts, grants, "
                "participatory commissioning, pooled budgets, collaborative commissioning or "
                "in-kind support. A commission is one contracting process, counted once "
                "however many lots it was awarded in.",
                className="lead",
            ),
            filter_bar("commissioning", FILTERS, query),
            dbc.Row(
                [
                    dbc.Col(chart_card("commissioning-pipeline"), lg=6),
                    dbc.Col(chart_card("commissioning-routes"), lg=6),
                    dbc.Col(chart_card("commissioning-collaborative-share"), lg=6),
                    dbc.Col(chart_card("commissioning-days-to-award"), lg=6),
                    dbc.Col(contracts_table(), lg=12),
                ],
                className="g-4",
            ),
        ]
    )
