"""Funding figures: received and awarded by year and funder, the money flow, top recipients,
the P&C share of research funding and pooled-fund contributions. Pure: DataFrame in, figure
out. Amounts arrive in pence and are drawn in pounds."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.ranked import RankedSection, ranked_sections_figure, top_and_other
from figures.registry import Chart
from figures.style import PALETTE, apply_style, legend_name, pounds
from figures.summaries import funding_by_year_summary

SOURCE = "360Giving grants"
# Awarded and received by the home organisations (Council, NHS, research collaboration);
# "external" grants are between other funders and local groups.
DIRECTION_LABELS = {"awarded": "Awarded", "received": "Received", "external": "External"}
OTHER_FUNDERS = "Other funders"  # what the queries call the funders beyond the largest
# The same words and colours as the commissioning page's routes.
ROUTE_LABELS = {
    "contract": "Contract",
    "grant": "Grant",
    "participatory": "Participatory",
    "pooled": "Pooled budget",
    "collaborative": "Collaborative",
    "in-kind": "In-kind",
}
ROUTE_COLOURS = {route: PALETTE[i] for i, route in enumerate(ROUTE_LABELS)}
RECIPIENT_TYPE_LABELS = {
    "charity": "Charities",
    "company": "Companies",
    "council": "Councils",
    "nhs": "NHS bodies",
    "individual": "Individuals",
    "other": "Other organisations",
    "unknown": "Type not known",
}
RECIPIENT_KIND_LABELS = {
    "charity": "Charity",
    "company": "Company",
    "council": "Council",
    "nhs": "NHS body",
    "individual": "Individual",
    "other": "Other organisation",
    "unknown": "Type not known",
}
LONGEST_NAME = 40
GREY = "#7f8c8d"


def _label(mapping: dict[str, str], value: object) -> str:
    text = str(value)
    return mapping.get(text, text.replace("-", " ").capitalize())


def _colours(names: Iterable[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(dict.fromkeys(names))}


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def money_axis(largest_pounds: float, *, count: int = 5) -> dict[str, object]:
    """Axis ticks at round amounts, labelled as the cards write money (£250k, £5.00m)."""
    if largest_pounds <= 0 or not math.isfinite(largest_pounds):
        return {"tickvals": [0], "ticktext": ["£0"]}
    raw_step = largest_pounds / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    ticks = [i * step for i in range(int(largest_pounds // step) + 2)]
    return {"tickvals": ticks, "ticktext": [pounds(t * 100) for t in ticks]}


def _short(name: str) -> str:
    return name if len(name) <= LONGEST_NAME else name[: LONGEST_NAME - 1].rstrip() + "…"


def _unique(labels: Iterable[str]) -> list[str]:
    """Labels made unique (a category axis would merge two bars of the same name)."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result


def _funders_by_total(data: pd.DataFrame, column: str = "funder") -> list[str]:
    """Funders largest first, "Other funders" last, so every chart colours them alike."""
    totals = data.groupby(column)["amount_pence"].sum().sort_values(ascending=False, kind="stable")
    names = [str(name) for name in totals.index]
    return [n for n in names if n != OTHER_FUNDERS] + [n for n in names if n == OTHER_FUNDERS]


def _funder_colours(funders: list[str]) -> dict[str, str]:
    colours = _colours(f for f in funders if f != OTHER_FUNDERS)
    return {**colours, OTHER_FUNDERS: GREY}


def funding_by_year_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """One row of bars per direction (awarded, received, external), each titled on its £ axis
    and all on the same scale: £ per financial year, stacked by funder."""
    if data.empty:
        return apply_style(go.Figure(), theme, height=420)
    funders = _funders_by_total(data)
    colours = _funder_colours(funders)
    directions = [d for d in DIRECTION_LABELS if d in set(data["direction"])]
    directions += sorted(set(map(str, data["direction"])) - set(directions))
    years = sorted(set(map(str, data["financial_year"])))
    figure = make_subplots(
        rows=len(directions),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08 if len(directions) > 1 else 0.0,
    )
    for funder in funders:
        rows = data[data["funder"] == funder]
        in_legend = False
        for row_number, direction in enumerate(directions, start=1):
            subset = rows[rows["direction"] == direction]
            if subset.empty:
                continue
            figure.add_bar(
                x=subset["financial_year"],
                y=subset["amount_pence"] / 100,
                name=legend_name(funder),
                legendgroup=funder,
                showlegend=not in_legend,
                marker_color=colours[funder],
                customdata=subset["grants"],
                hovertemplate=(
                    f"<b>{funder}</b><br>{_label(DIRECTION_LABELS, direction)} %{{x}}<br>"
                    "£%{y:,.0f} in %{customdata:,} grants<extra></extra>"
                ),
                row=row_number,
                col=1,
            )
            in_legend = True
    totals = data.groupby(["financial_year", "direction"])["amount_pence"].sum() / 100
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    figure.update_yaxes(range=[0, float(totals.max()) * 1.05], **money_axis(float(totals.max())))
    for row_number, direction in enumerate(directions, start=1):
        figure.update_yaxes(title_text=_label(DIRECTION_LABELS, direction), row=row_number, col=1)
    return apply_style(figure, theme, height=130 + 170 * len(directions))


def funding_flow_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """A Sankey of £: funders on the left, commissioning routes in the middle, recipient
    types on the right; each band is as wide as the money it carries."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme, height=460)

    def by_total(column: str) -> list[str]:
        totals = data.groupby(column)["amount_pence"].sum().sort_values(ascending=False)
        return [str(v) for v in totals.index]

    funders = _funders_by_total(data)
    routes, kinds = by_total("route"), by_total("recipient_type")
    funder_colours = _funder_colours(funders)
    labels = (
        funders
        + [_label(ROUTE_LABELS, r) for r in routes]
        + [_label(RECIPIENT_TYPE_LABELS, k) for k in kinds]
    )
    colours = (
        [funder_colours[f] for f in funders]
        + [ROUTE_COLOURS.get(r, GREY) for r in routes]
        + [GREY] * len(kinds)
    )
    index = {
        **{("funder", f): i for i, f in enumerate(funders)},
        **{("route", r): len(funders) + i for i, r in enumerate(routes)},
        **{("recipient_type", k): len(funders) + len(routes) + i for i, k in enumerate(kinds)},
    }
    sources: list[int] = []
    targets: list[int] = []
    values: list[float] = []
    counts: list[int] = []
    link_colours: list[str] = []
    for left, right in (("funder", "route"), ("route", "recipient_type")):
        links = data.groupby([left, right], as_index=False)[["grants", "amount_pence"]].sum()
        for _, row in links.iterrows():
            sources.append(index[(left, str(row[left]))])
            targets.append(index[(right, str(row[right]))])
            values.append(float(row["amount_pence"]) / 100)
            counts.append(int(row["grants"]))
            colour = (
                funder_colours[str(row["funder"])]
                if left == "funder"
                else ROUTE_COLOURS.get(str(row["route"]), GREY)
            )
            link_colours.append(_rgba(colour, 0.35))
    figure.add_trace(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            node={
                "label": labels,
                "color": colours,
                "pad": 14,
                "thickness": 16,
                "hovertemplate": "<b>%{label}</b><br>£%{value:,.0f}<extra></extra>",
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "customdata": counts,
                "color": link_colours,
                "hovertemplate": (
                    "%{source.label} → %{target.label}<br>"
                    "£%{value:,.0f} in %{customdata:,} grants<extra></extra>"
                ),
            },
        )
    )
    return apply_style(figure, theme, height=460)


def funding_flow_narrow_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """The money flow on a phone: its three columns one under the other, as ranked bars of £
    from funders, through routes, to kinds of recipient (figures.ranked)."""
    funder_colours = _funder_colours(_funders_by_total(data)) if not data.empty else {}

    def section(title: str, column: str, labels: dict[str, str], other: str) -> RankedSection:
        totals = {str(k): float(v) for k, v in data.groupby(column)["amount_pence"].sum().items()}
        names, values = top_and_other(totals, other)
        if column == "funder":
            colours = [funder_colours.get(n, GREY) for n in names]
        elif column == "route":
            colours = [ROUTE_COLOURS.get(n, GREY) for n in names]
        else:
            colours = [GREY] * len(names)
        return RankedSection(
            title,
            [n if n == other or column == "funder" else _label(labels, n) for n in names],
            [v / 100 for v in values],
            [pounds(v) for v in values],
            colours,
            other,
        )

    if data.empty:
        return apply_style(go.Figure(), theme, height=460)
    return ranked_sections_figure(
        [
            section("From funders", "funder", {}, OTHER_FUNDERS),
            section("Through routes", "route", ROUTE_LABELS, "Other routes"),
            section(
                "To kinds of recipient", "recipient_type", RECIPIENT_TYPE_LABELS, "Other kinds"
            ),
        ],
        theme,
    )


def top_recipients_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Horizontal bars of £ received by each of the top recipients, largest at the top,
    coloured by the kind of organisation."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    rows = data.reset_index(drop=True)
    names = _unique(_short(str(name)) for name in rows["recipient"])
    kinds = [str(kind) for kind in rows["recipient_type"]]
    kind_colours = _colours(kinds)
    for kind in dict.fromkeys(kinds):
        picked = [i for i, k in enumerate(kinds) if k == kind]
        subset = rows.iloc[picked]
        figure.add_bar(
            y=[names[i] for i in picked],
            x=subset["amount_pence"] / 100,
            orientation="h",
            name=_label(RECIPIENT_KIND_LABELS, kind),
            marker_color=kind_colours[kind],
            text=[pounds(float(v)) for v in subset["amount_pence"]],
            textposition="auto",
            customdata=list(zip(subset["recipient"], subset["grants"], strict=True)),
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>£%{x:,.0f} in %{customdata[1]:,} grants<extra></extra>"
            ),
        )
    figure.update_layout(barmode="stack", bargap=0.25)
    figure.update_yaxes(categoryorder="array", categoryarray=names[::-1])
    figure.update_xaxes(
        title_text="£ received", **money_axis(float(rows["amount_pence"].max()) / 100)
    )
    return apply_style(figure, theme, height=max(260, 28 * len(rows) + 110))


def top_recipients_narrow_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """The top recipients on a phone: each name, its kind and its £ written above its bar
    (figures.ranked), largest first, so that long names do not take the width the bars and
    the legend need (at 390 px the names left the bars a tenth of the card)."""
    if data.empty:
        return apply_style(go.Figure(), theme)
    rows = data.reset_index(drop=True)
    kinds = [str(kind) for kind in rows["recipient_type"]]
    kind_colours = _colours(kinds)
    pence = [float(v) for v in rows["amount_pence"]]
    received = RankedSection(
        "£ received, largest first",
        [
            f"{name} ({_label(RECIPIENT_KIND_LABELS, kind)})"
            for name, kind in zip(rows["recipient"], kinds, strict=True)
        ],
        [v / 100 for v in pence],
        [pounds(v) for v in pence],
        [kind_colours[kind] for kind in kinds],
    )
    return ranked_sections_figure([received], theme)


def pc_share_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of the share of research funding (£) that went to P&C research, per year."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    shares = data["pc_share"].astype(float)
    figure.add_bar(
        x=data["financial_year"],
        y=shares,
        name="P&C research share",
        marker_color=PALETTE[2],
        text=[f"{share:.0%}" for share in shares],
        textposition="outside",
        cliponaxis=False,
        customdata=list(
            zip(
                [pounds(float(v)) for v in data["pc_research_pence"]],
                [pounds(float(v)) for v in data["research_pence"]],
                data["pc_research_grants"].astype(int),
                data["research_grants"].astype(int),
                strict=True,
            )
        ),
        hovertemplate=(
            "<b>%{x}</b><br>%{y:.1%} of research funding is P&C research<br>"
            "%{customdata[0]} of %{customdata[1]}<br>"
            "%{customdata[2]:,} of %{customdata[3]:,} research grants<extra></extra>"
        ),
    )
    figure.update_yaxes(
        title_text="P&C share of research £", tickformat=".0%", range=[0, 1.08], dtick=0.25
    )
    figure.update_layout(showlegend=False)
    return apply_style(figure, theme, height=470)


def pooled_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars of £ paid through pooled funds per year, one colour per partner."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    partners = _funders_by_total(data, "partner")
    colours = _funder_colours(partners)
    for partner in partners:
        subset = data[data["partner"] == partner]
        figure.add_bar(
            x=subset["financial_year"],
            y=subset["amount_pence"] / 100,
            name=legend_name(partner),
            marker_color=colours[partner],
            customdata=subset["grants"],
            hovertemplate=(
                f"<b>{partner}</b><br>%{{x}}<br>£%{{y:,.0f}} in %{{customdata:,}} grants"
                "<extra></extra>"
            ),
        )
    totals = data.groupby("financial_year")["amount_pence"].sum() / 100
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text="£ through pooled funds", **money_axis(float(totals.max())))
    figure.update_xaxes(type="category")
    return apply_style(figure, theme)


CHARTS = [
    Chart(
        chart_id="funding-by-year",
        title="Received vs awarded by year, stacked by funder",
        description="Grants in pounds per UK financial year, stacked by funder, in one row "
        "each, on one scale, for money the home organisations (Council, NHS, research "
        "collaboration) awarded, money they received, and external grants from other funders "
        "to local groups.",
        units="£ of grants per financial year",
        source=SOURCE,
        page="/funding",
        build=funding_by_year_figure,
        count_column="grants",
        summary=funding_by_year_summary,
    ),
    Chart(
        chart_id="funding-flow",
        title="Money flow: funder → route → recipient type",
        description="Where the money goes: each band runs from a funder through the route it "
        "was commissioned by (grant, participatory, pooled, in-kind, collaborative) to the kind "
        "of organisation that received it, as wide as the pounds it carries.",
        units="£ of grants",
        source=SOURCE,
        page="/funding",
        build=funding_flow_figure,
        narrow_build=funding_flow_narrow_figure,
        count_column="grants",
    ),
    Chart(
        chart_id="funding-top-recipients",
        title="Top 15 recipients by £",
        description="The organisations that received the most, in pounds, under the filters. "
        "Grants to individuals are left out.",
        units="£ received",
        source=SOURCE,
        page="/funding",
        build=top_recipients_figure,
        narrow_build=top_recipients_narrow_figure,
        count_column="grants",
    ),
    Chart(
        chart_id="funding-pc-share",
        title="Share of P&C research in all research funding, by year",
        description="Of the pounds granted for research each year, the share that went to "
        "peer and community research. Research grants are the P&C research grants and any "
        "grant from a programme whose title mentions research.",
        units="% of research £ per financial year",
        source=SOURCE,
        page="/funding",
        build=pc_share_figure,
        count_column="research_grants",
    ),
    Chart(
        chart_id="funding-pooled",
        title="Pooled-fund contributions by partner",
        description="Pounds each partner paid through pooled funds and budgets, per financial "
        "year.",
        units="£ per financial year",
        source=SOURCE,
        page="/funding",
        build=pooled_figure,
        count_column="grants",
    ),
]
