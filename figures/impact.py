"""Impact figures: research flowing into decisions, influence types over time, and the time
from a project's end to the decision it informed. Pure: DataFrame in, figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.ranked import RankedSection, ranked_sections_figure, top_and_other
from figures.registry import Chart
from figures.style import PALETTE, apply_style

SOURCE = "Policy decisions and research projects registers"

INFLUENCE_LABELS = {
    "policy-citation": "Policy citation",
    "strategy-or-plan": "Strategy or plan",
    "commissioning-change": "Commissioning change",
    "service-change": "Service change",
    "budget-allocation": "Budget allocation",
    "advisory-membership": "Advisory membership",
    "consultation-response": "Consultation response",
    "practitioner-guidance": "Practitioner guidance",
}
INFLUENCE_COLOURS = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(INFLUENCE_LABELS)}
LABEL_LENGTH = 48


def influence_label(value: str) -> str:
    return INFLUENCE_LABELS.get(value, value[:1].upper() + value[1:].replace("-", " "))


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _dark(theme: str) -> bool:
    return theme == "dark"


def flow_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """A Sankey of citations: topics on the left, projects in the middle, decision bodies on
    the right. Each link's width is the number of citations."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    topics = sorted(set(data["topic"]))
    projects = list(
        data.groupby("project", sort=False)["citations"]
        .sum()
        .sort_values(ascending=False, kind="stable")
        .index
    )
    bodies = sorted(set(data["decision_body"]))
    nodes = [*topics, *projects, *bodies]
    index = {("topic", t): i for i, t in enumerate(topics)}
    index.update({("project", p): len(topics) + i for i, p in enumerate(projects)})
    index.update({("body", b): len(topics) + len(projects) + i for i, b in enumerate(bodies)})
    kinds = ["Topic"] * len(topics) + ["Project"] * len(projects) + ["Decision body"] * len(bodies)
    colours = [PALETTE[0]] * len(topics) + [PALETTE[1]] * len(projects) + [PALETTE[2]] * len(bodies)
    left = data.groupby(["topic", "project"], as_index=False, sort=False)["citations"].sum()
    right = data.groupby(["project", "decision_body"], as_index=False, sort=False)[
        "citations"
    ].sum()
    sources = [index[("topic", t)] for t in left["topic"]] + [
        index[("project", p)] for p in right["project"]
    ]
    targets = [index[("project", p)] for p in left["project"]] + [
        index[("body", b)] for b in right["decision_body"]
    ]
    values = [int(v) for v in left["citations"]] + [int(v) for v in right["citations"]]
    link_colour = "rgba(200,200,200,0.25)" if _dark(theme) else "rgba(31,95,168,0.18)"
    figure.add_trace(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [_short(str(n)) for n in nodes],
                "customdata": [[str(n), k] for n, k in zip(nodes, kinds, strict=True)],
                "hovertemplate": "%{customdata[1]}: %{customdata[0]}<br>"
                "%{value:,} citations<extra></extra>",
                "color": colours,
                "pad": 8,
                "thickness": 14,
                "line": {"width": 0},
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "color": link_colour,
                "hovertemplate": "%{source.customdata[0]} → %{target.customdata[0]}<br>"
                "%{value:,} citations<extra></extra>",
            },
            textfont={"size": 11, "color": "#e8e8e8" if _dark(theme) else "#212529"},
        )
    )
    # Room for every named project to carry a readable label beside its node.
    height = max(420, 40 * len(projects) + 60)
    return apply_style(figure, theme, height=height)


def flow_narrow_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """The citation flow on a phone: topics, projects and decision-makers one under the other,
    each ranked by citations (figures.ranked)."""
    if data.empty:
        return apply_style(go.Figure(), theme)

    def section(title: str, column: str, other: str, colour: str) -> RankedSection:
        totals = {str(k): float(v) for k, v in data.groupby(column)["citations"].sum().items()}
        names, values = top_and_other(totals, other)
        shown = [f"{v:,.0f} citation{'' if v == 1 else 's'}" for v in values]
        return RankedSection(title, names, values, shown, [colour] * len(names), other)

    return ranked_sections_figure(
        [
            section("Research topics", "topic", "Other topics", PALETTE[0]),
            section("Most-cited projects", "project", "Other projects", PALETTE[1]),
            section("Decision-makers", "decision_body", "Other decision-makers", PALETTE[2]),
        ],
        theme,
    )


def influence_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars of decisions per financial year, one colour per influence type."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    present = set(data["influence_type"])
    kinds = [k for k in INFLUENCE_LABELS if k in present] + sorted(present - set(INFLUENCE_LABELS))
    years = sorted(set(data["financial_year"]))
    for i, kind in enumerate(kinds):
        rows = data[data["influence_type"] == kind].set_index("financial_year").reindex(years)
        figure.add_bar(
            x=years,
            y=rows["decisions"].fillna(0).astype(int),
            name=influence_label(kind),
            marker_color=INFLUENCE_COLOURS.get(kind, PALETTE[i % len(PALETTE)]),
            hovertemplate="%{x}<br>" + influence_label(kind) + ": %{y:,} decisions<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title_text="Financial year of the decision", type="category")
    figure.update_yaxes(title_text="Decisions", rangemode="tozero", tickformat=",d")
    return apply_style(figure, theme, height=420)


def time_to_decision_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of citations by the time from the cited project's end to the decision, in time
    order; decisions made before the project ended stand apart in another colour."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    bands = [str(b) for b in data["band"]]
    counts = [int(c) for c in data["citations"]]
    figure.add_bar(
        x=bands,
        y=counts,
        text=[f"{c:,}" for c in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=[PALETTE[1] if b.startswith("During") else PALETTE[0] for b in bands],
        hovertemplate="%{x}: %{y:,} citations<extra></extra>",
        name="Citations",
    )
    figure.update_layout(showlegend=False)
    figure.update_xaxes(title_text="Time from the project's end to the decision", type="category")
    figure.update_yaxes(
        title_text="Citations",
        rangemode="tozero",
        tickformat=",d",
        range=[0, max(counts) * 1.2 or 1],
    )
    return apply_style(figure, theme, height=380)


CHARTS = [
    Chart(
        chart_id="impact-flow",
        title="From research topic to project to decision-maker",
        description="Each band is a citation of a published project in a published decision: "
        "from the project's first topic, through the project, to the body that decided. The "
        '15 most-cited projects are named; the rest are grouped as "Other projects".',
        units="Citations",
        source=SOURCE,
        page="/impact",
        build=flow_figure,
        narrow_build=flow_narrow_figure,
        count_column="citations",
    ),
    Chart(
        chart_id="impact-influence-over-time",
        title="Decisions informed by research, by influence type",
        description="Published decisions that cite P&C research, per financial year of the "
        "decision, by how the research influenced them.",
        units="Decisions",
        source=SOURCE,
        page="/impact",
        build=influence_figure,
        count_column="decisions",
    ),
    Chart(
        chart_id="impact-time-to-decision",
        title="Time from a project's end to the decision it informed",
        description="Citations by the time between the cited project's end date and the "
        'decision; a decision on or before the end counts as "during the project". Projects '
        "with no end date are left out.",
        units="Citations",
        source=SOURCE,
        page="/impact",
        build=time_to_decision_figure,
        count_column="citations",
    ),
]
