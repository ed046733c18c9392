"""Research library figures: published projects started per year, by participation level."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.registry import Chart
from figures.style import apply_style

# From "informed" to "community-led": one hue getting darker as the community's say grows, so
# the ladder reads in order; grey for projects whose level the register leaves blank.
LEVEL_COLOURS = {
    "inform": "#c6dbef",
    "consult": "#85bcdb",
    "involve": "#4292c6",
    "co-produce": "#1f5fa8",
    "community-led": "#08306b",
    "not recorded": "#9e9e9e",
}
# On a dark background the ramp runs the other way, so "community-led" stays the most visible.
DARK_LEVEL_COLOURS = {
    "inform": "#2b5c8a",
    "consult": "#3f7fbf",
    "involve": "#6baed6",
    "co-produce": "#9ecae1",
    "community-led": "#deebf7",
    "not recorded": "#757575",
}
OTHER_COLOUR = "#d9822b"
SEGMENT_EDGES = {"light": "#ffffff", "dark": "#212529"}


def level_label(level: str) -> str:
    """A participation level as shown to readers: ``co-produce`` -> ``Co-produce``."""
    return level[:1].upper() + level[1:]


def projects_by_year_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars: projects started per financial year, one colour per participation level,
    the levels stacked from "inform" at the bottom to "community-led" at the top."""
    figure = go.Figure()
    colours = DARK_LEVEL_COLOURS if theme == "dark" else LEVEL_COLOURS
    years = sorted(set(data["financial_year"]))
    known = [level for level in LEVEL_COLOURS if level in set(data["participation_level"])]
    others = sorted(set(data["participation_level"]) - set(LEVEL_COLOURS))
    for level in [*known, *others]:
        rows = data[data["participation_level"] == level]
        figure.add_bar(
            x=rows["financial_year"],
            y=rows["projects"],
            name=level_label(level),
            marker={
                "color": colours.get(level, OTHER_COLOUR),
                "line": {"color": SEGMENT_EDGES.get(theme, "#ffffff"), "width": 0.5},
            },
            hovertemplate=(
                f"<b>{level_label(level)}</b><br>%{{x}}: %{{y:,}} projects<extra></extra>"
            ),
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(
        title_text="Financial year the project started",
        type="category",
        categoryorder="array",
        categoryarray=years,
    )
    figure.update_yaxes(title_text="Projects started", rangemode="tozero", tickformat=",d")
    apply_style(figure, theme, height=400)
    # Two legend entries a row: the card is often a narrow side column, and five long names in
    # one column would take a third of the chart's height.
    figure.update_layout(
        legend={"traceorder": "normal", "entrywidth": 0.5, "entrywidthmode": "fraction"}
    )
    return figure


CHARTS = [
    Chart(
        chart_id="research-projects-by-year",
        title="Research projects started each year, by participation level",
        description="Published peer and community research projects counted by the UK "
        "financial year they started in, stacked by how far the community shaped them, from "
        "being informed to leading the research.",
        units="Projects started per financial year",
        source="P&C research projects register",
        page="/research",
        build=projects_by_year_figure,
        count_column="projects",
    ),
]
