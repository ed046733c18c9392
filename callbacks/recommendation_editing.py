"""Editing on a recommendation's page: the staff panel (a lead of its workstream posts updates
and edits milestones; leadership publishes drafts) and the history of changes.

Every action asks ``current_user()`` and lets ``warehouse.editing`` check the permission, the
input and the version read: nothing the browser sends decides who may do what. After each
action the panel is drawn again from the warehouse, keeping what was typed when nothing was
saved, and the recommendation itself is redrawn when it changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.views.recommendation_cards import recommendation_page
from components.views.recommendation_editor import KEEP, NEW, editor_panel, history_section
from warehouse import access, editing
from warehouse.db import shared_engine
from warehouse.queries.recommendations import recommendation_detail
from warehouse.vocabularies import RECOMMENDATION_STATUSES
from web.auth import User, current_user

PANEL_OUTPUTS = (
    Output(ids.RECOMMENDATION_EDITOR, "children", allow_duplicate=True),
    Output(ids.RECOMMENDATION_HISTORY, "children", allow_duplicate=True),
    Output(ids.RECOMMENDATION_DETAIL, "children", allow_duplicate=True),
)
NOT_SAVED = "Nothing was saved: please correct the fields marked below."


def _rights(user: User | None, workstream_id: str) -> tuple[bool, bool, bool]:
    """(may post, may publish, sees drafts) on this workstream."""
    if user is None:
        return False, False, False
    can_post = user.can_edit(workstream_id)
    can_publish = access.may_publish(user.role, user.workstreams, workstream_id)
    return can_post, can_publish, can_publish or user.sees_drafts


def _drafts(entries: pd.DataFrame) -> list[dict[str, Any]]:
    if entries.empty:
        return []
    waiting = entries[(entries["kind"] == "update") & ~entries["is_published"].astype(bool)]
    return list(waiting.to_dict("records"))


def _panel_and_history(recommendation_id: str, **panel: Any) -> tuple[Any, Any]:
    """The staff panel (None for anyone who may not post or publish here) and the history."""
    engine = shared_engine()
    try:
        state = editing.editing_state(engine, recommendation_id)
    except editing.NotFound:
        return None, None
    user = current_user()
    can_post, can_publish, sees_drafts = _rights(user, str(state.recommendation["workstream_id"]))
    entries = editing.history(engine, recommendation_id, include_drafts=sees_drafts)
    history = history_section(entries, staff=sees_drafts)
    if not can_publish:
        return None, history
    editor = editor_panel(
        state.recommendation,
        milestones=state.milestones,
        drafts=_drafts(entries),
        statuses=RECOMMENDATION_STATUSES,
        can_post=can_post,
        **panel,
    )
    return editor, history


def _detail(recommendation_id: str) -> Any:
    detail = recommendation_detail(shared_engine(), recommendation_id, date.today())
    if detail is None:
        return no_update
    return recommendation_page(
        detail.recommendation,
        updates=detail.updates,
        milestones=detail.milestones,
        projects=detail.projects,
        grants=detail.grants,
        funding_pence=detail.funding_pence,
    )


@callback(
    Output(ids.RECOMMENDATION_EDITOR, "children"),
    Output(ids.RECOMMENDATION_HISTORY, "children"),
    Input(ids.RECOMMENDATION_ID, "data"),
)
def show_editing(recommendation_id: str | None) -> tuple[Any, Any]:
    return _panel_and_history(unquote(recommendation_id or ""))


def _refused(recommendation_id: str, message: str) -> tuple[Any, Any, Any]:
    editor, history = _panel_and_history(recommendation_id, alert=("danger", message))
    return editor, history, no_update


@callback(
    *PANEL_OUTPUTS,
    Input(ids.EDITOR_PUBLISH, "n_clicks"),
    Input(ids.EDITOR_DRAFT, "n_clicks"),
    State(ids.RECOMMENDATION_ID, "data"),
    State(ids.EDITOR_VERSION, "data"),
    State(ids.EDITOR_NOTE, "value"),
    State(ids.EDITOR_EVIDENCE, "value"),
    State(ids.EDITOR_STATUS, "value"),
    State(ids.EDITOR_RAG, "value"),
    State(ids.EDITOR_PROGRESS, "value"),
    State(ids.EDITOR_MILESTONE, "value"),
    prevent_initial_call=True,
    # A second click while the first is saved would post from the version just replaced.
    running=[
        (Output(ids.EDITOR_PUBLISH, "disabled"), True, False),
        (Output(ids.EDITOR_DRAFT, "disabled"), True, False),
    ],
)
def post_update(
    publish_clicks: int | None,
    draft_clicks: int | None,
    recommendation_id: str | None,
    version: int | None,
    note: str | None,
    evidence_url: str | None,
    status_to: str | None,
    rag_to: str | None,
    progress_pct: str | None,
    milestone_id: str | None,
) -> tuple[Any, Any, Any]:
    if not (publish_clicks or draft_clicks):
        raise PreventUpdate
    rid = unquote(recommendation_id or "")
    publish = ctx.triggered_id == ids.EDITOR_PUBLISH
    values = {
        "note": note,
        "evidence_url": evidence_url,
        "status_to": None if status_to == KEEP else status_to,
        "rag_to": None if rag_to == KEEP else rag_to,
        "progress_pct": progress_pct,
        "milestone_id": None if milestone_id == KEEP else milestone_id,
    }
    user = current_user()
    if user is None:
        return _refused(rid, "Your session has ended. Sign in again to post an update.")
    try:
        editing.post_update(
            shared_engine(),
            author=user,
            recommendation_id=rid,
            expected_version=version,  # type: ignore[arg-type]
            publish=publish,
            **values,
        )
    except editing.NotAllowed as refused:
        return _refused(rid, str(refused))
    except editing.Invalid as invalid:
        editor, history = _panel_and_history(
            rid, alert=("danger", NOT_SAVED), values=values, errors=invalid.errors
        )
        return editor, history, no_update
    except editing.Conflict as conflict:
        editor, history = _panel_and_history(
            rid, alert=("warning", conflict.message()), values=values
        )
        return editor, history, _detail(rid)
    done = (
        "Update published: it is on the public page now."
        if publish
        else "Draft saved. Only staff can see it until it is published."
    )
    editor, history = _panel_and_history(rid, alert=("success", done))
    return editor, history, _detail(rid)


@callback(
    *PANEL_OUTPUTS,
    Input({"type": ids.PUBLISH_UPDATE, "update": ALL}, "n_clicks"),
    State(ids.RECOMMENDATION_ID, "data"),
    prevent_initial_call=True,
)
def publish_draft(clicks: list[int | None], recommendation_id: str | None) -> tuple[Any, Any, Any]:
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        raise PreventUpdate
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    rid = unquote(recommendation_id or "")
    user = current_user()
    if user is None:
        return _refused(rid, "Your session has ended. Sign in again to publish.")
    try:
        editing.publish_update(shared_engine(), editor=user, update_id=str(trigger["update"]))
    except (editing.NotAllowed, editing.NotFound) as refused:
        return _refused(rid, str(refused))
    editor, history = _panel_and_history(
        rid, alert=("success", "Update published: it is on the public page now.")
    )
    return editor, history, _detail(rid)


@callback(
    *PANEL_OUTPUTS,
    Input(ids.EDITOR_MILESTONE_SAVE, "n_clicks"),
    State(ids.RECOMMENDATION_ID, "data"),
    State(ids.EDITOR_MILESTONE_CHOICE, "value"),
    State(ids.EDITOR_MILESTONE_TITLE, "value"),
    State(ids.EDITOR_MILESTONE_DUE, "value"),
    State(ids.EDITOR_MILESTONE_DONE, "value"),
    State(ids.EDITOR_MILESTONE_VERSIONS, "data"),
    prevent_initial_call=True,
    running=[(Output(ids.EDITOR_MILESTONE_SAVE, "disabled"), True, False)],
)
def save_milestone(
    clicks: int | None,
    recommendation_id: str | None,
    choice: str | None,
    title: str | None,
    due_date: str | None,
    done_date: str | None,
    versions: dict[str, int] | None,
) -> tuple[Any, Any, Any]:
    if not clicks:
        raise PreventUpdate
    rid = unquote(recommendation_id or "")
    choice = None if choice == NEW else choice
    values = {"milestone": choice, "title": title, "due_date": due_date, "done_date": done_date}
    fields = {"title": title, "due_date": due_date, "done_date": done_date}
    user = current_user()
    if user is None:
        return _refused(rid, "Your session has ended. Sign in again to change milestones.")
    try:
        if choice:
            editing.edit_milestone(
                shared_engine(),
                editor=user,
                milestone_id=choice,
                expected_version=int((versions or {}).get(choice, 0)),
                **fields,
            )
            done = "Milestone saved."
        else:
            editing.add_milestone(shared_engine(), editor=user, recommendation_id=rid, **fields)
            done = "Milestone added."
    except (editing.NotAllowed, editing.NotFound) as refused:
        return _refused(rid, str(refused))
    except editing.Invalid as invalid:
        editor, history = _panel_and_history(
            rid,
            milestone_alert=("danger", NOT_SAVED),
            milestone_values=values,
            milestone_errors=invalid.errors,
        )
        return editor, history, no_update
    except editing.Conflict as conflict:
        editor, history = _panel_and_history(
            rid,
            milestone_alert=("warning", conflict.message("milestone", "change")),
            milestone_values=values,
        )
        return editor, history, _detail(rid)
    editor, history = _panel_and_history(rid, milestone_alert=("success", done))
    return editor, history, _detail(rid)


@callback(
    Output(ids.EDITOR_MILESTONE_TITLE, "value"),
    Output(ids.EDITOR_MILESTONE_DUE, "value"),
    Output(ids.EDITOR_MILESTONE_DONE, "value"),
    Input(ids.EDITOR_MILESTONE_CHOICE, "value"),
    State(ids.RECOMMENDATION_ID, "data"),
    prevent_initial_call=True,
)
def fill_milestone(choice: str | None, recommendation_id: str | None) -> tuple[str, str, str]:
    """Choosing a milestone to edit fills its fields; "Add a new milestone" empties them."""
    if not choice or choice == NEW:
        return "", "", ""
    state = editing.editing_state(shared_engine(), unquote(recommendation_id or ""))
    found = state.milestones[state.milestones["milestone_id"] == choice]
    if found.empty:
        raise PreventUpdate
    row = found.iloc[0]

    def text(value: Any) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    return str(row["title"]), text(row["due_date"]), text(row["done_date"])
