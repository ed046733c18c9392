"""Wiring of the review queue (``/papers/review``): list the candidates the signed-in user may
see and the papers that could not be read, and confirm or dismiss one for a workstream lead;
and the link to the queue on ``/impact`` for staff. The public gets a sign-in message and no
candidate (and no link); the role comes from the session, never from the browser."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx

from components.views import paper_review as view
from warehouse.db import shared_engine
from warehouse.editing import EditingError
from warehouse.paper_review import (
    confirm,
    dismiss,
    may_review,
    may_see_queue,
    pending_count,
    review_queue,
    unreadable_papers,
)
from warehouse.vocabularies import INFLUENCE_TYPES, REACHES
from web.auth import current_user


@callback(
    Output(view.QUEUE, "children"),
    Output(view.STATUS, "children"),
    Output(view.UNREADABLE, "children"),
    Input(view.LOADED, "data"),
    Input({"type": view.CONFIRM, "index": ALL}, "n_clicks"),
    Input({"type": view.DISMISS, "index": ALL}, "n_clicks"),
    State({"type": view.INFLUENCE, "index": ALL}, "value"),
    State({"type": view.REACH, "index": ALL}, "value"),
    State({"type": view.PUBLISH, "index": ALL}, "value"),
)
def show_queue(
    _loaded: Any,
    _confirms: list[Any],
    _dismisses: list[Any],
    _influences: list[Any],
    _reaches: list[Any],
    _publishes: list[Any],
) -> tuple[Any, Any, Any]:
    user = current_user()
    if not may_see_queue(user):
        return view.sign_in_needed(), None, None
    engine = shared_engine()
    message = None
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and may_review(user) and _clicked():
        mention_id = int(trigger["index"])
        try:
            if trigger["type"] == view.CONFIRM:
                review = confirm(
                    engine,
                    user,  # type: ignore[arg-type]
                    mention_id,
                    str(_state(view.INFLUENCE, mention_id) or ""),
                    str(_state(view.REACH, mention_id) or ""),
                    bool(_state(view.PUBLISH, mention_id)),
                )
                message = view.status_message(
                    f"Confirmed: recorded as policy decision {review.decision_id}."
                )
            else:
                dismiss(engine, user, mention_id)  # type: ignore[arg-type]
                message = view.status_message("Dismissed: it will not come back.")
        except EditingError as error:
            message = view.status_message(str(error), ok=False)
    frame = review_queue(engine, user)
    return (
        view.queue(_records(frame), may_review(user), INFLUENCE_TYPES, REACHES),
        message,
        view.unreadable_notice(_records(unreadable_papers(engine, user))),
    )


@callback(Output(view.IMPACT_LINK, "children"), Input(view.IMPACT_LINK_LOADED, "data"))
def show_impact_link(_loaded: Any) -> Any:
    """On /impact, staff who see the queue get a link to it with how many candidates wait."""
    user = current_user()
    if not may_see_queue(user):
        return None
    return view.impact_link(pending_count(shared_engine(), user))


def _records(frame: Any) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[no-any-return]


def _clicked() -> bool:
    return any(bool(t.get("value")) for t in ctx.triggered)


def _state(kind: str, mention_id: int) -> Any:
    for group in ctx.states_list:
        for item in group if isinstance(group, list) else [group]:
            if item["id"] == {"type": kind, "index": mention_id}:
                return item.get("value")
    return None
