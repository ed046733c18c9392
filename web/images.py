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


def titled_figure(chart: Chart, data: pd.DataFrame, theme: str, width: int) -> go.Figure:
    """The chart's figure under its title, units and source, on a solid background,
    so the image stands alone when it is shared or printed without the page around it."""
    figure = chart.build(data, theme) if not data.empty else apply_style(go.Figure(), theme)
    layout = figure.layout
    legend = _legend_height(figure, width)
    top = max(int(layout.margin.t or 10), legend) + TITLE_BAND
    bottom = int(layout.margin.b or 10)
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
        margin={"t": top, "b": bottom},
        height=int(layout.height or 400) + top + bottom - int(layout.margin.t or 10),
        paper_bgcolor=BACKGROUNDS.get(theme, BACKGROUNDS["light"]),
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


def chart_image(
    engine: Engine,
    chart: Chart,
    filters: Filters,
    image_format: str,
    *,
    theme: str = "light",
    width: int = DEFAULT_WIDTH,
) -> bytes:
    """The chart under ``filters`` as an image, from the cache while no load has run since."""
    key = (
        chart.chart_id,
        tuple(sorted(filters.to_query().items())),
        image_format,
        theme,
        width,
        load_generation(engine),
    )
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = CHART_QUERIES[chart.chart_id](engine, filters)
    image = render(titled_figure(chart, data, theme, width), image_format, width)
    with _cache_lock:
        _cache[key] = image
        while len(_cache) > MAX_CACHED_IMAGES:
            _cache.popitem(last=False)
    return image


def clear_cache() -> None:
    """Forget every cached image (tests; a load makes them stale anyway)."""
    with _cache_lock:
        _cache.clear()
