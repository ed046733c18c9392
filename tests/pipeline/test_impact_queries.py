"""The impact page's queries, on SQLite and PostgreSQL alike: the topic -> project -> body
flow, influence types over time, the time from a project's end to a decision, the paged list
of decisions and a project's case study. The registers are written here and loaded through
the pipeline; an unpublished decision and an unpublished project must never show."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries import impact
from warehouse.queries.charts import CHART_QUERIES, filter_options
from warehouse.queries.filters import Filters
from warehouse.queries.impact import case_study, decisions_page

PROJECT_COLUMNS = [
    "project_id",
    "title",
    "lay_summary",
    "methodology",
    "topics",
    "status",
    "start_date",
    "end_date",
    "findings",
    "outputs",
    "published",
]
PROJECTS = [
    ("P-1", "Food and the cost of living", "Residents on food.", "Peer interviews.",
     "Food insecurity; Cost of living", "completed", "2023-05-01", "2024-03-31",
     "Half of households skipped meals.", "Final report | https://example.org/food.pdf", "yes"),
    ("P-2", "Damp homes", "Tenants on damp.", "Photovoice.", "Housing", "completed",
     "2022-01-01", "2022-12-31", "Damp everywhere.", "", "yes"),
    ("P-3", "Ongoing air study", "Children on air.", "", "Air quality", "ongoing",
     "2024-01-01", "2026-12-31", "", "", "yes"),
    ("P-SECRET", "Secret draft project", "Not public.", "Interviews.", "Secret topic",
     "completed", "2022-01-01", "2022-06-30", "Secret.", "", "no"),
]  # fmt: skip
DECISION_COLUMNS = [
    "decision_id",
    "title",
    "decision_body",
    "decision_date",
    "document_url",
    "influence_type",
    "reach",
    "citing_project_ids",
    "citation_snippet",
    "citation_page",
    "published",
]
DECISIONS = [
    # 2024/25: cites P-1 (79 days after its end) and P-2 (over a year after its end)
    ("D-1", "Food plan adopted", "Cabinet", "2024-06-18", "https://example.org/d1.pdf",
     "strategy-or-plan", "local", "P-1; P-2", "Residents' research showed hunger.", "14", "yes"),
    # 2024/25: cites P-3 while it is still running
    ("D-2", "Air service changed", "Health and Wellbeing Board", "2024-09-01", "",
     "service-change", "regional", "P-3", "Children's own counts.", "", "yes"),
    # 2023/24: cites P-2 (200 days after its end)
    ("D-3", "Housing budget", "Cabinet", "2023-07-19", "https://example.org/d3.pdf",
     "budget-allocation", "local", "P-2", "Tenants' photos.", "3", "yes"),
    # Unpublished: must never show
    ("D-DRAFT", "Draft decision", "Secret Board", "2024-07-01", "https://example.org/draft.pdf",
     "policy-citation", "national", "P-1", "Draft words.", "1", "no"),
    # Published, but it only cites the unpublished project: must never show either
    ("D-4", "Decision citing only a draft", "Secret Board", "2024-08-01", "",
     "policy-citation", "national", "P-SECRET", "About the draft.", "2", "yes"),
]  # fmt: skip
SECRETS = ("P-SECRET", "Secret", "D-DRAFT", "D-4", "Draft words")


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def warehouse(engine: Engine, tmp_path: Path) -> Engine:
    for path in (
        _write(tmp_path / "projects.csv", PROJECT_COLUMNS, PROJECTS),
        _write(tmp_path / "policy_decisions.csv", DECISION_COLUMNS, DECISIONS),
    ):
        result = load_file(engine, path, Config())
        assert (result.status, result.problems) == ("loaded", []), path.name
    return engine


def _no_secrets(*frames: object) -> None:
    text = " ".join(
        f.to_csv(index=False) if isinstance(f, pd.DataFrame) else str(f) for f in frames
    )
    for secret in SECRETS:
        assert secret not in text, secret


def test_flow_counts_each_published_citation_once_under_the_first_topic(
    warehouse: Engine,
) -> None:
    flow = CHART_QUERIES["impact-flow"](warehouse, Filters())
    rows = {
        (r.topic, r.project, r.decision_body): r.citations for r in flow.itertuples(index=False)
    }
    assert rows == {
        ("Cost of living", "Food and the cost of living (P-1)", "Cabinet"): 1,
        ("Housing", "Damp homes (P-2)", "Cabinet"): 2,
        ("Air quality", "Ongoing air study (P-3)", "Health and Wellbeing Board"): 1,
    }
    _no_secrets(flow)


def test_flow_folds_all_but_the_most_cited_projects(
    warehouse: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(impact, "FLOW_PROJECTS", 1)
    flow = impact.impact_flow(warehouse, Filters())
    assert set(flow["project"]) == {"Damp homes (P-2)", impact.OTHER_PROJECTS}
    assert int(flow["citations"].sum()) == 4
    other = flow[flow["project"] == impact.OTHER_PROJECTS]
    assert int(other["citations"].sum()) == 2


def test_influence_over_time_counts_published_decisions_by_year_and_type(
    warehouse: Engine,
) -> None:
    data = CHART_QUERIES["impact-influence-over-time"](warehouse, Filters())
    assert [tuple(r) for r in data.itertuples(index=False)] == [
        ("2023/24", "budget-allocation", 1),
        ("2024/25", "service-change", 1),
        ("2024/25", "strategy-or-plan", 1),
    ]
    _no_secrets(data)


def test_filters_narrow_every_chart(warehouse: Engine) -> None:
    local = Filters(reach=("local",))
    assert set(CHART_QUERIES["impact-influence-over-time"](warehouse, local)["influence_type"]) == {
        "budget-allocation",
        "strategy-or-plan",
    }
    from_2024 = Filters(fy_from="2024/25")
    flow = CHART_QUERIES["impact-flow"](warehouse, from_2024)
    assert int(flow["citations"].sum()) == 3
    service = Filters(influence=("service-change",))
    times = CHART_QUERIES["impact-time-to-decision"](warehouse, service)
    assert dict(zip(times["band"], times["citations"], strict=True))["During the project"] == 1
    assert int(times["citations"].sum()) == 1


def test_time_to_decision_bands_citations_by_days_after_the_end(warehouse: Engine) -> None:
    data = CHART_QUERIES["impact-time-to-decision"](warehouse, Filters())
    assert list(data["band"]) == [label for label, _ in impact.TIME_BANDS]
    assert dict(zip(data["band"], data["citations"], strict=True)) == {
        "During the project": 1,  # D-2 before P-3's end
        "Within 6 months": 1,  # D-1, 79 days after P-1
        "6–12 months": 1,  # D-3, 200 days after P-2
        "1–2 years": 1,  # D-1, 535 days after P-2
        "2–3 years": 0,
        "Over 3 years": 0,
    }


def test_nothing_matching_gives_empty_charts(warehouse: Engine) -> None:
    nothing = Filters(fy_from="2030/31")
    for chart_id in impact.CHART_QUERIES:
        assert CHART_QUERIES[chart_id](warehouse, nothing).empty, chart_id


def test_filter_options_list_only_published_values(warehouse: Engine) -> None:
    reach = filter_options(warehouse, "impact", "reach", Filters(reach=("local",)))
    assert list(reach["value"]) == ["local", "regional"]
    assert list(reach["records"]) == [2, 1]
    influence = filter_options(warehouse, "impact", "influence", Filters())
    assert "policy-citation" not in set(influence["value"])
    assert influence["label"].iloc[0] == "Strategy or plan"
    years = filter_options(warehouse, "impact", "fy_from", Filters())
    assert list(years["value"]) == ["2023/24", "2024/25"]


def test_decisions_page_is_newest_first_with_published_citations(warehouse: Engine) -> None:
    first = decisions_page(warehouse, Filters(), page=0, page_size=2)
    assert first.total == 3
    assert list(first.decisions["decision_id"]) == ["D-2", "D-1"]
    d1 = first.citations[first.citations["decision_id"] == "D-1"]
    assert list(d1["project_id"]) == ["P-1", "P-2"]
    assert set(d1["page"]) == {"14"}
    second = decisions_page(warehouse, Filters(), page=1, page_size=2)
    assert (second.offset, list(second.decisions["decision_id"])) == (2, ["D-3"])
    beyond = decisions_page(warehouse, Filters(), page=9, page_size=2)
    assert beyond.offset == 2
    _no_secrets(first.decisions, first.citations, second.decisions, second.citations)


def test_case_study_has_the_project_its_outputs_and_published_decisions(
    warehouse: Engine,
) -> None:
    study = case_study(warehouse, "P-1")
    assert study is not None
    assert study.project["methodology"] == "Peer interviews."
    assert study.topics == ["Cost of living", "Food insecurity"]
    assert list(study.outputs["title"]) == ["Final report"]
    assert list(study.decisions["decision_id"]) == ["D-1"]
    assert study.decisions.iloc[0]["snippet"] == "Residents' research showed hunger."
    _no_secrets(study.decisions)


def test_case_study_of_an_unpublished_or_unknown_project_is_none(warehouse: Engine) -> None:
    assert case_study(warehouse, "P-SECRET") is None
    assert case_study(warehouse, "P-404") is None
