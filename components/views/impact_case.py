"""An impact case study of one project, in the shape of a REF impact case study: summary of
the impact, the underpinning research, references to the research, details of the impact,
and the sources that corroborate it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from dash import dcc, html

from components.drafts import draft_badge, draft_banner, is_draft
from components.format import long_date, project_years, readable
from components.links import project_href
from components.views.impact_list import present

PROJECT_ID = "impact-case-project-id"
TITLE = "impact-case-title"
TITLE_SET = "impact-case-title-set"
BODY = "impact-case-body"


def _section(number: int, title: str, *children: Any, section_id: str) -> html.Section:
    return html.Section(
        [
            html.H2(f"{number}. {title}", className="h4 mt-4 mb-2", id=f"{section_id}-heading"),
            *children,
        ],
        id=section_id,
        className="impact-case-section",
        **{"aria-labelledby": f"{section_id}-heading"},
    )


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _influence(value: Any) -> str:
    return readable(str(value).replace("-", " "))


def impact_summary(decisions: pd.DataFrame) -> str:
    """One paragraph summing up the published decisions a project informed (draft ones, listed
    for staff, are left out of it)."""
    if "is_published" in decisions:
        decisions = decisions[decisions["is_published"].astype(bool)]
    if decisions.empty:
        return "No published decision cites this research yet."
    bodies = sorted(set(str(b) for b in decisions["decision_body"]))
    kinds = Counter(_influence(k).lower() for k in decisions["influence_type"])
    reaches = Counter(str(r) for r in decisions["reach"])
    dates = sorted(pd.to_datetime(decisions["decision_date"]))
    span = (
        f"in {dates[0]:%B %Y}"
        if dates[0].strftime("%Y%m") == dates[-1].strftime("%Y%m")
        else f"between {dates[0]:%B %Y} and {dates[-1]:%B %Y}"
    )
    kind_text = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
    reach_text = ", ".join(f"{count} {reach}" for reach, count in reaches.most_common())
    return (
        f"This research informed {_plural(len(decisions), 'published decision')} {span}, "
        f"taken by {', '.join(bodies)}. How it influenced them: {kind_text}. "
        f"Reach: {reach_text}."
    )


def _text_or_note(value: Any, note: str) -> html.P:
    if present(value):
        return html.P(str(value))
    return html.P(note, className="text-body-secondary fst-italic")


def case_study_page(
    project: Mapping[str, Any],
    topics: Sequence[str],
    outputs: pd.DataFrame,
    decisions: pd.DataFrame,
) -> html.Article:
    project_id = str(project["project_id"])
    title = str(project["title"])
    meta = [
        project_years(project.get("start_date"), project.get("end_date")),
        str(project["provider_name"]) if present(project.get("provider_name")) else None,
        "; ".join(topics) if topics else None,
    ]
    references: Any
    if outputs.empty:
        references = html.P("No outputs listed.", className="text-body-secondary fst-italic")
    else:
        references = html.Ol(
            [
                html.Li(
                    [
                        html.A(str(o["title"]), href=str(o["url"]))
                        if present(o.get("url"))
                        else str(o["title"]),
                        f" ({o['output_type']})" if present(o.get("output_type")) else "",
                    ]
                )
                for o in outputs.to_dict("records")
            ]
        )
    details: Any
    sources: Any
    if decisions.empty:
        details = html.P("No published decision cites this research yet.", className="fst-italic")
        sources = html.P("None yet.", className="text-body-secondary fst-italic")
    else:
        details = html.Div(
            [
                html.Div(
                    [
                        html.H3(
                            [*([draft_badge(), " "] if is_draft(d) else []), str(d["title"])],
                            className="h6 mb-1",
                        ),
                        html.P(
                            [
                                f"{d['decision_body']}, {long_date(d['decision_date'])}. ",
                                f"Influence: {_influence(d['influence_type'])}. ",
                                f"Reach: {readable(d['reach'])}.",
                            ],
                            className="small mb-1",
                        ),
                        html.Blockquote(
                            [
                                html.P(
                                    f"“{d['snippet']}”"
                                    if present(d.get("snippet"))
                                    else "No citing words recorded.",
                                    className="mb-0",
                                ),
                                html.Footer(
                                    f"p. {d['page']}"
                                    if present(d.get("page"))
                                    else "page not given",
                                    className="blockquote-footer mt-1 mb-0",
                                ),
                            ],
                            className="blockquote fs-6 border-start ps-3 my-2 impact-snippet",
                        ),
                    ],
                    className="impact-case-decision mb-3",
                )
                for d in decisions.to_dict("records")
            ]
        )
        sources = html.Ol(
            [
                html.Li(
                    [
                        html.A(str(d["title"]), href=str(d["document_url"]))
                        if present(d.get("document_url"))
                        else html.Span(f"{d['title']} (no document link)"),
                        f", {d['decision_body']}, {long_date(d['decision_date'])}",
                        *([" ", draft_badge()] if is_draft(d) else []),
                    ]
                )
                for d in decisions.to_dict("records")
            ],
            className="impact-case-sources",
        )
    return html.Article(
        [
            *([draft_banner("project")] if is_draft(project) else []),
            html.P("Impact case study", className="text-body-secondary small mb-1"),
            html.H1(title, className="h2"),
            html.P(
                [
                    " · ".join(m for m in meta if m),
                    " · ",
                    dcc.Link("Project page", href=project_href(project_id)),
                ],
                className="small text-body-secondary",
            ),
            _section(
                1,
                "Summary of the impact",
                html.P(impact_summary(decisions)),
                section_id="case-summary",
            ),
            _section(
                2,
                "Underpinning research",
                html.H3("What the research was", className="h6 fw-semibold"),
                _text_or_note(project.get("lay_summary"), "No summary given."),
                html.H3("How it was done", className="h6 fw-semibold"),
                _text_or_note(
                    project.get("methodology"),
                    "The register does not say how this research was done.",
                ),
                html.H3("What it found", className="h6 fw-semibold"),
                _text_or_note(project.get("findings"), "No findings recorded yet."),
                section_id="case-research",
            ),
            _section(3, "References to the research", references, section_id="case-references"),
            _section(4, "Details of the impact", details, section_id="case-details"),
            _section(5, "Sources to corroborate the impact", sources, section_id="case-sources"),
        ],
        className="impact-case",
    )


def case_not_found(project_id: str) -> html.Div:
    """What an unknown or unpublished id shows: no hint of whether a draft exists."""
    return html.Div(
        [
            html.H1("Case study not found", className="h2"),
            html.P(
                f"There is no published research project with the id “{project_id}”. The link "
                "may be wrong, or the project may not be public yet.",
            ),
            html.P(dcc.Link("See the decisions research informed", href="/impact")),
        ],
        className="impact-case-not-found",
    )
