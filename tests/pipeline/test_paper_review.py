"""The review queue's rules on the warehouse: the public sees nothing, leads see their own
workstreams' candidates (and those of no workstream), a confirmed candidate becomes one policy
decision per paper citing the project with its snippet and page, a candidate is reviewed once,
bad choices are refused by field, and a dismissed one never comes back on reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from data_pipeline.papers.sources import papers_in_folder
from data_pipeline.papers.store import store_papers
from data_pipeline.papers.targets import research_targets
from tests.papers.documents import add_research, pdf_bytes, scanned_pdf_bytes
from warehouse.editing import Invalid, NotAllowed, StaffMember
from warehouse.paper_review import (
    AlreadyReviewed,
    confirm,
    dismiss,
    pending_count,
    review_queue,
    unreadable_papers,
)
from warehouse.schema import (
    bridge_project_recommendations,
    dim_recommendations,
    fct_paper_mentions,
    fct_policy_citations,
    fct_policy_decisions,
    meta_audit_log,
)
from warehouse.users import create_user

PAPER = "health-and-wellbeing-board_2025-06-12.pdf"


@pytest.fixture
def queue_engine(sqlite_engine: Engine, tmp_path: Path) -> Engine:
    add_research(
        sqlite_engine,
        [
            (
                "PCR-2024-001",
                "Damp homes and children's breathing in Northgate",
                "Civic Insight Ltd",
            ),
            ("PCR-2024-002", "Food insecurity among older people in Southgate", None),
        ],
    )
    with sqlite_engine.begin() as conn:
        conn.execute(
            insert(dim_recommendations).values(
                recommendation_id="R01",
                workstream_id="WS1",
                text="Fund it",
                status="in_progress",
                row_hash="t",
            )
        )
        conn.execute(
            insert(bridge_project_recommendations).values(
                project_id="PCR-2024-001", recommendation_id="R01", row_hash="t"
            )
        )
    (tmp_path / PAPER).write_bytes(
        pdf_bytes(
            [
                "Item 5. The board adopted the damp plan.",
                "It draws on Damp homes and children's breathing in Northgate. It also notes "
                "PCR-2024-002 on food.",
            ]
        )
    )
    store_papers(sqlite_engine, papers_in_folder(tmp_path), research_targets(sqlite_engine))
    return sqlite_engine


def _lead(engine: Engine, email: str, workstreams: list[str]) -> StaffMember:
    user = create_user(
        engine, email, email.split("@")[0], "correct horse battery", "lead", workstreams
    )
    return StaffMember(user.user_id, user.display_name, user.role, user.workstreams)


def _id_of(frame: object, project_id: str) -> int:
    rows = frame[frame["project_id"] == project_id]  # type: ignore[index]
    return int(rows["mention_id"].iloc[0])


def test_who_sees_which_candidates(queue_engine: Engine) -> None:
    assert review_queue(queue_engine, None).empty
    ws1 = _lead(queue_engine, "one@example.org", ["WS1"])
    ws2 = _lead(queue_engine, "two@example.org", ["WS2"])
    assert set(review_queue(queue_engine, ws1)["project_id"]) == {"PCR-2024-001", "PCR-2024-002"}
    assert set(review_queue(queue_engine, ws2)["project_id"]) == {"PCR-2024-002"}
    candidate = _id_of(review_queue(queue_engine, ws1), "PCR-2024-001")
    with pytest.raises(NotAllowed):
        dismiss(queue_engine, ws2, candidate)


def test_confirming_makes_a_decision_citing_the_project(queue_engine: Engine) -> None:
    lead = _lead(queue_engine, "one@example.org", ["WS1"])
    queue = review_queue(queue_engine, lead)
    first = _id_of(queue, "PCR-2024-001")
    with pytest.raises(Invalid) as refused:
        confirm(queue_engine, lead, first, "liked-it", "galactic", True)
    assert set(refused.value.errors) == {"influence_type", "reach"}
    review = confirm(queue_engine, lead, first, "strategy-or-plan", "local", True)
    confirm(queue_engine, lead, _id_of(queue, "PCR-2024-002"), "policy-citation", "local", False)
    with pytest.raises(AlreadyReviewed):
        confirm(queue_engine, lead, first, "strategy-or-plan", "local", True)
    with queue_engine.connect() as conn:
        decision = conn.execute(select(fct_policy_decisions)).mappings().one()
        citations = (
            conn.execute(select(fct_policy_citations).order_by(fct_policy_citations.c.project_id))
            .mappings()
            .all()
        )
        audited = conn.execute(select(meta_audit_log.c.action)).scalars().all()
    assert decision["decision_id"] == review.decision_id
    assert (str(decision["decision_date"]), decision["financial_year"]) == ("2025-06-12", "2025/26")
    assert decision["is_published"] and decision["influence_type"] == "strategy-or-plan"
    assert [c["project_id"] for c in citations] == ["PCR-2024-001", "PCR-2024-002"]
    assert citations[0]["page"] == "2" and "Damp homes" in citations[0]["snippet"]
    assert audited == ["paper_mention.confirmed", "paper_mention.confirmed"]


def test_a_dismissed_candidate_never_comes_back(queue_engine: Engine, tmp_path: Path) -> None:
    lead = _lead(queue_engine, "one@example.org", ["WS1"])
    dismiss(queue_engine, lead, _id_of(review_queue(queue_engine, lead), "PCR-2024-002"))
    (tmp_path / PAPER).write_bytes(pdf_bytes(["Changed.", "PCR-2024-002 again, and more."]))
    store_papers(queue_engine, papers_in_folder(tmp_path), research_targets(queue_engine))
    assert "PCR-2024-002" not in set(review_queue(queue_engine, lead)["project_id"])
    with queue_engine.connect() as conn:
        statuses = dict(
            conn.execute(select(fct_paper_mentions.c.target_id, fct_paper_mentions.c.status)).all()
        )
    assert statuses["PCR-2024-002"] == "dismissed"


def test_staff_count_what_waits_and_see_unreadable_papers(
    queue_engine: Engine, tmp_path: Path
) -> None:
    ws1 = _lead(queue_engine, "one@example.org", ["WS1"])
    ws2 = _lead(queue_engine, "two@example.org", ["WS2"])
    board = StaffMember(0, "Board", "leadership", ())
    assert (pending_count(queue_engine, ws1), pending_count(queue_engine, ws2)) == (2, 1)
    assert pending_count(queue_engine, board) == 2
    assert pending_count(queue_engine, None) == 0
    dismiss(queue_engine, ws1, _id_of(review_queue(queue_engine, ws1), "PCR-2024-002"))
    assert pending_count(queue_engine, ws1) == 1

    assert unreadable_papers(queue_engine, ws1).empty
    (tmp_path / "scanned-minutes.pdf").write_bytes(scanned_pdf_bytes())
    store_papers(queue_engine, papers_in_folder(tmp_path), research_targets(queue_engine))
    for staff in (ws1, board):
        unreadable = unreadable_papers(queue_engine, staff)
        assert list(unreadable["file_name"]) == ["scanned-minutes.pdf"]
        assert "no text layer" in unreadable["unreadable_reason"].iloc[0]
    assert unreadable_papers(queue_engine, None).empty
