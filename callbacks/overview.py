import dash_bootstrap_components as dbc
from dash import Input, Output, callback

from components import ids
from components.cards import count_card
from warehouse.db import shared_engine
from warehouse.queries.overview import warehouse_holdings


@callback(Output(ids.OVERVIEW_HOLDINGS, "children"), Input(ids.URL, "pathname"))
def show_holdings(_pathname: str | None) -> list[dbc.Col]:
    holdings = warehouse_holdings(shared_engine())
    return [
        dbc.Col(count_card(row.label, row.rows), xs=12, sm=6, lg=4) for row in holdings.itertuples()
    ]
