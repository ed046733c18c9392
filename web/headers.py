"""Security headers on every response: pages, Dash's own endpoints, assets, API, embeds, CSVs.

The Content-Security-Policy allows only what the app needs. Each source, and why
(``POLICY`` below is the table; README "Running in production" repeats it):

============== ================================== =============================================
directive      sources                            why
============== ================================== =============================================
default-src    'self'                             everything comes from this server: Dash and
                                                  plotly.js are served locally, never from a CDN
script-src     'self' + sha256 of each inline     Dash writes its renderer start-up and every
               script Dash writes                 inline clientside callback as inline
                                                  <script>s; ``app.csp_hashes()`` gives their
                                                  hashes, so no other inline script runs.
                                                  No 'unsafe-eval': nothing needs it (the CSP
                                                  browser test would catch it)
style-src      'self' 'unsafe-inline'             Dash's own bundles (dash_renderer, dcc) add
                                                  their CSS as <style> elements at run time
                                                  (webpack style-loader), and plotly.js adds
                                                  rules to an empty <style>; without it every
                                                  page logs some 120 violations and loses its
                                                  component styles
img-src        'self' data: blob:                 Bootstrap's CSS draws its icons (select
                                                  arrows, the menu button) and AG Grid its
                                                  icons as data: SVGs; plotly.js draws heatmaps
                                                  through data: URLs, and its PNG export loads
                                                  the chart's SVG as a blob: image
font-src       'self'                             fonts ship in the assets; none from elsewhere
connect-src    'self'                             Dash's callbacks and the grid's rows are
                                                  fetched from this server only
frame-src      'self'                             the embed builder previews /embed/ in an
                                                  iframe
object-src     'none'                             no plug-ins
base-uri       'self'                             an injected <base> cannot redirect the
                                                  relative script URLs
form-action    'self'                             forms post back here only
frame-ancestors 'none', or on /embed/* the        pages cannot be framed (clickjacking); the
               configured origins and 'self'      embeds exist to be framed by the origins a
                                                  council allows ("*" by default), and 'self'
                                                  keeps the embed builder's preview working
============== ================================== =============================================

Besides the CSP: ``X-Content-Type-Options: nosniff`` (a browser trusts the Content-Type, so a
CSV or JSON answer is never run as a script), ``Referrer-Policy:
strict-origin-when-cross-origin`` (a filtered URL is not leaked to other sites), and
``X-Frame-Options: DENY`` outside /embed/ for browsers without frame-ancestors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from flask import Flask, Response, request

from data_pipeline.config import Config

EMBED_PREFIX = "/embed/"

# (directive, sources, why): the one place the policy is written down.
POLICY: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("default-src", ("'self'",), "everything is served by this server; no CDN"),
    (
        "script-src",
        ("'self'",),
        "Dash's bundles and assets; plus the sha256 of each inline script Dash writes",
    ),
    (
        "style-src",
        ("'self'", "'unsafe-inline'"),
        "dash_renderer and dcc add their CSS as <style> elements at run time; plotly.js too",
    ),
    (
        "img-src",
        ("'self'", "data:", "blob:"),
        "data: SVG icons (Bootstrap, AG Grid) and heatmaps; plotly's PNG export (blob:)",
    ),
    ("font-src", ("'self'",), "fonts from the assets only"),
    ("connect-src", ("'self'",), "Dash callbacks and grid rows are fetched from here only"),
    ("frame-src", ("'self'",), "the embed builder's live preview of /embed/"),
    ("object-src", ("'none'",), "no plug-ins"),
    ("base-uri", ("'self'",), "an injected <base> cannot redirect relative script URLs"),
    ("form-action", ("'self'",), "forms post back here only"),
)


def content_security_policy(
    script_hashes: Sequence[str], frame_ancestors: Sequence[str] = ("'none'",)
) -> str:
    """The policy as a header value: ``POLICY`` plus the inline-script hashes and
    ``frame-ancestors``."""
    parts = []
    for directive, sources, _why in POLICY:
        extra = tuple(script_hashes) if directive == "script-src" else ()
        parts.append(" ".join((directive, *sources, *extra)))
    parts.append(" ".join(("frame-ancestors", *frame_ancestors)))
    return "; ".join(parts)


def embed_frame_ancestors(configured: Sequence[str]) -> tuple[str, ...]:
    """Who may frame an embed: the configured origins, and this site itself (the builder's
    preview). ``*`` already allows every http(s) origin."""
    origins = tuple(origin for origin in configured if origin)
    if not origins:
        return ("'none'",)
    if "*" in origins:
        return ("*",)
    return (*origins, "'self'") if "'self'" not in origins else origins


def configured_frame_ancestors(config: Config, environ: Mapping[str, str]) -> tuple[str, ...]:
    """``EMBED_FRAME_ANCESTORS`` (origins separated by spaces or commas) if set, else
    ``[embeds] frame_ancestors`` in observatory.toml, else ``*``."""
    override = environ.get("EMBED_FRAME_ANCESTORS")
    if override is not None:
        return tuple(origin for origin in override.replace(",", " ").split() if origin)
    return config.embed_frame_ancestors


def install_headers(
    server: Flask, script_hashes: Callable[[], Sequence[str]], config: Config
) -> None:
    """Add the security headers to every response ``server`` sends.

    ``script_hashes`` is called per response (Dash's ``app.csp_hashes``): Dash may add inline
    scripts until the first page is rendered, and hashing four short strings is cheap.
    """
    framers = embed_frame_ancestors(configured_frame_ancestors(config, os.environ))

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        is_embed = request.path.startswith(EMBED_PREFIX)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Content-Security-Policy"] = content_security_policy(
            script_hashes(), framers if is_embed else ("'none'",)
        )
        if is_embed:
            response.headers.pop("X-Frame-Options", None)
        else:
            response.headers["X-Frame-Options"] = "DENY"
        return response
