"""Board snapshots over HTTP: the public JSON views (``/api/v1/snapshots`` and
``/api/v1/snapshots/<id>.json``), and the one way to freeze a snapshot, ``POST /snapshots/new``
(leadership and admin only; a signed-in browser's post carries the CSRF token, checked by
web.auth before the view runs).

The freeze form lives on the Dash page ``/snapshots``; this view checks the role itself
(``require_role``), so a lead or the public cannot freeze by posting directly. A form with a
bad name or date goes back to ``/snapshots`` with an error code the page explains beside the
field; a good one lands on the new snapshot's citable URL.

The list changes whenever a snapshot is frozen, which a load generation does not track, so its
answer is marked ``no-store`` and never kept by web.caching; a snapshot's own answer never
changes and may be kept.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, request
from sqlalchemy import Engine
from werkzeug.wrappers import Response as BaseResponse

from warehouse import snapshots
from warehouse.access import roles_with
from warehouse.db import shared_engine
from warehouse.snapshot_data import SnapshotSummary
from web.auth import current_user, require_role
from web.provenance import provenance

JSON_TYPE = "application/json"
snapshots_api = Blueprint("snapshots_api", __name__)

# Why a freeze was refused: the code travels in the redirect, the page says what it means.
NAME_EMPTY = "name-empty"
NAME_LONG = "name-long"
DATE_BAD = "date"


def _engine() -> Engine:
    return shared_engine()


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=JSON_TYPE,
    )


def page_path(snapshot_id: str) -> str:
    return f"/snapshots/{quote(snapshot_id, safe='')}"


def _summary(row: SnapshotSummary | snapshots.Snapshot) -> dict[str, Any]:
    snapshot_id = row.snapshot_id
    return {
        "snapshot_id": snapshot_id,
        "name": row.name,
        "as_of": row.as_of.isoformat(),
        "created_at": row.created_at.isoformat(timespec="seconds"),
        "frozen_by": row.frozen_by,
        "links": {
            "page": request.host_url.rstrip("/") + page_path(snapshot_id),
            "json": f"/api/v1/snapshots/{quote(snapshot_id, safe='')}.json",
        },
    }


@snapshots_api.get("/api/v1/snapshots")
def snapshot_list() -> Response:
    """Every snapshot, newest board first."""
    engine = _engine()
    body = {
        "snapshots": [_summary(row) for row in snapshots.list_snapshots(engine)],
        "provenance": provenance(engine),
    }
    response = _json(body)
    response.headers["Cache-Control"] = "no-store"
    response.add_etag()  # from the body: the list changes without a load
    return response


@snapshots_api.get("/api/v1/snapshots/<snapshot_id>.json")
def snapshot_json(snapshot_id: str) -> Response:
    """One snapshot: who froze it and when, and its frozen figures exactly as stored."""
    engine = _engine()
    found = snapshots.get_snapshot(engine, snapshot_id)
    if found is None:
        return _json({"error": f"there is no snapshot '{snapshot_id}'"}, 404)
    summary = _summary(found)
    # The frozen JSON is spliced in as stored, so the figures served are the very bytes frozen.
    head = json.dumps(summary, ensure_ascii=False, separators=(",", ":"))
    tail = json.dumps(provenance(engine), ensure_ascii=False, separators=(",", ":"))
    body = f'{{"snapshot":{head},"figures":{found.figures_json},"provenance":{tail}}}'
    return Response(body, status=200, content_type=JSON_TYPE)


def _back_to_form(error: str, name: str, as_of: str) -> BaseResponse:
    query = urlencode({"freeze_error": error, "name": name[:200], "as_of": as_of[:20]})
    return redirect(f"/snapshots?{query}#freeze", 303)


@snapshots_api.get("/snapshots/new")
@require_role(*roles_with("freezes_snapshots"))
def freeze_form() -> BaseResponse:
    """The form is on the snapshots page."""
    return redirect("/snapshots#freeze", 303)


@snapshots_api.post("/snapshots/new")
@require_role(*roles_with("freezes_snapshots"))
def freeze_snapshot() -> BaseResponse:
    """Freeze the published figures under the posted name and date."""
    user = current_user()
    assert user is not None  # require_role admitted a signed-in user
    name = request.form.get("name", "")
    as_of_text = request.form.get("as_of", "").strip()
    try:
        as_of = date.fromisoformat(as_of_text) if as_of_text else date.today()
    except ValueError:
        return _back_to_form(DATE_BAD, name, as_of_text)
    if len(as_of_text) not in (0, 10):
        return _back_to_form(DATE_BAD, name, as_of_text)
    try:
        cleaned = snapshots.clean_name(name)
    except ValueError:
        return _back_to_form(NAME_EMPTY if not name.strip() else NAME_LONG, name, as_of_text)
    snapshot_id = snapshots.freeze(_engine(), name=cleaned, as_of=as_of, user_id=user.user_id)
    return redirect(page_path(snapshot_id), 303)


# -- OpenAPI ---------------------------------------------------------------------------------


def openapi_paths() -> dict[str, Any]:
    """The two GET operations, for web.openapi."""
    return {
        "/api/v1/snapshots": {
            "get": {
                "operationId": "snapshots",
                "summary": "Every board snapshot, newest board first",
                "tags": ["snapshots"],
                "responses": {
                    "200": {
                        "description": "The snapshots, with links to each",
                        "content": {
                            JSON_TYPE: {"schema": {"$ref": "#/components/schemas/SnapshotList"}}
                        },
                    },
                },
            }
        },
        "/api/v1/snapshots/{snapshot_id}.json": {
            "get": {
                "operationId": "snapshot_json",
                "summary": "One board snapshot: its frozen figures, exactly as frozen",
                "description": (
                    "Frozen figures never change. Money is integer pence in *_pence and "
                    "headline values with unit 'pence'."
                ),
                "tags": ["snapshots"],
                "parameters": [
                    {
                        "name": "snapshot_id",
                        "in": "path",
                        "required": True,
                        "description": "A snapshot id (GET /api/v1/snapshots lists them)",
                        "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The snapshot and its figures",
                        "content": {
                            JSON_TYPE: {"schema": {"$ref": "#/components/schemas/Snapshot"}}
                        },
                    },
                    "404": {
                        "description": "No such snapshot",
                        "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        },
    }


def openapi_schemas() -> dict[str, Any]:
    """The schemas of the two answers, for web.openapi."""
    text = {"type": "string"}

    def closed(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": list(properties),
            "properties": properties,
            "additionalProperties": False,
        }

    summary = closed(
        {
            "snapshot_id": text,
            "name": text,
            "as_of": {"type": "string", "format": "date"},
            "created_at": {"type": "string", "format": "date-time"},
            "frozen_by": {**text, "description": "Who froze it"},
            "links": closed({"page": text, "json": text}),
        }
    )
    return {
        "SnapshotSummary": summary,
        "SnapshotList": closed(
            {
                "snapshots": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/SnapshotSummary"},
                },
                "provenance": {"$ref": "#/components/schemas/Provenance"},
            }
        ),
        "Snapshot": closed(
            {
                "snapshot": {"$ref": "#/components/schemas/SnapshotSummary"},
                "figures": {
                    "type": "object",
                    "description": "The frozen figures: headlines, funding, recommendations "
                    "with milestones, published policy decisions",
                    "required": ["format", "as_of", "headlines", "funding", "recommendations"],
                },
                "provenance": {"$ref": "#/components/schemas/Provenance"},
            }
        ),
    }
