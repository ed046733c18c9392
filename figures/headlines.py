"""The small trend drawn on each headline card of the overview: a line over the financial
years, with the first and last years on the axis, their values written beside their points,
and the selected year marked. Pure: a DataFrame in, a figure out."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from figures.style import PALETTE, apply_style

# Room for the line, a value label above each end and one row of year labels under it.
SPARKLINE_HEIGHT = 112


def trend_sparkline(
    data: pd.DataFrame,
    theme: str,
    selected_year: str | None,
    show: Callable[[float], str] = lambda value: f"{value:,.4g}",
) -> go.Figure:
    """``data`` has financial_year and value; ``show`` writes a value with its unit (£12.3k,
    18%, 7 days). The axis names the first and last years, and their values are written at
    their points, so the card reads "from £0 in 2019/20 to £330.6k in 2024/25" without hovering
    (the card's figures are drawn static). The selected year's point is drawn larger."""
    figure = go.Figure()
    if not data.empty:
        years = data["financial_year"].astype(str).tolist()
        values = data["value"].astype(float).tolist()
        ends = {0, len(years) - 1}
        figure.add_scatter(
            x=years,
            y=values,
            mode="lines+markers+text",
            line={"color": PALETTE[0], "width": 2},
            marker={
                "size": [
                    9 if year == selected_year else 5 if i in ends else 0
                    for i, year in enumerate(years)
                ],
                "color": [PALETTE[1] if year == selected_year else PALETTE[0] for year in years],
            },
            text=[show(value) if i in ends else "" for i, value in enumerate(values)],
            textposition=_label_positions(values),
            textfont={"size": 12},
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,.4~g}<extra></extra>",
        )
        low, high = min(values), max(values)
        # Room above and below the line for the end labels; a flat line sits in the middle.
        span = (high - low) or abs(high) or 1.0
        figure.update_yaxes(range=[low - span * 0.6, high + span * 0.6])
        figure.update_xaxes(
            type="category",
            tickmode="array",
            tickvals=[years[0], years[-1]] if len(years) > 1 else years,
            ticks="outside",
            ticklen=3,
            tickfont={"size": 11},
            showgrid=False,
            showline=True,
        )
    apply_style(figure, theme, height=SPARKLINE_HEIGHT)
    figure.update_layout(showlegend=False, margin={"l": 8, "r": 8, "t": 4, "b": 4})
    figure.update_xaxes(fixedrange=True)
    figure.update_yaxes(visible=False, fixedrange=True)
    return figure


def _label_positions(values: list[float]) -> list[str]:
    """Where each end's value is written: away from the line, so the line never crosses it.
    The first leans right and the last leans left, so both stay inside the card; each sits
    below its point when its neighbour is higher, above it otherwise."""
    last = len(values) - 1
    positions = ["top center"] * len(values)
    if last < 1:
        return positions
    for i, neighbour, side in ((0, values[1], "right"), (last, values[last - 1], "left")):
        positions[i] = f"{'bottom' if neighbour > values[i] else 'top'} {side}"
    return positions
