import dash
import dash_bootstrap_components as dbc
from dash import html

from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.grants_table import grants_table

dash.register_page(
    __name__,
    path="/funding",
    name="Funding",
    title="Funding transparency · P&C Research Observatory",
    description="Where money for peer and community research comes from and where it goes: "
    "funding received and awarded by the Council and the NHS, by year, funder and route.",
    order=1,
)

FILTERS = [
    FilterSpec("fy_from", "From year", multi=False),
    FilterSpec("fy_to", "To year", multi=False),
    FilterSpec("funder", "Funder"),
    FilterSpec("direction", "Direction"),
    FilterSpec("programme", "Programme"),
    FilterSpec("recipient_type", "Recipient type"),
    FilterSpec("ward", "Ward"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Funding transparency", className="h2"),
            html.P(
                "Money for peer and community research: what the Council and the NHS received "
                "and what they awarded.",
                className="lead",
            ),
            filter_bar("funding", FILTERS, query),
            dbc.Row(
                [
                    dbc.Col(chart_card("funding-by-year"), lg=12),
                    dbc.Col(chart_card("funding-flow"), lg=12),
                    dbc.Col(chart_card("funding-top-recipients"), lg=7),
                    dbc.Col(chart_card("funding-pc-share"), lg=5),
                    dbc.Col(chart_card("funding-pooled"), lg=12),
                    dbc.Col(grants_table(), lg=12),
                ],
                className="g-4",
            ),
        ]
    )
