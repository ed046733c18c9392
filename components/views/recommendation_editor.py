"""The editing panel on a recommendation's page (for a lead of its workstream; drafts to publish
for leadership) and the history of changes (for everyone; drafts only for staff).

Pure layout: the callbacks pass in the records, the values typed so far, the messages per
field and the alert, and render the panel again after every action. Fields are plain text
boxes (not ``type="number"`` or ``type="url"``) so that whatever is typed reaches the server,
which answers with a message beside the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components import ids
from components.format import long_date
from components.views.recommendation_cards import RAG_MEANINGS, present, status_label

# The "no change" choice of each select: an empty value would leave dbc.Select blank.
KEEP = "keep"
NEW = "new"


def _text(value: Any) -> str:
    return "" if not present(value) else str(value)


def when(moment: Any, timed: bool = True) -> str:
    """``29 Nov 2026, 11:45 UTC``; just the date when only the date is known."""
    if isinstance(moment, datetime) and timed:
        return f"{long_date(moment.date())}, {moment:%H:%M} UTC"
    if isinstance(moment, datetime):
        return long_date(moment.date())
    return long_date(moment)


def _field(
    label: str,
    control_id: str,
    control: Any,
    error: str | None,
    hint: str | None = None,
) -> html.Div:
    parts: list[Any] = [dbc.Label(label, html_for=control_id), control]
    if error:
        parts.append(dbc.FormFeedback(error, type="invalid", id=f"{control_id}-error"))
    if hint:
        parts.append(dbc.FormText(hint, color="secondary"))
    return html.Div(parts, className="mb-3")


def _choice_field(
    label: str,
    control_id: str,
    options: list[dict[str, str]],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    name: str,
    hint: str | None = None,
) -> html.Div:
    """A select whose first option (``KEEP``) leaves the field as it is."""
    control = dbc.Select(
        id=control_id,
        options=options,
        value=_text(values.get(name)) or KEEP,
        invalid=bool(errors.get(name)),
    )
    return _field(label, control_id, control, errors.get(name), hint)


def _alert(alert: tuple[str, str] | None) -> Any:
    if not alert:
        return None
    kind, message = alert
    return dbc.Alert(message, color=kind, className="editor-alert")


def _milestone_label(m: Mapping[str, Any]) -> str:
    due = f" (due {long_date(m['due_date'])})" if present(m.get("due_date")) else ""
    return f"{m['title']}{due}"


def update_form(
    recommendation: Mapping[str, Any],
    milestones: pd.DataFrame,
    statuses: Sequence[str],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
) -> html.Div:
    """The "Post an update" form; ``values`` keeps what was typed after an error or conflict."""
    status_options = [
        {
            "label": f"Keep the status ({status_label(recommendation['status'])})",
            "value": KEEP,
        },
        *[
            {"label": status_label(s), "value": s}
            for s in statuses
            if s != recommendation["status"]
        ],
    ]
    rag_now = recommendation.get("rag")
    rag_options = [
        {
            "label": f"Keep it ({RAG_MEANINGS[rag_now][0]})"
            if rag_now in RAG_MEANINGS
            else "Keep it",
            "value": KEEP,
        },
        *[
            {"label": label, "value": rag}
            for rag, (label, _meaning, _colour) in RAG_MEANINGS.items()
            if rag != rag_now
        ],
    ]
    open_milestones = (
        milestones[milestones["done_date"].map(lambda d: not present(d))]
        if not milestones.empty
        else milestones
    )
    milestone_options = [
        {"label": "None", "value": KEEP},
        *[
            {"label": _milestone_label(m), "value": str(m["milestone_id"])}
            for m in open_milestones.to_dict("records")
        ],
    ]
    progress_now = recommendation.get("progress_pct")
    progress_hint = (
        f"Now {int(progress_now)}%. A whole number from 0 to 100; leave empty to keep it."
        if present(progress_now)
        else "A whole number from 0 to 100; leave empty to keep it."
    )
    # A <div>, not a <form>: Enter in a box or a button press must not submit and reload the
    # page; the buttons are wired by callbacks.
    return html.Div(
        [
            _field(
                "What happened",
                ids.EDITOR_NOTE,
                dbc.Textarea(
                    id=ids.EDITOR_NOTE,
                    value=_text(values.get("note")),
                    rows=4,
                    invalid=bool(errors.get("note")),
                    required=True,
                ),
                errors.get("note"),
            ),
            _field(
                "Evidence link (optional)",
                ids.EDITOR_EVIDENCE,
                dbc.Input(
                    id=ids.EDITOR_EVIDENCE,
                    type="text",
                    inputmode="url",
                    value=_text(values.get("evidence_url")),
                    placeholder="https://",
                    invalid=bool(errors.get("evidence_url")),
                ),
                errors.get("evidence_url"),
                "A web page or document that shows it, starting with http:// or https://.",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _choice_field(
                            "Status", ids.EDITOR_STATUS, status_options, values, errors, "status_to"
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        _choice_field(
                            "Delivery confidence",
                            ids.EDITOR_RAG,
                            rag_options,
                            values,
                            errors,
                            "rag_to",
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        _field(
                            "Progress (%)",
                            ids.EDITOR_PROGRESS,
                            dbc.Input(
                                id=ids.EDITOR_PROGRESS,
                                type="text",
                                inputmode="numeric",
                                value=_text(values.get("progress_pct")),
                                invalid=bool(errors.get("progress_pct")),
                            ),
                            errors.get("progress_pct"),
                            progress_hint,
                        ),
                        md=4,
                    ),
                ]
            ),
            _choice_field(
                "Milestone met (optional)",
                ids.EDITOR_MILESTONE,
                milestone_options,
                values,
                errors,
                "milestone_id",
                "It is marked as met on the day the update is published.",
            ),
            html.Div(
                [
                    dbc.Button("Publish update", id=ids.EDITOR_PUBLISH, color="primary"),
                    dbc.Button(
                        "Save as draft", id=ids.EDITOR_DRAFT, color="secondary", outline=True
                    ),
                ],
                className="d-flex flex-wrap gap-2",
            ),
            html.P(
                "A draft is seen only by staff until it is published; its status, delivery "
                "confidence, progress and milestone take effect when it is published.",
                className="small text-body-secondary mt-2 mb-0",
            ),
        ],
        className="editor-update-form",
        role="form",
        **{"aria-label": "Post an update"},
    )


def milestone_form(
    milestones: pd.DataFrame, values: Mapping[str, Any], errors: Mapping[str, str]
) -> html.Div:
    """Add a milestone, or change one's title, due date and date met."""
    choices = [
        {"label": "Add a new milestone", "value": NEW},
        *[
            {"label": f"Edit: {_milestone_label(m)}", "value": str(m["milestone_id"])}
            for m in milestones.to_dict("records")
        ],
    ]
    date_hint = "YYYY-MM-DD, for example 2026-03-31."
    # A <div>, not a <form>: Enter in a box or a button press must not submit and reload the
    # page; the buttons are wired by callbacks.
    return html.Div(
        [
            _field(
                "Milestone",
                ids.EDITOR_MILESTONE_CHOICE,
                dbc.Select(
                    id=ids.EDITOR_MILESTONE_CHOICE,
                    options=choices,
                    value=_text(values.get("milestone")) or NEW,
                ),
                None,
            ),
            _field(
                "Title",
                ids.EDITOR_MILESTONE_TITLE,
                dbc.Input(
                    id=ids.EDITOR_MILESTONE_TITLE,
                    type="text",
                    value=_text(values.get("title")),
                    invalid=bool(errors.get("title")),
                ),
                errors.get("title"),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Due date (optional)",
                            ids.EDITOR_MILESTONE_DUE,
                            dbc.Input(
                                id=ids.EDITOR_MILESTONE_DUE,
                                type="text",
                                inputmode="numeric",
                                value=_text(values.get("due_date")),
                                placeholder="YYYY-MM-DD",
                                invalid=bool(errors.get("due_date")),
                            ),
                            errors.get("due_date"),
                            date_hint,
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        _field(
                            "Date met (optional)",
                            ids.EDITOR_MILESTONE_DONE,
                            dbc.Input(
                                id=ids.EDITOR_MILESTONE_DONE,
                                type="text",
                                inputmode="numeric",
                                value=_text(values.get("done_date")),
                                placeholder="YYYY-MM-DD",
                                invalid=bool(errors.get("done_date")),
                            ),
                            errors.get("done_date"),
                            date_hint,
                        ),
                        md=6,
                    ),
                ]
            ),
            dbc.Button(
                "Save milestone", id=ids.EDITOR_MILESTONE_SAVE, color="primary", outline=True
            ),
        ],
        className="editor-milestone-form",
        role="form",
        **{"aria-label": "Add or edit a milestone"},
    )


def drafts_list(drafts: Sequence[Mapping[str, Any]]) -> Any:
    """Drafts waiting to be published, each with its Publish button."""
    if not drafts:
        return html.P("No drafts waiting.", className="text-body-secondary small mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.Span("Draft", className="badge text-bg-warning me-2"),
                            html.Span(
                                f"{when(d['changed_at'], bool(d.get('timed', True)))} · "
                                f"{d['changed_by']}",
                                className="small",
                            ),
                        ]
                    ),
                    html.P(str(d["note"]), className="mb-1"),
                    dbc.Button(
                        "Publish",
                        id={"type": ids.PUBLISH_UPDATE, "update": str(d["entry_id"])},
                        size="sm",
                        color="primary",
                        outline=True,
                        title=f"Publish the draft of {when(d['changed_at'])}",
                    ),
                ],
                className="editor-draft border-start border-3 border-warning ps-3 pb-3",
            )
            for d in drafts
        ],
        className="list-unstyled mb-0",
    )


def editor_panel(
    recommendation: Mapping[str, Any],
    *,
    milestones: pd.DataFrame,
    drafts: Sequence[Mapping[str, Any]],
    statuses: Sequence[str],
    can_post: bool,
    alert: tuple[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    milestone_values: Mapping[str, Any] | None = None,
    milestone_errors: Mapping[str, str] | None = None,
    milestone_alert: tuple[str, str] | None = None,
) -> html.Section:
    """The staff panel: the forms for a lead of the workstream (``can_post``) and the drafts
    to publish. ``recommendation`` carries the ``version`` the forms read."""
    versions = (
        {str(m["milestone_id"]): int(m["version"]) for m in milestones.to_dict("records")}
        if not milestones.empty
        else {}
    )
    parts: list[Any] = [
        html.H2("Edit this recommendation" if can_post else "Drafts to publish", className="h5"),
        _alert(alert),
        dcc.Store(id=ids.EDITOR_VERSION, data=int(recommendation["version"])),
        dcc.Store(id=ids.EDITOR_MILESTONE_VERSIONS, data=versions),
    ]
    if can_post:
        parts += [
            html.H3("Post an update", className="h6 mt-3 fw-bold"),
            update_form(recommendation, milestones, statuses, values or {}, errors or {}),
        ]
    parts += [
        html.H3("Drafts", className="h6 mt-4 fw-bold"),
        drafts_list(drafts),
    ]
    if can_post:
        parts += [
            html.H3("Milestones", className="h6 mt-4 fw-bold"),
            _alert(milestone_alert),
            milestone_form(milestones, milestone_values or {}, milestone_errors or {}),
        ]
    return html.Section(
        parts,
        id="recommendation-editing",
        className="recommendation-editor card card-body mt-4",
        **{"aria-label": "Staff editing"},
    )


def history_section(entries: pd.DataFrame, *, staff: bool) -> html.Section:
    """Every change, newest first, with who and when; drafts are marked for staff."""
    intro = (
        "Newest first: every update and milestone change, with who made it and when. "
        "Nothing is edited or removed afterwards."
    )
    if entries.empty:
        body: Any = html.P("No changes recorded yet.", className="text-body-secondary")
    else:
        items = []
        for e in entries.to_dict("records"):
            evidence = (
                html.A(
                    "Evidence",
                    href=str(e["evidence_url"]),
                    className="small",
                    title=f"Evidence for the update of {when(e['changed_at'], e['timed'])}",
                )
                if present(e.get("evidence_url"))
                else None
            )
            draft = (
                html.Span("Draft", className="badge text-bg-warning ms-2 history-draft")
                if staff and not e["is_published"]
                else None
            )
            items.append(
                html.Li(
                    [
                        html.Div(
                            [
                                html.Time(
                                    when(e["changed_at"], bool(e["timed"])),
                                    dateTime=e["changed_at"].isoformat(),
                                    className="fw-semibold",
                                ),
                                html.Span(f" · {e['changed_by']}", className="small"),
                                draft,
                            ]
                        ),
                        html.Div(str(e["summary"]), className="small text-body-secondary"),
                        html.P(str(e["note"]), className="mb-1") if present(e["note"]) else None,
                        evidence,
                    ],
                    className="history-entry border-start border-3 ps-3 pb-3",
                )
            )
        body = html.Ol(items, className="list-unstyled recommendation-history mb-0")
    # Open for staff, who edit against it; folded for the public, whose timeline above
    # already shows every published update.
    return html.Section(
        html.Details(
            [
                html.Summary(
                    html.H2(
                        f"History of changes ({len(entries):,})",
                        className="h5 d-inline-block mb-0",
                    ),
                    className="mt-4 mb-2",
                ),
                html.P(intro, className="small text-body-secondary"),
                body,
            ],
            open=staff,
        ),
        id="recommendation-history-section",
    )
