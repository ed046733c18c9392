"""The ``/data`` page's queries on SQLite and PostgreSQL, over a small hand-made warehouse:
loaded files, rejected-row counts (never their values), the completeness scorecards, the
incomplete projects and the full-dataset CSVs. A draft project, a draft decision and update, a
hidden and a partners-only researcher never appear in lists or downloads."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, Table, insert

from warehouse.queries import quality
from warehouse.schema import (
    bridge_project_areas,
    dim_advice_services,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_workstreams,
    fct_milestones,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_recommendation_updates,
    fct_training_events,
    meta_load_runs,
    meta_rejected_rows,
    meta_source_files,
)

SHA = "ab" * 32
SECRET = "SECRET-VALUE-9137"
TODAY = date(2025, 6, 30)
DRAFT_TITLE = "Unpublished draft about allotments"
HIDDEN = ("Harry Hiddenentry", "harry@example.org", "Priya Partnersonly", "priya@example.org")


def _add(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows; keys missing from a row are inserted as NULL (executemany needs one shape)."""
    keys = {key for row in rows for key in row}
    with engine.begin() as conn:
        conn.execute(
            insert(table), [{"row_hash": "x", **dict.fromkeys(keys), **row} for row in rows]
        )


def _project(project_id: str, title: str, published: bool, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": project_id,
        "title": title,
        "status": "completed",
        "is_published": published,
        "methodology": None,
        "participation_level": None,
    }
    return {**row, **extra}


@pytest.fixture
def warehouse(engine: Engine) -> Engine:
    now = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        file_id = conn.execute(
            insert(meta_source_files).returning(meta_source_files.c.source_file_id),
            {
                "sha256": SHA,
                "file_name": "11_projects.csv",
                "detected_format": "register-projects-csv",
                "row_count": 6,
                "publisher": "Test HDRC",
                "licence": "Open Government Licence v3.0",
                "first_loaded_at": now,
                "last_loaded_at": now,
            },
        ).scalar_one()
        run_id = conn.execute(
            insert(meta_load_runs).returning(meta_load_runs.c.load_run_id),
            {
                "source_file_id": file_id,
                "file_name": "11_projects.csv",
                "sha256": SHA,
                "detected_format": "register-projects-csv",
                "started_at": now,
                "status": "partial",
                "rows_read": 6,
                "rows_rejected": 3,
            },
        ).scalar_one()
        bad_date = {"field": "start_date", "file_name": "11_projects.csv", "sha256": SHA}
        conn.execute(
            insert(meta_rejected_rows),
            [
                {
                    **bad_date,
                    "load_run_id": run_id,
                    "row_number": 4,
                    "reason": f"'{SECRET}' is not a date (use YYYY-MM-DD)",
                    "raw": f'{{"title": "{SECRET}"}}',
                },
                {
                    **bad_date,
                    "load_run_id": run_id,
                    "row_number": 5,
                    "reason": "'31/02/2024' is not a date (use YYYY-MM-DD)",
                    "raw": '{"title": "other"}',
                },
                {
                    "file_name": "11_projects.csv",
                    "sha256": SHA,
                    "load_run_id": run_id,
                    "row_number": 6,
                    "field": "title",
                    "reason": "is required but blank",
                    "raw": "{}",
                },
            ],
        )
    _add(
        engine,
        dim_projects,
        [
            _project(
                "P1",
                "Complete project",
                True,
                methodology="Peer interviews",
                participation_level="co-produce",
                budget_pence=1_250_000,
            ),
            _project("P2", "Project without method or place", True, participation_level="consult"),
            _project("P3", DRAFT_TITLE, False),
        ],
    )
    _add(
        engine,
        bridge_project_areas,
        [{"project_id": "P1", "area_code": "E05000001"}, {"project_id": "P3", "area_code": "E1"}],
    )
    _add(
        engine,
        dim_workstreams,
        [
            {"workstream_id": "WS1", "number": 1, "name": "Research Collaborative"},
            {"workstream_id": "WS2", "number": 2, "name": "Infrastructure"},
        ],
    )
    _add(
        engine,
        dim_recommendations,
        [
            {
                "recommendation_id": "R01",
                "workstream_id": "WS1",
                "text": "Advocate collaborative working.",
                "owner": "Director of Public Health",
                "status": "in_progress",
                "progress_pct": 40,
            },
            {
                "recommendation_id": "R02",
                "workstream_id": "WS1",
                "text": "Build a register.",
                "owner": None,
                "status": "not_started",
            },
        ],
    )
    _add(
        engine,
        fct_milestones,
        [
            {"milestone_id": "M1", "recommendation_id": "R01", "title": "A", "due_date": TODAY},
            {"milestone_id": "M2", "recommendation_id": "R02", "title": "B", "due_date": None},
        ],
    )
    update = {"author": "Lead", "recommendation_id": "R01"}
    _add(
        engine,
        fct_recommendation_updates,
        [
            {
                **update,
                "update_id": "U1",
                "update_date": date(2025, 3, 1),
                "note": "Published news",
                "is_published": True,
            },
            {
                **update,
                "recommendation_id": "R02",
                "update_id": "U2",
                "update_date": date(2025, 6, 1),
                "note": "Draft note never shown",
                "is_published": False,
            },
        ],
    )
    decision = {"decision_body": "Cabinet", "financial_year": "2024/25", "reach": "local"}
    _add(
        engine,
        fct_policy_decisions,
        [
            {
                **decision,
                "decision_id": "D1",
                "title": "Published decision",
                "decision_date": date(2024, 9, 1),
                "influence_type": "cited",
                "is_published": True,
            },
            {
                **decision,
                "decision_id": "D2",
                "title": "Draft decision",
                "decision_date": date(2024, 10, 1),
                "influence_type": "cited",
                "is_published": False,
            },
        ],
    )
    _add(
        engine,
        fct_policy_citations,
        [
            {"decision_id": "D1", "project_id": "P1", "snippet": "As P1 found", "page": "3"},
            {"decision_id": "D1", "project_id": "P3", "snippet": "Draft citation", "page": "4"},
        ],
    )
    person = {"skills": "interviewing", "languages": "English", "availability": "available"}
    _add(
        engine,
        dim_researchers,
        [
            {
                **person,
                "researcher_id": "R-1",
                "display_name": "Amina Public",
                "consent": "public",
                "contact_email": "amina@example.org",
            },
            {
                **person,
                "researcher_id": "R-2",
                "display_name": HIDDEN[0],
                "consent": "hidden",
                "contact_email": HIDDEN[1],
            },
            {
                **person,
                "researcher_id": "R-3",
                "display_name": HIDDEN[2],
                "consent": "partners",
                "contact_email": HIDDEN[3],
            },
        ],
    )
    pay = {"currency": "GBP", "median_days_to_pay": 7.0}
    _add(
        engine,
        fct_payments,
        [
            {**pay, "period": "2024-Q1", "provider": "A", "method": "bank", "payments_count": 3,
             "total_pence": 30_000},
            {**pay, "period": "2024-Q1", "provider": "A", "method": "voucher", "payments_count": 4,
             "total_pence": 20_000},
            {**pay, "period": "2024-Q1", "provider": "B", "method": "cash", "payments_count": 2,
             "total_pence": 9_999},
        ],
    )  # fmt: skip
    event = {"financial_year": "2024/25", "audience": "academics", "is_accredited": False}
    _add(
        engine,
        fct_training_events,
        [
            {**event, "event_id": "T1", "event_date": date(2024, 5, 1), "title": "Big",
             "attendees": 12},
            {**event, "event_id": "T2", "event_date": date(2024, 6, 1), "title": "Small",
             "attendees": 3},
        ],
    )  # fmt: skip
    _add(engine, dim_advice_services, [{"service_id": "A1", "name": "Advice line"}])
    return engine


def _csv(engine: Engine, name: str, chunk: int = 1) -> list[dict[str, str]]:
    text = "".join(quality.dataset_csv_chunks(engine, name, chunk=chunk))
    return list(csv.DictReader(io.StringIO(text)))


def test_source_files_list_each_file_with_its_sha256(warehouse: Engine) -> None:
    files = quality.source_files(warehouse)
    assert files["file_name"].tolist() == ["11_projects.csv"]
    row = files.iloc[0]
    assert row["sha256"] == SHA
    assert row["publisher"] == "Test HDRC"
    assert row["licence"] == "Open Government Licence v3.0"
    assert int(row["row_count"]) == 6


def test_rejected_rows_are_counted_and_their_values_withheld(warehouse: Engine) -> None:
    counts = quality.rejected_counts(warehouse)
    by_reason = {(r.field, r.reason): int(r.rows) for r in counts.itertuples()}
    assert by_reason == {
        ("start_date", f"{quality.MASK} is not a date (use YYYY-MM-DD)"): 2,
        ("title", "is required but blank"): 1,
    }
    assert SECRET not in counts.to_csv()
    assert "31/02/2024" not in counts.to_csv()


def test_register_scorecard_counts_public_records_only(warehouse: Engine) -> None:
    card = quality.register_completeness(warehouse)
    projects = card[card["register"] == "Research projects (published)"].set_index("field")
    assert set(projects["records"]) == {2}  # the draft is not counted
    assert projects.loc["Methodology", "filled"] == 1
    assert projects.loc["Location (ward or area)", "filled"] == 1
    assert projects.loc["Participation level", "filled"] == 2
    assert projects.loc["Methodology", "pct"] == 50.0
    researchers = card[card["register"] == "Researchers (public directory)"]
    assert set(researchers["records"]) == {1}
    decisions = card[card["register"] == "Policy decisions (published)"].set_index("field")
    assert decisions.loc["Cites research", "filled"] == 1
    advice = card[card["register"] == "Advice services"].set_index("field")
    assert advice.loc["Web address", "filled"] == 0


def test_workstream_scorecard(warehouse: Engine) -> None:
    table = quality.workstream_completeness(warehouse, today=TODAY).set_index("workstream_id")
    ws1 = table.loc["WS1"]
    assert int(ws1["recommendations"]) == 2
    assert int(ws1["with_owner"]) == 1
    assert int(ws1["with_progress"]) == 1
    # U1 (published, 4 months old) counts; U2 is recent but a draft.
    assert int(ws1["with_recent_update"]) == 1
    assert int(ws1["milestones"]) == 2
    assert int(ws1["milestones_with_due_date"]) == 1
    ws2 = table.loc["WS2"]
    assert int(ws2["recommendations"]) == 0 and int(ws2["milestones"]) == 0
    later = quality.workstream_completeness(warehouse, today=date(2026, 1, 1))
    assert int(later.set_index("workstream_id").loc["WS1", "with_recent_update"]) == 0


def test_incomplete_projects_are_published_ones_only(warehouse: Engine) -> None:
    missing = quality.incomplete_projects(warehouse)
    assert missing["project_id"].tolist() == ["P2"]
    row = missing.iloc[0]
    assert bool(row["missing_methodology"]) and bool(row["missing_location"])
    assert not bool(row["missing_participation"])
    assert quality.count_incomplete_projects(warehouse) == 1


def test_downloads_hold_published_rows_only(warehouse: Engine) -> None:
    projects = _csv(warehouse, "projects")
    assert [r["project_id"] for r in projects] == ["P1", "P2"]
    assert "is_published" not in projects[0] and "row_hash" not in projects[0]
    assert projects[0]["budget_pence"] == "1250000"

    decisions = _csv(warehouse, "policy-decisions")
    assert {r["decision_id"] for r in decisions} == {"D1"}
    assert [r["cited_project_id"] for r in decisions] == ["P1"]  # not the draft P3

    updates = _csv(warehouse, "recommendation-updates")
    assert [r["update_id"] for r in updates] == ["U1"]

    researchers = _csv(warehouse, "researchers")
    assert [r["display_name"] for r in researchers] == ["Amina Public"]
    assert researchers[0]["contact_email"] == "amina@example.org"

    everything = "".join(
        "".join(quality.dataset_csv_chunks(warehouse, d.name)) for d in quality.DATASETS
    )
    for secret in (DRAFT_TITLE, "Draft note never shown", "Draft decision", "Draft citation"):
        assert secret not in everything
    for secret in HIDDEN:
        assert secret not in everything
    assert SECRET not in everything


def test_payments_are_aggregated_and_small_counts_suppressed(warehouse: Engine) -> None:
    payments = _csv(warehouse, "payments")
    assert payments == [
        {"quarter": "2024-Q1", "provider": "A", "currency": "GBP", "payments": "7",
         "total_pence": "50000"},
        {"quarter": "2024-Q1", "provider": "B", "currency": "GBP",
         "payments": quality.SUPPRESSED, "total_pence": ""},
    ]  # fmt: skip
    training = {r["event_id"]: r["attendees"] for r in _csv(warehouse, "training-events")}
    assert training == {"T1": "12", "T2": quality.SUPPRESSED}


def test_csv_streams_in_chunks_and_counts_agree(warehouse: Engine) -> None:
    chunks = list(quality.dataset_csv_chunks(warehouse, "projects", chunk=1))
    assert len(chunks) == 3  # the header, then one chunk per row
    counts = quality.dataset_rows(warehouse)
    for dataset in quality.DATASETS:
        assert counts[dataset.name] == len(_csv(warehouse, dataset.name, chunk=2)), dataset.name
    with pytest.raises(KeyError):
        next(quality.dataset_csv_chunks(warehouse, "rejected-rows"))
