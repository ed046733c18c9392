"""Gap-map figures and panels on empty and typical data built by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from dash import html

from components.views import gap_panels
from figures.charts import REGISTRY
from figures.gaps import (
    GAP_COLOUR,
    cell_text,
    cells_from_table,
    funding_by_decile_figure,
    funding_by_decile_summary,
    matrix_figure,
    matrix_summary,
)
from figures.registry import records_counted
from warehouse.queries.gaps import wide_matrix

LEVELS = ["inform", "consult", "involve", "co-produce", "community-led"]


def _cells(field: str = "ward", *, need: bool = True) -> pd.DataFrame:
    """Two topics x two columns; Mental health in Ash is a gap."""
    rows = [
        ("Food", "Ash", 5, 2, {"involve": 3, "co-produce": 2}, 40.0, 100.0, 16.7, 5),
        ("Food", "Birch", 1, 0, {"consult": 1}, 20.0, 0.0, 0.0, 5),
        ("Mental health", "Ash", 0, 0, {}, 40.0, 100.0, 100.0, 2),
        ("Mental health", "Birch", 2, 1, {"inform": 2}, 20.0, 0.0, 0.0, 2),
    ]
    records = []
    for topic, column, projects, active, levels, need_value, percentile, score, total in rows:
        record = {"topic": topic, field: column, "projects": projects}
        record["ongoing_or_planned"] = active
        record.update({level: levels.get(level, 0) for level in LEVELS})
        record["need"] = need_value if need else float("nan")
        record["need_indicator"] = "IMD score, IoD2025" if need else "No area indicator"
        record["need_percentile"] = percentile if need else float("nan")
        record["gap_score"] = score if need else 100 / (1 + projects)
        record["topic_projects"] = total
        records.append(record)
    return pd.DataFrame(records)


@pytest.mark.parametrize("build", [matrix_figure, funding_by_decile_figure])
def test_empty_data_draws_an_empty_chart(build: object) -> None:
    figure = build(pd.DataFrame(), "light")  # type: ignore[operator]
    assert figure.data == ()


def test_cell_text() -> None:
    assert cell_text(0, 0) == "gap"
    assert cell_text(5, 0) == "5"
    assert cell_text(5, 2) == "5 (2)"


def test_wide_matrix_reads_as_a_table_with_need_on_top() -> None:
    table = wide_matrix(_cells())
    assert list(table.columns) == ["topic", "Ash", "Birch", "projects_in_topic"]
    assert table.iloc[0].tolist()[:3] == ["Need: IMD score, IoD2025", "40.0", "20.0"]
    assert table.iloc[1].tolist() == ["Food", "5 (2)", "1", 5]
    assert table.iloc[2].tolist() == ["Mental health", "gap", "2 (1)", 2]
    assert records_counted(REGISTRY["gaps-matrix"], table) == 7


def test_matrix_marks_gaps_by_colour_and_word_and_shows_need_bars() -> None:
    figure = matrix_figure(wide_matrix(_cells()), "light")
    covered, gaps, need = figure.data
    assert list(covered.x) == ["Ash", "Birch"]
    assert list(covered.y) == ["Mental health", "Food"]  # first topic at the top
    assert [list(row) for row in covered.text] == [["", "2 (1)"], ["5 (2)", "1"]]
    assert [list(row) for row in gaps.text] == [["gap", ""], ["", ""]]
    assert [list(row) for row in gaps.z] == [[1, None], [None, None]]
    assert gaps.colorscale[0][1] == GAP_COLOUR
    assert covered.z[0][0] is None  # the gap is not coloured as covered
    assert "Involve 3 · Co-produce 2" in covered.hovertext[1][0]
    assert "5 projects, 2 ongoing or planned" in covered.hovertext[1][0]
    assert "Gap score 100.0" in covered.hovertext[0][0]
    assert need.type == "bar"
    assert list(need.y) == [40.0, 20.0]
    assert list(need.x) == ["Ash", "Birch"]
    assert figure.layout.xaxis2.title.text == "Ward"


def test_population_groups_have_no_need_bars() -> None:
    figure = matrix_figure(wide_matrix(_cells("population_group", need=False)), "dark")
    assert [trace.type for trace in figure.data] == ["heatmap", "heatmap"]
    assert figure.layout.xaxis.title.text == "Population group"


def test_a_table_without_its_cells_is_read_back_from_its_text() -> None:
    table = wide_matrix(_cells())
    plain = pd.DataFrame(table.to_dict("records"))  # no attrs, as from a CSV
    cells = cells_from_table(plain)
    assert cells[["topic", "ward", "projects", "ongoing_or_planned"]].values.tolist() == [
        ["Food", "Ash", 5, 2],
        ["Food", "Birch", 1, 0],
        ["Mental health", "Ash", 0, 0],
        ["Mental health", "Birch", 2, 1],
    ]
    figure = matrix_figure(plain, "light")
    assert [list(row) for row in figure.data[1].text] == [["gap", ""], ["", ""]]
    assert list(figure.data[2].y) == [40.0, 20.0]


def test_funding_by_decile_draws_pounds_per_resident_with_the_borough_line() -> None:
    data = pd.DataFrame(
        [(1, 2, 20_000, 30, 1_800_000, 90), (5, 1, 10_000, 4, 100_000, 10)],
        columns=["decile", "wards", "population", "grants", "amount_pence", "per_head_pence"],
    )
    figure = funding_by_decile_figure(data, "light")
    (bars,) = figure.data
    assert list(bars.x) == ["1 (most deprived)", "5"]
    assert list(bars.y) == [0.9, 0.1]
    assert list(bars.text) == ["£0.90", "£0.10"]
    (line,) = figure.layout.shapes
    assert line.y0 == pytest.approx(1_900_000 / 30_000 / 100)
    assert "£0.63 per resident" in figure.layout.annotations[0].text


def _texts(component: object) -> list[str]:
    found: list[str] = []
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return [children]
    for child in children if isinstance(children, list | tuple) else [children]:
        if isinstance(child, str):
            found.append(child)
        elif child is not None:
            found.extend(_texts(child))
    return found


def test_gap_list_states_its_score_and_lists_each_cell() -> None:
    rows = _cells().sort_values("gap_score", ascending=False).to_dict("records")
    panel = gap_panels.gap_list(rows, "ward")
    text = " ".join(_texts(html.Div(panel)))
    assert "Gap score = need percentile ÷ (1 + projects in the cell)" in text
    assert "0 (gap)" in text and "Mental health" in text
    population = " ".join(_texts(html.Div(gap_panels.gap_list([], "population"))))
    assert "coverage alone" in population
    groups = _cells("population_group", need=False).to_dict("records")
    headers = [
        str(c.children)
        for c in _walk(html.Div(gap_panels.gap_list(groups, "population")))
        if isinstance(c, html.Th)
    ]
    assert headers == ["Rank", "Topic", "Population group", "Projects", "Gap score"]


def test_cell_panel_links_each_project_to_its_page() -> None:
    rows = [
        {"project_id": "P-1", "title": "Food", "status": "ongoing", "participation_level": None},
        {
            "project_id": "P-2",
            "title": "Rent",
            "status": "completed",
            "participation_level": "consult",
        },
    ]
    panel = html.Div(gap_panels.cell_projects("Food", "Ash", rows, 50))
    links = [c for c in _walk(panel) if getattr(c, "href", None)]
    assert [link.href for link in links] == ["/research/P-1", "/research/P-2"]
    empty = " ".join(_texts(html.Div(gap_panels.cell_projects("Food", "Ash", [], 50))))
    assert "absolute gap" in empty


def _walk(component: object) -> list[object]:
    found = [component]
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            found.extend(_walk(child))
    return found


def test_summaries_say_what_the_charts_show() -> None:
    assert matrix_summary(wide_matrix(_cells())) == (
        "Of 4 topic-by-ward cells, 1 has no published project; the neediest of them is "
        "Mental health in Ash."
    )
    groups = matrix_summary(wide_matrix(_cells("population_group", need=False)))
    assert groups.startswith("Of 4 topic-by-population-group cells, 1 has no published")
    data = pd.DataFrame(
        [(1, 2, 20_000, 30, 1_800_000, 90), (5, 1, 10_000, 4, 100_000, 10)],
        columns=["decile", "wards", "population", "grants", "amount_pence", "per_head_pence"],
    )
    assert funding_by_decile_summary(data) == (
        "P&C research funding is £0.90 per resident in the wards of decile 1 and £0.10 in "
        "decile 5 (1 = most deprived); £0.63 across all wards."
    )


def test_equity_summary_leads_with_the_verdict() -> None:
    sentence = "Concentration index -0.21: funding leans one way. 0 would be an even spread."
    panel = html.Div(gap_panels.equity_summary(sentence, 20, 98_280_000))
    strong = [c for c in _walk(panel) if isinstance(c, html.Strong)]
    assert [s.children for s in strong] == ["Concentration index -0.21: funding leans one way."]
    text = " ".join(_texts(panel))
    assert "0 would be an even spread." in text
    assert "20 wards and £982,800" in text
