"""The navbar's account area: "Staff sign in" for the public; the signed-in user's name and role
with a Sign out button (a POST form carrying the CSRF token) for staff."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Input, Output, callback, dcc, html

from components import ids
from web.auth import csrf_token, current_user


@callback(Output(ids.NAV_ACCOUNT, "children"), Input(ids.URL, "pathname"))
def show_account(pathname: str | None) -> html.Div | html.Form:
    user = current_user()
    if user is None:
        path = pathname or "/"
        return html.Div(
            html.A(
                "Staff sign in", href="/sign-in?" + urlencode({"next": path}), className="nav-link"
            ),
            className="navbar-nav",
        )
    return html.Form(
        [
            html.Span(
                [
                    html.Span("Signed in as ", className="d-none d-md-inline d-xxl-none"),
                    html.Strong(user.display_name, className="nav-account-name"),
                    html.Span(f" ({user.role_label})", className="d-none d-md-inline d-xxl-none"),
                ],
                className="text-white small",
            ),
            dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
            html.Button("Sign out", type="submit", className="btn btn-sm btn-outline-light"),
        ],
        method="POST",
        action="/sign-out",
        className="d-flex align-items-center gap-2 text-nowrap flex-shrink-0",
        title=f"Signed in as {user.display_name} ({user.role_label})",
    )
