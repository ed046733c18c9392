from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback

from components import ids
from warehouse.db import shared_engine
from warehouse.queries.overview import last_load_time


@callback(Output(ids.FOOTER_LAST_LOAD, "children"), Input(ids.URL, "pathname"))
def show_last_load(_pathname: str | None) -> str:
    loaded = last_load_time(shared_engine())
    return loaded.strftime("%d %B %Y, %H:%M UTC") if loaded else "nothing loaded yet"


@callback(
    Output("navbar-collapse", "is_open"),
    Input("navbar-toggler", "n_clicks"),
    State("navbar-collapse", "is_open"),
    prevent_initial_call=True,
)
def toggle_navbar(_clicks: int, is_open: bool) -> bool:
    return not is_open


clientside_callback(
    ClientsideFunction("observatory", "applyTheme"),
    Output(ids.THEME_STORE, "data"),
    Input(ids.THEME_SWITCH, "value"),
)
