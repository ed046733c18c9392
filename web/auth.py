"""Sign-in, sessions, roles, CSRF and the sign-in rate limit: the one interface the rest of the
app uses for "who is this, and may they do that?".

What other modules use
----------------------
- ``current_user() -> User | None``: the signed-in user of this request (None: the public).
  Works in Flask views and in Dash callbacks (they run inside a Flask request).
- ``User``: ``user_id``, ``email``, ``display_name``, ``role`` (``lead``, ``leadership`` or
  ``admin``), ``workstreams``; ``can_edit(workstream_id)`` (a lead, on one of their own
  workstreams), ``sees_drafts`` (leadership and admin), ``is_admin``.
- ``require_role(*roles)``: decorator for Flask views. The public gets 401 (JSON) on ``/api/``
  paths or when it asks for JSON, else a redirect to ``/sign-in?next=...``; a signed-in user
  without one of ``roles`` gets 403. ``require_role()`` with no roles admits any signed-in user.
- ``csrf_token()``: the token a form that posts must carry as its ``csrf_token`` field.
- Dash callbacks that change data are POSTs like any other (CSRF-checked), but Dash cannot
  decorate them: call ``current_user()`` first and refuse (e.g. return an error message, write
  nothing) unless ``user.can_edit(workstream_id)`` / ``user.sees_drafts`` allows it. Never
  trust a role or workstream sent by the browser.
- ``install_auth(server, site_name)``: called once by app.py.

How it works
------------
The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure outside development,
``PERMANENT_SESSION_LIFETIME`` 12 hours). It holds the user's id and a *stamp* (a digest of the
password hash and active flag); every request reloads the user from the warehouse and drops the
session when the stamp differs, so a password reset or a deactivation ends open sessions at once.

Every POST/PUT/PATCH/DELETE of a signed-in browser, and every sign-in and sign-out, needs a
CSRF token (Flask-WTF's ``CSRFProtect``): forms send the ``csrf_token`` field, and Dash's
renderer sends the ``X-CSRFToken`` header with each callback, read from the ``_csrf_token``
cookie set on the pages a signed-in user opens. A forged request can only do harm through a
signed-in session, so the public, who can change nothing, is not checked and gets no cookie at
all: the dashboard works for visitors who block cookies. Tokens last as long as the session
(``WTF_CSRF_TIME_LIMIT = None``): a dashboard left open all day keeps working.

Failed sign-ins (wrong email or password) are limited per account and per client address
(``web.sign_in_limits``: in Redis when ``CACHE_REDIS_URL`` is set, so every worker counts
together). An account over its limit is refused, the right password too; an address over its
limit still lets the right password in. Successful sign-ins do not count.

Production (``OBSERVATORY_ENV=production``) refuses to start without ``SECRET_KEY``. In
development a random key is made once and kept in a file in the temp folder readable only by
this user, so every gunicorn worker of ``make run`` signs with the same key; a warning is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
    session,
)
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy import Engine

from warehouse import access
from warehouse import users as accounts
from warehouse.db import shared_engine
from web.sign_in_limits import SignInLimits, client_address, limits_from, trusted_proxies

log = logging.getLogger(__name__)

CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_LIFETIME = timedelta(hours=12)
EXTENSION_KEY = "observatory_auth"
_SECRET_FILE = "observatory-dev-secret-key"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class User:
    """A signed-in member of staff."""

    user_id: int
    email: str
    display_name: str
    role: str
    workstreams: tuple[str, ...] = ()
    # Changes when the account's access must end (new password, deactivated); not shown.
    stamp: str = field(default="", repr=False, compare=False)

    def can_edit(self, workstream_id: str) -> bool:
        """Leads edit their own workstreams only; no other role edits recommendations."""
        return access.may_edit(self.role, self.workstreams, workstream_id)

    @property
    def sees_drafts(self) -> bool:
        return access.has_right(self.role, "sees_drafts")

    @property
    def is_admin(self) -> bool:
        return access.has_right(self.role, "manages_data")

    @property
    def role_label(self) -> str:
        return access.role_label(self.role)


class SignIn(Protocol):
    """How users are recognised. ``LocalSignIn`` checks passwords in ``meta_users``.

    Another implementation (e.g. a council's OIDC single sign-on), passed to ``install_auth``
    as ``sign_in=``, must provide exactly:

    - ``authenticate(email, password) -> User | None``: the user for these credentials, or
      None. An OIDC provider has no passwords here and returns None; its own callback route
      (registered by the council's module) calls ``start_session(user)`` after the provider
      returns, with a ``User`` whose ``user_id`` is the local ``meta_users`` row that carries
      the role and workstreams.
    - ``load(user_id) -> User | None``: the current user for a session's id on every request,
      or None when the account no longer exists or is disabled. ``User.stamp`` must change
      whenever existing sessions must end.

    Pages, callbacks and views only ever call ``current_user()`` and ``require_role()``.
    """

    def authenticate(self, email: str, password: str) -> User | None: ...

    def load(self, user_id: int) -> User | None: ...


def _stamp(password_hash: str, is_active: bool) -> str:
    return hashlib.sha256(f"{password_hash}|{is_active}".encode()).hexdigest()[:32]


class LocalSignIn:
    """Email and password, checked against the scrypt hashes in ``meta_users``."""

    def __init__(self, engine: Callable[[], Engine] = shared_engine) -> None:
        self._engine = engine

    def _user(self, user_id: int) -> User | None:
        found = accounts.get_user(self._engine(), user_id)
        if found is None or not found[0].is_active:
            return None
        stored, password_hash = found
        return User(
            user_id=stored.user_id,
            email=stored.email,
            display_name=stored.display_name,
            role=stored.role,
            workstreams=stored.workstreams,
            stamp=_stamp(password_hash, stored.is_active),
        )

    def authenticate(self, email: str, password: str) -> User | None:
        stored = accounts.verify_password(self._engine(), email, password)
        return self._user(stored.user_id) if stored else None

    def load(self, user_id: int) -> User | None:
        return self._user(user_id)


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


def is_production(environ: Mapping[str, str]) -> bool:
    """``OBSERVATORY_ENV=production`` (any case). Anything else is development."""
    return environ.get("OBSERVATORY_ENV", "").strip().lower() == "production"


def _development_secret() -> str:
    """A random key kept in a file only this user can read, shared by every worker."""
    path = Path(tempfile.gettempdir()) / f"{_SECRET_FILE}-{os.getuid()}"
    if not path.exists():
        fresh = path.with_name(f"{path.name}.{os.getpid()}")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(fresh, path)  # atomic: the first worker's key wins
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return path.read_text().strip()


def auth_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Flask settings for sessions and CSRF. Raises ``RuntimeError`` in production without
    ``SECRET_KEY``."""
    production = is_production(environ)
    key = environ.get("SECRET_KEY", "")
    if not key:
        if production:
            raise RuntimeError(
                "SECRET_KEY is not set: production (OBSERVATORY_ENV=production) refuses to "
                "start without it. Set it to a long random string, the same for every worker."
            )
        key = _development_secret()
        log.warning(
            "SECRET_KEY is not set; using a random development key. Sessions end when it "
            "changes. Set SECRET_KEY and OBSERVATORY_ENV=production in production."
        )
    return {
        "SECRET_KEY": key,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": SESSION_LIFETIME,
        # Only a response that changes the session sets its cookie. Otherwise a page callback
        # answered after "Sign out" would put the signed-in cookie back. Sessions therefore
        # end SESSION_LIFETIME after sign-in, however active.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_HEADERS": CSRF_HEADERS,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
    }


# --------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------


def _sign_in_backend() -> SignIn:
    from flask import current_app

    return cast(SignIn, current_app.extensions[EXTENSION_KEY])


def current_user() -> User | None:
    """The signed-in user of this request, or None for the public. Reloaded once per request;
    a session whose account was disabled or whose password was reset is ended here."""
    if "observatory_user" in g:
        return cast(User | None, g.observatory_user)
    user: User | None = None
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        loaded = _sign_in_backend().load(user_id)
        if loaded is not None and hmac.compare_digest(loaded.stamp, session.get("stamp", "")):
            user = loaded
        else:
            session.clear()
    g.observatory_user = user
    return user


def sees_drafts() -> bool:
    """Whether this request's user may see drafts (the public may not)."""
    user = current_user()
    return user is not None and user.sees_drafts


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser: a fresh session (and so a fresh CSRF token)."""
    session.clear()
    session.permanent = True
    session["user_id"] = user.user_id
    session["stamp"] = user.stamp
    g.observatory_user = user


def end_session() -> None:
    session.clear()
    g.observatory_user = None


def csrf_token() -> str:
    """The CSRF token for a form's hidden ``csrf_token`` field."""
    return str(generate_csrf())


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _come_back_to() -> str:
    """Where to return after signing in: this page, or for a form's POST (which cannot be
    repeated by a redirect) the page the form was on."""
    if request.method == "GET":
        return request.full_path
    referrer = urlsplit(request.referrer or "")
    same_site = referrer.netloc == request.host
    return (referrer.path or "/") if same_site else "/"


def require_role(*roles: str) -> Callable[[F], F]:
    """Admit signed-in users with one of ``roles`` (any signed-in user if none are given)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if _wants_json():
                    return jsonify(error="Sign in first."), 401
                return redirect(f"/sign-in?{urlencode({'next': _come_back_to()})}", 302)
            if roles and user.role not in roles:
                if _wants_json():
                    return jsonify(error="Your role does not allow this."), 403
                return _page("Not allowed", _FORBIDDEN, user=user), 403
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect).

    The target is first read as a browser would read it in ``Location``: browsers drop tabs and
    line breaks anywhere and spaces and control characters at the ends, and take a backslash
    for a slash, so ``/<TAB>/evil.example`` and ``/\\evil.example`` both mean
    ``//evil.example``, another site. Only what is then a path on this site (one leading
    slash, no scheme, no host) is kept, as normalised; anything else goes to ``/``."""
    if not target:
        return "/"
    readable = "".join(c for c in target if c >= " " and c != "\x7f").strip()
    path_end = len(readable.split("?", 1)[0].split("#", 1)[0])
    readable = readable[:path_end].replace("\\", "/") + readable[path_end:]
    parts = urlsplit(readable)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or readable.startswith("//"):
        return "/"
    return readable.rstrip("?") or "/"


# --------------------------------------------------------------------------------------------
# Pages (plain Flask, server-rendered: sign-in works without JavaScript)
# --------------------------------------------------------------------------------------------

_FRAME = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ site_name }}</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
<link rel="stylesheet" href="/assets/observatory.css">
<link rel="stylesheet" href="/assets/mobile.css">
<link rel="icon" type="image/x-icon" href="/_favicon.ico">
</head>
<body>
<a class="visually-hidden-focusable btn btn-light m-2" href="#main-content">Skip to main
content</a>
<nav class="navbar navbar-dark bg-primary mb-4" aria-label="Site">
<div class="container-fluid">
<a class="navbar-brand" href="/">{{ site_name }}</a>
{% if user %}<form method="post" action="/sign-out" class="d-flex align-items-center gap-2">
<span class="text-white small">Signed in as {{ user.display_name }}
({{ user.role_label }})</span>
<input type="hidden" name="csrf_token" value="{{ token }}">
<button type="submit" class="btn btn-sm btn-outline-light text-nowrap">Sign out</button>
</form>{% endif %}
</div>
</nav>
<main id="main-content" tabindex="-1" class="container" style="max-width: 40rem">
{{ body | safe }}
</main>
</body>
</html>"""

_SIGN_IN = """<h1 class="h2 mb-3">Sign in</h1>
<p>For workstream leads, leadership and the data team. The dashboard itself is open to
everyone without signing in.</p>
{% if notice %}<div class="alert alert-{{ notice_kind }}" role="alert">{{ notice }}</div>{% endif %}
<form method="post" action="/sign-in" novalidate>
<input type="hidden" name="csrf_token" value="{{ token }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="mb-3">
<label for="email" class="form-label">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required
 class="form-control{% if errors.email %} is-invalid{% endif %}" value="{{ email }}"
 {% if errors.email %}aria-invalid="true" aria-describedby="email-error"{% endif %}>
{% if errors.email %}<div id="email-error" class="invalid-feedback">{{ errors.email }}</div>
{% endif %}
</div>
<div class="mb-3">
<label for="password" class="form-label">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
 required class="form-control{% if errors.password %} is-invalid{% endif %}"
 {% if errors.password %}aria-invalid="true" aria-describedby="password-error"{% endif %}>
{% if errors.password %}<div id="password-error" class="invalid-feedback">
{{ errors.password }}</div>{% endif %}
</div>
<button type="submit" class="btn btn-primary">Sign in</button>
</form>
<p class="mt-4 small text-body-secondary">Forgotten your password? Ask the data team's admin
to reset it.</p>"""

_FORBIDDEN = """<h1 class="h2 mb-3">Not allowed</h1>
<p>Your role does not give access to this page. <a href="/">Back to the dashboard</a>.</p>"""

_USERS = """<h1 class="h2 mb-3">Users</h1>
<p>Accounts are managed with <code>python -m data_pipeline users</code> (see the README).</p>
<table class="table table-sm table-stack">
<caption>{{ rows | length }} account{{ "" if rows | length == 1 else "s" }}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th>
<th scope="col">Workstreams</th><th scope="col">Active</th></tr></thead>
<tbody>{% for row in rows %}<tr><td data-label="Email">{{ row.email }}</td>
<td data-label="Name">{{ row.display_name }}</td>
<td data-label="Role">{{ labels.get(row.role, row.role) }}</td>
<td data-label="Workstreams">{{ row.workstreams | join(", ") or "—" }}</td>
<td data-label="Active">{{ "yes" if row.is_active else "no" }}</td></tr>{% endfor %}</tbody>
</table>"""


def _page(title: str, body_template: str, user: User | None = None, **context: Any) -> str:
    from flask import current_app

    token = csrf_token()
    body = render_template_string(body_template, token=token, **context)
    return render_template_string(
        _FRAME,
        title=title,
        site_name=current_app.config.get("OBSERVATORY_SITE_NAME", "Observatory"),
        user=user,
        token=token,
        body=body,
    )


def _sign_in_form(
    status: int,
    *,
    email: str = "",
    next_path: str = "/",
    errors: Mapping[str, str] | None = None,
    notice: str = "",
    notice_kind: str = "danger",
) -> Response:
    html = _page(
        "Sign in",
        _SIGN_IN,
        user=current_user(),
        email=email,
        next=next_path,
        errors=errors or {},
        notice=notice,
        notice_kind=notice_kind,
    )
    return make_response(html, status)


def _too_many(seconds: int) -> Response:
    minutes = max(1, round(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    response = _sign_in_form(
        429,
        email=request.form.get("email", ""),
        next_path=safe_next(request.form.get("next")),
        notice=f"Too many attempts; try again in {minutes} {unit}.",
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def _client_address() -> str:
    return client_address(
        request.remote_addr,
        request.headers.getlist("X-Forwarded-For"),
        current_app.config["TRUSTED_PROXIES"],
    )


def install_auth(
    server: Flask,
    site_name: str,
    *,
    sign_in: SignIn | None = None,
    engine: Callable[[], Engine] = shared_engine,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Sessions, CSRF, the rate limit, ``/sign-in``, ``/sign-out`` and ``/admin/users``
    (admin only: the accounts, read-only). ``sign_in`` defaults to ``LocalSignIn(engine)``."""
    environ = os.environ if environ is None else environ
    server.config.update(auth_settings(environ))
    server.config["OBSERVATORY_SITE_NAME"] = site_name
    server.extensions[EXTENSION_KEY] = sign_in or LocalSignIn(engine)
    server.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(server)
    limits: SignInLimits = limits_from(environ)
    server.config["TRUSTED_PROXIES"] = trusted_proxies(environ.get("TRUSTED_PROXIES"))
    if is_production(environ) and not limits.shared:
        log.warning(
            "CACHE_REDIS_URL is not set: each worker counts failed sign-ins on its own, so "
            "the limits multiply by the number of workers. Production needs Redis."
        )
    secure_cookie = bool(server.config["SESSION_COOKIE_SECURE"])

    @server.before_request
    def check_csrf() -> None:
        if request.method in CHANGING_METHODS and (
            request.endpoint in ("sign_in", "sign_out") or current_user() is not None
        ):
            csrf.protect()

    @server.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Response:
        if request.path == "/sign-in":
            return _sign_in_form(
                400,
                email=request.form.get("email", ""),
                next_path=safe_next(request.form.get("next")),
                notice="The form had expired. Please sign in again.",
            )
        return make_response(jsonify(error=f"CSRF check failed: {error.description}"), 400)

    def sign_in_page() -> Response:
        if request.method == "GET":
            return _sign_in_form(200, next_path=safe_next(request.args.get("next")))
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        next_path = safe_next(request.form.get("next"))
        errors = {}
        if not email:
            errors["email"] = "Enter your email address."
        if not password:
            errors["password"] = "Enter your password."
        # A form with errors answers 200, as forms do (a 4xx page is a console error in
        # browsers); only wrong passwords count against the limits.
        if errors:
            return _sign_in_form(200, email=email, next_path=next_path, errors=errors)
        account = accounts.normalise_email(email)
        wait = limits.account_wait(account)
        if wait:
            return _too_many(wait)
        user = _sign_in_backend().authenticate(email, password)
        if user is None:
            address = _client_address()
            wait = limits.address_wait(address)
            limits.failed(account, address)
            if wait:
                return _too_many(wait)
            return _sign_in_form(
                200,
                email=email,
                next_path=next_path,
                errors={"password": "The email or password is not right."},
            )
        start_session(user)
        log.info("sign-in: user %s (%s)", user.user_id, user.role)
        return cast(Response, redirect(next_path, 303))

    server.add_url_rule("/sign-in", "sign_in", sign_in_page, methods=["GET", "POST"])

    @server.post("/sign-out")
    def sign_out() -> Response:
        end_session()
        response = cast(Response, redirect("/", 303))
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response

    @server.get("/admin/users")
    @require_role(*access.roles_with("manages_users"))
    def admin_users() -> str:
        rows = accounts.list_users(engine())
        return _page("Users", _USERS, user=current_user(), rows=rows, labels=access.ROLE_LABELS)

    @server.after_request
    def csrf_cookie(response: Response) -> Response:
        """Dash's renderer reads the token from this cookie for the X-CSRFToken header."""
        if (
            request.method == "GET"
            and response.mimetype == "text/html"
            and not request.path.startswith("/embed/")
            and current_user() is not None
        ):
            response.set_cookie(
                CSRF_COOKIE,
                csrf_token(),
                secure=secure_cookie,
                httponly=False,
                samesite="Lax",
                path="/",
            )
        return response
