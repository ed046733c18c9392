"""Impact figures on empty and typical data, the case study's summary and the decisions
list's rows."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import html

from components.views import impact_list
from components.views.impact_case import case_study_page, impact_summary
from figures.charts import REGISTRY
from figures.impact import (
    LABEL_LENGTH,
    flow_figure,
    influence_figure,
    time_to_decision_figure,
)
from figures.registry import records_counted

FLOW = ["topic", "project", "decision_body", "citations"]
INFLUENCE = ["financial_year", "influence_type", "decisions"]
TIMES = ["band", "citations"]


@pytest.mark.parametrize(
    ("build", "columns"),
    [(flow_figure, FLOW), (influence_figure, INFLUENCE), (time_to_decision_figure, TIMES)],
)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_empty_data_draws_an_empty_chart(
    build: Callable[[pd.DataFrame, str], go.Figure], columns: list[str], theme: str
) -> None:
    figure = build(pd.DataFrame(columns=columns), theme)
    assert figure.data == ()


def test_flow_links_topic_to_project_to_body_with_citations_as_widths() -> None:
    data = pd.DataFrame(
        [
            ("Food", "Food study (P-1)", "Cabinet", 2),
            ("Food", "Food study (P-1)", "Board", 1),
            ("Housing", "Damp homes (P-2)", "Cabinet", 1),
            ("Housing", "Other projects", "Board", 4),
        ],
        columns=FLOW,
    )
    figure = flow_figure(data, "light")
    sankey = figure.data[0]
    assert isinstance(sankey, go.Sankey)
    labels = list(sankey.node.label)
    assert labels == [
        "Food",
        "Housing",
        "Other projects",
        "Food study (P-1)",
        "Damp homes (P-2)",
        "Board",
        "Cabinet",
    ]
    links = {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    assert links == {
        ("Food", "Food study (P-1)"): 3,
        ("Housing", "Damp homes (P-2)"): 1,
        ("Housing", "Other projects"): 4,
        ("Food study (P-1)", "Cabinet"): 2,
        ("Food study (P-1)", "Board"): 1,
        ("Damp homes (P-2)", "Cabinet"): 1,
        ("Other projects", "Board"): 4,
    }
    # Every citation flows through once on each side.
    assert sum(links.values()) == 2 * int(data["citations"].sum())
    assert records_counted(REGISTRY["impact-flow"], data) == 8


def test_flow_shortens_long_labels_but_keeps_them_whole_in_hover() -> None:
    long_title = "A very long project title that would crowd the middle column of nodes (P-9)"
    data = pd.DataFrame([("Food", long_title, "Cabinet", 1)], columns=FLOW)
    sankey = flow_figure(data, "dark").data[0]
    shown = list(sankey.node.label)[1]
    assert shown.endswith("…") and len(shown) <= LABEL_LENGTH
    assert [long_title, "Project"] in [list(c) for c in sankey.node.customdata]


def test_influence_stacks_decisions_per_year_by_type_with_zero_where_none() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "budget-allocation", 2),
            ("2024/25", "budget-allocation", 1),
            ("2024/25", "policy-citation", 3),
        ],
        columns=INFLUENCE,
    )
    figure = influence_figure(data, "light")
    assert figure.layout.barmode == "stack"
    # Vocabulary order: policy citation before budget allocation.
    assert [trace.name for trace in figure.data] == ["Policy citation", "Budget allocation"]
    assert list(figure.data[0].x) == ["2023/24", "2024/25"]
    assert list(figure.data[0].y) == [0, 3]
    assert list(figure.data[1].y) == [2, 1]
    assert records_counted(REGISTRY["impact-influence-over-time"], data) == 6


def test_time_to_decision_marks_decisions_during_the_project_apart() -> None:
    data = pd.DataFrame(
        [("During the project", 1), ("Within 6 months", 5), ("6–12 months", 0)], columns=TIMES
    )
    figure = time_to_decision_figure(data, "light")
    bar = figure.data[0]
    assert list(bar.x) == ["During the project", "Within 6 months", "6–12 months"]
    assert list(bar.y) == [1, 5, 0]
    colours = list(bar.marker.color)
    assert colours[0] != colours[1] and colours[1] == colours[2]
    assert list(bar.text) == ["1", "5", "0"]


def _decisions() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("D-1", "Food plan", "Cabinet", "2024-06-18", "strategy-or-plan", "local",
             "https://example.org/d1.pdf", "Residents showed hunger.", "14"),
            ("D-2", "Food service", "Board", "2025-01-02", "service-change", "local",
             None, None, None),
        ],
        columns=["decision_id", "title", "decision_body", "decision_date", "influence_type",
                 "reach", "document_url", "snippet", "page"],
    )  # fmt: skip


def test_impact_summary_names_bodies_kinds_reach_and_the_span() -> None:
    text = impact_summary(_decisions())
    assert "2 published decisions between June 2024 and January 2025" in text
    assert "Board, Cabinet" in text
    assert "strategy or plan (1)" in text and "service change (1)" in text
    assert "2 local" in text
    assert (
        impact_summary(_decisions().iloc[0:0]) == "No published decision cites this research yet."
    )


def _texts(component: object) -> str:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return " ".join(found)


def _links(component: object) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            href = getattr(node, "href", None)
            if href:
                found.append(str(href))
            walk(node.children)

    walk(component)
    return found


def test_case_study_has_the_ref_sections_and_corroborating_links() -> None:
    page = case_study_page(
        {"project_id": "P-1", "title": "Food study", "lay_summary": "Residents on food.",
         "methodology": None, "findings": "Half skipped meals.", "provider_name": "Food Club",
         "start_date": "2023-05-01", "end_date": "2024-03-31"},
        ["Food insecurity"],
        pd.DataFrame([("Final report", "https://example.org/food.pdf", "report")],
                     columns=["title", "url", "output_type"]),
        _decisions(),
    )  # fmt: skip
    text = _texts(page)
    for heading in (
        "1. Summary of the impact",
        "2. Underpinning research",
        "3. References to the research",
        "4. Details of the impact",
        "5. Sources to corroborate the impact",
    ):
        assert heading in text
    assert "“Residents showed hunger.”" in text and "p. 14" in text
    assert "The register does not say how this research was done." in text
    links = _links(page)
    assert "https://example.org/d1.pdf" in links and "https://example.org/food.pdf" in links
    assert "/research/P-1" in links


def test_decision_items_list_citing_projects_with_links_to_research_and_case_study() -> None:
    citations = pd.DataFrame(
        [("D-1", "P-1", "Food study", "Residents showed hunger.", "14")],
        columns=["decision_id", "project_id", "project_title", "snippet", "page"],
    )
    items = impact_list.decision_items(_decisions(), citations)
    assert len(items) == 2
    assert isinstance(items[0], html.Article)
    first = _texts(items[0])
    assert "Food plan" in first and "Strategy or plan" in first and "p. 14" in first
    assert set(_links(items[0])) == {
        "https://example.org/d1.pdf",
        "/research/P-1",
        "/impact/P-1",
    }
    assert "No document link" in _texts(items[1])
    assert impact_list.summary_text(10, 5, 15) == "Decisions 11–15 of 15"
    assert impact_list.summary_text(0, 0, 0).startswith("No published decisions")
