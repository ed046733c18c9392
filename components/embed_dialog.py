"""The embed builder: a dialog with the iframe code for one chart (with the page's current
filters), width, height and theme choices, a copy button and a live preview."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.ids import chart_part

# (value, label): "100%" fills the column of the page it is pasted into.
WIDTHS = [("100%", "Full width"), ("800", "800 px"), ("600", "600 px"), ("400", "400 px")]
HEIGHTS = [("480", "480 px"), ("640", "640 px"), ("800", "800 px")]
THEMES = [("light", "Light"), ("dark", "Dark")]
DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_THEME = "100%", "640", "light"


def _choice(
    chart_id: str, name: str, label: str, options: list[tuple[str, str]], value: str
) -> dbc.Col:
    control = chart_part(chart_id, f"embed-{name}")
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="small fw-semibold mb-1", id=f"{control}-label"),
                dbc.RadioItems(
                    id=control,
                    options=[{"label": text, "value": key} for key, text in options],
                    value=value,
                    inline=True,
                    className="small",
                    input_class_name="me-1",
                ),
            ],
            role="radiogroup",
            **{"aria-labelledby": f"{control}-label"},
        ),
        xs=12,
        md=4,
    )


def embed_button(chart_id: str, title: str) -> dbc.Button:
    """The card's *Embed* button, which opens the dialog."""
    return dbc.Button(
        "Embed",
        id=chart_part(chart_id, "embed"),
        size="sm",
        color="secondary",
        outline=True,
        n_clicks=0,
        title=f"Embed {title} on another website",
    )


def embed_dialog(chart_id: str, title: str) -> dbc.Modal:
    """The dialog; callbacks/embed_dialog.py fills the code and the preview."""

    def part(name: str) -> str:
        return chart_part(chart_id, name)

    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(f"Embed: {title}", className="h5")),
            dbc.ModalBody(
                [
                    html.P(
                        "Paste this code into a web page to show the chart there, with the "
                        "filters you have chosen. The chart updates when new data is loaded.",
                        className="small",
                    ),
                    dbc.Row(
                        [
                            _choice(chart_id, "width", "Width", WIDTHS, DEFAULT_WIDTH),
                            _choice(chart_id, "height", "Height", HEIGHTS, DEFAULT_HEIGHT),
                            _choice(chart_id, "theme", "Colours", THEMES, DEFAULT_THEME),
                        ],
                        className="g-2 mb-2",
                    ),
                    dbc.Label("Embed code", html_for=part("embed-code"), className="small mb-1"),
                    dbc.Textarea(
                        id=part("embed-code"),
                        readonly=True,
                        rows=3,
                        className="font-monospace small",
                    ),
                    html.Div(
                        [
                            html.Span(
                                [
                                    dcc.Clipboard(
                                        id=part("embed-copy"),
                                        target_id=part("embed-code"),
                                        title="Copy the embed code",
                                        className="d-inline-block",
                                    ),
                                    html.Span(" Copy code", className="small"),
                                ],
                                className="btn btn-sm btn-outline-secondary",
                            ),
                            html.A(
                                "Open the embed in a new tab",
                                id=part("embed-link"),
                                target="_blank",
                                rel="noopener",
                                className="small",
                            ),
                        ],
                        className="d-flex flex-wrap align-items-center gap-3 mt-2 mb-3",
                    ),
                    html.H3("Preview", className="h6"),
                    html.Div(
                        html.Iframe(
                            id=part("embed-preview"),
                            title=f"Preview of the embedded chart: {title}",
                            className="border rounded",
                        ),
                        className="embed-preview overflow-auto",
                    ),
                ]
            ),
            dbc.ModalFooter(
                dbc.Button(
                    "Close", id=part("embed-close"), color="secondary", n_clicks=0, size="sm"
                )
            ),
        ],
        id=part("embed-dialog"),
        is_open=False,
        size="xl",
        scrollable=True,
    )
