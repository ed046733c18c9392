"""Spend figures: what the Council and NHS bodies paid, in spend over £500, to organisations
that also receive P&C research grants, by year and paying body, and by service. Pure:
DataFrame in, figure out. Amounts arrive in pence and are drawn in pounds.

Totals the query suppressed (fewer than 5 payments) arrive as "fewer than 5" with no amount;
they are left out of the chart, so a suppressed figure is never drawn, and the card says so.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.funding import money_axis
from figures.money import pounds
from figures.registry import Chart
from figures.style import PALETTE, apply_style, legend_name

SOURCE = "Spend over £500 (Transparency Code), matched to 360Giving P&C grant recipients"
LONGEST_NAME = 38
OTHER_SERVICES = "Other services"  # what the query calls the services beyond the largest
GREY = "#7f8c8d"


def shown(data: pd.DataFrame) -> pd.DataFrame:
    """The rows whose total may be drawn: those with an amount (not suppressed)."""
    amounts = pd.to_numeric(data["amount_pence"], errors="coerce")
    rows = data[amounts.notna()].copy()
    rows["amount_pence"] = amounts[amounts.notna()].astype("int64")
    rows["payments"] = pd.to_numeric(rows["payments"], errors="coerce").fillna(0).astype("int64")
    return rows


def _short(name: str) -> str:
    return name if len(name) <= LONGEST_NAME else name[: LONGEST_NAME - 1].rstrip() + "…"


def spend_by_year_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of £ paid to P&C grant recipients per financial year, stacked by paying body."""
    figure = go.Figure()
    rows = shown(data)
    if rows.empty:
        return apply_style(figure, theme)
    payers = list(rows.groupby("payer")["amount_pence"].sum().sort_values(ascending=False).index)
    for index, payer in enumerate(payers):
        subset = rows[rows["payer"] == payer]
        figure.add_bar(
            x=subset["financial_year"],
            y=subset["amount_pence"] / 100,
            name=legend_name(payer),
            marker_color=PALETTE[index % len(PALETTE)],
            customdata=subset["payments"],
            hovertemplate=(
                f"<b>{payer}</b><br>%{{x}}<br>£%{{y:,.0f}} in %{{customdata:,}} payments"
                "<extra></extra>"
            ),
        )
    totals = rows.groupby("financial_year")["amount_pence"].sum() / 100
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_xaxes(
        type="category", categoryorder="array", categoryarray=sorted(set(rows["financial_year"]))
    )
    figure.update_yaxes(
        title_text="£ paid to P&C grant recipients",
        range=[0, float(totals.max()) * 1.05],
        **money_axis(float(totals.max())),
    )
    return apply_style(figure, theme)


def spend_by_service_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Horizontal bars of £ paid to P&C grant recipients by each service, largest at the top,
    "Other services" last. Each service's name and amount sit above its bar, not beside the
    axis, so long names leave the bars their width on a phone."""
    figure = go.Figure()
    rows = shown(data).reset_index(drop=True)
    if rows.empty:
        return apply_style(figure, theme)
    rows = pd.concat(
        [rows[rows["service"] != OTHER_SERVICES], rows[rows["service"] == OTHER_SERVICES]],
        ignore_index=True,
    )
    services = [str(name) for name in rows["service"]]
    figure.add_bar(
        y=services,
        x=rows["amount_pence"] / 100,
        orientation="h",
        width=0.45,
        marker_color=[GREY if s == OTHER_SERVICES else PALETTE[0] for s in services],
        customdata=rows["payments"],
        hovertemplate="<b>%{y}</b><br>£%{x:,.0f} in %{customdata:,} payments<extra></extra>",
        name="Paid",
    )
    for service, pence in zip(services, rows["amount_pence"], strict=True):
        figure.add_annotation(
            x=0,
            y=service,
            text=f"{_short(service)} · <b>{pounds(float(pence))}</b>",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            yshift=6,
            font={"size": 12},
        )
    figure.update_layout(showlegend=False, bargap=0.25)
    # Plotly draws the first category at the bottom, so the array runs bottom to top.
    figure.update_yaxes(categoryorder="array", categoryarray=services[::-1], showticklabels=False)
    figure.update_xaxes(
        title_text="£ paid to P&C grant recipients",
        # Few ticks: the card is narrow, and crowded ticks turn sideways.
        **money_axis(float(rows["amount_pence"].max()) / 100, count=3),
    )
    return apply_style(figure, theme, height=max(260, 48 * len(rows) + 90))


CHARTS = [
    Chart(
        chart_id="spend-by-year",
        title="Spend with P&C grant recipients, by year and paying body",
        description="Payments over £500 by the Council and NHS bodies to organisations that "
        "also received a P&C research grant, in pounds (net of VAT) per UK financial year, "
        "stacked by the body that paid. Totals of fewer than 5 payments are not shown.",
        units="£ paid per financial year",
        source=SOURCE,
        page="/spend",
        build=spend_by_year_figure,
        count_column="payments",
    ),
    Chart(
        chart_id="spend-by-service",
        title="Spend with P&C grant recipients, by service",
        description="The same payments by the service (department or service area) that made "
        "them, largest first; beyond the 12 largest, the rest together. Totals of fewer than "
        "5 payments are not shown.",
        units="£ paid",
        source=SOURCE,
        page="/spend",
        build=spend_by_service_figure,
        count_column="payments",
    ),
]
