import dash
import dash_bootstrap_components as dbc
from dash import html

from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.impact_list import decisions_list
from components.views.paper_review import impact_link_slot

dash.register_page(
    __name__,
    path="/impact",
    name="Impact",
    title="Impact · P&C Research Observatory",
    description="Peer and community research linked to the policy decisions it informed: "
    "from topic to project to decision-maker, how the research influenced each decision, "
    "influence types over time, the time from a project's end to the decision, and every "
    "decision with the words that cite the research.",
    order=6,
)

FILTERS = [
    FilterSpec("fy_from", "From year", multi=False),
    FilterSpec("fy_to", "To year", multi=False),
    FilterSpec("influence", "Influence type"),
    FilterSpec("reach", "Reach"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Impact", className="h2"),
            html.P(
                "Which decisions peer and community research has informed, how, and how far "
                "they reach. Only published decisions and published projects are shown; a "
                "citation is one decision drawing on one project.",
                className="lead",
            ),
            impact_link_slot(),
            filter_bar("impact", FILTERS, query),
            dbc.Row(
                [
                    dbc.Col(chart_card("impact-flow"), lg=12),
                    dbc.Col(chart_card("impact-influence-over-time"), lg=6),
                    dbc.Col(chart_card("impact-time-to-decision"), lg=6),
                    dbc.Col(decisions_list(), lg=12),
                ],
                className="g-4",
            ),
        ]
    )
