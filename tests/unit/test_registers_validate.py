"""Column-by-column checks of register files: each type gives its own plain-English reason."""

from __future__ import annotations

import pandas as pd
import pytest

from data_pipeline.extract import ROW
from data_pipeline.formats.base import RejectCollector
from data_pipeline.registers.build import BUILDERS, redact
from data_pipeline.registers.spec import Register, register_by_name
from data_pipeline.registers.validate import (
    column_key,
    conform,
    matched_columns,
    missing_required,
    validate,
)


def _check(register: Register, rows: list[dict[str, str]]) -> tuple[pd.DataFrame, dict]:
    """Validate and build rows (given as column -> value; other columns blank)."""
    frame = pd.DataFrame(rows, dtype="string").fillna("")
    frame[ROW] = range(2, len(frame) + 2)
    conformed = redact(conform(frame, register), register)
    rejects = RejectCollector(conformed)
    values = validate(conformed, register, rejects)
    built = BUILDERS[register.name](conformed, values, rejects)
    return rejects.records(), {t.name: f for t, f in built.frames}


def _one_problem(register_name: str, row: dict[str, str]) -> tuple[str, str]:
    records, _ = _check(register_by_name(register_name), [row])
    assert len(records) == 1, records.to_dict("records")
    return records.loc[0, "field"], records.loc[0, "reason"]


PROJECT = {"project_id": "P1", "title": "T", "status": "ongoing", "published": "yes"}
EVENT = {
    "event_id": "E1",
    "event_date": "2025-05-14",
    "title": "Course",
    "audience": "academics",
    "accredited": "no",
    "attendees": "10",
}


@pytest.mark.parametrize(
    ("register_name", "row", "field", "reason"),
    [
        (
            "projects",
            {**PROJECT, "participation_level": "co production"},
            "participation_level",
            "'co production' is not one of inform, consult, involve, co-produce, community-led",
        ),
        ("projects", {**PROJECT, "title": " "}, "title", "is required but blank"),
        (
            "projects",
            {**PROJECT, "start_date": "2024-02-30"},
            "start_date",
            "'2024-02-30' is not a date (use YYYY-MM-DD)",
        ),
        (
            "projects",
            {**PROJECT, "budget": "about 5k"},
            "budget",
            "'about 5k' is not an amount in pounds (e.g. 12500.00)",
        ),
        ("projects", {**PROJECT, "budget": "(20.00)"}, "budget", "'(20.00)' must not be negative"),
        ("projects", {**PROJECT, "published": "draft"}, "published", "'draft' is not yes or no"),
        (
            "projects",
            {**PROJECT, "wards": "E05000650; Riverside ward"},
            "wards",
            "'Riverside ward' is not a 9-character ONS area code such as E05000650",
        ),
        (
            "projects",
            {**PROJECT, "project_id": "P" * 61},
            "project_id",
            "'" + "P" * 60 + "' is longer than 60 characters",
        ),
        (
            "projects",
            {**PROJECT, "outputs": "Report | www.example.org/r.pdf"},
            "outputs",
            "'Report | www.example.org/r.pdf' has a link that is not http:// or https://",
        ),
        (
            "projects",
            {**PROJECT, "outputs": " | https://example.org/r.pdf"},
            "outputs",
            "'| https://example.org/r.pdf' has no title before \"|\"",
        ),
        (
            "projects",
            {**PROJECT, "topics": "Housing; ???"},
            "topics",
            "has a topic label with no letters or digits",
        ),
        (
            "projects",
            {**PROJECT, "start_date": "2024-05-01", "end_date": "2024-04-30"},
            "end_date",
            "'2024-04-30' is before start_date 2024-05-01",
        ),
        (
            "training_events",
            {**EVENT, "attendees": "ten"},
            "attendees",
            "'ten' is not a whole number of 0 or more",
        ),
        (
            "recommendations",
            {
                "recommendation_id": "R01",
                "workstream_id": "WS1",
                "workstream_name": "W",
                "text": "Do it",
                "status": "in_progress",
                "progress_pct": "101",
            },
            "progress_pct",
            "'101' is not a whole number from 0 to 100",
        ),
        (
            "advice_services",
            {"service_id": "A1", "name": "Advice", "url": "ftp://example.org"},
            "url",
            "'ftp://example.org' is not a web address starting http:// or https://",
        ),
        (
            "researchers",
            {
                "researcher_id": "R1",
                "display_name": "A",
                "consent": "public",
                "contact_email": "a@b",
            },
            "contact_email",
            "'a@b' is not an email address",
        ),
        (
            "payments",
            {
                "period": "2024-Q5",
                "provider": "P",
                "method": "cash",
                "payments_count": "3",
                "total_amount": "30",
                "currency": "GBP",
            },
            "period",
            "'2024-Q5' is not a quarter written YYYY-Qn (e.g. 2024-Q3)",
        ),
        (
            "payments",
            {
                "period": "2024-Q1",
                "provider": "P",
                "method": "cash",
                "payments_count": "3",
                "total_amount": "30",
                "currency": "£",
            },
            "currency",
            "'£' is not a three-letter currency code (e.g. GBP)",
        ),
    ],
)
def test_each_type_rejects_a_bad_value_with_its_reason(
    register_name: str, row: dict[str, str], field: str, reason: str
) -> None:
    assert _one_problem(register_name, row) == (field, reason)


def test_values_are_normalised_as_written_in_the_guidance() -> None:
    records, frames = _check(
        register_by_name("projects"),
        [
            {
                **PROJECT,
                "participation_level": "Co-Produce",
                "budget": "£4,000.50",
                "start_date": "2025-03-31",
                "topics": "Mental health; mental   health!",
                "published": "No",
            }
        ],
    )
    assert records.empty
    project = frames["dim_projects"].iloc[0]
    assert project["participation_level"] == "co-produce"
    assert project["budget_pence"] == 400050
    assert project["currency"] == "GBP"  # GBP when a budget has no currency
    assert project["financial_year"] == "2024/25"
    assert not project["is_published"]
    assert frames["dim_topics"]["topic_id"].tolist() == ["mental-health"]
    assert len(frames["bridge_project_topics"]) == 1


def test_a_repeated_id_keeps_the_first_row_and_names_it() -> None:
    records, frames = _check(
        register_by_name("projects"),
        [PROJECT, {**PROJECT, "project_id": "P2"}, {**PROJECT, "title": "Again"}],
    )
    assert records[["row_number", "field", "reason"]].values.tolist() == [
        [4, "project_id", "'P1' was already given on row 2; the first is kept"]
    ]
    assert frames["dim_projects"]["title"].tolist() == ["T", "T"]


def test_a_workstream_with_two_names_rejects_the_later_row() -> None:
    base = {"workstream_id": "WS2", "text": "Do it", "status": "achieved"}
    records, frames = _check(
        register_by_name("recommendations"),
        [
            {**base, "recommendation_id": "R01", "workstream_name": "Training"},
            {**base, "recommendation_id": "R02", "workstream_name": "Skills"},
        ],
    )
    assert records["reason"].tolist() == ["'Skills' differs from 'Training' given for WS2 on row 2"]
    assert frames["dim_workstreams"].to_dict("records") == [
        {"workstream_id": "WS2", "number": 2, "name": "Training"}
    ]


def test_hidden_consent_drops_contact_details_even_from_rejected_rows() -> None:
    records, frames = _check(
        register_by_name("researchers"),
        [
            {
                "researcher_id": "R1",
                "display_name": "A",
                "consent": "hidden",
                "contact_email": "not an email",
                "contact_phone": "07700 900000",
            },
            {
                "researcher_id": "R2",
                "display_name": "B",
                "consent": "secret",
                "contact_email": "b@example.org",
            },
        ],
    )
    assert records["reason"].tolist() == ["'secret' is not one of public, partners, hidden"]
    assert "b@example.org" not in records.loc[0, "raw"]
    stored = frames["dim_researchers"].iloc[0]
    assert stored["researcher_id"] == "R1"
    assert pd.isna(stored["contact_email"]) and pd.isna(stored["contact_phone"])


def test_column_titles_match_ignoring_case_spaces_and_underscores() -> None:
    projects = register_by_name("projects")
    titles = ["Project ID", "TITLE", "Status", "Published", "Lay summary", "Notes"]
    assert column_key("Project ID") == column_key("project_id") == "projectid"
    assert matched_columns(projects, titles) == {
        "Project ID": "project_id",
        "TITLE": "title",
        "Status": "status",
        "Published": "published",
        "Lay summary": "lay_summary",
    }
    assert missing_required(projects, ["project_id", "title"]) == ["status", "published"]
