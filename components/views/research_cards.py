"""The research library's pieces: result cards, and the sections of a project's page.

Everything here formats plain values (mappings and small DataFrames) that callbacks fetch; no
function here decides what is public, the queries already did. Rows whose ``is_published`` is
false (only ever fetched for staff who may see drafts) are marked "Draft — not public".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.drafts import badge, draft_badge, draft_banner, is_draft
from components.empty_state import empty_alert, is_filtered
from components.format import long_date, money, present, project_years, readable
from components.links import project_href

STATUS_BADGES = {
    "completed": "text-bg-success",
    "ongoing": "text-bg-primary",
    "planned": "text-bg-secondary",
}
NO_METHODOLOGY = "Methodology not described"


def count_text(total: int) -> str:
    """``1 project`` or ``1,234 projects``."""
    return f"{total:,} project" if total == 1 else f"{total:,} projects"


def status_badge(status: Any) -> html.Span:
    return badge(readable(status), STATUS_BADGES.get(str(status), "text-bg-secondary"))


def participation_badge(level: Any) -> html.Span:
    label = f"Participation: {readable(level)}" if present(level) else "Participation not recorded"
    return badge(label, "bg-body-tertiary text-body border")


def methodology_flag() -> html.Span:
    return badge(NO_METHODOLOGY, "text-bg-warning methodology-missing")


def project_card(row: Mapping[str, Any]) -> dbc.Card:
    """One search result: title (a link to the project), lay summary, status, participation,
    years, provider and topics."""
    summary = row.get("lay_summary")
    meta = [
        status_badge(row.get("status")),
        participation_badge(row.get("participation_level")),
        badge(
            project_years(row.get("start_date"), row.get("end_date")),
            "bg-body-tertiary text-body border",
        ),
    ]
    if not row.get("has_methodology"):
        meta.append(methodology_flag())
    draft = is_draft(row)
    if draft:
        meta.insert(0, draft_badge())
    details = []
    if present(row.get("provider_name")):
        details.append(f"Run by {row['provider_name']}")
    if present(row.get("topics")):
        details.append(f"Topics: {row['topics']}")
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(
                    dcc.Link(row["title"], href=project_href(row["project_id"])),
                    className="h5 card-title mb-2",
                ),
                html.Div(meta, className="d-flex flex-wrap gap-1 mb-2"),
                html.P(
                    summary if present(summary) else "No lay summary yet.",
                    className="card-text mb-1"
                    if present(summary)
                    else "card-text mb-1 fst-italic text-body-secondary",
                ),
                html.P(" · ".join(details), className="small text-body-secondary mb-0")
                if details
                else None,
            ]
        ),
        className="research-result research-draft mb-3 border-danger"
        if draft
        else "research-result mb-3",
    )


def results_list(rows: pd.DataFrame, note: Any = None, reason: str | None = None) -> html.Div:
    """The cards of one page of results, or why there are none (``reason``: nothing loaded,
    nothing published, or the search and filters); ``note`` (the staff caption) goes above
    them."""
    if rows.empty and not is_filtered(reason):
        return html.Div([note, empty_alert(str(reason))])
    if rows.empty:
        return html.Div(
            [
                note,
                dbc.Alert(
                    "No published projects match this search. Try fewer or different words, "
                    "or clear a filter.",
                    color="secondary",
                    className="mb-0",
                ),
            ]
        )
    return html.Div([note, *(project_card(row) for row in rows.to_dict("records"))])


# --------------------------------------------------------------------------------------------
# A project's page
# --------------------------------------------------------------------------------------------


def _section(title: str, *children: Any, section_id: str) -> html.Section:
    return html.Section(
        [html.H2(title, className="h4 mt-4 mb-2", id=f"{section_id}-heading"), *children],
        className="project-section",
        id=section_id,
        **{"aria-labelledby": f"{section_id}-heading"},
    )


def _none_yet(text: str) -> html.P:
    return html.P(text, className="text-body-secondary fst-italic mb-0")


def _facts(
    project: Mapping[str, Any],
    topics: Sequence[str],
    wards: Sequence[str],
    populations: Sequence[str],
) -> html.Dl:
    pairs: list[tuple[str, str]] = [
        ("Years", project_years(project.get("start_date"), project.get("end_date"))),
    ]
    if present(project.get("provider_name")):
        pairs.append(("Run by", str(project["provider_name"])))
    if present(project.get("methods")):
        pairs.append(("Methods", str(project["methods"])))
    if topics:
        pairs.append(("Topics", "; ".join(topics)))
    if wards:
        pairs.append(("Wards", "; ".join(wards)))
    if populations:
        pairs.append(("Who with", "; ".join(populations)))
    if present(project.get("budget_pence")):
        pairs.append(("Budget", money(project["budget_pence"], project.get("currency"))))
    items: list[Any] = []
    for term, definition in pairs:
        items += [
            html.Dt(term, className="col-sm-3 col-lg-2"),
            html.Dd(definition, className="col-sm-9 col-lg-10"),
        ]
    return html.Dl(items, className="row mb-0 project-facts")


def _methodology(project: Mapping[str, Any]) -> list[Any]:
    if project.get("has_methodology"):
        return [html.P(str(project["methodology"]), className="mb-0")]
    return [
        html.P(methodology_flag(), className="mb-1 fs-6"),
        html.P(
            "The register does not say how this research was done. Treat its findings with "
            "care until the method is published.",
            className="text-body-secondary mb-0",
        ),
    ]


def _outputs(outputs: pd.DataFrame) -> Any:
    if outputs.empty:
        return _none_yet("No outputs or documents listed yet.")
    items = []
    for row in outputs.to_dict("records"):
        kind = f" ({row['output_type']})" if present(row.get("output_type")) else ""
        title = str(row["title"])
        link: Any = html.A(title, href=row["url"]) if present(row.get("url")) else title
        items.append(html.Li([link, kind]))
    return html.Ul(items, className="mb-0")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str) -> dbc.Table:
    return dbc.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
        responsive=True,
        className="mb-2",
    )


def _funding(grants: pd.DataFrame, commissions: pd.DataFrame) -> list[Any]:
    if grants.empty and commissions.empty:
        return [_none_yet("No grants or commissions are linked to this project yet.")]
    parts: list[Any] = []
    if not grants.empty:
        parts.append(html.H3("Grants", className="h6 mt-2"))
        parts.append(
            _table(
                ["Grant", "Funder", "Year", "Amount"],
                [
                    (
                        row["title"],
                        row["funder_name"] if present(row.get("funder_name")) else "Not given",
                        row["financial_year"],
                        html.Span(
                            money(row["amount_pence"], row["currency"]), className="text-nowrap"
                        ),
                    )
                    for row in grants.to_dict("records")
                ],
                "Grants that fund this project",
            )
        )
    if not commissions.empty:
        parts.append(html.H3("Commissions", className="h6 mt-2"))
        parts.append(
            _table(
                ["Commission", "Buyer", "Stage", "Value"],
                [
                    (
                        row["title"] if present(row.get("title")) else row["ocid"],
                        row["buyer_name"] if present(row.get("buyer_name")) else "Not given",
                        readable(row["stage"]),
                        html.Span(
                            money(row["value_pence"], row["currency"]), className="text-nowrap"
                        ),
                    )
                    for row in commissions.to_dict("records")
                ],
                "Commissions behind this project",
            )
        )
    return parts


def _decisions(decisions: pd.DataFrame) -> Any:
    if decisions.empty:
        return _none_yet("No published policy decision cites this project yet.")
    items = []
    for row in decisions.to_dict("records"):
        title = str(row["title"])
        heading: Any = (
            html.A(title, href=row["document_url"]) if present(row.get("document_url")) else title
        )
        where = f"{row['decision_body']}, {long_date(row['decision_date'])}"
        body: list[Any] = [
            html.P(
                [*([draft_badge(), " "] if is_draft(row) else []), html.Strong(heading)],
                className="mb-0",
            ),
            html.P(
                f"{where} · {readable(str(row['influence_type']).replace('-', ' '))}",
                className="small text-body-secondary mb-1",
            ),
        ]
        if present(row.get("snippet")):
            page = f" (page {row['page']})" if present(row.get("page")) else ""
            body.append(
                html.Blockquote(
                    f"“{row['snippet']}”{page}",
                    className="border-start ps-2 mb-0 small",
                )
            )
        items.append(html.Li(body, className="mb-3"))
    return html.Ul(items, className="list-unstyled mb-0")


def _recommendations(recommendations: pd.DataFrame) -> Any:
    if recommendations.empty:
        return _none_yet("This project is not linked to any recommendation yet.")
    items = [
        html.Li(
            [
                dcc.Link(
                    str(row["recommendation_id"]),
                    href=f"/recommendations/{quote(str(row['recommendation_id']), safe='')}",
                ),
                f": {row['text']} ",
                html.Span(
                    f"({row['workstream']}; {readable(row['status']).lower()})",
                    className="small text-body-secondary",
                ),
            ],
            className="mb-1",
        )
        for row in recommendations.to_dict("records")
    ]
    return html.Ul(items, className="mb-0")


def _researchers(researchers: pd.DataFrame, unlisted: int) -> list[Any]:
    parts: list[Any] = []
    if researchers.empty and not unlisted:
        parts.append(_none_yet("No researchers are recorded for this project yet."))
    elif not researchers.empty:
        cards = []
        for row in researchers.to_dict("records"):
            lines: list[Any] = [html.H3(str(row["display_name"]), className="h6 mb-1")]
            if present(row.get("skills")):
                lines.append(html.P(f"Skills: {row['skills']}", className="small mb-1"))
            if present(row.get("languages")):
                lines.append(html.P(f"Languages: {row['languages']}", className="small mb-1"))
            contacts: list[Any] = []
            if present(row.get("contact_email")):
                email = str(row["contact_email"])
                contacts.append(html.A(email, href=f"mailto:{email}"))
            if present(row.get("contact_phone")):
                if contacts:
                    contacts.append(" · ")
                contacts.append(html.Span(str(row["contact_phone"]), className="text-nowrap"))
            if contacts:
                lines.append(html.P(contacts, className="small mb-0"))
            cards.append(
                dbc.Col(dbc.Card(dbc.CardBody(lines), className="h-100"), xs=12, md=6, xl=4)
            )
        parts.append(dbc.Row(cards, className="g-2"))
    if unlisted:
        who = "researcher" if unlisted == 1 else "researchers"
        sentence = (
            f"{unlisted} {who} worked on this project and chose not to be listed publicly."
            if researchers.empty
            else f"{unlisted} more {who} on this project chose not to be listed publicly."
        )
        parts.append(html.P(sentence, className="small text-body-secondary mt-2 mb-0"))
    return parts


def project_page(
    project: Mapping[str, Any],
    *,
    topics: Sequence[str],
    wards: Sequence[str],
    populations: Sequence[str],
    outputs: pd.DataFrame,
    grants: pd.DataFrame,
    commissions: pd.DataFrame,
    decisions: pd.DataFrame,
    recommendations: pd.DataFrame,
    researchers: pd.DataFrame,
    unlisted_researchers: int,
) -> html.Article:
    """The public page of one published project."""
    summary = project.get("lay_summary")
    sections = [
        _section(
            "Summary",
            html.P(str(summary), className="lead mb-0")
            if present(summary)
            else _none_yet("No lay summary yet."),
            section_id="project-summary",
        ),
        _section("Methodology", *_methodology(project), section_id="project-methodology"),
    ]
    if present(project.get("findings")):
        sections.append(
            _section(
                "Findings",
                html.P(str(project["findings"]), className="mb-0"),
                section_id="project-findings",
            )
        )
    sections += [
        _section("Outputs and documents", _outputs(outputs), section_id="project-outputs"),
        _section("Funding", *_funding(grants, commissions), section_id="project-funding"),
        _section(
            "Policy decisions it informed", _decisions(decisions), section_id="project-decisions"
        ),
        _section(
            "Recommendations it helps deliver",
            _recommendations(recommendations),
            section_id="project-recommendations",
        ),
        _section(
            "Researchers",
            *_researchers(researchers, unlisted_researchers),
            section_id="project-researchers",
        ),
    ]
    draft = is_draft(project)
    return html.Article(
        [
            *([draft_banner("project")] if draft else []),
            html.H1(str(project["title"]), className="h2"),
            html.Div(
                [
                    *([draft_badge()] if draft else []),
                    status_badge(project.get("status")),
                    participation_badge(project.get("participation_level")),
                    *([] if project.get("has_methodology") else [methodology_flag()]),
                ],
                className="d-flex flex-wrap gap-1 mb-3",
            ),
            _facts(project, topics, wards, populations),
            *sections,
        ],
        className="research-project",
    )


def project_not_found(project_id: str) -> html.Div:
    """What an unknown or unpublished id shows: no hint of whether a draft exists."""
    return html.Div(
        [
            html.H1("Project not found", className="h2"),
            html.P(
                f"There is no published research project with the id “{project_id}”. The link "
                "may be wrong, or the project may not be public yet.",
            ),
            html.P(dcc.Link("Search the research library", href="/research")),
        ],
        className="research-project-not-found",
    )
