"""Editing by workstream leads at the HTTP level (the real app through Flask's test client, over
the e2e demo warehouse): CSRF, who may change what, conflicts and bad input, and that a draft
reaches the public only once published."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from tests.e2e.test_auth_http import PASSWORD, client, sign_in
from warehouse import users
from warehouse.db import make_engine
from warehouse.schema import fct_milestones, fct_recommendation_updates, meta_audit_log

WS1_RECOMMENDATION = "R02"  # demo: workstream WS1
WS2_RECOMMENDATION = "R04"  # demo: workstream WS2
ACCOUNTS = {
    "ws1": ("ws1.editor@editing.example", "Ada WS1 Lead", "lead", ["WS1"]),
    "ws1b": ("ws1b.editor@editing.example", "Grace WS1 Lead", "lead", ["WS1"]),
    "leadership": ("board@editing.example", "Board Member", "leadership", []),
}


@pytest.fixture(scope="module")
def warehouse(live_server: str) -> Iterator[Engine]:
    engine = make_engine(os.environ["DATABASE_URL"])
    for email, name, role, workstreams in ACCOUNTS.values():
        if users.find_user(engine, email) is None:
            users.create_user(engine, email, name, PASSWORD, role, workstreams)
    yield engine
    engine.dispose()


def editor(key: str) -> FlaskClient:
    test_client = client()
    assert sign_in(test_client, ACCOUNTS[key][0]).status_code == 303
    return test_client


def token(test_client: FlaskClient) -> dict[str, str]:
    """The X-CSRFToken header Dash's renderer sends, from the cookie a page sets."""
    test_client.get(f"/recommendations/{WS1_RECOMMENDATION}")
    cookie = test_client.get_cookie("_csrf_token")
    assert cookie is not None
    return {"X-CSRFToken": cookie.value}


def version(engine: Engine, recommendation_id: str) -> int:
    from warehouse.editing import editing_state

    return int(editing_state(engine, recommendation_id).recommendation["version"])


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (fct_recommendation_updates, fct_milestones, meta_audit_log)
        )


def post(
    test_client: FlaskClient, recommendation_id: str, body: dict[str, Any], **headers: str
) -> Any:
    return test_client.post(
        f"/api/v1/recommendations/{recommendation_id}/updates", json=body, headers=headers
    )


def test_a_lead_posts_an_update_on_their_own_workstream(warehouse: Engine) -> None:
    lead = editor("ws1")
    before = version(warehouse, WS1_RECOMMENDATION)
    answer = post(
        lead,
        WS1_RECOMMENDATION,
        {
            "version": before,
            "note": "Steering group met; terms of reference agreed.",
            "evidence_url": "https://example.org/minutes/2026-03.pdf",
            "progress_pct": 60,
            "publish": True,
        },
        **token(lead),
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["update_id"].startswith("U-web-")
    assert answer.json["recommendation"]["progress_pct"] == 60
    assert answer.json["recommendation"]["version"] == before + 1
    # It is in the open API's recommendations at once (published), by the lead's name.
    listing = client().get("/api/v1/recommendations.json?per_page=100")
    assert "Steering group met; terms of reference agreed." in listing.text
    assert "Ada WS1 Lead" in listing.text


def test_a_change_without_the_csrf_header_is_refused_and_nothing_is_saved(
    warehouse: Engine,
) -> None:
    lead = editor("ws1")
    before = counts(warehouse)
    body = {"version": version(warehouse, WS1_RECOMMENDATION), "note": "No token."}
    assert post(lead, WS1_RECOMMENDATION, body).status_code == 400
    forged = post(lead, WS1_RECOMMENDATION, body, **{"X-CSRFToken": "forged.token"})
    assert forged.status_code == 400
    assert lead.post("/api/v1/updates/UPD-R01-01/publish").status_code == 400
    assert (
        lead.patch("/api/v1/milestones/R02-M2", json={"version": 1, "title": "x"}).status_code
        == 400
    )
    assert counts(warehouse) == before


def test_a_ws1_lead_cannot_change_a_ws2_recommendation(warehouse: Engine) -> None:
    lead = editor("ws1")
    headers = token(lead)
    before = counts(warehouse)
    answer = post(
        lead,
        WS2_RECOMMENDATION,
        {"version": version(warehouse, WS2_RECOMMENDATION), "note": "Not mine.", "publish": True},
        **headers,
    )
    assert answer.status_code == 403
    assert "WS2" in answer.json["error"]
    milestone = lead.post(
        f"/api/v1/recommendations/{WS2_RECOMMENDATION}/milestones",
        json={"title": "Not mine"},
        headers=headers,
    )
    assert milestone.status_code == 403
    edit = lead.patch(
        f"/api/v1/milestones/{WS2_RECOMMENDATION}-M1",
        json={"version": 1, "title": "Not mine"},
        headers=headers,
    )
    assert edit.status_code == 403
    # Leadership publishes, but does not write updates.
    board = editor("leadership")
    refused = post(
        board,
        WS1_RECOMMENDATION,
        {"version": version(warehouse, WS1_RECOMMENDATION), "note": "From the board."},
        **token(board),
    )
    assert refused.status_code == 403
    assert counts(warehouse) == before


def test_the_public_is_asked_to_sign_in_and_changes_nothing(warehouse: Engine) -> None:
    public = client()
    before = counts(warehouse)
    answer = post(public, WS1_RECOMMENDATION, {"version": 1, "note": "Anonymous."})
    assert answer.status_code == 401 and answer.json == {"error": "Sign in first."}
    assert public.post("/api/v1/updates/UPD-R01-01/publish").status_code == 401
    assert public.patch("/api/v1/milestones/R02-M2", json={}).status_code == 401
    assert (
        public.post(f"/api/v1/recommendations/{WS1_RECOMMENDATION}/milestones", json={})
    ).status_code == 401
    assert counts(warehouse) == before


def test_two_leads_from_the_same_version_the_second_gets_409_with_the_change(
    warehouse: Engine,
) -> None:
    first, second = editor("ws1"), editor("ws1b")
    read = version(warehouse, WS1_RECOMMENDATION)
    ok = post(
        first,
        WS1_RECOMMENDATION,
        {"version": read, "note": "First in.", "status_to": "paused", "publish": True},
        **token(first),
    )
    assert ok.status_code == 201
    before = counts(warehouse)
    late = post(
        second,
        WS1_RECOMMENDATION,
        {"version": read, "note": "Second, stale.", "status_to": "achieved", "publish": True},
        **token(second),
    )
    assert late.status_code == 409
    body = late.json
    assert body["changed_by"] == "Ada WS1 Lead"
    assert body["current"]["status"] == "paused" and body["current"]["version"] == read + 1
    assert body["error"].startswith("Someone else changed this recommendation first (Ada WS1 Lead")
    assert "Your update was not saved" in body["error"]
    assert "status In progress → Paused" in body["error"] or "→ Paused" in body["error"]
    assert counts(warehouse) == before
    # Reading the current version and posting again succeeds.
    again = post(
        second,
        WS1_RECOMMENDATION,
        {"version": body["current"]["version"], "note": "Second, reviewed.", "publish": True},
        **token(second),
    )
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "", "Enter a note; it cannot be empty."),
        ("evidence_url", "ftp://example.org/x", "http:// or https://"),
        ("progress_pct", 150, "whole number from 0 to 100"),
        ("status_to", "finished", "Choose one of the statuses"),
        ("version", None, "reload the page"),
    ],
)
def test_bad_input_answers_400_with_a_message_per_field(
    warehouse: Engine, field: str, value: Any, message: str
) -> None:
    lead = editor("ws1")
    before = counts(warehouse)
    body = {"version": version(warehouse, WS1_RECOMMENDATION), "note": "Fine.", field: value}
    answer = post(lead, WS1_RECOMMENDATION, body, **token(lead))
    assert answer.status_code == 400
    assert list(answer.json["errors"]) == [field]
    assert message in answer.json["errors"][field]
    assert counts(warehouse) == before


def test_milestone_dates_in_the_wrong_format_answer_400(warehouse: Engine) -> None:
    lead = editor("ws1")
    headers = token(lead)
    before = counts(warehouse)
    answer = lead.post(
        f"/api/v1/recommendations/{WS1_RECOMMENDATION}/milestones",
        json={"title": "Evaluation report", "due_date": "30/09/2027"},
        headers=headers,
    )
    assert answer.status_code == 400
    assert answer.json["errors"] == {
        "due_date": "Enter the date as YYYY-MM-DD, for example 2025-03-31."
    }
    assert counts(warehouse) == before
    added = lead.post(
        f"/api/v1/recommendations/{WS1_RECOMMENDATION}/milestones",
        json={"title": "Evaluation report", "due_date": "2027-09-30"},
        headers=headers,
    )
    assert added.status_code == 201
    milestone_id = added.json["milestone_id"]
    edited = lead.patch(
        f"/api/v1/milestones/{milestone_id}",
        json={"version": 1, "title": "Evaluation report published", "due_date": "2027-10-31"},
        headers=headers,
    )
    assert edited.status_code == 200 and edited.json["version"] == 2
    stale = lead.patch(
        f"/api/v1/milestones/{milestone_id}",
        json={"version": 1, "title": "Old title"},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json["current"]["title"] == "Evaluation report published"


def test_a_draft_is_public_only_once_published(warehouse: Engine) -> None:
    lead = editor("ws1")
    draft_note = "Draft: budget figures still to be confirmed by finance."
    answer = post(
        lead,
        WS1_RECOMMENDATION,
        {"version": version(warehouse, WS1_RECOMMENDATION), "note": draft_note, "publish": False},
        **token(lead),
    )
    assert answer.status_code == 201 and answer.json["is_published"] is False
    update_id = answer.json["update_id"]
    public = client()
    assert draft_note not in public.get("/api/v1/recommendations.json?per_page=100").text
    assert draft_note not in public.get("/api/v1/recommendations.csv").text
    # A lead of another workstream cannot publish it; leadership can.
    board = editor("leadership")
    published = board.post(f"/api/v1/updates/{update_id}/publish", headers=token(board))
    assert published.status_code == 200 and published.json["changed"] is True
    assert draft_note in client().get("/api/v1/recommendations.json?per_page=100").text


def editing_callback(test_client: FlaskClient, recommendation_id: str) -> str:
    """The page's callback that draws the staff panel and the history, as the renderer asks."""
    headers = token(test_client) if test_client.get_cookie("session") else {}
    answer = test_client.post(
        "/_dash-update-component",
        json={
            "output": "..recommendation-editor.children...recommendation-history.children..",
            "outputs": [
                {"id": "recommendation-editor", "property": "children"},
                {"id": "recommendation-history", "property": "children"},
            ],
            "inputs": [{"id": "recommendation-id", "property": "data", "value": recommendation_id}],
            "changedPropIds": ["recommendation-id.data"],
            "state": [],
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_only_a_lead_of_the_workstream_gets_the_form_and_the_public_never_a_draft(
    warehouse: Engine,
) -> None:
    lead = editor("ws1")
    draft_note = "Draft for the panel check: not for the public."
    answer = post(
        lead,
        WS1_RECOMMENDATION,
        {"version": version(warehouse, WS1_RECOMMENDATION), "note": draft_note},
        **token(lead),
    )
    assert answer.status_code == 201 and answer.json["is_published"] is False
    own = editing_callback(lead, WS1_RECOMMENDATION)
    assert "Post an update" in own and "editor-note" in own and draft_note in own
    other_workstream = editing_callback(lead, WS2_RECOMMENDATION)
    assert "editor-note" not in other_workstream and "History of changes" in other_workstream
    board = editing_callback(editor("leadership"), WS1_RECOMMENDATION)
    assert "Drafts to publish" in board and draft_note in board and "editor-note" not in board
    public = editing_callback(client(), WS1_RECOMMENDATION)
    assert "History of changes" in public
    assert draft_note not in public
    assert "editor-note" not in public and "history-draft" not in public
