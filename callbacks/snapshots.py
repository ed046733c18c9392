"""Board snapshots' wiring: the list, and the freeze form for leadership and admin only; a
snapshot's page with what changed since; the overview's "What changed since the last board".

Freezing itself is ``POST /snapshots/new`` (web.snapshots_api), which checks the role again:
the form is only shown here, never trusted."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

import flask
from dash import ClientsideFunction, Input, Output, callback, clientside_callback, html
from dash.development.base_component import Component

from components import ids
from components.views.snapshot_view import (
    freeze_form,
    overview_panel,
    snapshot_href,
    snapshot_list,
    snapshot_not_found,
    snapshot_page,
)
from warehouse import snapshots
from warehouse.db import shared_engine
from web.auth import csrf_token, current_user

SITE = "P&C Research Observatory"


@callback(
    Output(ids.SNAPSHOTS_FREEZE, "children"),
    Output(ids.SNAPSHOTS_LIST, "children"),
    Input(ids.SNAPSHOTS_QUERY, "data"),
)
def show_snapshots(query: dict[str, str] | None) -> tuple[Any, Component]:
    user = current_user()
    listed = snapshot_list(snapshots.list_snapshots(shared_engine()))
    if user is None:
        return None, listed
    if not user.sees_drafts:
        note = html.P(
            "Leadership and admin can freeze snapshots.", className="small text-body-secondary"
        )
        return note, listed
    given = query or {}
    form = freeze_form(
        csrf_token(),
        date.today(),
        name=given.get("name", ""),
        as_of=given.get("as_of", ""),
        error_code=given.get("freeze_error", ""),
    )
    return form, listed


@callback(
    Output(ids.SNAPSHOT_DETAIL, "children"),
    Output(ids.SNAPSHOT_TITLE, "data"),
    Input(ids.SNAPSHOT_ID, "data"),
)
def show_snapshot(wanted: dict[str, str] | None) -> tuple[Component, str]:
    snapshot_id = unquote((wanted or {}).get("snapshot_id", ""))
    engine = shared_engine()
    found = snapshots.get_snapshot(engine, snapshot_id) if snapshot_id else None
    if found is None:
        return snapshot_not_found(snapshot_id), f"Snapshot not found · {SITE}"
    url = flask.request.host_url.rstrip("/") + snapshot_href(found.snapshot_id)
    view = (wanted or {}).get("view", "")
    changes = snapshots.changes_since(engine, found) if view == "changes" else None
    page = snapshot_page(found, changes, url=url, view=view)
    return page, f"{found.name}, {found.as_of.isoformat()} · Board snapshot · {SITE}"


@callback(Output(ids.OVERVIEW_SNAPSHOT, "children"), Input(ids.URL, "pathname"))
def show_changes_since_last_board(_pathname: str | None) -> Any:
    engine = shared_engine()
    latest = snapshots.latest_snapshot(engine)
    if latest is None:
        return None
    found = snapshots.get_snapshot(engine, latest.snapshot_id)
    if found is None:
        return None
    return overview_panel(latest, snapshots.changes_since(engine, found))


clientside_callback(
    ClientsideFunction("observatory", "setTitle"),
    Input(ids.SNAPSHOT_TITLE, "data"),
)
