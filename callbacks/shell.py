from datetime import datetime

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback

from components import ids
from warehouse.db import shared_engine
from warehouse.queries.overview import last_load_time, source_publishers

PUBLISHERS_NAMED = 4


@callback(
    Output(ids.FOOTER_SOURCES, "children"),
    Output(ids.FOOTER_LAST_LOAD, "children"),
    Input(ids.URL, "pathname"),
)
def show_footer(_pathname: str | None) -> tuple[str, str]:
    """The footer's sources and last load, in one answer (one request per page, not two)."""
    engine = shared_engine()
    return _sources_text(*source_publishers(engine)), _last_load_text(last_load_time(engine))


def _last_load_text(loaded: datetime | None) -> str:
    return loaded.strftime("%d %B %Y, %H:%M UTC") if loaded else "nothing loaded yet"


def _sources_text(files: int, publishers: list[str]) -> str:
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


# "narrow" on a phone, "wide" otherwise; charts with a phone form (figures.registry's
# narrow_build) draw from it. observatory.js updates it when the screen crosses the width.
clientside_callback(
    ClientsideFunction("observatory", "viewport"),
    Output(ids.VIEWPORT_STORE, "data"),
    Input(ids.URL, "pathname"),
    State(ids.VIEWPORT_STORE, "data"),
)
