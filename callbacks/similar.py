"""'Has this been done already?': a proposed project's title and description -> ranked results."""

from __future__ import annotations

from dash import Input, Output, State, callback
from dash.development.base_component import Component

from components import ids
from components.views.similar_search import (
    MAX_DESCRIPTION_CHARS,
    MAX_TITLE_CHARS,
    empty_query_message,
    similar_results,
)
from warehouse.db import shared_engine
from warehouse.queries.similar import find_similar


@callback(
    Output(ids.SIMILAR_RESULTS, "children"),
    Input(ids.SIMILAR_SUBMIT, "n_clicks"),
    Input(ids.SIMILAR_TITLE, "n_submit"),
    State(ids.SIMILAR_TITLE, "value"),
    State(ids.SIMILAR_DESCRIPTION, "value"),
    prevent_initial_call=True,
)
def show_similar(
    _clicks: int | None, _submitted: int | None, title: str | None, description: str | None
) -> Component:
    if not (title or "").strip() and not (description or "").strip():
        return empty_query_message()
    # The inputs' maxLength binds the browser; a hand-made request is cut to the same length.
    work = find_similar(
        shared_engine(),
        (title or "")[:MAX_TITLE_CHARS],
        (description or "")[:MAX_DESCRIPTION_CHARS],
    )
    return similar_results(work.rows, projects=work.projects, grants=work.grants)
