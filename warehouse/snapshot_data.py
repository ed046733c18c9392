"""The data of a board snapshot as typed classes: its frozen figures, and what changed since.

``warehouse.snapshots`` builds these when it freezes a snapshot and when it compares one with
today, and the snapshot page reads their attributes. Frozen figures are stored as JSON in
``meta_snapshots.figures``: ``to_json`` writes the keys a snapshot has always had, and
``from_json`` reads every snapshot ever stored. A key that a snapshot frozen before it existed
lacks takes its field's default (empty, zero or None), so old snapshots still open.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")
FORMAT = 1  # version of the figures' JSON layout

Number = int | float


_HINTS: dict[Any, dict[str, Any]] = {}


def _hints(cls: Any) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _load(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        kinds = [arg for arg in get_args(hint) if arg is not type(None)]
        return _load(kinds[0], value) if len(kinds) == 1 else value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_json(hint, value)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in value)
        return tuple(_load(arg, item) for arg, item in zip(args, value, strict=False))
    return value


def from_json(cls: type[T], data: Mapping[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from its JSON object; missing keys take defaults
    and keys the class does not know are ignored."""
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {key: _load(hints[key], value) for key, value in data.items() if key in known}
    return cls(**values)


def to_json(value: Any) -> Any:
    """Plain JSON values: objects for the classes, lists for tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    return value


class _Json:
    """``to_json`` and ``from_json`` as methods of each class."""

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = to_json(self)
        return result

    @classmethod
    def from_json(cls: type[T], data: Mapping[str, Any]) -> T:
        return from_json(cls, data)


# -- Frozen figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline(_Json):
    """A headline figure for the snapshot's financial year and the year before; ``series`` is
    ``(year, value)`` per year, empty for a count taken on the day of freezing."""

    key: str = ""
    label: str = ""
    unit: str = "count"  # pence, share, days or count
    detail: str = ""
    value: Number | None = None
    previous: Number | None = None
    series: tuple[tuple[str, Number | None], ...] = ()


@dataclass(frozen=True)
class PcFunding(_Json):
    """P&C research money a home organisation received or awarded in a financial year."""

    financial_year: str = ""
    direction: str = ""
    home_role: str = ""
    grants: int = 0
    amount_pence: int = 0


@dataclass(frozen=True)
class GrantsByYear(_Json):
    """All grants in pounds of one funder and direction in a financial year."""

    financial_year: str = ""
    direction: str = ""
    funder: str = ""
    grants: int = 0
    amount_pence: int = 0


@dataclass(frozen=True)
class Funding(_Json):
    pc_by_year: tuple[PcFunding, ...] = ()
    by_year: tuple[GrantsByYear, ...] = ()


@dataclass(frozen=True)
class FrozenMilestone(_Json):
    milestone_id: str = ""
    title: str = ""
    due_date: str | None = None  # ISO dates
    done_date: str | None = None


@dataclass(frozen=True)
class FrozenRecommendation(_Json):
    recommendation_id: str = ""
    workstream_id: str = ""
    workstream_number: int = 0
    workstream_name: str = ""
    text: str = ""
    owner: str | None = None
    status: str = ""
    rag: str | None = None
    progress_pct: int | None = None
    last_update: str | None = None
    milestones: tuple[FrozenMilestone, ...] = ()


@dataclass(frozen=True)
class Decision(_Json):
    """A published policy decision informed by P&C research."""

    decision_id: str = ""
    title: str = ""
    decision_body: str = ""
    decision_date: str | None = None
    influence_type: str = ""


@dataclass(frozen=True)
class Figures(_Json):
    """Everything a snapshot shows and compares against, from published data (money in
    integer pence, dates and moments as ISO text)."""

    format: int = FORMAT
    as_of: str = ""
    frozen_at: str | None = None
    data_last_loaded_at: str | None = None
    sources: tuple[str, ...] = ()
    financial_year: str | None = None
    previous_year: str | None = None
    headlines: tuple[Headline, ...] = ()
    funding: Funding = field(default_factory=Funding)
    recommendations: tuple[FrozenRecommendation, ...] = ()
    policy_decisions: tuple[Decision, ...] = ()


# -- The list of snapshots -------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotSummary:
    """A snapshot as the list shows it, without its figures."""

    snapshot_id: str
    name: str
    as_of: date
    created_at: datetime
    frozen_by: str


# -- What changed since ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusMove(_Json):
    """A recommendation whose status, delivery confidence or progress moved: then and now."""

    recommendation_id: str = ""
    text: str = ""
    workstream_name: str = ""
    status_from: str | None = None
    status_to: str = ""
    rag_from: str | None = None
    rag_to: str | None = None
    progress_from: int | None = None
    progress_to: int | None = None


@dataclass(frozen=True)
class MoneyTotal(_Json):
    """P&C research money of one direction and home role, all years: then, now, the change."""

    direction: str = ""
    home_role: str = ""
    grants_before: int = 0
    grants_now: int = 0
    pence_before: int = 0
    pence_now: int = 0
    change_pence: int = 0


@dataclass(frozen=True)
class NewAward(_Json):
    grant_id: str = ""
    title: str = ""
    funder: str | None = None
    recipient: str | None = None  # None for a grant to an individual
    direction: str = ""
    award_date: str | None = None
    amount_pence: int = 0


@dataclass(frozen=True)
class NewAwards(_Json):
    """Every P&C research grant awarded after the board date: how many, how much, and the
    latest of them."""

    grants: int = 0
    amount_pence: int = 0
    listed: tuple[NewAward, ...] = ()


@dataclass(frozen=True)
class FundingChanges(_Json):
    totals: tuple[MoneyTotal, ...] = ()
    new_awards: NewAwards = field(default_factory=NewAwards)


@dataclass(frozen=True)
class MilestoneChange(_Json):
    milestone_id: str = ""
    recommendation_id: str = ""
    recommendation_text: str = ""
    title: str = ""
    due_date: str | None = None
    done_date: str | None = None
    on_time: bool | None = None
    days_overdue: int | None = None


@dataclass(frozen=True)
class Changes(_Json):
    """What changed between a snapshot and the published figures on ``today``."""

    snapshot_id: str = ""
    as_of: str = ""
    today: str = ""
    status_moves: tuple[StatusMove, ...] = ()
    funding: FundingChanges = field(default_factory=FundingChanges)
    milestones_met: tuple[MilestoneChange, ...] = ()
    milestones_missed: tuple[MilestoneChange, ...] = ()
    new_decisions: tuple[Decision, ...] = ()
    overdue: tuple[MilestoneChange, ...] = ()
