"""The phone forms of the flow charts: each column of the Sankey as bars ranked largest first,
named and valued in words above each bar, with the lump of the rest written but not drawn."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.charts import REGISTRY
from figures.funding import OTHER_FUNDERS, funding_flow_narrow_figure
from figures.impact import flow_narrow_figure
from figures.ranked import SHOWN_PER_SECTION, top_and_other

FLOW_COLUMNS = ["funder", "route", "recipient_type", "grants", "amount_pence"]


def _written(figure: go.Figure) -> list[str]:
    return [str(annotation.text) for annotation in figure.layout.annotations]


def test_every_chart_drawn_as_a_sankey_has_a_phone_form() -> None:
    flows = {
        "funding-flow": pd.DataFrame([("Fund", "grant", "charity", 1, 100)], columns=FLOW_COLUMNS),
        "impact-flow": pd.DataFrame(
            [("Housing", "P1", "Cabinet", 2)],
            columns=["topic", "project", "decision_body", "citations"],
        ),
    }
    for chart_id, data in flows.items():
        chart = REGISTRY[chart_id]
        assert any(isinstance(t, go.Sankey) for t in chart.build(data, "light").data)
        assert chart.narrow_build is not None, chart_id
        narrow = chart.narrow_build(data, "light")
        assert not any(isinstance(t, go.Sankey) for t in narrow.data), chart_id


def test_top_and_other_keeps_the_largest_and_adds_up_the_rest() -> None:
    totals = {f"N{i}": float(i) for i in range(1, 10)} | {"Other": 100.0}
    names, values = top_and_other(totals, "Other", shown=4)
    assert names == ["N9", "N8", "N7", "Other"]
    assert values == [9.0, 8.0, 7.0, 100.0 + sum(range(1, 7))]
    assert sum(values) == sum(totals.values())  # nothing lost
    assert top_and_other({"A": 2.0, "B": 1.0}, "Other") == (["A", "B"], [2.0, 1.0])


def test_money_flow_on_a_phone_ranks_funders_routes_and_recipients_in_pounds() -> None:
    data = pd.DataFrame(
        [
            ("The Council", "grant", "charity", 10, 1_000_000),
            ("The Council", "pooled", "nhs", 1, 5_000_000),
            ("National Fund", "grant", "charity", 4, 2_000_000),
            ("National Fund", "participatory", "company", 2, 300_000),
            (OTHER_FUNDERS, "grant", "charity", 3, 40_000),
        ],
        columns=FLOW_COLUMNS,
    )
    figure = funding_flow_narrow_figure(data, "light")
    funders, routes, kinds = figure.data
    assert list(funders.text) == ["The Council", "National Fund"]  # largest first
    assert list(funders.x) == [60_000.0, 23_000.0]
    assert list(routes.text) == ["Pooled budget", "Grant", "Participatory"]
    assert list(kinds.text) == ["NHS bodies", "Charities", "Companies"]
    written = _written(figure)
    for heading in ("From funders", "Through routes", "To kinds of recipient"):
        assert heading in written
    assert "The Council · £60.0k" in written
    assert "Grant · £30.4k" in written
    # The other funders are written, in italics, but get no bar of their own.
    assert f"<i>{OTHER_FUNDERS} · £400</i>" in written
    assert OTHER_FUNDERS not in list(funders.text)


def test_money_flow_on_a_phone_names_at_most_a_handful_per_column() -> None:
    data = pd.DataFrame(
        [(f"Funder {i:02d}", "grant", "charity", 1, 1_000 * (i + 1)) for i in range(12)],
        columns=FLOW_COLUMNS,
    )
    funders = funding_flow_narrow_figure(data, "light").data[0]
    assert len(funders.text) == SHOWN_PER_SECTION - 1
    assert funders.text[0] == "Funder 11"
    assert any(
        t.startswith(f"<i>{OTHER_FUNDERS} · ")
        for t in _written(funding_flow_narrow_figure(data, "light"))
    )


def test_citation_flow_on_a_phone_ranks_topics_projects_and_decision_makers() -> None:
    long_title = "Listening to residents about damp and mould in private rented homes"
    data = pd.DataFrame(
        [
            ("Housing", long_title, "Housing Board", 4),
            ("Housing", "Food bank use", "Cabinet", 1),
            ("Food", "Food bank use", "Cabinet", 2),
            ("Food", "Other projects", "Health and Wellbeing Board", 9),
        ],
        columns=["topic", "project", "decision_body", "citations"],
    )
    figure = flow_narrow_figure(data, "dark")
    topics, projects, bodies = figure.data
    assert list(topics.text) == ["Food", "Housing"]
    assert list(topics.x) == [11.0, 5.0]
    assert list(projects.text) == [long_title, "Food bank use"]
    assert list(bodies.text) == ["Health and Wellbeing Board", "Housing Board", "Cabinet"]
    written = _written(figure)
    assert "<i>Other projects · 9 citations</i>" in written
    # A long title wraps onto lines of its own instead of running off a phone's screen.
    wrapped = next(t for t in written if t.startswith("Listening"))
    assert "<br>" in wrapped and wrapped.replace("<br>", " ") == f"{long_title} · 4 citations"
    assert "Cabinet · 3 citations" in written


def test_phone_forms_of_no_data_draw_nothing() -> None:
    assert funding_flow_narrow_figure(pd.DataFrame(columns=FLOW_COLUMNS), "light").data == ()
    empty = pd.DataFrame(columns=["topic", "project", "decision_body", "citations"])
    assert flow_narrow_figure(empty, "light").data == ()


def test_top_recipients_on_a_phone_write_each_name_kind_and_amount_above_its_bar() -> None:
    data = pd.DataFrame(
        [
            ("Marrowfield Health Determinants Research Collaboration", "other", 12, 185_187_000),
            ("St Aldric's Community Kitchen", "charity", 3, 4_200_000),
            ("Thornquay Food Pantry", "charity", 1, 11_471_000),
        ],
        columns=["recipient", "recipient_type", "grants", "amount_pence"],
    )
    chart = REGISTRY["funding-top-recipients"]
    assert chart.narrow_build is not None
    figure = chart.narrow_build(data, "light")
    (bars,) = figure.data
    assert list(bars.x) == [1_851_870.0, 42_000.0, 114_710.0]  # every recipient, in £
    written = " ".join(_written(figure)).replace("<br>", " ")
    # The whole name, however long, with its kind and amount: nothing cut off on a phone.
    assert "Marrowfield Health Determinants Research Collaboration (Other organisation)" in written
    assert "St Aldric's Community Kitchen (Charity) · £42.0k" in written
    assert bars.marker.color[1] == bars.marker.color[2] != bars.marker.color[0]  # by kind
    assert chart.narrow_build(data.iloc[0:0], "light").data == ()
