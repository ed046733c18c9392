"""The register definitions keep the column contract, fit the warehouse, and their examples
are valid."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import String

from data_pipeline.extract import ROW
from data_pipeline.formats import all_formats
from data_pipeline.formats.base import RejectCollector
from data_pipeline.registers.build import BUILDERS
from data_pipeline.registers.spec import REGISTERS, Register
from data_pipeline.registers.validate import conform, validate

# The column contract shared with everyone who writes register files (the demo included).
CONTRACT = {
    "projects": "project_id title lay_summary methodology methods participation_level topics "
    "wards populations provider_org_id provider_name status start_date end_date budget currency "
    "findings outputs grant_ids ocids recommendation_ids researcher_ids published",
    "policy_decisions": "decision_id title decision_body decision_date document_url "
    "influence_type reach citing_project_ids citation_snippet citation_page published",
    "recommendations": "recommendation_id workstream_id workstream_name text owner status rag "
    "progress_pct",
    "milestones": "milestone_id recommendation_id title due_date done_date",
    "recommendation_updates": "update_id recommendation_id update_date author note "
    "evidence_url status_from status_to progress_pct published",
    "researchers": "researcher_id display_name skills languages areas training_completed "
    "availability consent contact_email contact_phone",
    "training_events": "event_id event_date title audience accredited attendees provider",
    "payments": "period provider method payments_count total_amount currency median_days_to_pay",
    "advice_services": "service_id name provider description url phone areas "
    "specialist_pc_payments",
}
REQUIRED = {
    "projects": "project_id title status published",
    "policy_decisions": "decision_id title decision_body decision_date influence_type reach "
    "published",
    "recommendations": "recommendation_id workstream_id workstream_name text status",
    "milestones": "milestone_id recommendation_id title",
    "recommendation_updates": "update_id recommendation_id update_date author note published",
    "researchers": "researcher_id display_name consent",
    "training_events": "event_id event_date title audience accredited attendees",
    "payments": "period provider method payments_count total_amount currency",
    "advice_services": "service_id name",
}


def test_every_register_keeps_the_column_contract() -> None:
    assert [r.name for r in REGISTERS] == list(CONTRACT)
    for register in REGISTERS:
        assert register.columns == CONTRACT[register.name].split()
        assert register.required == REQUIRED[register.name].split()


def test_vocabularies_match_the_contract() -> None:
    projects = REGISTERS[0]
    assert projects.field("participation_level").vocabulary == (
        "inform",
        "consult",
        "involve",
        "co-produce",
        "community-led",
    )
    decisions = REGISTERS[1]
    assert len(decisions.field("influence_type").vocabulary) == 8
    assert REGISTERS[7].field("method").vocabulary == (
        "bank-transfer",
        "voucher",
        "cash",
        "payroll",
        "other",
    )


def _stored_name(register: Register, column: str) -> str:
    renamed = {"published": "is_published", "accredited": "is_accredited", "budget": ""}
    return renamed.get(column, column)


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.name)
def test_values_the_loader_accepts_fit_the_warehouse_columns(register: Register) -> None:
    """A value the loader accepts must never be too long for PostgreSQL's VARCHAR."""
    for field in register.fields:
        column = register.primary.c.get(_stored_name(register, field.name))
        if column is None or not isinstance(column.type, String) or column.type.length is None:
            continue
        length = column.type.length
        if field.vocabulary:
            assert max(len(v) for v in field.vocabulary) <= length, field.name
        elif field.kind in ("text", "url", "email"):
            assert field.max_length == length, field.name
        elif field.kind == "currency":
            assert length == 3
        elif field.kind == "quarter":
            assert len("2024-Q3") <= length


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.name)
def test_each_example_row_is_valid(register: Register) -> None:
    frame = pd.DataFrame([[f.example for f in register.fields]], columns=register.columns)
    frame[ROW] = 2
    conformed = conform(frame, register)
    rejects = RejectCollector(conformed)
    values = validate(conformed, register, rejects)
    built = BUILDERS[register.name](conformed, values, rejects)
    assert rejects.records().empty
    primary = next(f for t, f in built.frames if t is register.primary)
    assert len(primary) == 1


def test_each_register_has_a_csv_and_an_xlsx_format() -> None:
    ids = {f.id for f in all_formats()}
    for register in REGISTERS:
        assert f"register-{register.name}-csv" in ids
        assert f"register-{register.name}-xlsx" in ids
