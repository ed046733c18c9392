from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback

from components import ids
from warehouse.db import shared_engine
from warehouse.queries.overview import last_load_time, source_publishers

PUBLISHERS_NAMED = 4


@callback(Output(ids.FOOTER_LAST_LOAD, "children"), Input(ids.URL, "pathname"))
def show_last_load(_pathname: str | None) -> str:
    loaded = last_load_time(shared_engine())
    return loaded.strftime("%d %B %Y, %H:%M UTC") if loaded else "nothing loaded yet"


@callback(Output(ids.FOOTER_SOURCES, "children"), Input(ids.URL, "pathname"))
def show_sources(_pathname: str | None) -> str:
    files, publishers = source_publishers(shared_engine())
    if not files:
        return "none loaded yet"
    named = ", ".join(publishers[:PUBLISHERS_NAMED])
    if len(publishers) > PUBLISHERS_NAMED:
        named += f" and {len(publishers) - PUBLISHERS_NAMED} more"
    return f"{files:,} published files from {named}" if named else f"{files:,} files"


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
