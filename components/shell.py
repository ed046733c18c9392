"""The frame of every page: skip link, navbar built from the page registry, footer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids

MAIN_ID = "main-content"


# From this Bootstrap breakpoint up (992 px, a laptop) every page link shows on a line of its
# own under the brand (assets/navigation.css); below it they fold into the ☰ menu.
NAV_EXPAND = "lg"


def navbar(site_name: str, pages: Iterable[Mapping[str, Any]]) -> dbc.Navbar:
    """A navbar with one link per registered page, in the registry's order."""
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in pages
        if page.get("nav", True)
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(site_name, href="/"),
                html.Div(
                    id=ids.NAV_ACCOUNT,
                    className="nav-account ms-auto me-2 me-lg-0 flex-shrink-0",
                ),
                dbc.NavbarToggler(id="navbar-toggler", n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(links, navbar=True, className="me-auto site-nav-links"),
                        dbc.Switch(
                            id=ids.THEME_SWITCH,
                            label="Dark mode",
                            value=False,
                            persistence=True,
                            className="text-white mb-0",
                        ),
                    ],
                    id="navbar-collapse",
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        expand=NAV_EXPAND,
        className="mb-4 site-nav",
    )


def footer(licence: str, sources_page: str | None) -> html.Footer:
    """Licence, sources and when the data was last loaded (both filled by a callback), with a
    link to the sources page where the app has one."""
    more = [" ", dcc.Link("Sources and quality", href=sources_page), "."] if sources_page else []
    return html.Footer(
        dbc.Container(
            [
                html.Span(f"Data licence: {licence}. "),
                html.Span("Sources: "),
                html.Span("…", id=ids.FOOTER_SOURCES),
                html.Span("."),
                *more,
                html.Span(" Last load: "),
                html.Span("…", id=ids.FOOTER_LAST_LOAD),
                html.Span("."),
            ],
            fluid=True,
            className="small text-body-secondary py-3",
        ),
        className="border-top mt-5",
    )


def page_frame(
    site_name: str, licence: str, pages: Iterable[Mapping[str, Any]], content: Any
) -> html.Div:
    """Everything around the page content."""
    pages = list(pages)
    sources_page = next((p["relative_path"] for p in pages if p["path"] == "/data"), None)
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.THEME_STORE, data="light"),
            dcc.Store(id=ids.VIEWPORT_STORE),
            html.A(
                "Skip to main content",
                href=f"#{MAIN_ID}",
                className="visually-hidden-focusable btn btn-light m-2",
            ),
            navbar(site_name, pages),
            html.Main(dbc.Container(content, fluid=True), id=MAIN_ID, tabIndex="-1"),
            footer(licence, sources_page),
        ]
    )
