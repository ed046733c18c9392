"""The small trend drawn on each headline card of the overview: a line over the financial
years with the selected year marked. Pure: a DataFrame in, a figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.style import PALETTE, apply_style

SPARKLINE_HEIGHT = 56


def trend_sparkline(data: pd.DataFrame, theme: str, selected_year: str | None) -> go.Figure:
    """``data`` has financial_year and value; the selected year's point is drawn larger.
    Axes are hidden: the card states the figure, the line only shows its direction."""
    figure = go.Figure()
    if not data.empty:
        years = data["financial_year"].astype(str).tolist()
        values = data["value"].astype(float).tolist()
        sizes = [9 if year == selected_year else 0 for year in years]
        figure.add_scatter(
            x=years,
            y=values,
            mode="lines+markers",
            line={"color": PALETTE[0], "width": 2},
            marker={"size": sizes, "color": PALETTE[1]},
            hovertemplate="%{x}: %{y:,.4~g}<extra></extra>",
        )
    apply_style(figure, theme, height=SPARKLINE_HEIGHT)
    figure.update_layout(showlegend=False, margin={"l": 4, "r": 4, "t": 4, "b": 4})
    figure.update_xaxes(visible=False, fixedrange=True)
    figure.update_yaxes(visible=False, fixedrange=True)
    return figure
