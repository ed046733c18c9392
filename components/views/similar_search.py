"""'Has this been done already?': the search panel of the research library and its results.

The results are the projects and grants the warehouse ranked; this module only formats them.
The score bands below are the ones ``warehouse.similarity`` documents (a unit test keeps the two
in step, since components may not import the warehouse).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components import ids
from components.format import money, present, readable
from components.links import project_href

HEADING_ID = "similar-heading"
STRONG_SCORE = 0.5
PARTIAL_SCORE = 0.2
MIN_SCORE = 0.1
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 5000

SCORE_EXPLANATION = (
    "The score says how alike the words are: the cosine similarity of TF-IDF weighted words, "
    "where words rare in the library count for more. 100% means the same words in the same "
    f"proportions, 0% none in common. {STRONG_SCORE:.0%} or more is a strong match, "
    f"{PARTIAL_SCORE:.0%} to {STRONG_SCORE:.0%} a partial one, and under {MIN_SCORE:.0%} is not "
    "shown. Beside each word in common are the points it adds."
)


def similar_panel() -> html.Section:
    """The panel: a proposed title and description, the button, and room for the results."""
    return html.Section(
        [
            html.H2("Has this been done already?", id=HEADING_ID, className="h4 mb-1"),
            html.P(
                "Describe the project you have in mind. Its words are compared with every "
                "published project and P&C research grant, and the most similar are listed, "
                "so you can build on earlier work instead of repeating it.",
                className="mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Proposed title", html_for=ids.SIMILAR_TITLE),
                            dbc.Input(
                                id=ids.SIMILAR_TITLE,
                                type="text",
                                maxLength=MAX_TITLE_CHARS,
                                placeholder="e.g. Food insecurity among older people",
                            ),
                        ],
                        xs=12,
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Description", html_for=ids.SIMILAR_DESCRIPTION),
                            dbc.Textarea(
                                id=ids.SIMILAR_DESCRIPTION,
                                rows=3,
                                maxLength=MAX_DESCRIPTION_CHARS,
                                placeholder="Who you will work with, where, what you want to "
                                "find out and how",
                            ),
                        ],
                        xs=12,
                        lg=7,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Div(dbc.Button("Find similar work", id=ids.SIMILAR_SUBMIT, color="primary")),
            dcc.Loading(
                html.Div(id=ids.SIMILAR_RESULTS, **{"aria-live": "polite"}),
                type="dot",
                delay_show=300,
            ),
        ],
        className="similar-search card card-body mb-4",
        **{"aria-labelledby": HEADING_ID},
    )


def strength(score: float) -> str:
    """What a score means in words, judged on the whole percentage shown beside it."""
    shown = round(score, 2)
    if shown >= STRONG_SCORE:
        return "Strong match"
    if shown >= PARTIAL_SCORE:
        return "Partial match"
    return "Weak match"


def _points(weight: float) -> str:
    points = weight * 100
    return "+<1" if points < 0.5 else f"+{points:.0f}"


def matched_terms(terms: Sequence[tuple[str, float]]) -> html.P:
    """The words in common, largest share of the score first, with the points each adds."""
    return html.P(
        [
            html.Span("Words in common: ", className="me-1"),
            *[
                html.Span(
                    [
                        term,
                        html.Span(
                            f" {_points(weight)}",
                            className="similar-term-points text-body-secondary",
                        ),
                    ],
                    className="badge similar-term bg-body-tertiary text-body border fw-normal me-1",
                )
                for term, weight in terms
            ],
        ],
        className="small mb-0 similar-terms",
    )


def _details(row: Mapping[str, Any]) -> list[str]:
    if row["kind"] == "project":
        parts = []
        if present(row.get("status")):
            parts.append(readable(row["status"]))
        if present(row.get("provider_name")):
            parts.append(f"Run by {row['provider_name']}")
        if present(row.get("financial_year")):
            parts.append(f"Started {row['financial_year']}")
        return parts
    parts = [f"Funded by {row['funder_name']}" if present(row.get("funder_name")) else ""]
    if present(row.get("financial_year")):
        parts.append(str(row["financial_year"]))
    if present(row.get("amount_pence")):
        parts.append(money(int(row["amount_pence"]), row.get("currency")))
    return [p for p in parts if p]


def similar_item(row: Mapping[str, Any], position: int) -> html.Li:
    """One result: its rank, kind, title (a project links to its page), details, score and the
    words in common."""
    is_project = row["kind"] == "project"
    title: Any = (
        dcc.Link(str(row["title"]), href=project_href(str(row["record_id"])))
        if is_project
        else str(row["title"])
    )
    score = float(row["score"])
    return html.Li(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [
                            html.H3(
                                [
                                    html.Span(f"{position}. ", className="visually-hidden"),
                                    html.Span(
                                        "Project" if is_project else "Grant",
                                        className="badge similar-kind fw-normal me-2 "
                                        + (
                                            "text-bg-primary" if is_project else "text-bg-secondary"
                                        ),
                                    ),
                                    html.Span(": ", className="visually-hidden"),
                                    title,
                                ],
                                className="h6 mb-1",
                            ),
                            html.Span(
                                [html.Strong(f"{score:.0%}"), f" · {strength(score)}"],
                                className="similar-score small text-nowrap",
                            ),
                        ],
                        className="d-flex flex-column flex-sm-row justify-content-between "
                        "align-items-sm-start column-gap-2",
                    ),
                    html.P(" · ".join(_details(row)), className="small text-body-secondary mb-1"),
                    matched_terms(row["matched_terms"]),
                ],
                className="py-2",
            ),
            className=f"similar-result similar-{row['kind']}",
        ),
        className="mb-2",
    )


def _message(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="secondary", className="mt-3 mb-0 similar-message")


def empty_query_message() -> dbc.Alert:
    """What an empty search shows."""
    return _message(
        "Type a title or a description of the project you have in mind, then press "
        "“Find similar work”."
    )


def similar_results(rows: pd.DataFrame, *, projects: int, grants: int) -> html.Div:
    """The ranked results, or a plain message when nothing is similar enough."""
    compared = (
        f"{projects:,} published project{'s' if projects != 1 else ''} and "
        f"{grants:,} P&C research grant{'s' if grants != 1 else ''}"
    )
    if projects + grants == 0:
        return html.Div(
            _message(
                "No published projects or P&C research grants have been loaded yet, so there "
                "is nothing to compare with."
            )
        )
    if rows.empty:
        return html.Div(
            _message(
                f"Nothing similar found among {compared}: none shares enough distinctive "
                f"words with your text to score {MIN_SCORE:.0%} or more. Try other words for the "
                "subject, place or people, or search the library below."
            )
        )
    shown = len(rows)
    return html.Div(
        [
            html.P(
                f"The {shown} most similar of {compared}, best first."
                if shown > 1
                else f"The one similar record among {compared}.",
                className="mt-3 mb-1 similar-summary",
            ),
            html.P(
                SCORE_EXPLANATION, className="small text-body-secondary mb-2 similar-explanation"
            ),
            html.Ol(
                [similar_item(row, i) for i, row in enumerate(rows.to_dict("records"), start=1)],
                className="list-unstyled mb-0 similar-list",
            ),
        ]
    )
