"""The review queue of research found in decision papers (``/papers/review``): one card per
candidate with the paper, what it seems to cite, the citing words and page, and, for a lead,
the influence type, reach and publish choices with Confirm and Dismiss.

Pure layout: the callbacks pass in the candidates as records and the vocabularies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.format import long_date

QUEUE = "paper-review-queue"
STATUS = "paper-review-status"
LOADED = "paper-review-loaded"
CONFIRM = "paper-review-confirm"
DISMISS = "paper-review-dismiss"
INFLUENCE = "paper-review-influence"
REACH = "paper-review-reach"
PUBLISH = "paper-review-publish"
UNREADABLE = "paper-review-unreadable"
IMPACT_LINK = "impact-paper-review-link"
IMPACT_LINK_LOADED = "impact-paper-review-link-loaded"
KIND_LABELS = {"project": "Project", "output": "Report", "organisation": "Researcher organisation"}
MATCH_LABELS = {
    "id": "its register id",
    "title": "its exact title",
    "near-title": "a title with small differences",
    "acronym": "an acronym",
}


def dom_id(component_id: Mapping[str, Any]) -> str:
    """The id a dict-id component has in the page, as Dash writes it (keys sorted, compact
    JSON), so that a label can point at it."""
    return json.dumps(dict(component_id), sort_keys=True, separators=(",", ":"))


def page_layout() -> html.Div:
    """The page's frame; the queue arrives through a callback."""
    return html.Div(
        [
            html.Nav(
                dcc.Link("← Impact", href="/impact"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            html.H1("Research found in decision papers", className="h3"),
            html.P(
                "Committee papers that seem to cite local P&C research. Confirm each one that "
                "really does (it becomes a policy decision on the impact page once published) "
                "or dismiss it; dismissed ones do not come back.",
                className="text-secondary",
            ),
            html.Div(id=STATUS, role="status", **{"aria-live": "polite"}),
            html.Div(id=UNREADABLE),
            dcc.Store(id=LOADED, data=0),
            dcc.Loading(html.Div(id=QUEUE), delay_show=400),
        ]
    )


def impact_link_slot() -> html.Div:
    """Where ``/impact`` tells signed-in staff how many candidates wait in the review queue;
    empty for the public (a callback fills it from the session)."""
    return html.Div([dcc.Store(id=IMPACT_LINK_LOADED, data=0), html.Div(id=IMPACT_LINK)])


def impact_link(count: int) -> dbc.Alert:
    """The link from ``/impact`` to the review queue, with how many candidates wait."""
    text = (
        f"Review {count} candidate mention{'s' if count != 1 else ''} from decision papers"
        if count
        else "No candidate mentions from decision papers to review"
    )
    return dbc.Alert(
        [
            dcc.Link(text, href="/papers/review", className="alert-link"),
            html.Span(" (staff only: the public never sees candidates)", className="small"),
        ],
        color="light",
        className="py-2 mb-3",
    )


def unreadable_notice(papers: Sequence[Mapping[str, Any]]) -> Any:
    """The papers read with no text, with the reason, so that someone reads them by hand or
    runs OCR on them and reads them again; nothing when every paper could be read."""
    if not papers:
        return None
    count = len(papers)
    items = []
    for row in papers:
        title = str(row.get("title") or row.get("file_name") or "Untitled paper")
        name: Any = html.A(title, href=str(row["url"])) if row.get("url") else title
        when = long_date(row["meeting_date"]) if row.get("meeting_date") else "date not recorded"
        committee = row.get("committee") or "Committee not recorded"
        items.append(html.Li([name, f" ({committee}, {when}): {row['unreadable_reason']}"]))
    return dbc.Alert(
        [
            html.P(
                f"{count} paper{'s' if count != 1 else ''} could not be read, so no research "
                "could be found in "
                f"{'them' if count != 1 else 'it'}. Read "
                f"{'them' if count != 1 else 'it'} by hand, or run OCR and read "
                f"{'them' if count != 1 else 'it'} again:",
                className="mb-1",
            ),
            html.Ul(items, className="mb-0 small"),
        ],
        color="warning",
        className="paper-review-unreadable",
    )


def sign_in_needed() -> dbc.Alert:
    return dbc.Alert(
        [
            "This page is for workstream leads. ",
            html.A("Sign in", href="/sign-in?next=/papers/review"),
            " to review research found in decision papers.",
        ],
        color="secondary",
    )


def status_message(text: str, ok: bool = True) -> dbc.Alert:
    return dbc.Alert(text, color="success" if ok else "danger", className="py-2")


def queue(
    candidates: Sequence[Mapping[str, Any]],
    can_review: bool,
    influence_types: Sequence[str],
    reaches: Sequence[str],
) -> html.Div:
    """The cards, best candidate first, with a count above them."""
    if not candidates:
        return html.P("Nothing to review: every candidate has been confirmed or dismissed.")
    count = len(candidates)
    heading = html.P(
        f"{count} candidate{'s' if count != 1 else ''} to review"
        + ("" if can_review else " (only workstream leads confirm or dismiss them)"),
        className="fw-semibold",
    )
    return html.Div(
        [heading] + [_card(row, can_review, influence_types, reaches) for row in candidates],
        className="paper-review-queue",
    )


def _card(
    row: Mapping[str, Any],
    can_review: bool,
    influence_types: Sequence[str],
    reaches: Sequence[str],
) -> dbc.Card:
    mention_id = int(row["mention_id"])
    when = long_date(row["meeting_date"]) if row.get("meeting_date") else "date not recorded"
    paper = str(row["paper_title"])
    paper_link: Any = html.A(paper, href=str(row["url"])) if row.get("url") else paper
    body: list[Any] = [
        html.H2(
            [
                html.Span(
                    KIND_LABELS.get(str(row["target_kind"]), "Research"),
                    className="badge text-bg-light me-2",
                ),
                str(row["target_label"]),
            ],
            className="h5",
        ),
        html.P(
            [paper_link, html.Br(), f"{row.get('committee') or 'Committee not recorded'}, {when}"],
            className="small mb-2",
        ),
        html.Blockquote(
            [
                html.P(f"“{row['snippet']}”", className="mb-1"),
                html.Footer(f"Page {row['page']}", className="blockquote-footer mt-0"),
            ],
            className="border-start border-3 ps-3 mb-2",
        ),
        html.P(
            f"Found by {MATCH_LABELS.get(str(row['match_kind']), str(row['match_kind']))}"
            f" (“{row['matched_text']}”), confidence {float(row['score']):.0%}.",
            className="small text-secondary mb-2",
        ),
    ]
    if can_review:
        body.append(_review_form(mention_id, influence_types, reaches))
    return dbc.Card(
        dbc.CardBody(body),
        className="mb-3",
        id={"type": "paper-review-card", "index": mention_id},
    )


def _review_form(
    mention_id: int, influence_types: Sequence[str], reaches: Sequence[str]
) -> html.Div:
    def choose(kind: str, label: str, options: Sequence[str], value: str) -> html.Div:
        control_id = {"type": kind, "index": mention_id}
        return html.Div(
            [
                dbc.Label(label, html_for=dom_id(control_id), className="small mb-0"),
                dbc.Select(
                    id=control_id,
                    options=[
                        {"label": o.replace("-", " ").capitalize(), "value": o} for o in options
                    ],
                    value=value,
                    html_size="sm",
                ),
            ],
            className="col-12 col-md-4",
        )

    return html.Div(
        [
            choose(INFLUENCE, "Influence type", influence_types, influence_types[0]),
            choose(REACH, "Reach", reaches, reaches[0]),
            html.Div(
                dbc.Checkbox(
                    id={"type": PUBLISH, "index": mention_id},
                    label="Publish on the impact page",
                    value=False,
                ),
                className="col-12 col-md-4 d-flex align-items-end",
            ),
            html.Div(
                [
                    dbc.Button(
                        "Confirm",
                        id={"type": CONFIRM, "index": mention_id},
                        color="primary",
                        size="sm",
                        className="me-2",
                    ),
                    dbc.Button(
                        "Dismiss",
                        id={"type": DISMISS, "index": mention_id},
                        color="secondary",
                        outline=True,
                        size="sm",
                    ),
                ],
                className="col-12",
            ),
        ],
        className="row g-2",
    )
