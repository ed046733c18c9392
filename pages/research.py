import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.similar_search import similar_panel

dash.register_page(
    __name__,
    path="/research",
    name="Research library",
    title="Research library · P&C Research Observatory",
    description="The open library of peer and community research: search what has been done, "
    "by topic, ward, population, participation level, method, status, provider and year.",
    order=3,
)

FILTERS = [
    FilterSpec("q", "Search titles, summaries, methods and findings", text=True),
    FilterSpec("topic", "Topic"),
    FilterSpec("ward", "Ward"),
    FilterSpec("population", "Population"),
    FilterSpec("participation", "Participation"),
    FilterSpec("method", "Method"),
    FilterSpec("status", "Status"),
    FilterSpec("provider", "Provider"),
    FilterSpec("year", "Year started"),
]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Research library", className="h2"),
            html.P(
                "Peer and community research in the borough, published by the people who did "
                "it. Search before you start a project: has this been done already?",
                className="lead",
            ),
            similar_panel(),
            html.Div(filter_bar("research", FILTERS, query), className="research-filters"),
            dbc.Row(
                [
                    dbc.Col(
                        html.Section(
                            [
                                html.H2(
                                    "Projects",
                                    id=ids.RESEARCH_COUNT,
                                    className="h4 mb-3",
                                    **{"aria-live": "polite"},
                                ),
                                html.Div(id=ids.RESEARCH_RESULTS),
                                dbc.Pagination(
                                    id=ids.RESEARCH_PAGER,
                                    max_value=1,
                                    active_page=1,
                                    fully_expanded=False,
                                    previous_next=True,
                                    size="sm",
                                    className="mt-3 flex-wrap",
                                ),
                            ],
                            **{"aria-labelledby": ids.RESEARCH_COUNT},
                        ),
                        lg=7,
                        xl=8,
                    ),
                    dbc.Col(
                        chart_card("research-projects-by-year"),
                        lg=5,
                        xl=4,
                        className="align-self-start",
                    ),
                ],
                className="g-4",
            ),
        ]
    )
