"""The review queue of research found in decision papers: workstream leads confirm or dismiss
each candidate.

Rules:
- Only staff see candidates; nothing here is read by a public page, the API or a download.
- A lead reviews the candidates whose project delivers a recommendation of one of their
  workstreams, and those whose project delivers none (someone must review them). Leadership
  and admin see the whole queue but do not review.
- Confirming names an influence type and a reach from the policy-decisions register's own
  vocabularies, and whether to publish. The paper becomes a policy decision (one per paper:
  ``PAPER-<paper_id>``; its committee, meeting date, title and URL) that cites the project with
  the snippet and page. It shows on ``/impact`` once it is published (and the project is).
- A candidate is reviewed once: the write is ``UPDATE ... WHERE status = 'pending'``, so of two
  reviews made at once exactly one counts and the other gets ``AlreadyReviewed``.
- Dismissed candidates stay dismissed: a reload of the paper never brings them back
  (``data_pipeline.papers.store``). Every review is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from warehouse import access
from warehouse.editing import Editor, Invalid, NotAllowed, NotFound, _audit
from warehouse.queries.frames import read_frame
from warehouse.schema import (
    bridge_project_recommendations,
    dim_decision_papers,
    dim_recommendations,
    fct_paper_mentions,
    fct_policy_citations,
    fct_policy_decisions,
)
from warehouse.vocabularies import INFLUENCE_TYPES, REACHES

PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"
QUEUE_LIMIT = 200
_m = fct_paper_mentions.c
_d = dim_decision_papers.c


class AlreadyReviewed(NotFound):
    """Someone reviewed this candidate first."""


@dataclass(frozen=True)
class Review:
    """What a review did: the candidate, its new status and the decision it made, if any."""

    mention_id: int
    status: str
    decision_id: str | None = None


def may_review(editor: Editor | None) -> bool:
    """Workstream leads review candidates."""
    return editor is not None and access.has_right(editor.role, "reviews_papers")


def may_see_queue(editor: Editor | None) -> bool:
    """Staff see the queue; the public never does."""
    return editor is not None and access.has_right(editor.role, "sees_paper_queue")


def review_queue(
    engine: Engine, editor: Editor | None, limit: int | None = QUEUE_LIMIT
) -> pd.DataFrame:
    """Pending candidates the editor may see, best first (at most ``limit``; None for all);
    empty for the public."""
    query = (
        select(
            _m.mention_id,
            _m.target_kind,
            _m.target_id,
            _m.target_label,
            _m.project_id,
            _m.match_kind,
            _m.matched_text,
            _m.score,
            _m.page,
            _m.snippet,
            _d.paper_id,
            _d.title.label("paper_title"),
            _d.committee,
            _d.meeting_date,
            _d.url,
            _d.doc_format,
        )
        .join(dim_decision_papers, _d.paper_id == _m.paper_id)
        .where(_m.status == PENDING)
        .order_by(_m.score.desc(), _d.meeting_date.desc(), _m.mention_id)
        .limit(limit)
    )
    if not may_see_queue(editor):
        return read_frame(query.where(_m.mention_id < 0), engine)
    frame = read_frame(query, engine)
    if editor is not None and access.needs_workstreams(editor.role):
        streams = _workstreams(engine)
        own = set(editor.workstreams)
        visible = frame["project_id"].map(
            lambda p: not streams.get(str(p)) or bool(streams[str(p)] & own)
        )
        frame = frame[visible.astype(bool)]
    return frame.reset_index(drop=True)


def pending_count(engine: Engine, editor: Editor | None) -> int:
    """How many candidates wait for review among those the editor may see; 0 for the public."""
    if not may_see_queue(editor):
        return 0
    return len(review_queue(engine, editor, limit=None))


def unreadable_papers(engine: Engine, editor: Editor | None) -> pd.DataFrame:
    """Papers read with no text (scanned, encrypted, damaged), with the reason, newest meeting
    first, for staff; empty for the public. Nothing in them could be matched, so someone has
    to look at them by hand (or OCR them and read them again)."""
    query = (
        select(
            _d.paper_id,
            _d.title,
            _d.committee,
            _d.meeting_date,
            _d.url,
            _d.file_name,
            _d.unreadable_reason,
        )
        .where(_d.unreadable_reason.is_not(None))
        .order_by(_d.meeting_date.desc().nulls_last(), _d.paper_id)
    )
    if not may_see_queue(editor):
        query = query.where(_d.paper_id < 0)
    return read_frame(query, engine)


def confirm(
    engine: Engine,
    editor: Editor,
    mention_id: int,
    influence_type: str,
    reach: str,
    publish: bool,
) -> Review:
    """Make a candidate a policy decision citing its project (see the rules above)."""
    errors = {}
    if influence_type not in INFLUENCE_TYPES:
        errors["influence_type"] = "Choose how the research influenced the decision."
    if reach not in REACHES:
        errors["reach"] = "Choose how far the decision reaches: local, regional or national."
    candidate = _candidate(engine, editor, mention_id)
    if candidate["meeting_date"] is None:
        errors["meeting_date"] = "The paper has no meeting date, so it cannot date a decision."
    if not candidate["project_id"]:
        errors["project_id"] = "This mention names no project to cite."
    if errors:
        raise Invalid(errors)
    decision_id = f"PAPER-{candidate['paper_id']}"
    now = datetime.now(UTC)
    with engine.begin() as conn:
        _claim(conn, mention_id, CONFIRMED, editor, now, decision_id)
        exists = conn.execute(
            select(fct_policy_decisions.c.decision_id).where(
                fct_policy_decisions.c.decision_id == decision_id
            )
        ).first()
        if exists is None:
            conn.execute(
                insert(fct_policy_decisions).values(
                    decision_id=decision_id,
                    title=candidate["paper_title"],
                    decision_body=candidate["committee"] or "Committee not recorded",
                    decision_date=candidate["meeting_date"],
                    financial_year=financial_year_of(candidate["meeting_date"]),
                    document_url=candidate["url"],
                    influence_type=influence_type,
                    reach=reach,
                    is_published=publish,
                    row_hash="paper-review",
                )
            )
        elif publish:
            conn.execute(
                update(fct_policy_decisions)
                .where(fct_policy_decisions.c.decision_id == decision_id)
                .values(is_published=True)
            )
        cited = conn.execute(
            select(fct_policy_citations.c.project_id).where(
                fct_policy_citations.c.decision_id == decision_id,
                fct_policy_citations.c.project_id == candidate["project_id"],
            )
        ).first()
        if cited is None:
            conn.execute(
                insert(fct_policy_citations).values(
                    decision_id=decision_id,
                    project_id=candidate["project_id"],
                    snippet=candidate["snippet"],
                    page=str(candidate["page"]),
                    row_hash="paper-review",
                )
            )
        _audit(
            conn,
            editor,
            "paper_mention.confirmed",
            fct_paper_mentions,
            str(mention_id),
            "",
            {
                "decision_id": [None, decision_id],
                "project_id": [None, candidate["project_id"]],
                "influence_type": [None, influence_type],
                "reach": [None, reach],
                "is_published": [None, publish],
            },
            now,
        )
    return Review(mention_id, CONFIRMED, decision_id)


def dismiss(engine: Engine, editor: Editor, mention_id: int) -> Review:
    """Dismiss a candidate for good."""
    _candidate(engine, editor, mention_id)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        _claim(conn, mention_id, DISMISSED, editor, now, None)
        _audit(
            conn,
            editor,
            "paper_mention.dismissed",
            fct_paper_mentions,
            str(mention_id),
            "",
            {"status": [PENDING, DISMISSED]},
            now,
        )
    return Review(mention_id, DISMISSED)


def financial_year_of(day: date) -> str:
    """The UK financial year of a date, e.g. ``2025/26``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _candidate(engine: Engine, editor: Editor, mention_id: int) -> dict[str, Any]:
    if not may_review(editor):
        raise NotAllowed("Only workstream leads review research found in decision papers.")
    queue = review_queue(engine, editor)
    row = queue[queue["mention_id"] == mention_id]
    if row.empty:
        with engine.connect() as conn:
            status = conn.execute(
                select(_m.status).where(_m.mention_id == mention_id)
            ).scalar_one_or_none()
        if status is None:
            raise NotFound(f"No candidate {mention_id}.")
        if status != PENDING:
            raise AlreadyReviewed(f"This candidate was already {status}.")
        raise NotAllowed("This candidate belongs to another workstream.")
    record = {str(k): v for k, v in row.iloc[0].to_dict().items()}
    meeting = record["meeting_date"]
    record["meeting_date"] = None if pd.isna(meeting) else pd.Timestamp(meeting).date()
    return record


def _claim(
    conn: Any,
    mention_id: int,
    status: str,
    editor: Editor,
    now: datetime,
    decision_id: str | None,
) -> None:
    claimed = conn.execute(
        update(fct_paper_mentions)
        .where(_m.mention_id == mention_id, _m.status == PENDING)
        .values(status=status, reviewed_by=editor.user_id, reviewed_at=now, decision_id=decision_id)
    ).rowcount
    if claimed != 1:
        raise AlreadyReviewed("Someone reviewed this candidate first.")


def _workstreams(engine: Engine) -> dict[str, set[str]]:
    links = select(
        bridge_project_recommendations.c.project_id, dim_recommendations.c.workstream_id
    ).join(
        dim_recommendations,
        dim_recommendations.c.recommendation_id
        == bridge_project_recommendations.c.recommendation_id,
    )
    streams: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for project_id, workstream_id in conn.execute(links):
            streams.setdefault(str(project_id), set()).add(str(workstream_id))
    return streams
