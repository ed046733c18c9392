"""Commissioning figures: the pipeline by stage, routes over time, collaborative-working
conditions and the days from call to award. Pure: DataFrame in, figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.funding import money_axis
from figures.money import pounds
from figures.registry import Chart
from figures.style import PALETTE, add_reference_line, apply_style

SOURCE = "OCDS commissioning releases"

# Stages and routes keep the warehouse's words (OCDS's for stages), capitalised, so that the
# charts, the filters and the contracts table name them alike.
STAGE_LABELS = {
    "planning": "Planning",
    "tender": "Tender",
    "award": "Award",
    "contract": "Contract",
    "implementation": "Implementation",
}

ROUTE_LABELS = {
    "contract": "Contract",
    "grant": "Grant",
    "participatory": "Participatory",
    "pooled": "Pooled",
    "collaborative": "Collaborative",
    "in-kind": "In-kind",
}
ROUTE_COLOURS = {route: PALETTE[i] for i, route in enumerate(ROUTE_LABELS)}


def _label(mapping: dict[str, str], value: str) -> str:
    return mapping.get(value, value.capitalize())


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def pipeline_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Horizontal bars of £ at each stage, top to bottom in pipeline order; each stage is
    labelled with how many commissions are there, and each bar with its £."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    order = list(STAGE_LABELS)
    stages = data.sort_values(
        "stage",
        key=lambda column: column.map(lambda s: order.index(s) if s in order else len(order)),
        kind="stable",
    ).reset_index(drop=True)
    counts = stages["commissions"].astype(int)
    labels = [
        f"<b>{_label(STAGE_LABELS, str(stage))}</b><br>{_plural(int(count), 'commission')}"
        for stage, count in zip(stages["stage"], counts, strict=True)
    ]
    figure.add_bar(
        y=labels,
        x=stages["value_pence"] / 100,
        orientation="h",
        marker_color=PALETTE[0],
        text=[pounds(float(value)) for value in stages["value_pence"]],
        textposition="auto",
        textangle=0,
        cliponaxis=False,
        customdata=counts,
        hovertemplate="%{y}<br>£%{x:,.0f}<extra></extra>",
        name="Value",
    )
    largest = float(stages["value_pence"].max()) / 100
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(
        title_text="£ value",
        range=[0, largest * 1.15 if largest > 0 else 1],
        **money_axis(largest),
    )
    figure.update_layout(showlegend=False)
    return apply_style(figure, theme, height=380)


def routes_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars of £ per financial year, one colour per commissioning route."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    present = set(data["route"])
    routes = [r for r in ROUTE_LABELS if r in present] + sorted(present - set(ROUTE_LABELS))
    years = sorted(set(data["financial_year"]))
    for i, route in enumerate(routes):
        rows = data[data["route"] == route].set_index("financial_year").reindex(years)
        name = _label(ROUTE_LABELS, route)
        figure.add_bar(
            x=years,
            y=rows["value_pence"] / 100,
            name=name,
            marker_color=ROUTE_COLOURS.get(route, PALETTE[i % len(PALETTE)]),
            customdata=rows["commissions"].fillna(0).astype(int),
            hovertemplate=(
                f"<b>{name}</b><br>%{{x}}<br>£%{{y:,.0f}} in %{{customdata:,}} commissions"
                "<extra></extra>"
            ),
        )
    # A single route keeps its legend entry, so that its colour is still named.
    figure.update_layout(barmode="stack", showlegend=True)
    figure.update_xaxes(title_text="Financial year", type="category")
    largest = float(data.groupby("financial_year")["value_pence"].sum().max()) / 100
    figure.update_yaxes(title_text="£ commissioned", **money_axis(largest))
    return apply_style(figure, theme, height=380)


def collaborative_share_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of the share of commissions with collaborative-working conditions per financial
    year (how many of how many in the hover), with the share over all the years shown as a
    dashed line."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    shares = data["with_condition"] / data["commissions"] * 100
    figure.add_bar(
        x=data["financial_year"],
        y=shares,
        marker_color=PALETTE[2],
        text=[f"{share:.0f}%" for share in shares],
        textposition="inside",
        insidetextanchor="start",
        textangle=0,
        textfont={"color": "white"},
        customdata=data[["with_condition", "commissions"]].to_numpy(),
        hovertemplate=(
            "<b>%{x}</b><br>%{y:.1f}% of commissions: %{customdata[0]:,} of "
            "%{customdata[1]:,}<extra></extra>"
        ),
        name="Share with conditions",
    )
    overall = float(data["with_condition"].sum()) / float(data["commissions"].sum()) * 100
    with_condition, commissions = int(data["with_condition"].sum()), int(data["commissions"].sum())
    add_reference_line(
        figure, overall, f"all years, {overall:.0f}% ({with_condition:,} of {commissions:,})"
    )
    figure.update_xaxes(title_text="Financial year", type="category")
    figure.update_yaxes(title_text="% of commissions", ticksuffix="%", range=[0, 100])
    figure.update_layout(showlegend=False)
    figure = apply_style(figure, theme, height=380)
    figure.update_layout(margin={"t": 36})
    return figure


def days_to_award_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of the median days from call to award per financial year of award, labelled with
    the median and how many commissions it is the median of."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    figure.add_bar(
        x=data["financial_year"],
        y=data["median_days"],
        marker_color=PALETTE[1],
        text=[
            f"{days:g} days<br>n = {int(n):,}"
            for days, n in zip(data["median_days"], data["commissions"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        customdata=data[["commissions", "shortest_days", "longest_days"]].to_numpy(),
        hovertemplate=(
            "<b>%{x}</b><br>Median %{y:.1f} days over %{customdata[0]:,} commissions"
            "<br>Range %{customdata[1]:,} to %{customdata[2]:,} days<extra></extra>"
        ),
        name="Median days",
    )
    top = float(data["median_days"].max())
    figure.update_xaxes(title_text="Financial year of award", type="category")
    figure.update_yaxes(title_text="Median days, call to award", range=[0, top * 1.3 or 1])
    figure.update_layout(showlegend=False)
    return apply_style(figure, theme, height=380)


CHARTS = [
    Chart(
        chart_id="commissioning-pipeline",
        title="Commissioning pipeline by stage",
        description="How many commissions are at each stage, from planning to contract, and "
        "their value in pounds: the buyer's estimate before award, the award values after.",
        units="£ value (the buyer's estimate before award) and number of commissions per stage",
        source=SOURCE,
        page="/commissioning",
        build=pipeline_figure,
        count_column="commissions",
    ),
    Chart(
        chart_id="commissioning-routes",
        title="Commissioning routes over time",
        description="Pounds commissioned each financial year through contracts, grants, "
        "participatory commissioning, pooled budgets, collaborative commissioning and in-kind "
        "support.",
        units="£ per financial year, by route",
        source=SOURCE,
        page="/commissioning",
        build=routes_figure,
        count_column="commissions",
    ),
    Chart(
        chart_id="commissioning-collaborative-share",
        title="Commissions with collaborative-working conditions, by year",
        description="The share of each financial year's commissions whose terms require the "
        "provider to work in partnership, co-produce or co-design, and the share over all the "
        "years shown.",
        units="% of commissions per financial year",
        source=SOURCE,
        page="/commissioning",
        build=collaborative_share_figure,
        count_column="commissions",
    ),
    Chart(
        chart_id="commissioning-days-to-award",
        title="Median days from call to award, by year",
        description="The median number of days from the opening of the call (tender start) to "
        "the award, for commissions awarded in each financial year.",
        units="Median days per financial year of award",
        source=SOURCE,
        page="/commissioning",
        build=days_to_award_figure,
        count_column="commissions",
    ),
]
