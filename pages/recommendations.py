import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.recommendation_cards import legends

dash.register_page(
    __name__,
    path="/recommendations",
    name="Recommendations",
    title="Recommendations · P&C Research Observatory",
    description="The 16 recommendations of the report, word for word, under their 5 "
    "workstreams: status, delivery confidence, progress, owner, next milestone, overdue "
    "milestones and the date of the last published update.",
    order=5,
)

FILTERS = [FilterSpec("status", "Status")]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Recommendations", className="h2"),
            html.P(
                "How the council is delivering each recommendation of the report, grouped under "
                "its five workstreams. Progress and delivery confidence are set by each "
                "recommendation's owner; dates come from the milestones and the published "
                "updates.",
                className="lead",
            ),
            filter_bar("recommendations", FILTERS, query),
            legends(),
            dbc.Row(
                [
                    dbc.Col(
                        html.Section(
                            [
                                html.H2("Roll-up by workstream", className="h5"),
                                dcc.Loading(
                                    html.Div(id=ids.RECOMMENDATIONS_ROLLUP), delay_show=400
                                ),
                            ],
                            className="border rounded p-3 h-100",
                        ),
                        xl=7,
                    ),
                    dbc.Col(chart_card("recommendations-progress"), xl=5),
                ],
                className="g-4 mb-2",
            ),
            dcc.Loading(html.Div(id=ids.RECOMMENDATIONS_TRACKER), delay_show=400),
        ]
    )
