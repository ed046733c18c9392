"""Gap-map figures: the topic x ward (or population group) matrix with each column's need, and
P&C research funding per head by ward deprivation decile. Pure: DataFrame in, figure out.

The matrix marks an absolute gap (no published project in the cell) twice, so that colour is
never the only sign: an amber cell outside the blue scale of covered cells, and the word "gap".
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.money import money
from figures.registry import Chart
from figures.style import PALETTE, add_reference_line, apply_style

SOURCE_MATRIX = "P&C research register; need from IoD, Fingertips or Census 2021"
SOURCE_EQUITY = "360Giving grants (P&C research); IoD deprivation; population from IoD"
GAP_COLOUR = "#f5c38b"
GAP_TEXT_COLOUR = "#5c3200"
COVERED_SCALE = [[0.0, "#cfe0f3"], [0.5, "#5b8fc9"], [1.0, "#173f73"]]
NEED_COLOUR = PALETTE[3]
LEVELS = ["inform", "consult", "involve", "co-produce", "community-led", "not recorded"]
COLUMN_NAMES = {"ward": "Ward", "population_group": "Population group"}


def column_field(data: pd.DataFrame) -> str:
    """The matrix's column field: "ward" or "population_group"."""
    return "ward" if "ward" in data.columns else "population_group"


def cell_text(projects: int, active: int) -> str:
    """What a cell says: "gap", "5", or "5 (2)" when 2 of the 5 are ongoing or planned."""
    if projects <= 0:
        return "gap"
    return f"{projects} ({active})" if active else f"{projects}"


def _breakdown(row: pd.Series) -> str:
    """ "<br>Involve 3 · Co-produce 2", or nothing when the levels are not known."""
    present = [level for level in LEVELS if level in row.index]
    parts = [f"{level.capitalize()} {int(row[level])}" for level in present if int(row[level])]
    return f"<br>{' · '.join(parts)}" if parts else ""


def _need_text(value: float) -> str:
    if value != value:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _hover(row: pd.Series, topic: str, column: str, count: int, live: int) -> str:
    need = ""
    if row["need"] == row["need"]:
        need = f"<br>Need {_need_text(float(row['need']))}"
        if row["need_percentile"] == row["need_percentile"]:
            need += f" (percentile {float(row['need_percentile']):.0f})"
    score = ""
    if row["gap_score"] == row["gap_score"]:
        score = f"<br>Gap score {float(row['gap_score']):.1f}"
    head = (
        "No published project: a gap"
        if count == 0
        else f"{count} projects, {live} ongoing or planned"
    )
    return f"<b>{topic}</b><br>{column}<br>{head}{_breakdown(row)}{need}{score}"


NEED_ROW_PREFIX = "Need: "


def _count(cell: object) -> tuple[int, int]:
    """ "5 (2)" -> (5, 2); "gap" -> (0, 0)."""
    text = str(cell).strip()
    if not text or text == "gap":
        return 0, 0
    total, _, rest = text.partition(" (")
    return int(total), int(rest.rstrip(")") or 0)


def cells_from_table(table: pd.DataFrame) -> pd.DataFrame:
    """The cell rows behind a matrix table read back from its text (no participation levels
    or gap scores), for a table that arrives without its ``attrs``."""
    columns = [c for c in table.columns if c not in ("topic", "projects_in_topic")]
    need_rows = table[table["topic"].astype(str).str.startswith(NEED_ROW_PREFIX)]
    field = "ward" if not need_rows.empty else "population_group"
    need: dict[str, float] = {}
    indicator = "No area indicator"
    if not need_rows.empty:
        indicator = str(need_rows["topic"].iloc[0]).removeprefix(NEED_ROW_PREFIX)
        need = {c: float(str(need_rows[c].iloc[0]).replace(",", "") or "nan") for c in columns}
    rows = []
    for _, row in table.drop(need_rows.index).iterrows():
        for column in columns:
            projects, active = _count(row[column])
            rows.append(
                {
                    "topic": row["topic"],
                    field: column,
                    "projects": projects,
                    "ongoing_or_planned": active,
                    "need": need.get(column, float("nan")),
                    "need_indicator": indicator,
                    "need_percentile": float("nan"),
                    "gap_score": float("nan"),
                }
            )
    return pd.DataFrame(rows)


def matrix_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Heatmap of projects per topic (rows) and column (wards, neediest first, or population
    groups), gaps in amber marked "gap"; above it, each ward's need as bars. Reads the cell
    rows in ``data.attrs["cells"]`` (with participation levels for the hover), else the
    table's own text."""
    if data.empty:
        return apply_style(go.Figure(), theme)
    cells = data.attrs.get("cells")
    data = cells if isinstance(cells, pd.DataFrame) else cells_from_table(data)
    field = column_field(data)
    columns = list(dict.fromkeys(data[field]))
    topics = sorted(dict.fromkeys(data["topic"]), reverse=True)
    has_need = bool(data["need"].notna().any())
    height = max(360, 30 * len(topics) + (300 if has_need else 200))
    if has_need:
        figure = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            row_heights=[0.18, 0.82],
            vertical_spacing=0.03,
        )
        need_row, matrix_row = 1, 2
    else:
        figure = make_subplots(rows=1, cols=1)
        need_row, matrix_row = 0, 1

    by_cell = {(str(row["topic"]), str(row[field])): row for _, row in data.iterrows()}
    projects: list[list[int]] = []
    active: list[list[int]] = []
    hover: list[list[str]] = []
    for topic in topics:
        projects.append([])
        active.append([])
        hover.append([])
        for column in columns:
            row = by_cell.get((topic, column))
            count = 0 if row is None else int(row["projects"])
            live = 0 if row is None else int(row["ongoing_or_planned"])
            projects[-1].append(count)
            active[-1].append(live)
            hover[-1].append("" if row is None else _hover(row, topic, column, count, live))
    covered = [[n if n > 0 else None for n in row] for row in projects]
    gaps = [[1 if n == 0 else None for n in row] for row in projects]
    texts = [
        [cell_text(n, a) for n, a in zip(prow, arow, strict=True)]
        for prow, arow in zip(projects, active, strict=True)
    ]
    hover_grid = hover
    largest = max([n for row in projects for n in row] + [1])
    figure.add_trace(
        go.Heatmap(
            x=columns,
            y=topics,
            z=covered,
            zmin=1,
            zmax=max(largest, 2),
            colorscale=COVERED_SCALE,
            text=[[t if t != "gap" else "" for t in row] for row in texts],
            texttemplate="%{text}",
            textfont={"size": 11},
            hovertext=hover_grid,
            hovertemplate="%{hovertext}<extra></extra>",
            xgap=2,
            hoverongaps=False,
            ygap=2,
            showscale=False,
            name="Projects",
        ),
        row=matrix_row,
        col=1,
    )
    figure.add_trace(
        go.Heatmap(
            x=columns,
            y=topics,
            z=gaps,
            zmin=0,
            zmax=1,
            colorscale=[[0.0, GAP_COLOUR], [1.0, GAP_COLOUR]],
            text=[[t if t == "gap" else "" for t in row] for row in texts],
            texttemplate="%{text}",
            textfont={"size": 10, "color": GAP_TEXT_COLOUR},
            hovertext=hover_grid,
            hovertemplate="%{hovertext}<extra></extra>",
            xgap=2,
            hoverongaps=False,
            ygap=2,
            showscale=False,
            name="Gap",
        ),
        row=matrix_row,
        col=1,
    )
    if has_need:
        need_rows = data.drop_duplicates(field).set_index(field).reindex(columns)
        needs = pd.to_numeric(need_rows["need"], errors="coerce")
        indicator = str(data["need_indicator"].iloc[0])
        figure.add_bar(
            x=columns,
            y=needs,
            marker_color=NEED_COLOUR,
            text=[_need_text(float(v)) for v in needs],
            textposition="outside",
            textfont={"size": 10},
            cliponaxis=False,
            hovertemplate=f"<b>%{{x}}</b><br>{indicator}<br>%{{y:.2f}}<extra></extra>",
            name="Need",
            row=need_row,
            col=1,
        )
        top = float(needs.max())
        bottom = min(float(needs.min()), 0.0)
        figure.update_yaxes(
            title_text="Need",
            range=[bottom, top * 1.35 if top > 0 else 1],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
            row=need_row,
            col=1,
        )
    figure.update_xaxes(
        type="category",
        tickangle=-45,
        side="bottom",
        title_text=COLUMN_NAMES[field],
        row=matrix_row,
        col=1,
    )
    figure.update_yaxes(type="category", row=matrix_row, col=1)
    figure.update_layout(showlegend=False)
    figure = apply_style(figure, theme, height=height)
    figure.update_layout(margin={"t": 20, "l": 10, "r": 10, "b": 10})
    return figure


def matrix_summary(data: pd.DataFrame) -> str:
    """ "Of 280 topic-by-ward cells, 135 have no published project; the neediest of them is Air
    quality in Thornquay." """
    if data.empty:
        return "No published projects match these filters."
    cells = data.attrs.get("cells")
    cells = cells if isinstance(cells, pd.DataFrame) else cells_from_table(data)
    field = column_field(cells)
    kind = "ward" if field == "ward" else "population-group"
    empty = cells[cells["projects"] == 0]
    verb = "has" if len(empty) == 1 else "have"
    sentence = (
        f"Of {len(cells):,} topic-by-{kind} cells, {len(empty):,} {verb} no published project"
    )
    if empty.empty:
        return sentence + "."
    ranked = empty.assign(_need=empty["need_percentile"].fillna(100.0)).sort_values(
        ["_need", "topic"], ascending=[False, True], kind="stable"
    )
    first = ranked.iloc[0]
    where = "the neediest of them is" if field == "ward" else "the first is"
    return f"{sentence}; {where} {first['topic']} in {first[field]}."


def funding_by_decile_summary(data: pd.DataFrame) -> str:
    """ "£90.48 per resident in the most deprived decile's wards (1) against £9.80 in decile 9;
    £33.81 across all wards." """
    if data.empty:
        return "No P&C research grants are placed in a ward."
    ordered = data.sort_values("decile")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    overall = float(data["amount_pence"].sum()) / float(data["population"].sum())
    return (
        f"P&C research funding is {money(first['per_head_pence'], with_pence=True)} per "
        f"resident in the wards of decile {int(first['decile'])} and "
        f"{money(last['per_head_pence'], with_pence=True)} in decile {int(last['decile'])} "
        f"(1 = most deprived); {money(overall, with_pence=True)} across all wards."
    )


def funding_by_decile_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Bars of P&C research £ per resident in the wards of each IMD decile (1 = most deprived),
    with the borough-wide £ per resident as a dashed line."""
    figure = go.Figure()
    if data.empty:
        return apply_style(figure, theme)
    labels = [_decile_label(int(d)) for d in data["decile"]]
    per_head = data["per_head_pence"] / 100
    figure.add_bar(
        x=labels,
        y=per_head,
        marker_color=PALETTE[0],
        text=[money(pence, with_pence=True) for pence in data["per_head_pence"]],
        textposition="outside",
        cliponaxis=False,
        customdata=data[["wards", "population", "grants", "amount_pence"]].assign(
            amount_pence=data["amount_pence"] / 100
        ),
        hovertemplate=(
            "<b>%{x}</b><br>£%{y:,.2f} per resident<br>%{customdata[0]} wards, "
            "%{customdata[1]:,} residents<br>%{customdata[2]:,} grants, £%{customdata[3]:,.0f}"
            "<extra></extra>"
        ),
        name="£ per resident",
    )
    overall = float(data["amount_pence"].sum()) / float(data["population"].sum()) / 100
    add_reference_line(
        figure, overall, f"all wards, {money(overall * 100, with_pence=True)} per resident"
    )
    top = float(per_head.max())
    # The first tick says "1 (most deprived)", so the title stays short enough for a phone.
    figure.update_xaxes(title_text="Ward IMD decile", type="category")
    figure.update_yaxes(title_text="£ per resident", tickprefix="£", range=[0, _headroom(top)])
    figure.update_layout(showlegend=False)
    figure = apply_style(figure, theme, height=380)
    figure.update_layout(margin={"t": 36})
    return figure


def _decile_label(decile: int) -> str:
    if decile == 1:
        return "1 (most deprived)"
    if decile == 10:
        return "10 (least deprived)"
    return str(decile)


def _headroom(top: float) -> float:
    return top * 1.2 if top > 0 and not math.isnan(top) else 1.0


CHARTS = [
    Chart(
        chart_id="gaps-matrix",
        title="Evidence gap map: published projects by topic and ward or population group",
        description="How many published P&C research projects cover each topic in each ward (or "
        "population group), how many of them are ongoing or planned, and each ward's need from "
        "the chosen indicator. Amber cells marked 'gap' have no published project.",
        units="Published projects per topic and ward (or group); (2) = 2 ongoing or planned; "
        "bars = each ward's need; n = projects, once per topic",
        source=SOURCE_MATRIX,
        page="/gaps",
        build=matrix_figure,
        count_column="projects_in_topic",
        summary=matrix_summary,
    ),
    Chart(
        chart_id="gaps-funding-by-decile",
        title="P&C research funding per resident by ward deprivation decile",
        description="Pounds of P&C research grants placed in a ward, per resident, for the "
        "wards in each IMD decile (a ward's decile is the population-weighted mean of its "
        "small areas' national deciles, rounded; 1 = most deprived). Borough-wide grants are "
        "left out.",
        units="£ per resident, by ward IMD decile (1 = most deprived)",
        source=SOURCE_EQUITY,
        page="/gaps",
        build=funding_by_decile_figure,
        summary=funding_by_decile_summary,
        count_column="grants",
    ),
]
