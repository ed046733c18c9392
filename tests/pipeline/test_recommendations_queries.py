"""The recommendations tracker's queries, on SQLite and PostgreSQL alike: the tracker rows with
next milestone, overdue flag and last published update; the roll-up per workstream; the chart;
the status filter; and a recommendation's page. Small registers are written here and loaded
through the pipeline, with an unpublished update and an unpublished project that must never
show."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries.charts import CHART_QUERIES, filter_options
from warehouse.queries.filters import Filters
from warehouse.queries.recommendations import (
    recommendation_detail,
    tracker,
    workstream_rollup,
)
from warehouse.schema import fct_grants

TODAY = date(2025, 6, 1)

RECOMMENDATIONS = [
    # id, workstream, name, text, owner, status, rag, progress
    (
        "R01",
        "WS1",
        "Collaboration",
        "Pool funding for research.",
        "Director",
        "in_progress",
        "amber",
        "40",
    ),
    (
        "R02",
        "WS1",
        "Collaboration",
        "Advocate collaborative working.",
        "",
        "achieved",
        "green",
        "100",
    ),
    (
        "R03",
        "WS2",
        "Infrastructure",
        "Fund a researcher directory.",
        "Lead",
        "not_started",
        "red",
        "",
    ),
]

MILESTONES = [
    # id, recommendation, title, due, done
    ("R01-M1", "R01", "Scope agreed", "2025-01-31", "2025-01-20"),
    ("R01-M2", "R01", "Options paper", "2025-05-01", ""),  # overdue on TODAY
    ("R01-M3", "R01", "Resources secured", "2025-09-30", ""),
    ("R01-M4", "R01", "Someday", "", ""),
    ("R03-M1", "R03", "Kick-off", "2025-12-01", ""),  # open, not yet due
    ("R02-M1", "R02", "Launched", "2024-12-01", "2024-11-30"),
]

UPDATES = [
    # id, recommendation, date, author, note, evidence, from, to, progress, published
    (
        "U1",
        "R01",
        "2025-02-01",
        "WS1 lead",
        "Work began.",
        "https://example.org/u1",
        "not_started",
        "in_progress",
        "10",
        "yes",
    ),
    ("U2", "R01", "2025-04-15", "WS1 lead", "Options drafted.", "", "", "", "40", "yes"),
    ("U3", "R01", "2025-05-20", "WS1 lead", "DRAFT: not for the public.", "", "", "", "45", "no"),
    (
        "U4",
        "R02",
        "2024-12-02",
        "WS1 lead",
        "Delivered.",
        "https://example.org/u4",
        "in_progress",
        "achieved",
        "100",
        "yes",
    ),
    ("U5", "R03", "2025-03-01", "WS2 lead", "DRAFT only.", "", "", "", "", "no"),
]

PROJECTS = [
    # id, title, status, start, grants, recommendations, published
    ("P-1", "Pooled research fund pilot", "ongoing", "2024-09-01", "G-1; G-2", "R01", "yes"),
    ("P-2", "Second pilot", "planned", "2025-01-01", "G-2", "R01", "yes"),
    ("P-3", "Hidden draft project", "planned", "2025-02-01", "G-3", "R01", "no"),
]


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def tracker_db(engine: Engine, tmp_path: Path) -> Engine:
    files = [
        _write(
            tmp_path / "recommendations.csv",
            [
                "recommendation_id",
                "workstream_id",
                "workstream_name",
                "text",
                "owner",
                "status",
                "rag",
                "progress_pct",
            ],
            RECOMMENDATIONS,
        ),
        _write(
            tmp_path / "milestones.csv",
            ["milestone_id", "recommendation_id", "title", "due_date", "done_date"],
            MILESTONES,
        ),
        _write(
            tmp_path / "recommendation_updates.csv",
            [
                "update_id",
                "recommendation_id",
                "update_date",
                "author",
                "note",
                "evidence_url",
                "status_from",
                "status_to",
                "progress_pct",
                "published",
            ],
            UPDATES,
        ),
        _write(
            tmp_path / "projects.csv",
            [
                "project_id",
                "title",
                "status",
                "start_date",
                "grant_ids",
                "recommendation_ids",
                "published",
            ],
            PROJECTS,
        ),
    ]
    for path in files:
        result = load_file(engine, path, Config())
        assert (result.status, result.problems) == ("loaded", []), path.name
    grant = {
        "title": "Research grant",
        "currency": "GBP",
        "award_date": date(2024, 8, 1),
        "financial_year": "2024/25",
        "funder_org_id": "GB-LAE-X",
        "funder_name": "The Council",
        "recipient_is_individual": False,
        "route": "grant",
        "direction": "awarded",
        "is_pc_research": True,
        "row_hash": "g",
    }
    with engine.begin() as conn:
        conn.execute(
            insert(fct_grants),
            [
                {**grant, "grant_id": "G-1", "amount_awarded_pence": 1_000_050},
                {**grant, "grant_id": "G-2", "amount_awarded_pence": 500_000},
                {**grant, "grant_id": "G-3", "amount_awarded_pence": 7_777_700},
            ],
        )
    return engine


def test_tracker_rows_carry_next_milestone_overdue_flag_and_last_published_update(
    tracker_db: Engine,
) -> None:
    rows = tracker(tracker_db, Filters(), TODAY).set_index("recommendation_id")
    assert list(rows.index) == ["R01", "R02", "R03"]
    assert rows.loc["R01", "workstream_name"] == "Collaboration"
    assert rows.loc["R01", "text"] == "Pool funding for research."
    assert rows.loc["R01", "owner"] == "Director"
    assert (rows.loc["R01", "status"], rows.loc["R01", "rag"]) == ("in_progress", "amber")
    assert int(rows.loc["R01", "progress_pct"]) == 40
    # The earliest open milestone is next; it was due before TODAY and is not done.
    assert rows.loc["R01", "next_milestone"] == "Options paper"
    assert str(rows.loc["R01", "next_milestone_due"])[:10] == "2025-05-01"
    assert bool(rows.loc["R01", "overdue"]) is True
    # The unpublished update of 20 May does not count as the last update.
    assert str(rows.loc["R01", "last_update"])[:10] == "2025-04-15"
    # R02's only milestone is done: nothing is next and nothing is overdue.
    assert rows.loc["R02", "next_milestone"] is None or rows["next_milestone"].isna()["R02"]
    assert bool(rows.loc["R02", "overdue"]) is False
    # R03's milestone is not yet due; its only update is a draft, so no update is shown.
    assert rows.loc["R03", "next_milestone"] == "Kick-off"
    assert bool(rows.loc["R03", "overdue"]) is False
    assert rows["last_update"].isna()["R03"]


def test_the_same_milestone_is_not_overdue_before_its_due_date(tracker_db: Engine) -> None:
    rows = tracker(tracker_db, Filters(), date(2025, 4, 30)).set_index("recommendation_id")
    assert bool(rows.loc["R01", "overdue"]) is False
    rows = tracker(tracker_db, Filters(), date(2025, 5, 1)).set_index("recommendation_id")
    assert bool(rows.loc["R01", "overdue"]) is False
    rows = tracker(tracker_db, Filters(), date(2025, 5, 2)).set_index("recommendation_id")
    assert bool(rows.loc["R01", "overdue"]) is True


def test_rollup_counts_each_workstream_by_status_with_mean_progress(tracker_db: Engine) -> None:
    rollup = workstream_rollup(tracker_db, Filters()).set_index("workstream_id")
    assert rollup.loc[
        "WS1", ["recommendations", "not_started", "in_progress", "achieved"]
    ].tolist() == [2, 0, 1, 1]
    assert rollup.loc[
        "WS2", ["recommendations", "not_started", "in_progress", "achieved"]
    ].tolist() == [1, 1, 0, 0]
    assert int(rollup.loc["WS1", "progress_pct"]) == 70
    assert int(rollup.loc["WS2", "progress_pct"]) == 0  # no progress recorded counts as 0%


def test_status_filter_picks_recommendations_and_its_options_count_them(
    tracker_db: Engine,
) -> None:
    chosen = Filters(status=("achieved",))
    assert tracker(tracker_db, chosen, TODAY)["recommendation_id"].tolist() == ["R02"]
    rollup = workstream_rollup(tracker_db, chosen)
    assert rollup[["workstream_id", "recommendations"]].values.tolist() == [["WS1", 1]]
    options = filter_options(tracker_db, "recommendations", "status", chosen)
    assert options[["value", "label", "records"]].values.tolist() == [
        ["not_started", "Not started", 1],
        ["in_progress", "In progress", 1],
        ["achieved", "Achieved", 1],
    ]


def test_chart_counts_recommendations_by_workstream_and_status(tracker_db: Engine) -> None:
    data = CHART_QUERIES["recommendations-progress"](tracker_db, Filters())
    got = sorted(
        (str(w), str(s), int(n))
        for w, s, n in data[["workstream", "status", "recommendations"]].values.tolist()
    )
    assert got == [
        ("Collaboration", "achieved", 1),
        ("Collaboration", "in_progress", 1),
        ("Infrastructure", "not_started", 1),
    ]
    assert CHART_QUERIES["recommendations-progress"](tracker_db, Filters(status=("paused",))).empty


def test_detail_shows_published_timeline_milestones_projects_and_funding(
    tracker_db: Engine,
) -> None:
    detail = recommendation_detail(tracker_db, "R01", TODAY)
    assert detail is not None
    assert detail.recommendation["text"] == "Pool funding for research."
    assert detail.recommendation["workstream_name"] == "Collaboration"
    assert detail.updates["update_id"].tolist() == ["U1", "U2"]
    assert "DRAFT: not for the public." not in detail.updates["note"].tolist()
    first = detail.updates.iloc[0]
    assert (first["status_from"], first["status_to"]) == ("not_started", "in_progress")
    assert first["evidence_url"] == "https://example.org/u1"
    assert detail.milestones["milestone_id"].tolist() == ["R01-M1", "R01-M2", "R01-M3", "R01-M4"]
    assert detail.milestones["overdue"].tolist() == [False, True, False, False]
    assert detail.projects["project_id"].tolist() == ["P-1", "P-2"]
    # G-2 funds both published projects and counts once; G-3 funds only the draft project.
    assert detail.grants["grant_id"].tolist() == ["G-1", "G-2"]
    assert detail.funding_pence == 1_500_050


def test_detail_of_a_recommendation_with_only_drafts_and_no_projects(tracker_db: Engine) -> None:
    detail = recommendation_detail(tracker_db, "R03", TODAY)
    assert detail is not None
    assert detail.updates.empty
    assert detail.projects.empty and detail.grants.empty
    assert detail.funding_pence == 0


def test_unknown_recommendation_is_none(tracker_db: Engine) -> None:
    assert recommendation_detail(tracker_db, "R99", TODAY) is None
