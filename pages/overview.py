import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids

dash.register_page(
    __name__,
    path="/",
    name="Overview",
    title="Overview · P&C Research Observatory",
    description="What the peer and community research warehouse holds: grants, commissioning, "
    "spend, need, research projects, policy decisions and recommendations.",
    order=0,
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Overview", className="h2"),
            html.P(
                "What the warehouse holds today. Each figure counts the records loaded from "
                "published files and the P&C registers.",
                className="lead",
            ),
            dcc.Loading(dbc.Row(id=ids.OVERVIEW_HOLDINGS, className="g-3"), delay_show=300),
        ]
    )
