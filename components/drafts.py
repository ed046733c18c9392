"""How staff see draft records in lists and pages that the public also sees.

The queries decide what is public; these pieces only mark what they were given. A row whose
``is_published`` is false (fetched only for staff who may see drafts) reads "Draft — not public".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.format import present

DRAFT_LABEL = "Draft — not public"


def badge(text: str, style: str) -> html.Span:
    """A small label in one of Bootstrap's badge styles."""
    return html.Span(text, className=f"badge {style} fw-normal")


def is_draft(row: Mapping[str, Any]) -> bool:
    """True only for a row the query marked unpublished (staff views)."""
    published = row.get("is_published", True)
    return present(published) and not bool(published)


def draft_badge() -> html.Span:
    return badge(DRAFT_LABEL, "text-bg-danger draft-badge")


def draft_banner(kind: str) -> dbc.Alert:
    """The notice above a draft record's page (staff only)."""
    return dbc.Alert(
        [
            html.Strong(f"{DRAFT_LABEL}. "),
            f"This {kind} is a draft. You see it because you are signed in as staff who may "
            "see drafts; the public gets “not found” at this address until it is published.",
        ],
        color="danger",
        className="draft-banner",
    )


def staff_drafts_note(drafts: int, kind: str, counted: str) -> html.P:
    """The caption staff see above a list that includes drafts: how many, and that the
    figures beside it count published records only."""
    kinds = kind if drafts == 1 else f"{kind}s"
    return html.P(
        [
            html.Strong("Staff view: "),
            f"this list includes {drafts:,} draft {kinds}, marked “{DRAFT_LABEL}”. "
            f"{counted} count published {kind}s only, as the public sees them.",
        ],
        className="small text-body-secondary border-start border-danger border-3 ps-2 "
        "staff-drafts-note",
    )
