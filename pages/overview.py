import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.filter_bar import FilterSpec, filter_bar

dash.register_page(
    __name__,
    path="/",
    name="Overview",
    title="Overview · P&C Research Observatory",
    description="Headline figures for peer and community research: funding received and "
    "awarded by the Council and the NHS, participatory commissioning, active projects, policy "
    "decisions informed, progress on the 16 recommendations, researchers and payment times.",
    order=0,
)

FILTERS = [FilterSpec("fy_to", "Financial year", multi=False, placeholder="Latest")]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Overview", className="h2"),
            html.P(
                [
                    "Peer and community research in ",
                    html.Span(id=ids.OVERVIEW_YEAR),
                    ": each figure against the year before, with its trend over the years.",
                ],
                className="lead",
            ),
            html.Div(id=ids.OVERVIEW_SNAPSHOT),
            filter_bar("overview", FILTERS, query),
            dcc.Loading(dbc.Row(id=ids.OVERVIEW_HEADLINES, className="g-3 mb-4"), delay_show=300),
            html.H2("What the warehouse holds", className="h5 mt-4"),
            html.P(
                "Records loaded from published files and the P&C registers, all years.",
                className="small text-body-secondary",
            ),
            dcc.Loading(dbc.Row(id=ids.OVERVIEW_HOLDINGS, className="g-3"), delay_show=300),
        ]
    )
