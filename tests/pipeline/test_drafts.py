"""Drafts in the research library and on the impact page, on SQLite and PostgreSQL alike.

Every query that takes ``include_drafts`` hides draft projects and draft decisions by default
(what the public gets) and, with ``include_drafts=True`` (staff who may see drafts), lists them
with ``is_published`` false so the page can mark them. The charts, the filter counts and the
search ("has this been done already?") index stay on published rows for everyone.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries.charts import CHART_QUERIES, filter_options
from warehouse.queries.filters import Filters
from warehouse.queries.impact import case_study, decisions_page
from warehouse.queries.research import project_detail, search_projects
from warehouse.queries.similar import find_similar, similarity_documents, similarity_index

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
    "published",
]
PROJECTS = [
    ("P-1", "Food and the cost of living", "Residents asked neighbours about food prices.",
     "Peer interviews.", "Food insecurity", "completed", "2023-05-01", "2024-03-31",
     "Half skipped meals.", "yes"),
    ("P-2", "Damp homes", "Tenants photographed damp.", "Photovoice.", "Housing", "completed",
     "2022-01-01", "2022-12-31", "Damp everywhere.", "yes"),
    ("P-DRAFT", "Zanzibar lantern draft study", "Lantern makers talk about food prices.",
     "Lantern interviews.", "Food insecurity; Lantern topic", "completed", "2023-06-01",
     "2023-12-31", "Lantern findings.", "no"),
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
    ("D-1", "Food plan adopted", "Cabinet", "2024-06-18", "https://example.org/d1.pdf",
     "strategy-or-plan", "local", "P-1", "Residents' research showed hunger.", "14", "yes"),
    ("D-2", "Housing budget", "Cabinet", "2023-07-19", "", "budget-allocation", "local",
     "P-2", "Tenants' photos.", "3", "yes"),
    # A draft decision citing a published project, and a published one citing only the draft.
    ("D-DRAFT", "Quetzal draft decision", "Quetzal Board", "2024-07-01", "",
     "policy-citation", "national", "P-1", "Quetzal words.", "1", "no"),
    ("D-3", "Decision citing the lantern draft", "Cabinet", "2024-08-01", "",
     "service-change", "local", "P-DRAFT", "Lantern words.", "2", "yes"),
]  # fmt: skip
DRAFT_TEXT = ("P-DRAFT", "Zanzibar", "Lantern", "D-DRAFT", "Quetzal", "D-3")


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


def _text(*parts: object) -> str:
    return " ".join(
        p.to_csv(index=False) if isinstance(p, pd.DataFrame) else str(p) for p in parts
    ).lower()


def _assert_no_drafts(*parts: object) -> None:
    text = _text(*parts)
    leaked = [word for word in DRAFT_TEXT if word.lower() in text]
    assert leaked == [], leaked


def test_search_hides_drafts_by_default_and_lists_them_flagged_for_staff(
    warehouse: Engine,
) -> None:
    public = search_projects(warehouse, Filters())
    assert sorted(public.rows["project_id"]) == ["P-1", "P-2"]
    assert (public.total, public.drafts) == (2, 0)
    assert public.rows["is_published"].tolist() == [True, True]
    _assert_no_drafts(public.rows)

    staff = search_projects(warehouse, Filters(), include_drafts=True)
    assert (staff.total, staff.drafts) == (3, 1)
    flags = dict(zip(staff.rows["project_id"], staff.rows["is_published"], strict=True))
    assert flags == {"P-1": True, "P-2": True, "P-DRAFT": False}

    # The search and the facets apply to drafts too.
    found = search_projects(warehouse, Filters(q="lantern"), include_drafts=True)
    assert found.rows["project_id"].tolist() == ["P-DRAFT"]
    assert search_projects(warehouse, Filters(q="lantern")).total == 0


def test_a_draft_project_page_answers_for_staff_only(warehouse: Engine) -> None:
    assert project_detail(warehouse, "P-DRAFT") is None
    draft = project_detail(warehouse, "P-DRAFT", include_drafts=True)
    assert draft is not None
    assert not draft.project["is_published"]
    assert draft.topics == ["Food insecurity", "Lantern topic"]

    public = project_detail(warehouse, "P-1")
    assert public is not None and public.project["is_published"]
    assert public.decisions["decision_id"].tolist() == ["D-1"]
    _assert_no_drafts(public.project, public.decisions)

    staff = project_detail(warehouse, "P-1", include_drafts=True)
    assert staff is not None
    flags = dict(zip(staff.decisions["decision_id"], staff.decisions["is_published"], strict=True))
    assert {k: bool(v) for k, v in flags.items()} == {"D-1": True, "D-DRAFT": False}


def test_decisions_list_hides_drafts_by_default_and_flags_them_for_staff(
    warehouse: Engine,
) -> None:
    public = decisions_page(warehouse, Filters())
    assert public.decisions["decision_id"].tolist() == ["D-1", "D-2"]
    assert (public.total, public.drafts) == (2, 0)
    _assert_no_drafts(public.decisions, public.citations)

    staff = decisions_page(warehouse, Filters(), include_drafts=True)
    assert staff.decisions["decision_id"].tolist() == ["D-3", "D-DRAFT", "D-1", "D-2"]
    assert (staff.total, staff.drafts) == (4, 1)
    flags = dict(zip(staff.decisions["decision_id"], staff.decisions["is_published"], strict=True))
    assert {k: bool(v) for k, v in flags.items()} == {
        "D-3": True,
        "D-DRAFT": False,
        "D-1": True,
        "D-2": True,
    }
    cited = staff.citations.set_index("decision_id")
    assert cited.loc["D-3", "project_id"] == "P-DRAFT"
    assert not bool(cited.loc["D-3", "is_published"])


def test_a_case_study_of_a_draft_answers_for_staff_only(warehouse: Engine) -> None:
    assert case_study(warehouse, "P-DRAFT") is None
    draft = case_study(warehouse, "P-DRAFT", include_drafts=True)
    assert draft is not None and not draft.project["is_published"]
    assert draft.decisions["decision_id"].tolist() == ["D-3"]

    public = case_study(warehouse, "P-1")
    assert public is not None
    assert public.decisions["decision_id"].tolist() == ["D-1"]
    _assert_no_drafts(public.decisions)
    staff = case_study(warehouse, "P-1", include_drafts=True)
    assert staff is not None
    assert staff.decisions["decision_id"].tolist() == ["D-1", "D-DRAFT"]
    assert [bool(v) for v in staff.decisions["is_published"]] == [True, False]


@pytest.mark.parametrize(
    "chart_id",
    [
        "research-projects-by-year",
        "impact-flow",
        "impact-influence-over-time",
        "impact-time-to-decision",
    ],
)
def test_charts_count_published_records_only(warehouse: Engine, chart_id: str) -> None:
    data = CHART_QUERIES[chart_id](warehouse, Filters())
    assert not data.empty
    _assert_no_drafts(data)
    if chart_id == "research-projects-by-year":
        assert int(data["projects"].sum()) == 2
    if chart_id == "impact-influence-over-time":
        assert int(data["decisions"].sum()) == 2


@pytest.mark.parametrize("page", ["research", "impact"])
def test_filter_options_count_published_records_only(warehouse: Engine, page: str) -> None:
    names = ["topic", "status", "year"] if page == "research" else ["fy_from", "influence", "reach"]
    for name in names:
        options = filter_options(warehouse, page, name, Filters())
        assert not options.empty, name
        _assert_no_drafts(options)
    if page == "research":
        topics = filter_options(warehouse, "research", "topic", Filters())
        assert dict(zip(topics["label"], topics["records"], strict=True)) == {
            "Food insecurity": 1,
            "Housing": 1,
        }


def test_the_similarity_index_never_holds_a_draft(warehouse: Engine) -> None:
    documents = similarity_documents(warehouse)
    assert sorted(documents["record_id"]) == ["P-1", "P-2"]
    _assert_no_drafts(documents)
    index = similarity_index(warehouse)
    assert sorted(index.documents["record_id"]) == ["P-1", "P-2"]
    assert not {"zanzibar", "lantern", "quetzal"} & set(index.terms)
    # The draft's own words find nothing of it.
    work = find_similar(warehouse, "Zanzibar lantern draft study", "Lantern makers food prices")
    assert "P-DRAFT" not in set(work.rows["record_id"])
    _assert_no_drafts(work.rows)
