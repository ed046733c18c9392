"""The list of decisions research informed on the impact page: each decision with its body,
date, influence type, reach and document, and every published project it cites with the
citing words and page. One page of decisions at a time (read with LIMIT through
callbacks/impact.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.drafts import draft_badge, is_draft
from components.empty_state import is_filtered, reason_text
from components.format import long_date, readable
from components.links import project_href

CARD = "impact-decisions"
BODY = "impact-decisions-body"
SUMMARY = "impact-decisions-summary"
PAGER = "impact-decisions-pager"


def case_href(project_id: str) -> str:
    """The address of a project's impact case study."""
    return f"/impact/{quote(str(project_id), safe='')}"


def present(value: Any) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and str(value).strip() != ""
    )


def decisions_list() -> dbc.Card:
    """The card holding the list; callbacks fill the decisions, the summary and the pager."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("Decisions informed by research", className="h5 mb-1"),
                    html.P(
                        "Newest first. Each decision lists the research it cites, with the "
                        "citing words and the page of the decision document. Source: policy "
                        "decisions register.",
                        className="small text-body-secondary mb-0",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    html.P(id=SUMMARY, className="small mb-2", **{"aria-live": "polite"}),
                    html.Div(id=BODY),
                ]
            ),
            dbc.CardFooter(
                dbc.Pagination(
                    id=PAGER,
                    max_value=1,
                    active_page=1,
                    fully_expanded=False,
                    first_last=True,
                    previous_next=True,
                    size="sm",
                    className="mb-0",
                )
            ),
        ],
        id=CARD,
        className="chart-card",
    )


def summary_text(offset: int, shown: int, total: int, reason: str | None = None) -> Any:
    """ "Decisions 11–20 of 53", or why there are none (``reason``: nothing loaded, nothing
    published, or the filters)."""
    if total == 0 and not is_filtered(reason):
        return reason_text(str(reason))
    if total == 0:
        return "No published decisions match these filters. Clear a filter to see more."
    return f"Decisions {offset + 1:,}–{offset + shown:,} of {total:,}"


def _citation(row: Mapping[str, Any]) -> html.Li:
    project_id = str(row["project_id"])
    page = f"p. {row['page']}" if present(row.get("page")) else "page not given"
    return html.Li(
        [
            *([draft_badge(), " "] if is_draft(row) else []),
            dcc.Link(str(row["project_title"]), href=project_href(project_id)),
            html.Span(
                [
                    " · ",
                    dcc.Link("Impact case study", href=case_href(project_id)),
                ],
                className="small",
            ),
            html.Blockquote(
                [
                    html.P(
                        f"“{row['snippet']}”"
                        if present(row.get("snippet"))
                        else "No citing words recorded.",
                        className="mb-0",
                    ),
                    html.Footer(page, className="blockquote-footer mt-1 mb-0"),
                ],
                className="blockquote fs-6 border-start ps-3 my-2 impact-snippet",
            ),
        ],
        className="mb-2",
    )


def decision_items(decisions: pd.DataFrame, citations: pd.DataFrame) -> list[html.Article]:
    """One article per decision, with its citing projects."""
    by_decision: dict[str, list[Mapping[str, Any]]] = {}
    for row in citations.to_dict("records"):
        by_decision.setdefault(str(row["decision_id"]), []).append(row)
    items = []
    for row in decisions.to_dict("records"):
        decision_id = str(row["decision_id"])
        facts: Sequence[tuple[str, Any]] = (
            ("Decided by", row["decision_body"]),
            ("Date", long_date(row["decision_date"])),
            ("Influence", readable(str(row["influence_type"]).replace("-", " "))),
            ("Reach", readable(row["reach"])),
        )
        document = (
            html.A(
                [
                    "Decision document",
                    html.Span(f" for {row['title']}", className="visually-hidden"),
                ],
                href=str(row["document_url"]),
                className="small",
            )
            if present(row.get("document_url"))
            else html.Span("No document link", className="small text-body-secondary")
        )
        items.append(
            html.Article(
                [
                    html.H3(
                        [*([draft_badge(), " "] if is_draft(row) else []), str(row["title"])],
                        className="h6 mb-1",
                    ),
                    html.P(
                        [
                            *[
                                html.Span(
                                    [
                                        html.Span(f"{term}: ", className="text-body-secondary"),
                                        value,
                                    ],
                                    className="me-3 d-inline-block",
                                )
                                for term, value in facts
                            ],
                            document,
                        ],
                        className="small mb-2",
                    ),
                    html.Ul(
                        [_citation(c) for c in by_decision.get(decision_id, [])],
                        className="list-unstyled mb-0 ps-2",
                        **{"aria-label": f"Research cited by {row['title']}"},
                    ),
                ],
                className="impact-decision impact-draft border-bottom pb-3 mb-3"
                if is_draft(row)
                else "impact-decision border-bottom pb-3 mb-3",
                id=f"decision-{decision_id}",
            )
        )
    return items
