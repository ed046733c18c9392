"""Editing by workstream leads: updates on recommendations, milestones, publishing, and the
audit trail that records who changed what and when.

Rules:
- Only a lead of the recommendation's workstream posts updates and adds or edits milestones;
  a lead of that workstream or leadership publishes a draft. Anyone else gets ``NotAllowed``.
- Nothing is lost to a concurrent edit. Every change names the ``version`` of the record it
  read; the write is ``UPDATE ... SET version = version + 1 WHERE version = :read`` as the first
  statement of its transaction, so of two edits made from the same version exactly one
  succeeds and the other gets ``Conflict`` with the record as it is now and the changes made
  since.
- Bad input raises ``Invalid`` with a plain-English message per field, before anything is
  written.
- History is append-only: an update, once posted, is never edited or removed. Publishing a
  draft only flips ``is_published`` (and is itself audited).
- A draft changes nothing the public sees. Its status, delivery confidence, progress and
  milestone met are applied to the recommendation when it is published (at once for an
  update posted as published).
- Each change, with its audit rows in ``meta_audit_log``, is written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol
from urllib.parse import urlparse

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from warehouse import access
from warehouse.schema import (
    dim_recommendations,
    fct_milestones,
    fct_recommendation_updates,
    meta_audit_log,
    meta_users,
)
from warehouse.vocabularies import RAG_LABELS, RAG_RATINGS, RECOMMENDATION_STATUSES

MAX_NOTE = 5000
MAX_TITLE = 300
MAX_URL = 2000
HISTORY_LIMIT = 500
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_r = dim_recommendations.c
_m = fct_milestones.c
_u = fct_recommendation_updates.c
_a = meta_audit_log.c


class Editor(Protocol):
    """Who is making a change (``web.auth.User`` is one)."""

    @property
    def user_id(self) -> int: ...

    @property
    def display_name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def workstreams(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class StaffMember:
    """A plain ``Editor`` (for the CLI and tests)."""

    user_id: int
    display_name: str
    role: str
    workstreams: tuple[str, ...] = ()


def may_edit(editor: Editor, workstream_id: str) -> bool:
    """Leads edit recommendations of their own workstreams only (``warehouse.access``)."""
    return access.may_edit(editor.role, editor.workstreams, workstream_id)


def may_publish(editor: Editor, workstream_id: str) -> bool:
    """A lead of the workstream or leadership publishes a draft (``warehouse.access``)."""
    return access.may_publish(editor.role, editor.workstreams, workstream_id)


class EditingError(Exception):
    """Base of the errors a change can end in; nothing was saved."""


class NotFound(EditingError):
    """No such recommendation, milestone or update."""


class NotAllowed(EditingError):
    """The editor may not make this change."""


class Invalid(EditingError):
    """Bad input: ``errors`` maps each field to a plain-English message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class Conflict(EditingError):
    """The record changed since the editor read it. ``current`` is the record now;
    ``changes_since`` the audited changes made after the version the editor read, newest
    first (each: ``changed_at``, ``changed_by``, ``action``, ``summary``)."""

    def __init__(self, current: Mapping[str, Any], changes_since: Sequence[Mapping[str, Any]]):
        self.current = dict(current)
        self.changes_since = [dict(change) for change in changes_since]
        super().__init__("Someone else changed this record first.")

    @property
    def changed_by(self) -> str | None:
        return str(self.changes_since[0]["changed_by"]) if self.changes_since else None

    @property
    def changed_at(self) -> datetime | None:
        return self.changes_since[0]["changed_at"] if self.changes_since else None

    def describe(self) -> str:
        """What changed, in plain English."""
        return "; ".join(str(c["summary"]) for c in self.changes_since) or "the record changed"

    def message(self, record: str = "recommendation", change: str = "update") -> str:
        """The sentence an editor reads: who changed the record first, when, and what."""
        # Every change made on the site is audited; one that is not came from a file load.
        who = self.changed_by or "a load of the register file"
        when = f", {self.changed_at:%d %b %Y %H:%M} UTC" if self.changed_at else ""
        return (
            f"Someone else changed this {record} first ({who}{when}): {self.describe()}. "
            f"Your {change} was not saved; review it and post again."
        )


class _Stale(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def status_label(status: str | None) -> str:
    return str(status or "").replace("_", " ").capitalize() or "—"


def rag_label(rag: str | None) -> str:
    return RAG_LABELS.get(str(rag), "—")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_url(value: object, errors: dict[str, str], name: str) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    parsed = urlparse(text)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or " " in text:
        errors[name] = "Enter a web address starting with http:// or https://."
    elif len(text) > MAX_URL:
        errors[name] = f"The web address is too long (at most {MAX_URL:,} characters)."
    return text


def _check_progress(value: object, errors: dict[str, str], name: str) -> int | None:
    if _blank(value):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value)
    ):
        number = int(value)
    if number is None or not 0 <= number <= 100:
        errors[name] = "Enter progress as a whole number from 0 to 100."
        return None
    return number


def _check_date(value: object, errors: dict[str, str], name: str) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "Enter the date as YYYY-MM-DD, for example 2025-03-31."
        return None


def _check_choice(
    value: object,
    errors: dict[str, str],
    name: str,
    choices: Sequence[str],
    label: Callable[[str], str],
    what: str,
) -> str | None:
    if _blank(value):
        return None
    if value not in choices:
        errors[name] = f"Choose one of the {what}: {', '.join(label(c) for c in choices)}."
        return None
    return str(value)


def _check_text(
    value: object, errors: dict[str, str], name: str, what: str, limit: int
) -> str | None:
    if _blank(value):
        errors[name] = f"Enter {what}; it cannot be empty."
        return None
    if not isinstance(value, str):
        errors[name] = f"Enter {what} as text."
        return None
    if len(value.strip()) > limit:
        errors[name] = f"Keep {what} to at most {limit:,} characters."
    return value.strip()


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _row_hash(values: Mapping[str, Any]) -> str:
    content = json.dumps({k: str(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.md5(content.encode(), usedforsecurity=False).hexdigest()


def _recommendation(conn: Connection, recommendation_id: str) -> dict[str, Any]:
    row = (
        conn.execute(
            select(
                _r.recommendation_id,
                _r.workstream_id,
                _r.status,
                _r.rag,
                _r.progress_pct,
                _r.version,
            ).where(_r.recommendation_id == recommendation_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"There is no recommendation {recommendation_id}.")
    return dict(row)


def _milestone(conn: Connection, milestone_id: str) -> dict[str, Any]:
    row = (
        conn.execute(
            select(
                _m.milestone_id,
                _m.recommendation_id,
                _m.title,
                _m.due_date,
                _m.done_date,
                _m.version,
            ).where(_m.milestone_id == milestone_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"There is no milestone {milestone_id}.")
    return dict(row)


@dataclass(frozen=True)
class EditingState:
    """What an editing form reads: the recommendation (with its ``version``) and its
    milestones (with theirs)."""

    recommendation: dict[str, Any]
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)


def editing_state(engine: Engine, recommendation_id: str) -> EditingState:
    """The recommendation and its milestones as an editor reads them; raises ``NotFound``."""
    with engine.connect() as conn:
        head = _recommendation(conn, recommendation_id)
        result = conn.execute(
            select(_m.milestone_id, _m.title, _m.due_date, _m.done_date, _m.version)
            .where(_m.recommendation_id == recommendation_id)
            .order_by(_m.due_date, _m.milestone_id)
        )
        milestones = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return EditingState(head, milestones)


def _aware(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _summary(action: str, detail: Mapping[str, Any]) -> str:
    """One audit row in plain English."""
    parts = []
    for name, label in (
        ("status", "status"),
        ("rag", "delivery confidence"),
        ("progress_pct", "progress"),
        ("title", "title"),
        ("due_date", "due date"),
        ("done_date", "date met"),
    ):
        if detail.get(name) is not None:
            before, after = detail[name]
            if name == "status":
                before, after = status_label(before), status_label(after)
            if name == "rag":
                before, after = rag_label(before), rag_label(after)
            if name == "progress_pct":
                before = "—" if before is None else f"{before}%"
                after = "—" if after is None else f"{after}%"
            parts.append(f"{label} {before or '—'} → {after or '—'}")
    what = {
        "update.posted": "posted a published update"
        if detail.get("is_published")
        else "saved a draft update",
        "update.published": "published an update",
        "recommendation.changed": {
            "posted": "posted an update",
            "draft": "saved a draft update",
            "published": "published a draft update",
        }.get(str(detail.get("via")), "changed the recommendation"),
        "milestone.added": f"added milestone “{detail.get('milestone', '')}”",
        "milestone.edited": f"edited milestone “{detail.get('milestone', '')}”",
        "milestone.met": f"marked milestone “{detail.get('milestone', '')}” met",
    }.get(action, action)
    if action == "milestone.added":
        parts = [
            f"{label} {detail[name]}"
            for name, label in (("due", "due"), ("done", "met"))
            if detail.get(name)
        ]
    return what + (f" ({'; '.join(parts)})" if parts else "")


def _audit_rows(conn: Connection, *conditions: Any, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            _a.audit_id,
            _a.changed_at,
            _a.action,
            _a.entity,
            _a.entity_id,
            _a.detail,
            meta_users.c.display_name,
        )
        .select_from(meta_audit_log.join(meta_users, meta_users.c.user_id == _a.user_id))
        .where(*conditions)
        .order_by(_a.audit_id.desc())
        .limit(limit)
    ).mappings()
    found = []
    for row in rows:
        detail = json.loads(row["detail"] or "{}")
        found.append(
            {
                "audit_id": row["audit_id"],
                "changed_at": _aware(row["changed_at"]),
                "changed_by": row["display_name"],
                "action": row["action"],
                "entity_id": row["entity_id"],
                "detail": detail,
                "summary": _summary(row["action"], detail),
            }
        )
    return found


def _changes_since(
    conn: Connection, entity: Any, entity_id: str, read_version: int
) -> list[dict[str, Any]]:
    rows = _audit_rows(
        conn, _a.entity == entity.name, _a.entity_id == entity_id, limit=HISTORY_LIMIT
    )
    return [r for r in rows if int(r["detail"].get("version", [0, 0])[1]) > read_version]


def _conflict(engine: Engine, recommendation_id: str, read_version: int) -> Conflict:
    with engine.connect() as conn:
        current = _recommendation(conn, recommendation_id)
        changes = _changes_since(conn, dim_recommendations, recommendation_id, read_version)
    return Conflict(current, changes)


def _audit(
    conn: Connection,
    editor: Editor,
    action: str,
    entity: Any,
    entity_id: str,
    recommendation_id: str,
    detail: Mapping[str, Any],
    at: datetime,
) -> None:
    conn.execute(
        insert(meta_audit_log).values(
            changed_at=at,
            user_id=editor.user_id,
            action=action,
            entity=entity.name,
            entity_id=entity_id,
            recommendation_id=recommendation_id,
            detail=json.dumps(dict(detail), default=str, sort_keys=True),
        )
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _bump(conn: Connection, table: Any, key: Any, key_value: str, read_version: int) -> bool:
    """The atomic check: one row when the record is still at ``read_version``, else none."""
    result = conn.execute(
        update(table)
        .where(key == key_value, table.c.version == read_version)
        .values(version=read_version + 1)
    )
    return result.rowcount == 1


def _apply_update(
    conn: Connection,
    editor: Editor,
    posted: Mapping[str, Any],
    head: Mapping[str, Any],
    at: datetime,
) -> dict[str, list[Any]]:
    """Apply a published update's status, progress and milestone met to the records; returns
    the recommendation's changes (field -> [before, after]) for its audit row."""
    changes: dict[str, list[Any]] = {}
    if posted["status_to"] and posted["status_to"] != head["status"]:
        changes["status"] = [head["status"], posted["status_to"]]
    if posted.get("rag_to") and posted["rag_to"] != head["rag"]:
        changes["rag"] = [head["rag"], posted["rag_to"]]
    if posted["progress_pct"] is not None and posted["progress_pct"] != head["progress_pct"]:
        changes["progress_pct"] = [head["progress_pct"], posted["progress_pct"]]
    rid = str(posted["recommendation_id"])
    if changes:
        conn.execute(
            update(dim_recommendations)
            .where(_r.recommendation_id == rid)
            .values({name: after for name, (_before, after) in changes.items()})
        )
    milestone_id = posted.get("milestone_id")
    if milestone_id:
        milestone = _milestone(conn, str(milestone_id))
        if milestone["done_date"] is None:
            done = posted["update_date"]
            conn.execute(
                update(fct_milestones)
                .where(_m.milestone_id == milestone_id)
                .values(done_date=done, version=_m.version + 1)
            )
            _audit(
                conn,
                editor,
                "milestone.met",
                fct_milestones,
                str(milestone_id),
                rid,
                {
                    "milestone": milestone["title"],
                    "done_date": [None, done],
                    "version": [milestone["version"], milestone["version"] + 1],
                    "update_id": posted["update_id"],
                },
                at,
            )
    return changes


def post_update(
    engine: Engine,
    *,
    author: Editor,
    recommendation_id: str,
    expected_version: int,
    note: object,
    evidence_url: object = None,
    status_to: object = None,
    rag_to: object = None,
    progress_pct: object = None,
    milestone_id: object = None,
    publish: bool,
) -> str:
    """Post an update on a recommendation as ``author``; returns the new update's id.

    ``expected_version`` is the recommendation's version the author read. Raises ``NotFound``,
    ``NotAllowed`` (not a lead of its workstream), ``Invalid`` (per-field messages) or
    ``Conflict`` (the recommendation changed since); in each case nothing is saved. A draft
    (``publish=False``) changes nothing public until ``publish_update``.
    """
    with engine.connect() as conn:
        head = _recommendation(conn, recommendation_id)
        if not may_edit(author, str(head["workstream_id"])):
            raise NotAllowed(
                f"Only a lead of workstream {head['workstream_id']} can update this recommendation."
            )
        errors: dict[str, str] = {}
        clean_note = _check_text(note, errors, "note", "a note", MAX_NOTE)
        url = _check_url(evidence_url, errors, "evidence_url")
        status = _check_choice(
            status_to, errors, "status_to", RECOMMENDATION_STATUSES, status_label, "statuses"
        )
        rag = _check_choice(
            rag_to, errors, "rag_to", RAG_RATINGS, rag_label, "levels of delivery confidence"
        )
        progress = _check_progress(progress_pct, errors, "progress_pct")
        milestone: str | None = None
        if not _blank(milestone_id):
            milestone = str(milestone_id)
            found = conn.execute(
                select(_m.recommendation_id, _m.done_date).where(_m.milestone_id == milestone)
            ).first()
            if found is None or found.recommendation_id != recommendation_id:
                errors["milestone_id"] = "Choose one of this recommendation's milestones."
            elif found.done_date is not None:
                errors["milestone_id"] = "That milestone is already marked as met."
        if not isinstance(expected_version, int) or isinstance(expected_version, bool):
            errors["version"] = "The form did not say which version it read; reload the page."
    if errors:
        raise Invalid(errors)
    at = _now()
    update_id = f"U-web-{at:%Y%m%d}-{secrets.token_hex(4)}"
    try:
        with engine.begin() as conn:
            if not _bump(
                conn, dim_recommendations, _r.recommendation_id, recommendation_id, expected_version
            ):
                raise _Stale
            head = _recommendation(conn, recommendation_id)
            head["version"] = expected_version + 1
            values: dict[str, Any] = {
                "update_id": update_id,
                "recommendation_id": recommendation_id,
                "update_date": at.date(),
                "author": author.display_name,
                "note": clean_note,
                "evidence_url": url,
                "status_from": head["status"] if status else None,
                "status_to": status,
                "rag_from": head["rag"] if rag else None,
                "rag_to": rag,
                "progress_pct": progress,
                "milestone_id": milestone,
                "user_id": author.user_id,
                "created_at": at,
                "is_published": bool(publish),
            }
            conn.execute(
                insert(fct_recommendation_updates).values(**values, row_hash=_row_hash(values))
            )
            _audit(
                conn,
                author,
                "update.posted",
                fct_recommendation_updates,
                update_id,
                recommendation_id,
                {
                    "is_published": bool(publish),
                    "status": [head["status"], status] if status else None,
                    "rag": [head["rag"], rag] if rag else None,
                    "progress_pct": progress,
                    "milestone_id": milestone,
                },
                at,
            )
            applied = _apply_update(conn, author, values, head, at) if publish else {}
            _audit(
                conn,
                author,
                "recommendation.changed",
                dim_recommendations,
                recommendation_id,
                recommendation_id,
                {
                    **applied,
                    "update_id": update_id,
                    "via": "posted" if publish else "draft",
                    "version": [expected_version, expected_version + 1],
                },
                at,
            )
    except _Stale:
        raise _conflict(engine, recommendation_id, expected_version) from None
    return update_id


def publish_update(engine: Engine, *, editor: Editor, update_id: str) -> bool:
    """Publish a draft update: it becomes public, and its status, delivery confidence, progress
    and milestone met are applied. Returns False when it was already published (nothing
    changes). Raises ``NotFound`` or ``NotAllowed`` (only a lead of the workstream, or
    leadership)."""
    with engine.connect() as conn:
        row = (
            conn.execute(select(fct_recommendation_updates).where(_u.update_id == update_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"There is no update {update_id}.")
        head = _recommendation(conn, str(row["recommendation_id"]))
    if not may_publish(editor, str(head["workstream_id"])):
        raise NotAllowed("Only a lead of this workstream, or leadership, can publish it.")
    at = _now()
    rid = str(row["recommendation_id"])
    with engine.begin() as conn:
        flipped = conn.execute(
            update(fct_recommendation_updates)
            .where(_u.update_id == update_id, _u.is_published.is_(False))
            .values(is_published=True)
        ).rowcount
        if flipped != 1:
            return False
        head = _recommendation(conn, rid)
        conn.execute(
            update(dim_recommendations)
            .where(_r.recommendation_id == rid)
            .values(version=_r.version + 1)
        )
        _audit(
            conn,
            editor,
            "update.published",
            fct_recommendation_updates,
            update_id,
            rid,
            {"is_published": [False, True]},
            at,
        )
        applied = _apply_update(conn, editor, dict(row), head, at)
        _audit(
            conn,
            editor,
            "recommendation.changed",
            dim_recommendations,
            rid,
            rid,
            {
                **applied,
                "update_id": update_id,
                "via": "published",
                "version": [head["version"], head["version"] + 1],
            },
            at,
        )
    return True


def _milestone_fields(
    title: object, due_date: object, done_date: object
) -> tuple[str | None, date | None, date | None]:
    errors: dict[str, str] = {}
    clean_title = _check_text(title, errors, "title", "a title", MAX_TITLE)
    due = _check_date(due_date, errors, "due_date")
    done = _check_date(done_date, errors, "done_date")
    if done is not None and done > _now().date():
        errors["done_date"] = "A milestone cannot be met in the future."
    if errors:
        raise Invalid(errors)
    return clean_title, due, done


def add_milestone(
    engine: Engine,
    *,
    editor: Editor,
    recommendation_id: str,
    title: object,
    due_date: object = None,
    done_date: object = None,
) -> str:
    """Add a milestone to a recommendation; returns its id. Raises ``NotFound``,
    ``NotAllowed`` or ``Invalid``."""
    with engine.connect() as conn:
        head = _recommendation(conn, recommendation_id)
    if not may_edit(editor, str(head["workstream_id"])):
        raise NotAllowed(f"Only a lead of workstream {head['workstream_id']} can add milestones.")
    clean_title, due, done = _milestone_fields(title, due_date, done_date)
    at = _now()
    milestone_id = f"M-web-{at:%Y%m%d}-{secrets.token_hex(4)}"
    values = {
        "milestone_id": milestone_id,
        "recommendation_id": recommendation_id,
        "title": clean_title,
        "due_date": due,
        "done_date": done,
    }
    with engine.begin() as conn:
        conn.execute(insert(fct_milestones).values(**values, version=1, row_hash=_row_hash(values)))
        _audit(
            conn,
            editor,
            "milestone.added",
            fct_milestones,
            milestone_id,
            recommendation_id,
            {"milestone": clean_title, "due": due, "done": done, "version": [0, 1]},
            at,
        )
    return milestone_id


def edit_milestone(
    engine: Engine,
    *,
    editor: Editor,
    milestone_id: str,
    expected_version: int,
    title: object,
    due_date: object = None,
    done_date: object = None,
) -> int:
    """Change a milestone's title, due date and date met; returns its new version. Raises
    ``NotFound``, ``NotAllowed``, ``Invalid`` or ``Conflict`` (it changed since it was read;
    ``current`` is the milestone now)."""
    with engine.connect() as conn:
        before = _milestone(conn, milestone_id)
        head = _recommendation(conn, str(before["recommendation_id"]))
    if not may_edit(editor, str(head["workstream_id"])):
        raise NotAllowed(f"Only a lead of workstream {head['workstream_id']} can edit it.")
    clean_title, due, done = _milestone_fields(title, due_date, done_date)
    at = _now()
    try:
        with engine.begin() as conn:
            if not _bump(conn, fct_milestones, _m.milestone_id, milestone_id, expected_version):
                raise _Stale
            before = _milestone(conn, milestone_id)
            after = {"title": clean_title, "due_date": due, "done_date": done}
            changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            conn.execute(
                update(fct_milestones).where(_m.milestone_id == milestone_id).values(**after)
            )
            _audit(
                conn,
                editor,
                "milestone.edited",
                fct_milestones,
                milestone_id,
                str(before["recommendation_id"]),
                {
                    **changes,
                    "milestone": clean_title,
                    "version": [expected_version, expected_version + 1],
                },
                at,
            )
    except _Stale:
        with engine.connect() as conn:
            current = _milestone(conn, milestone_id)
            changes_since = _changes_since(conn, fct_milestones, milestone_id, expected_version)
        raise Conflict(current, changes_since) from None
    return expected_version + 1


# --------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------

HISTORY_COLUMNS = [
    "changed_at",
    "changed_by",
    "kind",
    "entry_id",
    "summary",
    "note",
    "evidence_url",
    "is_published",
    "timed",
]


def history(engine: Engine, recommendation_id: str, include_drafts: bool) -> pd.DataFrame:
    """Every update (published only unless ``include_drafts``) and every milestone change
    made on the site, newest first, with who and when (``HISTORY_COLUMNS``). Updates loaded
    from the register have only their ``update_date`` (``timed`` is false)."""
    entries: list[dict[str, Any]] = []
    with engine.connect() as conn:
        conditions = [_u.recommendation_id == recommendation_id]
        if not include_drafts:
            conditions.append(_u.is_published.is_(True))
        updates = conn.execute(
            select(
                _u.update_id,
                _u.update_date,
                _u.created_at,
                _u.author,
                _u.note,
                _u.evidence_url,
                _u.status_from,
                _u.status_to,
                _u.rag_from,
                _u.rag_to,
                _u.progress_pct,
                _u.is_published,
            )
            .where(*conditions)
            .order_by(_u.update_date.desc(), _u.update_id.desc())
            .limit(HISTORY_LIMIT)
        ).mappings()
        for u in updates:
            parts = []
            if u["status_to"]:
                parts.append(
                    f"status {status_label(u['status_from'])} → {status_label(u['status_to'])}"
                )
            if u["rag_to"]:
                parts.append(
                    f"delivery confidence {rag_label(u['rag_from'])} → {rag_label(u['rag_to'])}"
                )
            if u["progress_pct"] is not None:
                parts.append(f"progress {u['progress_pct']}%")
            when = (
                _aware(u["created_at"])
                if u["created_at"] is not None
                else datetime(
                    u["update_date"].year, u["update_date"].month, u["update_date"].day, tzinfo=UTC
                )
            )
            entries.append(
                {
                    "changed_at": when,
                    "changed_by": u["author"],
                    "kind": "update",
                    "entry_id": u["update_id"],
                    "summary": "Update" + (f" ({'; '.join(parts)})" if parts else ""),
                    "note": u["note"],
                    "evidence_url": u["evidence_url"],
                    "is_published": bool(u["is_published"]),
                    "timed": u["created_at"] is not None,
                }
            )
        actions = ["milestone.added", "milestone.edited", "milestone.met"]
        if include_drafts:
            actions.append("update.published")
        for row in _audit_rows(
            conn,
            _a.recommendation_id == recommendation_id,
            _a.action.in_(actions),
            limit=HISTORY_LIMIT,
        ):
            summary = row["summary"]
            entries.append(
                {
                    "changed_at": row["changed_at"],
                    "changed_by": row["changed_by"],
                    "kind": row["action"].split(".")[0],
                    "entry_id": row["entity_id"],
                    "summary": summary[0].upper() + summary[1:],
                    "note": None,
                    "evidence_url": None,
                    "is_published": True,
                    "timed": True,
                }
            )
    entries.sort(key=lambda e: e["changed_at"], reverse=True)
    return pd.DataFrame(entries[:HISTORY_LIMIT], columns=HISTORY_COLUMNS)
