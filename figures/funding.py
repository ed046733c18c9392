"""Funding figures: received and awarded, by year and funder."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.registry import Chart
from figures.style import PALETTE, apply_style

DIRECTION_LABELS = {"awarded": "Awarded", "received": "Received", "external": "Neither (external)"}


def funding_by_year_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars of £ per financial year for each funder, one group per direction."""
    figure = go.Figure()
    funders = list(dict.fromkeys(data["funder"]))
    colours = {funder: PALETTE[i % len(PALETTE)] for i, funder in enumerate(funders)}
    directions = [d for d in DIRECTION_LABELS if d in set(data["direction"])]
    for funder in funders:
        rows = data[data["funder"] == funder]
        for direction in directions:
            subset = rows[rows["direction"] == direction]
            if subset.empty:
                continue
            figure.add_bar(
                x=[subset["financial_year"], [DIRECTION_LABELS[direction]] * len(subset)],
                y=subset["amount_pence"] / 100,
                name=funder,
                legendgroup=funder,
                showlegend=direction == directions[0]
                or funder not in set(data.loc[data["direction"] == directions[0], "funder"]),
                marker_color=colours[funder],
                customdata=subset["grants"],
                hovertemplate=(
                    f"<b>{funder}</b><br>%{{x}}<br>£%{{y:,.0f}} in %{{customdata:,}} grants"
                    "<extra></extra>"
                ),
            )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text="£ awarded", tickprefix="£", separatethousands=True)
    return apply_style(figure, theme, height=420)


CHARTS = [
    Chart(
        chart_id="funding-by-year",
        title="Funding received and awarded, by year and funder",
        description="Grants in pounds per UK financial year, stacked by funder, with money the "
        "home organisations awarded beside money they received.",
        units="£ per financial year",
        source="360Giving grants",
        page="/funding",
        build=funding_by_year_figure,
        count_column="grants",
    ),
]
