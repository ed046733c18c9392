"""Funding figures on empty and typical data."""

from __future__ import annotations

import pandas as pd
import pytest

from figures.funding import (
    CHARTS,
    funding_by_year_figure,
    funding_flow_figure,
    money_axis,
    pc_share_figure,
    pooled_figure,
    top_recipients_figure,
)

COLUMNS = ["financial_year", "direction", "funder", "grants", "amount_pence"]
FLOW_COLUMNS = ["funder", "route", "recipient_type", "grants", "amount_pence"]
RECIPIENT_COLUMNS = ["recipient", "recipient_type", "grants", "amount_pence"]
SHARE_COLUMNS = [
    "financial_year",
    "pc_research_grants",
    "research_grants",
    "pc_research_pence",
    "research_pence",
    "pc_share",
]
POOLED_COLUMNS = ["financial_year", "partner", "grants", "amount_pence"]


def test_funding_by_year_on_empty_data_draws_an_empty_chart() -> None:
    figure = funding_by_year_figure(pd.DataFrame(columns=COLUMNS), "light")
    assert figure.data == ()


def test_funding_by_year_stacks_funders_in_one_row_per_direction() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "awarded", "The Council", 3, 150_000),
            ("2023/24", "received", "National Fund", 1, 500_000),
            ("2024/25", "awarded", "The Council", 2, 90_050),
        ],
        columns=COLUMNS,
    )
    figure = funding_by_year_figure(data, "dark")
    council = [t for t in figure.data if t.name == "The Council"]
    assert len(council) == 1
    assert list(council[0].y) == [1500.0, 900.5]
    assert list(council[0].x) == ["2023/24", "2024/25"]
    (national,) = [t for t in figure.data if t.name == "National Fund"]
    # Awarded in the first row, received in the second, on one £ scale.
    assert (council[0].yaxis, national.yaxis) == ("y", "y2")
    assert (figure.layout.yaxis.title.text, figure.layout.yaxis2.title.text) == (
        "Awarded",
        "Received",
    )
    assert figure.layout.yaxis.range == figure.layout.yaxis2.range == (0, 5000 * 1.05)
    assert list(figure.layout.xaxis.categoryarray) == ["2023/24", "2024/25"]
    assert figure.layout.barmode == "stack"
    assert figure.layout.template.layout.paper_bgcolor is not None
    assert all(str(tick).startswith("£") for tick in figure.layout.yaxis.ticktext)


def test_funding_by_year_lists_each_funder_once_and_other_funders_last_in_grey() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "awarded", "The Council", 3, 150_000),
            ("2023/24", "received", "National Fund", 1, 500_000),
            ("2023/24", "external", "National Fund", 4, 800_000),
            ("2023/24", "external", "Other funders", 9, 900_000),
            ("2023/24", "external", "Local Trust", 2, 10_000),
        ],
        columns=COLUMNS,
    )
    figure = funding_by_year_figure(data, "light")
    in_legend = [t.name for t in figure.data if t.showlegend]
    assert in_legend == ["National Fund", "The Council", "Local Trust", "Other funders"]
    assert {t.marker.color for t in figure.data if t.name == "Other funders"} == {"#7f8c8d"}
    assert figure.layout.yaxis3.title.text == "External"
    assert figure.layout.height > 420


def test_money_axis_labels_round_amounts_in_pounds() -> None:
    axis = money_axis(2_400_000)
    assert axis["tickvals"][:3] == [0, 500_000, 1_000_000]
    assert axis["ticktext"][:3] == ["£0", "£500.0k", "£1.00m"]
    assert money_axis(0) == {"tickvals": [0], "ticktext": ["£0"]}


def test_funding_flow_on_empty_data_draws_an_empty_chart() -> None:
    assert funding_flow_figure(pd.DataFrame(columns=FLOW_COLUMNS), "light").data == ()


def test_funding_flow_runs_from_funders_through_routes_to_recipient_types() -> None:
    data = pd.DataFrame(
        [
            ("The Council", "grant", "charity", 10, 1_000_000),
            ("The Council", "pooled", "nhs", 1, 5_000_000),
            ("National Fund", "grant", "charity", 4, 2_000_000),
            ("National Fund", "participatory", "company", 2, 300_000),
        ],
        columns=FLOW_COLUMNS,
    )
    figure = funding_flow_figure(data, "light")
    (sankey,) = figure.data
    labels = list(sankey.node.label)
    assert labels == [
        "The Council",
        "National Fund",
        "Pooled budget",
        "Grant",
        "Participatory",
        "NHS bodies",
        "Charities",
        "Companies",
    ]  # each column largest first
    links = {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    # Funder to route, then route to recipient type, in pounds; the grant route joins both
    # funders' money before it reaches the charities.
    assert links[("The Council", "Grant")] == 10_000
    assert links[("The Council", "Pooled budget")] == 50_000
    assert links[("Grant", "Charities")] == 30_000
    assert links[("Participatory", "Companies")] == 3_000
    assert sum(v for (s, _), v in links.items() if s in ("The Council", "National Fund")) == sum(
        v for (s, _), v in links.items() if s in ("Grant", "Pooled budget", "Participatory")
    )
    grants = dict(
        zip(
            zip(sankey.link.source, sankey.link.target, strict=True),
            sankey.link.customdata,
            strict=True,
        )
    )
    assert grants[(labels.index("Grant"), labels.index("Charities"))] == 14


def test_top_recipients_on_empty_data_draws_an_empty_chart() -> None:
    assert top_recipients_figure(pd.DataFrame(columns=RECIPIENT_COLUMNS), "dark").data == ()


def test_top_recipients_puts_the_largest_at_the_top_and_keeps_same_names_apart() -> None:
    long_name = "The Very Long Named Community Interest Company of the North Ward"
    data = pd.DataFrame(
        [
            ("Big Charity", "charity", 5, 9_000_000),
            (long_name, "company", 2, 4_000_000),
            ("Same Name", "charity", 1, 1_000_000),
            ("Same Name", "other", 1, 500_000),
        ],
        columns=RECIPIENT_COLUMNS,
    )
    figure = top_recipients_figure(data, "light")
    order = list(figure.layout.yaxis.categoryarray)
    assert order[-1] == "Big Charity"  # category arrays run bottom to top
    assert order[0] == "Same Name (2)"
    assert any(label.endswith("…") and len(label) <= 40 for label in order)
    bars = {t.name: t for t in figure.data}
    assert set(bars) == {"Charity", "Company", "Other organisation"}
    assert list(bars["Charity"].x) == [90_000.0, 10_000.0]
    assert list(bars["Charity"].text) == ["£90.0k", "£10.0k"]
    assert bars["Company"].customdata[0][0] == long_name
    assert figure.layout.height >= 260


def test_pc_share_on_empty_data_draws_an_empty_chart() -> None:
    assert pc_share_figure(pd.DataFrame(columns=SHARE_COLUMNS), "light").data == ()


def test_pc_share_draws_each_years_share_as_a_percentage() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", 3, 4, 750_000, 1_000_000, 0.75),
            ("2024/25", 0, 2, 0, 400_000, 0.0),
        ],
        columns=SHARE_COLUMNS,
    )
    figure = pc_share_figure(data, "dark")
    (bars,) = figure.data
    assert list(bars.x) == ["2023/24", "2024/25"]
    assert list(bars.y) == [0.75, 0.0]
    assert list(bars.text) == ["75%", "0%"]
    assert bars.customdata[0][0] == "£7,500" and bars.customdata[0][1] == "£10.0k"
    assert figure.layout.yaxis.tickformat == ".0%"
    assert figure.layout.yaxis.range == (0, 1.08)


def test_pooled_on_empty_data_draws_an_empty_chart() -> None:
    assert pooled_figure(pd.DataFrame(columns=POOLED_COLUMNS), "light").data == ()


def test_pooled_stacks_partners_largest_first_per_year() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "The Council", 1, 20_000_000),
            ("2023/24", "The NHS", 1, 40_000_000),
            ("2024/25", "The NHS", 2, 45_000_000),
        ],
        columns=POOLED_COLUMNS,
    )
    figure = pooled_figure(data, "light")
    assert [t.name for t in figure.data] == ["The NHS", "The Council"]
    assert list(figure.data[0].y) == [400_000.0, 450_000.0]
    assert figure.layout.barmode == "stack"
    assert figure.layout.xaxis.type == "category"


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.chart_id)
def test_every_funding_chart_says_pounds_or_percent_in_its_units(chart: object) -> None:
    units = chart.units  # type: ignore[attr-defined]
    assert "£" in units
    assert chart.page == "/funding"  # type: ignore[attr-defined]


LONG_NAME = "Marrowfield Health Determinants Research Collaboration"


@pytest.mark.parametrize("chart", ["funding-by-year", "pooled"])
def test_a_long_funder_name_is_broken_onto_lines_in_the_legend_and_whole_on_hover(
    chart: str,
) -> None:
    """Plotly does not wrap a legend entry: on a phone a 54-character name ran off the card."""
    if chart == "pooled":
        data = pd.DataFrame([("2024/25", LONG_NAME, 2, 90_050)], columns=POOLED_COLUMNS)
        figure = pooled_figure(data, "light")
    else:
        data = pd.DataFrame([("2024/25", "awarded", LONG_NAME, 2, 90_050)], columns=COLUMNS)
        figure = funding_by_year_figure(data, "light")
    (trace,) = figure.data
    assert trace.name == "Marrowfield Health Determinants<br>Research Collaboration"
    assert all(len(line) <= 32 for line in trace.name.split("<br>"))
    assert f"<b>{LONG_NAME}</b>" in trace.hovertemplate
