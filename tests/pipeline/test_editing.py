"""Editing by workstream leads, on SQLite and PostgreSQL: posting updates (published or draft),
validation per field, the version check against lost updates (also under real concurrency),
permissions, publishing, milestones, the audit trail and the history; drafts never reach the
public queries."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, select

from warehouse.editing import (
    Conflict,
    Invalid,
    NotAllowed,
    StaffMember,
    add_milestone,
    edit_milestone,
    editing_state,
    history,
    post_update,
    publish_update,
)
from warehouse.queries.filters import Filters
from warehouse.queries.recommendations import recommendation_detail, tracker
from warehouse.queries.records import DATASET_NAMES, records_page
from warehouse.schema import (
    dim_recommendations,
    dim_workstreams,
    fct_milestones,
    fct_recommendation_updates,
    meta_audit_log,
    meta_users,
)
from warehouse.upsert import upsert_frame

TODAY = date.today()


@pytest.fixture
def people(engine: Engine) -> dict[str, StaffMember]:
    """Two workstreams with a recommendation and a milestone each, and one account per kind
    of editor."""
    with engine.begin() as conn:
        conn.execute(
            insert(dim_workstreams),
            [
                {"workstream_id": "WS1", "number": 1, "name": "Collaboration", "row_hash": "a"},
                {"workstream_id": "WS2", "number": 2, "name": "Infrastructure", "row_hash": "b"},
            ],
        )
        conn.execute(
            insert(dim_recommendations),
            [
                {
                    "recommendation_id": "R01",
                    "workstream_id": "WS1",
                    "text": "Pool funding for research.",
                    "status": "not_started",
                    "rag": "amber",
                    "progress_pct": 10,
                    "row_hash": "c",
                },
                {
                    "recommendation_id": "R02",
                    "workstream_id": "WS2",
                    "text": "Fund a researcher directory.",
                    "status": "in_progress",
                    "rag": None,
                    "progress_pct": 50,
                    "row_hash": "d",
                },
            ],
        )
        conn.execute(
            insert(fct_milestones),
            [
                {
                    "milestone_id": "R01-M1",
                    "recommendation_id": "R01",
                    "title": "Scope agreed",
                    "due_date": date(2025, 1, 31),
                    "done_date": None,
                    "row_hash": "e",
                },
                {
                    "milestone_id": "R02-M1",
                    "recommendation_id": "R02",
                    "title": "Directory live",
                    "due_date": date(2025, 6, 30),
                    "done_date": None,
                    "row_hash": "f",
                },
            ],
        )
    found = {}
    for key, role, workstreams in (
        ("ws1", "lead", ["WS1"]),
        ("ws1b", "lead", ["WS1"]),
        ("ws2", "lead", ["WS2"]),
        ("leadership", "leadership", []),
        ("admin", "admin", []),
    ):
        with engine.begin() as conn:
            user_id = conn.execute(
                insert(meta_users)
                .values(
                    email=f"{key}@example.org",
                    display_name=f"Lead {key}",
                    password_hash="not used here",
                    role=role,
                    workstreams=";".join(workstreams),
                    is_active=True,
                    created_at=datetime.now(UTC),
                )
                .returning(meta_users.c.user_id)
            ).scalar_one()
        found[key] = StaffMember(user_id, f"Lead {key}", role, tuple(workstreams))
    return found


def _version(engine: Engine, recommendation_id: str = "R01") -> int:
    return editing_state(engine, recommendation_id).recommendation["version"]


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _recommendation(engine: Engine, recommendation_id: str = "R01") -> dict[str, Any]:
    return editing_state(engine, recommendation_id).recommendation


def _audit(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(meta_audit_log).order_by(meta_audit_log.c.audit_id))
        return [dict(r) for r in rows.mappings()]


def test_a_published_update_is_appended_applied_audited_and_bumps_the_version(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    lead = people["ws1"]
    assert _version(engine) == 1
    update_id = post_update(
        engine,
        author=lead,
        recommendation_id="R01",
        expected_version=1,
        note="  Options paper agreed by the board.  ",
        evidence_url="https://example.org/papers/options.pdf",
        status_to="in_progress",
        progress_pct="40",
        milestone_id="R01-M1",
        publish=True,
    )
    assert update_id.startswith("U-web-")
    head = _recommendation(engine)
    assert (head["status"], head["progress_pct"], head["version"]) == ("in_progress", 40, 2)
    with engine.connect() as conn:
        row = conn.execute(
            select(fct_recommendation_updates).where(
                fct_recommendation_updates.c.update_id == update_id
            )
        ).one()
        done = conn.execute(
            select(fct_milestones.c.done_date, fct_milestones.c.version).where(
                fct_milestones.c.milestone_id == "R01-M1"
            )
        ).one()
    assert row.note == "Options paper agreed by the board."
    assert row.author == lead.display_name and row.user_id == lead.user_id
    assert (row.status_from, row.status_to, row.progress_pct) == ("not_started", "in_progress", 40)
    assert row.is_published and row.update_date == TODAY and row.created_at is not None
    assert row.milestone_id == "R01-M1"
    assert done == (TODAY, 2)
    audit = _audit(engine)
    assert {a["action"] for a in audit} == {
        "update.posted",
        "recommendation.changed",
        "milestone.met",
    }
    assert all(a["user_id"] == lead.user_id and a["recommendation_id"] == "R01" for a in audit)
    changed = next(a for a in audit if a["action"] == "recommendation.changed")
    detail = json.loads(changed["detail"])
    assert detail["status"] == ["not_started", "in_progress"]
    assert detail["progress_pct"] == [10, 40] and detail["version"] == [1, 2]
    # The public sees it at once: the page's timeline and the tracker.
    public = recommendation_detail(engine, "R01", TODAY)
    assert public is not None
    assert update_id in set(public.updates["update_id"])
    assert tracker(engine, Filters(), TODAY).set_index("recommendation_id").loc[
        "R01", "status"
    ] == ("in_progress")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "   ", "Enter a note; it cannot be empty."),
        ("evidence_url", "ftp://example.org/file", "http:// or https://"),
        ("evidence_url", "javascript:alert(1)", "http:// or https://"),
        ("evidence_url", "example.org/report", "http:// or https://"),
        ("progress_pct", "101", "whole number from 0 to 100"),
        ("progress_pct", -1, "whole number from 0 to 100"),
        ("progress_pct", "forty", "whole number from 0 to 100"),
        ("progress_pct", 12.5, "whole number from 0 to 100"),
        ("status_to", "done", "Choose one of the statuses"),
        ("rag_to", "blue", "Choose one of the levels of delivery confidence"),
        ("milestone_id", "R02-M1", "Choose one of this recommendation's milestones."),
    ],
)
def test_each_bad_field_gets_its_message_and_nothing_is_saved(
    engine: Engine, people: dict[str, StaffMember], field: str, value: object, message: str
) -> None:
    fields: dict[str, object] = {"note": "A fine note.", field: value}
    with pytest.raises(Invalid) as refused:
        post_update(
            engine,
            author=people["ws1"],
            recommendation_id="R01",
            expected_version=1,
            publish=True,
            **fields,  # type: ignore[arg-type]
        )
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field]
    assert _count(engine, fct_recommendation_updates) == 0
    assert _count(engine, meta_audit_log) == 0
    assert _recommendation(engine)["version"] == 1


def test_several_bad_fields_are_all_reported(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    with pytest.raises(Invalid) as refused:
        post_update(
            engine,
            author=people["ws1"],
            recommendation_id="R01",
            expected_version=1,
            note="",
            evidence_url="not a url",
            progress_pct=200,
            publish=False,
        )
    assert set(refused.value.errors) == {"note", "evidence_url", "progress_pct"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("due_date", "31/03/2025"), ("due_date", "2025-02-30"), ("done_date", "2025-3-1")],
)
def test_milestone_dates_must_be_yyyy_mm_dd(
    engine: Engine, people: dict[str, StaffMember], field: str, value: str
) -> None:
    with pytest.raises(Invalid) as refused:
        add_milestone(
            engine,
            editor=people["ws1"],
            recommendation_id="R01",
            title="Report",
            **{field: value},
        )
    assert refused.value.errors == {field: "Enter the date as YYYY-MM-DD, for example 2025-03-31."}
    with pytest.raises(Invalid) as untitled:
        add_milestone(engine, editor=people["ws1"], recommendation_id="R01", title=" ")
    assert untitled.value.errors == {"title": "Enter a title; it cannot be empty."}
    assert _count(engine, fct_milestones) == 2 and _count(engine, meta_audit_log) == 0


def test_a_stale_version_is_a_conflict_that_names_who_changed_what(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    first, second = people["ws1"], people["ws1b"]
    post_update(
        engine,
        author=first,
        recommendation_id="R01",
        expected_version=1,
        note="Moved on.",
        status_to="in_progress",
        publish=True,
    )
    with pytest.raises(Conflict) as stale:
        post_update(
            engine,
            author=second,
            recommendation_id="R01",
            expected_version=1,
            note="My view from last week.",
            status_to="paused",
            publish=True,
        )
    conflict = stale.value
    assert conflict.current["status"] == "in_progress" and conflict.current["version"] == 2
    assert conflict.changed_by == first.display_name
    assert "status Not started → In progress" in conflict.describe()
    # Nothing of the second edit was saved; the first is intact.
    with engine.connect() as conn:
        notes = conn.execute(select(fct_recommendation_updates.c.note)).scalars().all()
    assert notes == ["Moved on."]
    assert _recommendation(engine)["status"] == "in_progress"
    # Posting again from the version now current works.
    post_update(
        engine,
        author=second,
        recommendation_id="R01",
        expected_version=conflict.current["version"],
        note="My view, after reading yours.",
        status_to="paused",
        publish=True,
    )
    assert _recommendation(engine)["status"] == "paused"


def test_a_register_reload_that_changes_a_recommendation_is_a_conflict_for_open_editors(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    """A lead who opened R01 before the register file was reloaded with a new status must not
    save over the file's change unawares; a reload that changes nothing moves nothing on."""
    register = pd.DataFrame(
        {
            "recommendation_id": ["R01"],
            "workstream_id": ["WS1"],
            "text": ["Pool funding for research."],
            "status": ["achieved"],
        }
    )
    with engine.begin() as conn:
        first = upsert_frame(
            conn, dim_recommendations, register, source_file_id=None, load_run_id=None
        )
    assert first.updated == 1 and _version(engine) == 2
    with pytest.raises(Conflict) as stale:
        post_update(
            engine,
            author=people["ws1"],
            recommendation_id="R01",
            expected_version=1,
            note="Written before the reload.",
            status_to="in_progress",
            publish=True,
        )
    assert stale.value.current["status"] == "achieved"
    assert "a load of the register file" in stale.value.message()
    with engine.begin() as conn:
        again = upsert_frame(
            conn, dim_recommendations, register, source_file_id=None, load_run_id=None
        )
    assert again.unchanged == 1 and _version(engine) == 2
    assert _version(engine, "R02") == 1


def test_two_leads_posting_at_once_from_the_same_version_save_exactly_one(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def post(key: str) -> None:
        start.wait()
        try:
            outcomes[key] = post_update(
                engine,
                author=people[key],
                recommendation_id="R01",
                expected_version=1,
                note=f"Update by {key}.",
                progress_pct=30 if key == "ws1" else 60,
                publish=True,
            )
        except Conflict as conflict:
            outcomes[key] = conflict

    threads = [threading.Thread(target=post, args=(key,)) for key in ("ws1", "ws1b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    saved = [key for key, outcome in outcomes.items() if isinstance(outcome, str)]
    refused = [key for key, outcome in outcomes.items() if isinstance(outcome, Conflict)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert _count(engine, fct_recommendation_updates) == 1
    head = _recommendation(engine)
    assert head["version"] == 2
    assert head["progress_pct"] == (30 if saved == ["ws1"] else 60)
    conflict = outcomes[refused[0]]
    assert isinstance(conflict, Conflict) and conflict.changed_by == people[saved[0]].display_name


def test_a_lead_cannot_change_another_workstream_and_nothing_is_saved(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    for editor in (people["ws2"], people["leadership"], people["admin"]):
        with pytest.raises(NotAllowed):
            post_update(
                engine,
                author=editor,
                recommendation_id="R01",
                expected_version=1,
                note="Not mine to write.",
                publish=True,
            )
        with pytest.raises(NotAllowed):
            add_milestone(engine, editor=editor, recommendation_id="R01", title="Nope")
        with pytest.raises(NotAllowed):
            edit_milestone(
                engine, editor=editor, milestone_id="R01-M1", expected_version=1, title="Nope"
            )
    assert _count(engine, fct_recommendation_updates) == 0
    assert _count(engine, meta_audit_log) == 0
    assert _count(engine, fct_milestones) == 2


def test_a_draft_stays_out_of_every_public_query_until_published(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    lead = people["ws1"]
    update_id = post_update(
        engine,
        author=lead,
        recommendation_id="R01",
        expected_version=1,
        note="Secret draft note.",
        evidence_url="http://example.org/draft",
        status_to="achieved",
        progress_pct=100,
        milestone_id="R01-M1",
        publish=False,
    )
    head = _recommendation(engine)
    # The draft changed nothing the public sees (only the edit counter moved).
    assert (head["status"], head["progress_pct"], head["version"]) == ("not_started", 10, 2)
    public = recommendation_detail(engine, "R01", TODAY)
    assert public is not None and public.updates.empty
    assert public.milestones.set_index("milestone_id").loc["R01-M1", "done_date"] is None
    records = records_page(engine, DATASET_NAMES["recommendations"], Filters(), 0, 50)
    assert "Secret draft note." not in json.dumps(records, default=str)
    assert history(engine, "R01", include_drafts=False).empty
    staff = history(engine, "R01", include_drafts=True)
    assert list(staff["entry_id"]) == [update_id]
    assert not staff["is_published"].iloc[0]
    # Only a lead of the workstream or leadership publishes it.
    with pytest.raises(NotAllowed):
        publish_update(engine, editor=people["ws2"], update_id=update_id)
    assert publish_update(engine, editor=people["leadership"], update_id=update_id) is True
    assert publish_update(engine, editor=lead, update_id=update_id) is False  # once only
    head = _recommendation(engine)
    assert (head["status"], head["progress_pct"], head["version"]) == ("achieved", 100, 3)
    public = recommendation_detail(engine, "R01", TODAY)
    assert public is not None and list(public.updates["update_id"]) == [update_id]
    assert public.milestones.set_index("milestone_id").loc["R01-M1", "done_date"] == TODAY
    records = records_page(engine, DATASET_NAMES["recommendations"], Filters(), 0, 50)
    assert "Secret draft note." in json.dumps(records, default=str)
    # The publishing is audited, by whom it was done.
    published = [a for a in _audit(engine) if a["action"] == "update.published"]
    assert len(published) == 1 and published[0]["user_id"] == people["leadership"].user_id
    # The note itself was never edited.
    with engine.connect() as conn:
        note = conn.execute(
            select(fct_recommendation_updates.c.note).where(
                fct_recommendation_updates.c.update_id == update_id
            )
        ).scalar_one()
    assert note == "Secret draft note."


def test_milestones_are_added_and_edited_with_the_same_version_check(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    lead, other = people["ws1"], people["ws1b"]
    milestone_id = add_milestone(
        engine,
        editor=lead,
        recommendation_id="R01",
        title="Business case",
        due_date="2026-03-31",
    )
    milestones = editing_state(engine, "R01").milestones.set_index("milestone_id")
    assert milestones.loc[milestone_id, "title"] == "Business case"
    assert milestones.loc[milestone_id, "version"] == 1
    assert (
        edit_milestone(
            engine,
            editor=lead,
            milestone_id=milestone_id,
            expected_version=1,
            title="Business case approved",
            due_date="2026-04-30",
        )
        == 2
    )
    with pytest.raises(Conflict) as stale:
        edit_milestone(
            engine,
            editor=other,
            milestone_id=milestone_id,
            expected_version=1,
            title="Business case (old)",
            due_date="2026-03-31",
        )
    assert stale.value.current["title"] == "Business case approved"
    assert stale.value.changed_by == lead.display_name
    assert "due date 2026-03-31 → 2026-04-30" in stale.value.describe()
    with pytest.raises(Invalid) as future:
        edit_milestone(
            engine,
            editor=lead,
            milestone_id=milestone_id,
            expected_version=2,
            title="Business case approved",
            done_date="2999-01-01",
        )
    assert "future" in future.value.errors["done_date"]
    entries = history(engine, "R01", include_drafts=False)
    assert list(entries["kind"]) == ["milestone", "milestone"]
    assert entries["summary"].iloc[0].startswith("Edited milestone “Business case approved”")
    assert entries["summary"].iloc[1] == "Added milestone “Business case” (due 2026-03-31)"
    assert set(entries["changed_by"]) == {lead.display_name}


def test_history_is_newest_first_with_who_and_when(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    lead = people["ws1"]
    first = post_update(
        engine, author=lead, recommendation_id="R01", expected_version=1, note="One.", publish=True
    )
    add_milestone(engine, editor=lead, recommendation_id="R01", title="Two")
    third = post_update(
        engine,
        author=lead,
        recommendation_id="R01",
        expected_version=2,
        note="Three.",
        publish=True,
    )
    entries = history(engine, "R01", include_drafts=False)
    assert list(entries["entry_id"]) == [third, entries["entry_id"].iloc[1], first]
    assert list(entries["kind"]) == ["update", "milestone", "update"]
    assert entries["changed_at"].is_monotonic_decreasing
    assert set(entries["changed_by"]) == {lead.display_name}


def test_a_drafted_change_of_delivery_confidence_waits_for_publishing(
    engine: Engine, people: dict[str, StaffMember]
) -> None:
    before = _recommendation(engine)["rag"]
    after = "red" if before != "red" else "green"
    update_id = post_update(
        engine,
        author=people["ws1"],
        recommendation_id="R01",
        expected_version=1,
        note="Funding partner withdrew; the plan is being redrawn.",
        rag_to=after,
        publish=False,
    )
    assert _recommendation(engine)["rag"] == before  # a draft changes nothing public
    assert publish_update(engine, editor=people["ws1"], update_id=update_id)
    assert _recommendation(engine)["rag"] == after
    with engine.connect() as conn:
        row = conn.execute(
            select(fct_recommendation_updates).where(
                fct_recommendation_updates.c.update_id == update_id
            )
        ).one()
    assert (row.rag_from, row.rag_to) == (before, after)
    public = recommendation_detail(engine, "R01", TODAY)
    assert public is not None
    shown = public.updates.set_index("update_id").loc[update_id]
    assert (shown["rag_from"], shown["rag_to"]) == (before, after)
    entry = history(engine, "R01", include_drafts=False).set_index("entry_id").loc[update_id]
    assert "delivery confidence" in entry["summary"]
