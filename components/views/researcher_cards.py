"""The researcher directory's pieces: a card per researcher, the directory frame with its count
and pager, and the list of benefits-advice services.

These functions format what callbacks fetch. They never decide who is public: the queries
(``warehouse.queries.researchers``) return public entries only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components import ids
from components.empty_state import empty_alert, is_filtered
from components.format import present

AVAILABILITY_BADGES = {
    "available": ("Available for new projects", "text-bg-success"),
    "limited": ("Limited availability", "text-bg-warning"),
    "unavailable": ("Not taking new projects", "text-bg-secondary"),
}


def _items(value: Any) -> list[str]:
    """``a; b`` as a list of items."""
    if not present(value):
        return []
    return [item.strip() for item in str(value).split(";") if item.strip()]


def count_text(total: int) -> str:
    """``1 researcher`` or ``1,234 researchers``."""
    return f"{total:,} researcher" if total == 1 else f"{total:,} researchers"


def availability_badge(availability: Any) -> html.Span:
    label, style = AVAILABILITY_BADGES.get(
        str(availability), ("Availability not given", "text-bg-light border")
    )
    return html.Span(label, className=f"badge {style} fw-normal")


def _fact(term: str, value: Any, *, badges: bool = False, small: bool = False) -> list[Any]:
    items = _items(value)
    shown: Any
    if not items:
        shown = html.Span("None recorded", className="fst-italic text-body-secondary")
    elif badges:
        shown = [
            html.Span(
                item,
                className="badge rounded-pill bg-body-secondary text-body border fw-normal me-1",
            )
            for item in items
        ]
    else:
        shown = "; ".join(items)
    return [
        html.Dt(term, className="small text-body-secondary fw-normal mb-0"),
        html.Dd(shown, className="mb-2 small" if small else "mb-2"),
    ]


def _contact(row: Mapping[str, Any]) -> html.Div:
    links: list[Any] = []
    if present(row.get("contact_email")):
        email = str(row["contact_email"])
        links.append(html.A(email, href=f"mailto:{email}", className="text-break"))
    if present(row.get("contact_phone")):
        phone = str(row["contact_phone"])
        links.append(html.A(phone, href="tel:" + phone.replace(" ", ""), className="text-nowrap"))
    if not links:
        return html.P(
            "No public contact details.", className="small text-body-secondary fst-italic mb-0"
        )
    return html.P(
        [html.Span("Contact: ", className="text-body-secondary"), *_joined(links)],
        className="small mb-0 researcher-contact",
    )


def _joined(parts: list[Any]) -> list[Any]:
    joined: list[Any] = []
    for index, part in enumerate(parts):
        if index:
            joined.append(" · ")
        joined.append(part)
    return joined


def researcher_card(row: Mapping[str, Any]) -> dbc.Card:
    """One researcher: name, availability, skills, languages, areas, training and, where the
    researcher made them public, contact details."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H3(str(row["display_name"]), className="h5 mb-1"),
                    availability_badge(row.get("availability")),
                ],
                className="bg-transparent",
            ),
            dbc.CardBody(
                html.Dl(
                    [
                        *_fact("Skills", row.get("skills"), badges=True),
                        *_fact("Languages", row.get("languages"), badges=True),
                        *_fact("Areas known well", row.get("areas")),
                        *_fact("Training completed", row.get("training_completed"), small=True),
                    ],
                    className="mb-0",
                )
            ),
            dbc.CardFooter(_contact(row), className="bg-transparent"),
        ],
        className="h-100 researcher-card",
    )


def directory_cards(rows: pd.DataFrame, reason: str | None = None) -> Any:
    """The cards of one page of the directory, or why there are none (``reason``: nothing
    loaded, nobody consenting, or the filters)."""
    if rows.empty and not is_filtered(reason):
        return empty_alert(str(reason))
    if rows.empty:
        return dbc.Alert(
            "No researchers in the public directory match these filters. Clear a filter to see "
            "more.",
            color="secondary",
            className="mb-0",
        )
    return dbc.Row(
        [dbc.Col(researcher_card(row), xs=12, md=6, xl=4) for row in rows.to_dict("records")],
        className="g-3",
    )


def directory_section() -> html.Div:
    """The frame the directory callback fills: count, CSV, cards, pager."""
    return html.Div(
        [
            html.Div(
                [
                    html.P(
                        "…",
                        id=ids.DIRECTORY_COUNT,
                        className="h6 mb-0",
                        role="status",
                        **{"aria-live": "polite"},
                    ),
                    dbc.Button(
                        "Download directory (CSV)",
                        id=ids.DIRECTORY_CSV,
                        size="sm",
                        color="secondary",
                        outline=True,
                        n_clicks=0,
                        className="directory-csv",
                    ),
                    dcc.Download(id=ids.DIRECTORY_CSV_DOWNLOAD),
                ],
                className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3",
            ),
            dcc.Loading(html.Div(id=ids.DIRECTORY_CARDS), delay_show=400),
            html.Nav(
                dbc.Pagination(
                    id=ids.DIRECTORY_PAGER,
                    max_value=1,
                    active_page=1,
                    fully_expanded=False,
                    previous_next=True,
                    size="sm",
                    className="mt-3 mb-0 flex-wrap",
                ),
                **{"aria-label": "Directory pages"},
            ),
        ]
    )


def advice_services_list(services: pd.DataFrame) -> Any:
    """Each benefits-advice service with what it offers, who runs it, where, and how to reach
    it, as the service publishes them."""
    if services.empty:
        return dbc.Alert(
            "No benefits-advice services are listed yet.", color="secondary", className="mb-0"
        )
    items = []
    for row in services.to_dict("records"):
        details: list[Any] = []
        if present(row.get("provider")):
            details.append(f"Run by {row['provider']}")
        if present(row.get("areas")):
            details.append(f"Covers {'; '.join(_items(row['areas']))}")
        contact: list[Any] = []
        if present(row.get("phone")):
            phone = str(row["phone"])
            contact.append(
                html.A(phone, href="tel:" + phone.replace(" ", ""), className="text-nowrap")
            )
        if present(row.get("url")):
            contact.append(
                html.A(
                    ["Website", html.Span(f" of {row['name']}", className="visually-hidden")],
                    href=str(row["url"]),
                )
            )
        heading: list[Any] = [str(row["name"])]
        specialist = row.get("specialist_pc_payments")
        if present(specialist) and bool(specialist):
            heading += [
                " ",
                html.Span("Research payments specialist", className="badge text-bg-info fw-normal"),
            ]
        items.append(
            html.Li(
                [
                    html.H3(heading, className="h6 fw-semibold mb-1"),
                    html.P(str(row["description"]), className="mb-1")
                    if present(row.get("description"))
                    else None,
                    html.P(" · ".join(details), className="small text-body-secondary mb-1")
                    if details
                    else None,
                    html.P(_joined(contact), className="small mb-0") if contact else None,
                ],
                className="list-group-item py-3",
            )
        )
    return html.Ul(items, className="list-group list-group-flush advice-services")
