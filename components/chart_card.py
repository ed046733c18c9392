"""The one card every chart sits in: title, units, n, source, last updated, the chart or a
plain message, a table view of the same numbers, downloads, copy link."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.embed_dialog import embed_button, embed_dialog
from components.ids import chart_part
from figures.charts import REGISTRY


def download_link(chart_id: str, title: str, file_format: str) -> dbc.Button:
    """A link to the chart's CSV, PNG or SVG from the chart API, which a callback points at the
    card's filters; every such file says what it is and where it came from."""
    return dbc.Button(
        file_format.upper(),
        id=chart_part(chart_id, file_format),
        href=f"/api/v1/charts/{chart_id}.{file_format}",
        external_link=True,
        download=f"{chart_id}.{file_format}",
        size="sm",
        color="secondary",
        outline=True,
        title=f"Download {title} as {file_format.upper()}, with its source and licence",
    )


def chart_card(chart_id: str) -> dbc.Card:
    """The card of one registered chart; callbacks fill it by ``chart_id``."""
    chart = REGISTRY[chart_id]
    title, units, source, description = chart.title, chart.units, chart.source, chart.description

    def part(name: str) -> str:
        return chart_part(chart_id, name)

    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2(title, className="h5 mb-1", id=part("title")),
                    html.P(
                        [
                            html.Span(units),
                            " · n = ",
                            html.Span("…", id=part("n")),
                            " · Source: ",
                            # A chart of grants names their publishers and licences here.
                            html.Span(source, id=part("source")),
                            " · ",
                            # "Covers April 2019 – March 2025; loaded 6 Dec 2026"
                            html.Span("Covers …", id=part("updated")),
                        ],
                        className="small text-body-secondary mb-0",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    html.P(description, className="visually-hidden"),
                    dcc.Loading(
                        [
                            dcc.Graph(
                                id=part("graph"),
                                config={"displaylogo": False, "responsive": True},
                                className="chart-graph",
                            ),
                            dbc.Alert(
                                id=part("message"),
                                color="secondary",
                                is_open=False,
                                className="mb-0",
                            ),
                        ],
                        delay_show=400,
                    ),
                    dbc.Collapse(
                        html.Div(id=part("table"), className="table-responsive mt-3"),
                        id=part("table-collapse"),
                        is_open=False,
                    ),
                    # The filter state, passed on only while the table is open (built then).
                    dcc.Store(id=part("table-wanted")),
                ]
            ),
            dbc.CardFooter(
                html.Div(
                    [
                        dbc.Button(
                            "Table",
                            id=part("table-toggle"),
                            size="sm",
                            color="secondary",
                            outline=True,
                            n_clicks=0,
                        ),
                        *(
                            download_link(chart_id, title, image_format)
                            for image_format in ("csv", "png", "svg")
                        ),
                        html.Span(
                            [
                                dcc.Clipboard(
                                    id=part("copy"),
                                    title="Copy link to this view",
                                    className="d-inline-block",
                                ),
                                html.Span(" Copy link", className="small"),
                            ],
                            className="btn btn-sm btn-outline-secondary",
                        ),
                        embed_button(chart_id, title),
                        embed_dialog(chart_id, title),
                    ],
                    className="d-flex flex-wrap gap-2",
                )
            ),
        ],
        className="h-100 chart-card",
        id=f"card-{chart_id}",
    )
