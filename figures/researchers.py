"""Researcher capacity figures: training by audience, the accredited share, and payment practice.

Counts that the query suppressed arrive as text ("fewer than 5") and dependent figures as blanks;
these functions leave them out of the chart, so a suppressed number is never drawn.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.registry import Chart
from figures.style import PALETTE, apply_style

AUDIENCE_LABELS = {
    "pc-researchers": "P&C researchers",
    "policymakers": "Policymakers",
    "academics": "Academics",
    "community-organisations": "Community organisations",
}
METHOD_LABELS = {
    "bank-transfer": "Bank transfer",
    "payroll": "Payroll",
    "voucher": "Voucher",
    "cash": "Cash",
    "other": "Other",
}
NOT_SHOWN = "Not shown (fewer than 5 payments)"
NOT_SHOWN_COLOUR = "#b0b7bf"
PAYMENTS_SOURCE = "Payments register (aggregated by quarter, provider and method)"


def _label(value: str, labels: dict[str, str]) -> str:
    return labels.get(value, str(value).replace("-", " ").capitalize())


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers, with suppressed or blank cells as NaN."""
    return pd.to_numeric(values, errors="coerce")


def _ordered(values: pd.Series, labels: dict[str, str]) -> list[str]:
    """Known codes in the labels' order, then any others as they come."""
    present = list(dict.fromkeys(values))
    return [v for v in labels if v in present] + [v for v in present if v not in labels]


def training_attendance_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Two panels over financial years: events, and attendees, each stacked by audience."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    years = sorted(set(data["financial_year"]))
    for index, audience in enumerate(_ordered(data["audience"], AUDIENCE_LABELS)):
        rows = data[data["audience"] == audience]
        name = _label(audience, AUDIENCE_LABELS)
        colour = PALETTE[index % len(PALETTE)]
        figure.add_bar(
            x=rows["financial_year"],
            y=rows["events"],
            name=name,
            legendgroup=name,
            marker_color=colour,
            hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y:,}} events<extra></extra>",
            row=1,
            col=1,
        )
        attendees = _numbers(rows["attendees"])
        shown = attendees.notna()
        figure.add_bar(
            x=rows["financial_year"][shown],
            y=attendees[shown],
            name=name,
            legendgroup=name,
            showlegend=False,
            marker_color=colour,
            hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y:,}} attendees<extra></extra>",
            row=2,
            col=1,
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    figure.update_yaxes(title_text="Events", row=1, col=1, rangemode="tozero")
    figure.update_yaxes(title_text="Attendees", row=2, col=1, rangemode="tozero")
    return apply_style(figure, theme, height=460)


def training_accredited_share_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of the share of training events that were accredited, per financial year."""
    figure = go.Figure()
    if not data.empty:
        figure.add_bar(
            x=data["financial_year"],
            y=data["accredited_share_pct"],
            marker_color=PALETTE[2],
            text=[
                f"{share:.0f}%<br>{accredited} of {events}"
                for share, accredited, events in zip(
                    data["accredited_share_pct"],
                    data["accredited_events"],
                    data["events"],
                    strict=True,
                )
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=data[["accredited_events", "events"]].to_numpy(),
            hovertemplate="%{x}: %{y:.1f}% accredited"
            "<br>%{customdata[0]} of %{customdata[1]} events<extra></extra>",
            name="Accredited share",
        )
    figure.update_xaxes(type="category")
    figure.update_yaxes(
        title_text="Accredited events (%)", range=[0, 100], ticksuffix="%", fixedrange=True
    )
    apply_style(figure, theme, height=360)
    figure.update_layout(showlegend=False, margin={"t": 30})
    return figure


def payments_days_to_pay_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """One line per provider: median days from claim to payment, by quarter; quarters with
    fewer than 5 payments leave a gap."""
    figure = go.Figure()
    quarters = sorted(set(data["quarter"]))
    for index, provider in enumerate(dict.fromkeys(data["provider"])):
        rows = data[data["provider"] == provider]
        days = _numbers(rows["median_days_to_pay"])
        figure.add_scatter(
            x=rows["quarter"],
            y=[None if pd.isna(d) else float(d) for d in days],
            customdata=rows["payments"].astype(str),
            name=str(provider),
            mode="lines+markers",
            connectgaps=False,
            line={"color": PALETTE[index % len(PALETTE)], "width": 2},
            hovertemplate=f"<b>{provider}</b><br>%{{x}}: %{{y:.0f}} days"
            "<br>%{customdata} payments<extra></extra>",
        )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    figure.update_yaxes(title_text="Median days to pay", rangemode="tozero")
    apply_style(figure, theme, height=400)
    return figure


def payments_method_share_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """100% stacked bars by quarter: the share of payments made by each method; methods with
    fewer than 5 payments in a quarter are shown together, in grey, without a number."""
    figure = go.Figure()
    quarters = sorted(set(data["quarter"]))
    shares = data.assign(share=_numbers(data["share_pct"]))
    for index, method in enumerate(_ordered(data["method"], METHOD_LABELS)):
        rows = shares[(shares["method"] == method) & shares["share"].notna()]
        if rows.empty:
            continue
        name = _label(method, METHOD_LABELS)
        figure.add_bar(
            x=rows["quarter"],
            y=rows["share"],
            name=name,
            marker_color=PALETTE[index % len(PALETTE)],
            customdata=rows["payments"].astype(str),
            hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y:.1f}}%"
            " (%{customdata} payments)<extra></extra>",
        )
    shown = shares.groupby("quarter")["share"].sum()
    hidden = (100 - shown).round(1)
    hidden = hidden[hidden > 0.05]
    if not hidden.empty:
        figure.add_bar(
            x=list(hidden.index),
            y=list(hidden),
            name=NOT_SHOWN,
            marker_color=NOT_SHOWN_COLOUR,
            hovertemplate="%{x}: %{y:.1f}% by methods used fewer than 5 times<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    figure.update_yaxes(
        title_text="Share of payments (%)", range=[0, 100], ticksuffix="%", fixedrange=True
    )
    apply_style(figure, theme, height=400)
    return figure


CHARTS = [
    Chart(
        chart_id="training-attendance",
        title="Training events and attendees, by audience",
        description="Training events for P&C researchers, policymakers, academics and community "
        "organisations, and the people who attended, per UK financial year. Attendance of fewer "
        "than 5 people in a group is not shown.",
        units="Events and attendees per financial year",
        source="Training events register",
        page="/researchers",
        build=training_attendance_figure,
        count_column="events",
    ),
    Chart(
        chart_id="training-accredited-share",
        title="Share of training events that were accredited",
        description="Of the training events in each UK financial year, the percentage that led "
        "to an accredited award.",
        units="% of events per financial year",
        source="Training events register",
        page="/researchers",
        build=training_accredited_share_figure,
        count_column="events",
    ),
    Chart(
        chart_id="payments-days-to-pay",
        title="Median days to pay P&C researchers, by provider",
        description="For each quarter and each organisation that paid researchers, the median "
        "number of days from claim or invoice to payment. Quarters with fewer than 5 payments "
        "from a provider are not shown.",
        units="Days from claim to payment (median) per quarter",
        source=PAYMENTS_SOURCE,
        page="/researchers",
        build=payments_days_to_pay_figure,
        count_column="payments",
    ),
    Chart(
        chart_id="payments-method-share",
        title="How P&C researchers were paid: share by payment method",
        description="For each quarter, the percentage of payments to researchers made by bank "
        "transfer, payroll, voucher, cash or other means, across all providers. Methods used "
        "fewer than 5 times in a quarter are shown together in grey, without a count.",
        units="% of payments per quarter",
        source=PAYMENTS_SOURCE,
        page="/researchers",
        build=payments_method_share_figure,
        count_column="payments",
    ),
]
