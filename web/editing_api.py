"""Editing by workstream leads over HTTP (JSON in, JSON out), for the page's forms and scripts:

- ``POST /api/v1/recommendations/<id>/updates``: post an update (201).
- ``POST /api/v1/recommendations/<id>/milestones``: add a milestone (201).
- ``PATCH /api/v1/milestones/<id>``: edit a milestone (200).
- ``POST /api/v1/updates/<id>/publish``: publish a draft (200).

Answers: 400 ``{"errors": {field: message}}`` for bad input (nothing saved); 401 for the
public; 403 for a user who may not change that workstream; 404 for an unknown record; 409
``{"error", "current", "changed_by", "changed_at", "changes"}`` when the record changed since
the version the request names. Signed-in requests carry the CSRF token (``X-CSRFToken``), as
``web.auth`` checks for every change. The rules themselves live in ``warehouse.editing``.
Nothing here is cached (``web.caching`` caches GET answers only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from flask import Blueprint, Response, jsonify, request

from warehouse import editing
from warehouse.db import shared_engine
from web.auth import User, current_user, require_role

editing_api = Blueprint("editing_api", __name__, url_prefix="/api/v1")

Answer = tuple[Response, int]


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in record.items()
    }


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _no_body() -> Answer:
    return jsonify(errors={"body": "Send the fields as a JSON object."}), 400


def _answer_errors(change: Callable[[User, dict[str, Any]], Answer]) -> Answer:
    """Run ``change`` for the signed-in user and turn the editing errors into answers."""
    user = cast(User, current_user())
    body = _body()
    if body is None:
        return _no_body()
    try:
        return change(user, body)
    except editing.NotFound as missing:
        return jsonify(error=str(missing)), 404
    except editing.NotAllowed as refused:
        return jsonify(error=str(refused)), 403
    except editing.Invalid as invalid:
        return jsonify(errors=invalid.errors), 400
    except editing.Conflict as conflict:
        return (
            jsonify(
                error=conflict.message(),
                current=_jsonable(conflict.current),
                changed_by=conflict.changed_by,
                changed_at=conflict.changed_at.isoformat() if conflict.changed_at else None,
                changes=[str(c["summary"]) for c in conflict.changes_since],
            ),
            409,
        )


def _recommendation(recommendation_id: str) -> dict[str, Any]:
    return _jsonable(editing.editing_state(shared_engine(), recommendation_id).recommendation)


@editing_api.post("/recommendations/<recommendation_id>/updates")
@require_role()
def post_update(recommendation_id: str) -> Answer:
    def change(user: User, body: dict[str, Any]) -> Answer:
        update_id = editing.post_update(
            shared_engine(),
            author=user,
            recommendation_id=recommendation_id,
            expected_version=body.get("version"),  # type: ignore[arg-type]
            note=body.get("note"),
            evidence_url=body.get("evidence_url"),
            status_to=body.get("status_to"),
            rag_to=body.get("rag_to"),
            progress_pct=body.get("progress_pct"),
            milestone_id=body.get("milestone_id"),
            publish=body.get("publish") is True,
        )
        answer = jsonify(
            update_id=update_id,
            is_published=body.get("publish") is True,
            recommendation=_recommendation(recommendation_id),
        )
        answer.headers["Location"] = f"/recommendations/{recommendation_id}"
        return answer, 201

    return _answer_errors(change)


@editing_api.post("/recommendations/<recommendation_id>/milestones")
@require_role()
def add_milestone(recommendation_id: str) -> Answer:
    def change(user: User, body: dict[str, Any]) -> Answer:
        milestone_id = editing.add_milestone(
            shared_engine(),
            editor=user,
            recommendation_id=recommendation_id,
            title=body.get("title"),
            due_date=body.get("due_date"),
            done_date=body.get("done_date"),
        )
        return jsonify(milestone_id=milestone_id, version=1), 201

    return _answer_errors(change)


@editing_api.patch("/milestones/<milestone_id>")
@require_role()
def edit_milestone(milestone_id: str) -> Answer:
    def change(user: User, body: dict[str, Any]) -> Answer:
        version = body.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise editing.Invalid(
                {"version": "The form did not say which version it read; reload the page."}
            )
        new_version = editing.edit_milestone(
            shared_engine(),
            editor=user,
            milestone_id=milestone_id,
            expected_version=version,
            title=body.get("title"),
            due_date=body.get("due_date"),
            done_date=body.get("done_date"),
        )
        return jsonify(milestone_id=milestone_id, version=new_version), 200

    return _answer_errors(change)


@editing_api.post("/updates/<update_id>/publish")
@require_role()
def publish_update(update_id: str) -> Answer:
    user = cast(User, current_user())
    try:
        changed = editing.publish_update(shared_engine(), editor=user, update_id=update_id)
    except editing.NotFound as missing:
        return jsonify(error=str(missing)), 404
    except editing.NotAllowed as refused:
        return jsonify(error=str(refused)), 403
    return jsonify(update_id=update_id, is_published=True, changed=changed), 200
