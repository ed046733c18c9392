import dash
import dash_bootstrap_components as dbc
from dash import html

from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.spend_view import recipients_card, spend_status

dash.register_page(
    __name__,
    path="/spend",
    name="Spend",
    title="Spend with P&C research partners · P&C Research Observatory",
    description="What the Council and NHS bodies paid, in spend over £500, to the "
    "organisations that also receive peer and community research grants: by year, paying "
    "body and service, with every total as CSV and open data.",
    order=1.5,
)

FILTERS = [
    FilterSpec("fy_from", "From year", multi=False),
    FilterSpec("fy_to", "To year", multi=False),
    FilterSpec("payer", "Paying body"),
    FilterSpec("service", "Service"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Spend with P&C research partners", className="h2"),
            html.P(
                "What the Council and NHS bodies paid, in their published spend over £500, to "
                "organisations that also receive peer and community (P&C) research grants.",
                className="lead",
            ),
            html.P(
                "Suppliers are matched to grant recipients by charity number, company number "
                "or name. Payments to individuals and to suppliers whose names are withheld "
                "are never shown, nor are single payments: every figure is a total, and totals "
                "of fewer than 5 payments are withheld.",
                className="text-body-secondary",
            ),
            spend_status(),
            filter_bar("spend", FILTERS, query),
            dbc.Row(
                [
                    dbc.Col(chart_card("spend-by-year"), lg=12),
                    dbc.Col(chart_card("spend-by-service"), lg=12),
                    dbc.Col(recipients_card(), lg=12),
                ],
                className="g-4",
            ),
        ]
    )
