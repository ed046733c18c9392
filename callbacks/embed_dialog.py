"""The embed builder of every chart card: open and close the dialog, and write the iframe code
and the preview for the chosen size, colours and the page's current filters."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

import flask
from dash import Input, Output, State, callback
from markupsafe import escape

from components import ids
from figures.registry import Chart
from warehouse.queries.filters import Filters


def embed_url(root: str, chart_id: str, filter_values: dict[str, Any] | None, theme: str) -> str:
    """The absolute address of the chart's embed under these filters and colours."""
    query = Filters.from_values(filter_values or {}).to_query()
    if theme and theme != "light":
        query["theme"] = theme
    encoded = urlencode(query, safe=",/")
    return f"{root.rstrip('/')}/embed/{chart_id}" + (f"?{encoded}" if encoded else "")


def iframe_code(src: str, title: str, width: str, height: str) -> str:
    """The HTML a council pastes into its own page."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{escape(width)}" '
        f'height="{escape(height)}" style="border:0" loading="lazy"></iframe>'
    )


def register(chart: Chart) -> None:
    """The dialog's callbacks for one chart."""
    part = partial(ids.chart_part, chart.chart_id)

    @callback(
        Output(part("embed-dialog"), "is_open"),
        Input(part("embed"), "n_clicks"),
        Input(part("embed-close"), "n_clicks"),
        State(part("embed-dialog"), "is_open"),
        prevent_initial_call=True,
    )
    def toggle(_open: int, _close: int, is_open: bool) -> bool:
        return not is_open

    @callback(
        Output(part("embed-code"), "value"),
        Output(part("embed-preview"), "src"),
        Output(part("embed-preview"), "style"),
        Output(part("embed-link"), "href"),
        Input(part("embed-dialog"), "is_open"),
        Input(part("embed-width"), "value"),
        Input(part("embed-height"), "value"),
        Input(part("embed-theme"), "value"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )
    def write_code(
        is_open: bool,
        width: str,
        height: str,
        theme: str,
        filter_values: dict[str, Any] | None,
    ) -> tuple[str, str | None, dict[str, str], str]:
        src = embed_url(flask.request.host_url, chart.chart_id, filter_values, theme)
        size = {
            "width": width if width.endswith("%") else f"{width}px",
            "height": f"{height}px",
            "display": "block",
        }
        # The preview loads only while the dialog is open.
        return iframe_code(src, chart.title, width, height), src if is_open else None, size, src
