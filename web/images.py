"""PNG and SVG images of registered charts, drawn by kaleido through Chromium and cached.

A cold kaleido render starts a browser (2 to 3 s); with ``kaleido.start_sync_server()`` one
image takes about 0.15 s. The server starts once per process, on the first image asked for, so
a gunicorn worker that never draws an image never starts a browser. Images are cached by chart,
filters, format, theme and size, and by the warehouse's load generation, so a load makes every
cached image stale at once.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from math import radians, sin
from typing import Any

import kaleido
import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine

from figures.registry import Chart
from figures.style import apply_style
from figures.summaries import NO_DATA
from warehouse.queries.charts import CHART_QUERIES
from warehouse.queries.filters import Filters
from warehouse.queries.overview import load_generation
from web.provenance import chart_provenance

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
DEFAULT_WIDTH = 1000
PNG_SCALE = 2  # sharp on high-density screens and in print
MAX_CACHED_IMAGES = 256
# Charts are drawn on a transparent background for the page's card; an image file needs its own.
BACKGROUNDS = {"light": "#ffffff", "dark": "#111111"}
TITLE_BAND = 70
LEGEND_CHAR_PX = 7.5  # the shared style's 13 px font
LEGEND_SYMBOL_PX = 45
LEGEND_ROW_PX = 24
FOOTER_FONT_PX = 11
FOOTER_CHAR_PX = 6.2  # an average character of the footer's 11 px font
FOOTER_LINE_PX = 15
FOOTER_WIDTH_SHARE = 0.75
X_TICKS_PX = 28
X_TITLE_PX = 26
CARTESIAN = {"bar", "scatter", "heatmap", "box", "histogram"}

_server_lock = threading.Lock()
_server_pid: int | None = None
_cache_lock = threading.Lock()
_cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()


def _start_server() -> None:
    global _server_pid
    with _server_lock:
        # A forked worker does not inherit the parent's browser thread, so start per process.
        if _server_pid != os.getpid():
            kaleido.start_sync_server(silence_warnings=True)
            _server_pid = os.getpid()


def _legend_height(figure: go.Figure, width: int) -> int:
    """Roughly how tall the figure's legend above the plot is: the shared style lays it out
    horizontally in columns as wide as its longest name, and it needs room under the title."""
    names = list(
        dict.fromkeys(
            str(getattr(trace, "legendgroup", None) or trace.name)
            for trace in figure.data
            if trace.name and getattr(trace, "showlegend", False) is not False
        )
    )
    # Plotly shows no legend for a single trace unless told to.
    if figure.layout.showlegend is False or len(names) < (1 if figure.layout.showlegend else 2):
        return 0
    entry = max(len(name) for name in names) * LEGEND_CHAR_PX + LEGEND_SYMBOL_PX
    columns = max(1, int((width - 40) // entry))
    rows = -(-len(names) // columns)
    return rows * LEGEND_ROW_PX + 16


def _x_axis_height(figure: go.Figure) -> int:
    """Roughly how tall the x axes' tick labels and titles are under the plot, so the footer is
    drawn below them (plotly places an annotation from the plot area, not the image)."""
    if not any(trace.type in CARTESIAN for trace in figure.data):
        return 0
    tallest = 0
    for axis in figure.select_xaxes():
        if axis.visible is False:
            continue
        ticks = X_TICKS_PX
        if axis.tickangle:  # slanted category names: as tall as the longest name is long
            longest = max(
                (len(str(x)) for trace in figure.data for x in (getattr(trace, "x", None) or ())),
                default=0,
            )
            ticks = max(ticks, int(longest * LEGEND_CHAR_PX * abs(sin(radians(axis.tickangle)))))
        titled = bool(axis.title and axis.title.text)
        tallest = max(tallest, ticks + (X_TITLE_PX if titled else 0))
    return tallest


def footer_lines(footer: str, width: int) -> list[str]:
    """The footer broken at its "; " separators (or, for a long address, anywhere) into lines
    that fit the image's width."""
    # A plot area with long axis labels starts well inside the image: leave room for that.
    room = max(20, int(width * FOOTER_WIDTH_SHARE / FOOTER_CHAR_PX))
    lines: list[str] = []
    for part in footer.split("; "):
        while len(part) > room:  # one part longer than a line: an address with many filters
            lines.append(part[:room])
            part = part[room:]
        if lines and len(lines[-1]) + 2 + len(part) <= room:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return lines


def titled_figure(
    chart: Chart, data: pd.DataFrame, theme: str, width: int, footer: str | None = None
) -> go.Figure:
    """The chart's figure under its title, units and source, on a solid background, with a
    footer line under it that says where the numbers came from (source, licence, the period
    they cover, the load, the address), so the image stands alone when it is pasted into a
    paper or printed without the page around it."""
    figure = chart.build(data, theme) if not data.empty else apply_style(go.Figure(), theme)
    layout = figure.layout
    legend = _legend_height(figure, width)
    top = max(int(layout.margin.t or 10), legend) + TITLE_BAND
    bottom = max(int(layout.margin.b or 10), _x_axis_height(figure))
    lines = footer_lines(footer, width) if footer else []
    footer_band = len(lines) * FOOTER_LINE_PX + 14 if lines else 0
    figure.update_layout(
        title={
            "text": chart.title,
            "subtitle": {"text": f"{chart.units} · Source: {chart.source}", "font": {"size": 12}},
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 14},
        },
        margin={"t": top, "b": bottom + footer_band},
        height=int(layout.height or 400) + top + bottom + footer_band - int(layout.margin.t or 10),
        paper_bgcolor=BACKGROUNDS.get(theme, BACKGROUNDS["light"]),
    )
    if lines:
        figure.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            x=0,
            xanchor="left",
            xshift=10 - int(layout.margin.l or 0),  # from the image's left edge
            # Annotations cannot be placed on the container: under the plot area by the
            # chart's own bottom margin (its axis labels), inside the band added for it.
            yref="paper",
            y=0,
            yanchor="top",
            yshift=-bottom - 4,
            align="left",
            showarrow=False,
            font={"size": FOOTER_FONT_PX},
        )
    if data.empty:
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        figure.add_annotation(
            text=NO_DATA, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False
        )
    return figure


def render(figure: go.Figure, image_format: str, width: int, height: int | None = None) -> bytes:
    """``figure`` as PNG or SVG bytes."""
    if image_format not in FORMATS:
        raise ValueError(f"unknown image format {image_format!r}")
    _start_server()
    fig_dict = figure.to_dict()
    size_height = height or int(figure.layout.height or 500)
    scale = PNG_SCALE if image_format == "png" else 1
    image = kaleido.calc_fig_sync(
        fig_dict,
        opts={"format": image_format, "width": width, "height": size_height, "scale": scale},
    )
    if not isinstance(image, bytes):
        raise TypeError("kaleido returned no image")
    return image


def inline_svg(figure: go.Figure, width: int, height: int) -> str:
    """``figure`` as SVG markup to put in a page: kaleido's own, without the XML prologue."""
    text = render(figure, "svg", width, height).decode("utf-8")
    return text[text.find("<svg") :]


def chart_image(
    engine: Engine,
    chart: Chart,
    filters: Filters,
    image_format: str,
    *,
    theme: str = "light",
    width: int = DEFAULT_WIDTH,
    page_url: str | None = None,
) -> bytes:
    """The chart under ``filters`` as an image, from the cache while no load has run since.
    With ``page_url`` (the chart's page with these filters) a footer under the chart says
    where its numbers came from and where to find them."""
    key = (
        chart.chart_id,
        tuple(sorted(filters.to_query().items())),
        image_format,
        theme,
        width,
        page_url,
        load_generation(engine),
    )
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = CHART_QUERIES[chart.chart_id](engine, filters)
    footer = chart_provenance(engine, chart, filters, data, page_url).footer() if page_url else None
    figure = titled_figure(chart, data, theme, width, footer)
    image = render(figure, image_format, width)
    with _cache_lock:
        _cache[key] = image
        while len(_cache) > MAX_CACHED_IMAGES:
            _cache.popitem(last=False)
    return image


def clear_cache() -> None:
    """Forget every cached image (tests; a load makes them stale anyway)."""
    with _cache_lock:
        _cache.clear()
