"""Who may do what: the staff roles and the rights each gives, in one place.

The public has no role and sees published records only. Every check in the application (the
accounts' validation, the command line's ``--role`` choices, ``web.auth``'s ``User``, the
Flask views' ``require_role``, the editing rules, the paper review and the Dash callbacks)
reads this module, so a role is added, or a right moved, by editing ``ROLES`` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Role:
    """A staff role and its rights. A right left False is refused."""

    name: str
    label: str  # as the navbar and the users page show it
    duty: str  # one line for the command line's help
    # Workstream-scoped: the account holds a list of workstreams and edits only those.
    edits_own_workstreams: bool = False
    publishes_drafts: bool = False  # any workstream's draft updates
    sees_drafts: bool = False  # draft records and internal pages
    sees_paper_queue: bool = False  # the queue of candidate citations found in council papers
    reviews_papers: bool = False  # confirms or dismisses a candidate citation
    freezes_snapshots: bool = False
    manages_data: bool = False  # uploads, load runs, rejected rows
    manages_users: bool = False


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            "lead",
            "Workstream lead",
            "edits the workstreams given with --workstream, which may repeat",
            edits_own_workstreams=True,
            sees_paper_queue=True,
            reviews_papers=True,
        ),
        Role(
            "leadership",
            "Leadership",
            "sees drafts and internal pages, publishes updates, freezes board snapshots",
            publishes_drafts=True,
            sees_drafts=True,
            sees_paper_queue=True,
            freezes_snapshots=True,
        ),
        Role(
            "admin",
            "Admin",
            "manages users and loads data; sees drafts, freezes board snapshots",
            sees_drafts=True,
            sees_paper_queue=True,
            freezes_snapshots=True,
            manages_data=True,
            manages_users=True,
        ),
    )
}
ROLE_NAMES = tuple(ROLES)
ROLE_LABELS = {name: role.label for name, role in ROLES.items()}
RIGHTS = tuple(f.name for f in fields(Role) if f.type in (bool, "bool"))


def role_label(name: str) -> str:
    """How a role is shown to people; an unknown role as it is stored."""
    return ROLE_LABELS.get(name, name)


def has_right(name: str | None, right: str) -> bool:
    """True when the role ``name`` gives ``right`` (one of ``RIGHTS``); False for the public
    (``None``) and for a role that no longer exists."""
    if right not in RIGHTS:
        raise ValueError(f"unknown right {right!r}; one of {', '.join(RIGHTS)}")
    role = ROLES.get(name or "")
    return role is not None and bool(getattr(role, right))


def roles_with(right: str) -> tuple[str, ...]:
    """The roles that give ``right``, for ``require_role(*roles_with(...))``."""
    return tuple(name for name in ROLES if has_right(name, right))


def needs_workstreams(name: str) -> bool:
    """A workstream-scoped role is useless without at least one workstream."""
    return has_right(name, "edits_own_workstreams")


def may_edit(name: str | None, workstreams: Sequence[str], workstream_id: str) -> bool:
    """Recommendations are edited by the leads of their own workstream only."""
    return has_right(name, "edits_own_workstreams") and workstream_id in workstreams


def may_publish(name: str | None, workstreams: Sequence[str], workstream_id: str) -> bool:
    """A draft is published by a lead of its workstream or by a role that publishes any."""
    return may_edit(name, workstreams, workstream_id) or has_right(name, "publishes_drafts")
