"""Which callbacks the warmer asks for as a page opens, and with what values: those whose every
input and state is known before the page opens (the filter state, theme and screen width; the
page's address from any ``dcc.Location``; a property the layout sets), whose outputs are on the
page, and that no other start-up callback feeds. A small made-up page and frame, not the app's."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from callbacks.cache_warming import default_requests, page_view
from components import ids


def _callback(
    inputs: list[tuple[str, str]], state: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    return {
        "inputs": [{"id": i, "property": p} for i, p in inputs],
        "state": [{"id": i, "property": p} for i, p in state],
        "callback": object(),
    }


FRAME = html.Div(
    [
        dcc.Location(id="where", refresh="callback-nav"),
        dcc.Store(id=ids.THEME_STORE, data="light"),
        html.Span(id="frame-only"),
        html.Div(id="_pages_content"),
    ]
)
PAGE = html.Div(
    [
        html.Div(id="counts"),
        html.Div(id="summary"),
        html.Div(id="results"),
        dcc.Dropdown(id="choice", value="a", options=["a", "b"]),
        html.Div(id="chosen"),
        html.Button("Go", id="go"),
        html.Div(id="went"),
        html.Div(id="themed"),
    ]
)
PAGER = dcc.Slider(id="pages", min=1, max=9, value=1, className="pager")
CALLBACKS = {
    # The page's address: its pathname as the browser's location gives it.
    "counts.children": _callback([("where", "pathname")]),
    # The panel's own id.
    "summary.children": _callback([("summary", "id")]),
    # A value the layout sets, which the callback itself also sets, and a state.
    "..results.children...pages.value..": _callback(
        [("pages", "value")], (("pages", "className"),)
    ),
    # The dropdown's value is set by another callback as the page opens: not the layout's then.
    "chosen.children": _callback([("choice", "value")]),
    "choice.value": _callback([("where", "search")]),
    # A button never pressed: n_clicks is not in the layout, so nothing is known of it.
    "went.children": _callback([("go", "n_clicks")]),
    # Outputs outside the page (the frame): not the page's to warm.
    "frame-only.children": _callback([("where", "pathname")]),
    # The theme, as before.
    "themed.children": _callback([(ids.THEME_STORE, "data")]),
}


def _requests(not_at_start: frozenset[str] = frozenset()) -> dict[str, dict[str, Any]]:
    view = page_view("/place", html.Div([PAGE, PAGER]), FRAME, "/prefix/place")
    return {str(b["output"]): b for b in default_requests(CALLBACKS, view, not_at_start)}


def test_the_address_own_ids_and_laid_out_values_are_known() -> None:
    asked = _requests()
    assert asked["counts.children"]["inputs"] == [
        {"id": "where", "property": "pathname", "value": "/prefix/place"}
    ]
    assert asked["summary.children"]["inputs"][0]["value"] == "summary"
    results = asked["..results.children...pages.value.."]
    assert results["inputs"] == [{"id": "pages", "property": "value", "value": 1}]
    assert results["state"] == [{"id": "pages", "property": "className", "value": "pager"}]
    assert results["changedPropIds"] == [], "nothing triggered it: the page just opened"
    assert asked["themed.children"]["inputs"][0]["value"] == "light"
    assert asked["choice.value"]["inputs"][0]["value"] == "", "no query"


def test_values_not_known_before_the_page_opens_are_not_guessed() -> None:
    asked = _requests()
    assert "chosen.children" not in asked, "another start-up callback sets its input first"
    assert "went.children" not in asked, "a property the layout does not set"
    assert "frame-only.children" not in asked, "its output is not on the page"


def test_callbacks_that_do_not_run_as_the_page_opens_are_not_asked() -> None:
    asked = _requests(frozenset({"summary.children", "choice.value"}))
    assert "summary.children" not in asked
    # With the dropdown's own callback not run at start, its layout value holds.
    assert asked["chosen.children"]["inputs"][0]["value"] == "a"
