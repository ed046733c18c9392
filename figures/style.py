"""The look every chart shares: light and dark templates, colours, reference lines."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

# Money labels are written in figures.money; charts that imported them from here still may.
from figures.money import pounds as pounds

PALETTE = ["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b8860b"]
THEMES = {"light": "plotly_white", "dark": "plotly_dark"}


def apply_style(figure: go.Figure, theme: str = "light", *, height: int = 360) -> go.Figure:
    """Shared layout: template for the theme, transparent background, readable margins."""
    figure.update_layout(
        template=THEMES.get(theme, THEMES["light"]),
        colorway=PALETTE,
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"namelength": -1},
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


LEGEND_LINE_CHARS = 32
"""A legend entry's longest line: Plotly does not wrap legend text, and on a phone a name
such as a research collaboration's (54 characters) ran past the card's edge, cut off."""


def legend_name(name: object) -> str:
    """``name`` as a legend entry, broken onto lines of at most ``LEGEND_LINE_CHARS``."""
    text = str(name)
    return "<br>".join(textwrap.wrap(text, LEGEND_LINE_CHARS)) or text


def add_reference_line(figure: go.Figure, y: float, caption: str) -> None:
    """A dashed horizontal line at ``y`` (an overall average), explained above the plot as
    "Dashed line: <caption>", since a line alone does not say what it marks."""
    figure.add_hline(y=y, line_dash="dash", line_color=PALETTE[6])
    figure.add_annotation(
        text=f"Dashed line: {caption}",
        xref="paper",
        yref="paper",
        x=0,
        y=1.02,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 12},
    )
