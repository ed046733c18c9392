"""The data-quality report of one load run, for the data officer (admin only): the command line
(``report --file``) and the page ``/data/loads/<id>`` both read it from ``quality_report``.

It answers what a council officer asks of a file: does it reconcile (rows and pence read =
loaded + rejected, from which amount column), what was repaired or blanked, what the file
lacks, which 360Giving checks GrantNav's publishers see it fail, and why rows were rejected,
each with how many rows and up to ``EXAMPLES`` example rows.

Rejected rows hold the file's values unmasked, so only admin views may call this (see
``warehouse.queries.quality`` for the public counts). SQL does the counting: rejects are grouped
by field and reason in SQL, and only the distinct reasons come to Python, where their values
(quoted text and numbers) are replaced by ``…`` to make the kind of problem; a run with 100,000
rejected rows of a few kinds costs a few small result sets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from dataclasses import field as default
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, literal, or_, select

from warehouse.schema import meta_load_runs, meta_load_warnings, meta_rejected_rows

EXAMPLES = 5
REPAIRS = ("repaired", "blanked")
# What GrantNav's publishers see in the 360Giving Data Quality Tool.
CHECKS = ("quality", "repeated-id", "standard", "missing")
# Any other kind (missing-column, amount-column, unknown-column, period, publisher, ragged-row
# and kinds added later) is a note about the file, so no warning is ever left out.
GAP = "…"
_VALUE = re.compile(
    r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”|(?<![\w-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w-])"
)


@dataclass(frozen=True)
class Example:
    """One example row: its number in the file (None: the whole file) and what was found."""

    row: int | None
    value: str


@dataclass(frozen=True)
class Finding:
    """One kind of warning on the file: repaired, blanked, a note or a check."""

    kind: str
    field: str | None
    message: str
    rows: int  # rows it touched; 0 for a note about the whole file
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class RejectKind:
    """Rejected rows with one kind of problem: the field and the reason with its values
    replaced by ``…`` (``'…' is not an amount of money``)."""

    field: str | None
    reason: str
    rows: int
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Rows:
    """The run's rows: read = loaded + rejected, where loaded counts the rows inserted,
    updated and already there, and rejected counts rows (not their problems)."""

    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def balanced(self) -> bool:
        return self.loaded + self.rejected == self.read


@dataclass(frozen=True)
class MoneyReconciled:
    """The file's money in pence: read = loaded + rejected, and the column it came from."""

    column: str | None
    read_pence: int
    loaded_pence: int
    rejected_pence: int

    @property
    def difference_pence(self) -> int:
        """Pence read but neither loaded nor rejected (0 when the file reconciles)."""
        return self.read_pence - self.loaded_pence - self.rejected_pence

    @property
    def balanced(self) -> bool:
        return self.difference_pence == 0


@dataclass(frozen=True)
class QualityReport:
    """Everything the quality report of one load run shows."""

    load_run_id: int
    file_name: str
    sha256: str
    detected_format: str | None
    status: str  # loaded, partial, rejected, unchanged or running (see ``truthful_status``)
    message: str | None  # why the file loaded nothing, if it did not
    started_at: datetime | None
    finished_at: datetime | None
    rows: Rows
    money: MoneyReconciled | None  # None for formats without amounts
    repairs: tuple[Finding, ...] = ()
    notes: tuple[Finding, ...] = ()
    checks: tuple[Finding, ...] = ()
    rejects: tuple[RejectKind, ...] = ()
    # Set when the file was loaded again: its rejected rows now belong to that later run.
    rejects_replaced_by: int | None = None

    @property
    def rejected_whole(self) -> bool:
        """The file was refused before any row was read."""
        return self.status == "rejected" and self.rows.read == 0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON values (dates as ISO text, derived totals included)."""
        data = asdict(self)
        for key in ("started_at", "finished_at"):
            value = data[key]
            data[key] = value.isoformat() if isinstance(value, datetime) else value
        data["rows"]["loaded"] = self.rows.loaded
        data["rows"]["balanced"] = self.rows.balanced
        if self.money is not None:
            data["money"]["difference_pence"] = self.money.difference_pence
            data["money"]["balanced"] = self.money.balanced
        return data


def truthful_status(status: str, rows_loaded: int, rows_rejected: int) -> str:
    """A run's status as it should be shown: a run that loaded no row is ``rejected``, never
    ``partial`` (runs recorded before that rule say ``partial``)."""
    if status == "partial" and rows_loaded == 0:
        return "rejected"
    if status == "loaded" and rows_rejected and not rows_loaded:
        return "rejected"
    return status


def reason_kind(reason: str) -> tuple[str, str]:
    """A reason's kind and its values: ``'tbc' is not an amount of money`` gives
    ``('…' is not an amount of money, 'tbc')``; quoted text and numbers are values."""
    values = ", ".join(match.group(0) for match in _VALUE.finditer(reason))
    return _kind_of(reason), values


def latest_run_id(engine: Engine, file_name: str) -> int | None:
    """The latest load run of a file (by the name it was loaded under), or None."""
    runs = meta_load_runs.c
    statement = select(func.max(runs.load_run_id)).where(runs.file_name == file_name)
    with engine.connect() as conn:
        found = conn.execute(statement).scalar()
    return int(found) if found is not None else None


def quality_report(engine: Engine, load_run_id: int) -> QualityReport | None:
    """The quality report of one load run, or None if there is no such run."""
    runs = meta_load_runs.c
    with engine.connect() as conn:
        run = conn.execute(select(meta_load_runs).where(runs.load_run_id == load_run_id))
        found = run.mappings().first()
        if found is None:
            return None
        rows = Rows(
            read=int(found["rows_read"] or 0),
            inserted=int(found["rows_inserted"] or 0),
            updated=int(found["rows_updated"] or 0),
            unchanged=int(found["rows_unchanged"] or 0),
            rejected=int(found["rows_rejected"] or 0),
        )
        # An unchanged run wrote nothing: what the file holds is the report of the run that
        # wrote it.
        wrote = int(found["unchanged_since"] or load_run_id)
        findings = _findings(conn, wrote)
        rejects = _reject_kinds(conn, wrote, str(found["sha256"]))
        replaced_by = (
            _later_run(conn, wrote, str(found["file_name"]), str(found["sha256"]))
            if rows.rejected and not rejects
            else None
        )
    return QualityReport(
        load_run_id=load_run_id,
        file_name=str(found["file_name"]),
        sha256=str(found["sha256"]),
        detected_format=found["detected_format"],
        status=truthful_status(str(found["status"]), rows.loaded, rows.rejected),
        message=found["message"],
        started_at=found["started_at"],
        finished_at=found["finished_at"],
        rows=rows,
        money=_money(found),
        repairs=tuple(f for f in findings if f.kind in REPAIRS),
        notes=tuple(f for f in findings if f.kind not in REPAIRS + CHECKS),
        checks=tuple(f for f in findings if f.kind in CHECKS),
        rejects=rejects,
        rejects_replaced_by=replaced_by,
    )


def _money(run: Any) -> MoneyReconciled | None:
    if run["pence_read"] is None:
        return None
    return MoneyReconciled(
        column=run["amount_column"],
        read_pence=int(run["pence_read"]),
        loaded_pence=int(run["pence_loaded"] or 0),
        rejected_pence=int(run["pence_rejected"] or 0),
    )


def _examples(pairs: Iterable[Sequence[Any]]) -> tuple[Example, ...]:
    return tuple(
        Example(int(row) if row is not None else None, str(value if value is not None else ""))
        for row, value in pairs
    )[:EXAMPLES]


def _findings(conn: Connection, load_run_id: int) -> list[Finding]:
    w = meta_load_warnings.c
    statement = (
        select(w.kind, w.field, w.message, w.rows, w.examples)
        .where(w.load_run_id == load_run_id)
        .order_by(w.load_warning_id)
    )
    return [
        Finding(
            kind=str(kind),
            field=field_name,
            message=str(message),
            rows=int(rows or 0),
            examples=_examples(json.loads(examples) if examples else []),
        )
        for kind, field_name, message, rows, examples in conn.execute(statement)
    ]


@dataclass
class _Kind:
    field: str | None
    reason: str
    rows: int = 0
    reasons: list[str] = default(default_factory=list)  # up to EXAMPLES of them
    firsts: list[tuple[int, str]] = default(default_factory=list)  # (first row, reason)


def _kind_of(reason: str) -> str:
    return _VALUE.sub(_gap, reason)


def _gap(match: re.Match[str]) -> str:
    return f"'{GAP}'" if match.group(0)[0] in "'\"‘“" else GAP


def _reject_kinds(conn: Connection, load_run_id: int, sha256: str) -> tuple[RejectKind, ...]:
    r = meta_rejected_rows.c
    # sha256 is indexed: it narrows the scan to the file's rejects before load_run_id.
    of_run = and_(r.sha256 == sha256, r.load_run_id == load_run_id)
    row = func.coalesce(r.row_number, literal(-1))
    grouped = (
        select(r.field, r.reason, func.count(row.distinct()), func.min(row))
        .where(of_run)
        .group_by(r.field, r.reason)
    )
    kinds: dict[tuple[str | None, str], _Kind] = {}
    for field_name, reason, rows, first in conn.execute(grouped):
        key = (field_name, _kind_of(reason))
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _Kind(*key)
        kind.rows += rows
        if len(kind.reasons) < EXAMPLES:
            kind.reasons.append(reason)
        kind.firsts.append((first, reason))
        if len(kind.firsts) > 4 * EXAMPLES:
            kind.firsts = sorted(kind.firsts)[:EXAMPLES]
    result = []
    for kind in kinds.values():
        firsts = sorted(kind.firsts)[:EXAMPLES]
        if len(firsts) < min(EXAMPLES, kind.rows):
            # Fewer distinct reasons than examples wanted (one "is required but blank" on
            # many rows): the first rows of those few reasons, straight from SQL.
            field_is = r.field.is_(None) if kind.field is None else r.field == kind.field
            more = (
                select(row, r.reason)
                .where(of_run, field_is, r.reason.in_(kind.reasons))
                .group_by(row, r.reason)
                .order_by(row)
                .limit(EXAMPLES)
            )
            firsts = [(int(n), str(why)) for n, why in conn.execute(more)]
        examples = (Example(n if n >= 0 else None, reason_kind(why)[1]) for n, why in firsts)
        result.append(RejectKind(kind.field, kind.reason, int(kind.rows), tuple(examples)))
    return tuple(sorted(result, key=lambda k: (-k.rows, k.field or "", k.reason)))


def _later_run(conn: Connection, load_run_id: int, file_name: str, sha256: str) -> int | None:
    runs = meta_load_runs.c
    statement = select(func.min(runs.load_run_id)).where(
        runs.load_run_id > load_run_id, or_(runs.file_name == file_name, runs.sha256 == sha256)
    )
    found = conn.execute(statement).scalar()
    return int(found) if found is not None else None
