"""``/embed/<chart_id>?<filters>``: one chart alone, for other sites' iframes.

Light on purpose: plain HTML with the chart drawn on the server as SVG (kaleido), the figure's
JSON, a 1 kB script and a stylesheet; about 30 kB in all. Plotly (the site's partial bundle,
``web.delivery``) is fetched only when the reader asks to explore the chart, and then draws the
same figure in place of the picture. Where the server cannot draw the SVG, the embed loads
Plotly at once, as before. The static files are served from here with a year's cache lifetime
under versioned URLs, so ten embeds on one page fetch them once. The Dash app is not loaded. No
inline script, so the Content-Security-Policy needs no exception.

Around the chart: its title, units, n, source and "last updated"; a plain-English summary;
the numbers as a table and as CSV; a link back to the full page with the same filters; and
Open Graph and Twitter card tags so that a shared link shows the chart.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from functools import cache
from pathlib import Path

import dash
import plotly.graph_objects as go
from flask import Blueprint, Response, request
from jinja2 import Environment
from markupsafe import Markup

from data_pipeline.config import load_config
from figures.charts import REGISTRY
from figures.registry import records_counted
from figures.summaries import summarise
from figures.table_view import readable_table
from warehouse.db import shared_engine
from warehouse.queries.charts import CHART_QUERIES
from warehouse.queries.overview import last_load_time
from web.chart_api import (
    BadParameter,
    chart_links,
    parse_filters,
    theme_of,
    with_query,
)
from web.chart_sources import chart_attribution
from web.delivery import PLOTLY_BUNDLE
from web.images import inline_svg

embeds = Blueprint("embeds", __name__)
logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
EMBED_WIDTH = 480  # the drawn SVG's width in px: it scales to the frame, readable at 375 px
YEAR = 365 * 24 * 3600
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en-GB" data-theme="{{ theme }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ chart.title }} · {{ site }}</title>
<link rel="icon" type="image/x-icon" href="/_favicon.ico?v={{ dash_version }}">
<meta name="description" content="{{ summary }}">
<link rel="canonical" href="{{ page_url }}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="{{ site }}">
<meta property="og:title" content="{{ chart.title }}">
<meta property="og:description" content="{{ summary }}">
<meta property="og:image" content="{{ image_url }}">
<meta property="og:image:alt" content="{{ chart.title }}: {{ summary }}">
<meta property="og:url" content="{{ embed_url }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{{ chart.title }}">
<meta name="twitter:description" content="{{ summary }}">
<meta name="twitter:image" content="{{ image_url }}">
<link rel="stylesheet" href="{{ css }}">
</head>
<body>
<main>
<h1 id="embed-title">{{ chart.title }}</h1>
<p class="meta">{{ chart.units }} · n = {{ n }} · Source: {{ source }}
 · Last updated {{ updated }}</p>
<figure aria-labelledby="embed-title">
{% if figure %}
{% if svg %}
<div id="embed-chart" class="static" data-drawn="true" role="img"
 aria-label="{{ chart.title }}: {{ summary }}">{{ svg }}</div>
<button type="button" id="embed-explore" data-plotly="{{ plotly_js }}">
Explore the chart: zoom and read each value</button>
{% else %}
<div id="embed-chart"></div>
{% endif %}
<script type="application/json" id="embed-figure">{{ figure }}</script>
{% endif %}
<figcaption class="summary">{{ summary }}</figcaption>
</figure>
{% if rows %}
<details>
<summary>Show the numbers as a table</summary>
<div class="table-wrap">
<table>
<caption class="meta">{{ chart.title }} ({{ chart.units }})</caption>
<thead><tr>{% for h in headings %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
</div>
</details>
{% endif %}
</main>
<footer>
<a href="{{ page_url }}" target="_blank" rel="noopener">Open the full view on {{ site }}</a>
<a href="{{ csv_url }}">Download the numbers (CSV)</a>
</footer>
{% if figure %}
{% if not svg %}<script src="{{ plotly_js }}"></script>{% endif %}
<script src="{{ js }}"></script>
{% endif %}
</body>
</html>
"""
)


@cache
def _static_file(name: str) -> tuple[bytes, str]:
    """A static file's bytes and a short hash of them, for a URL that changes with it."""
    content = (
        PLOTLY_BUNDLE.read_bytes() if name == "plotly.min.js" else (STATIC / name).read_bytes()
    )
    return content, hashlib.sha256(content).hexdigest()[:12]


@cache
def _gzipped(name: str) -> bytes:
    return gzip.compress(_static_file(name)[0], compresslevel=9)


def static_url(name: str) -> str:
    """The versioned URL of one of the embed's static files."""
    return f"/embed/static/{_static_file(name)[1]}/{name}"


@embeds.get("/embed/static/<version>/<name>")
def static(version: str, name: str) -> Response:
    """plotly.min.js, embed.js and embed.css, cached by browsers for a year (the URL carries
    the content's hash), gzipped for clients that accept it (plotly.min.js: 4.8 MB to 1.4 MB)."""
    if name != "plotly.min.js" and not (STATIC / name).is_file():
        return Response("Not found", status=404, mimetype="text/plain")
    content, digest = _static_file(name)
    if version != digest:
        return Response("Not found", status=404, mimetype="text/plain")
    headers = {"Cache-Control": f"public, max-age={YEAR}, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        content = _gzipped(name)
        headers["Content-Encoding"] = "gzip"
    return Response(
        content, content_type=STATIC_TYPES.get(Path(name).suffix, "text/plain"), headers=headers
    )


TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})


def is_tracking_parameter(name: str) -> bool:
    """A parameter that sharing adds to a link (``utm_*``, ``fbclid``), not one a reader set."""
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def _drawn(figure: go.Figure) -> Markup | None:
    """The figure as inline SVG, or None when kaleido cannot draw it (the embed then draws it
    with Plotly in the browser)."""
    try:
        return Markup(inline_svg(figure, EMBED_WIDTH, int(figure.layout.height or 450)))
    except Exception:
        logger.exception("embed: the SVG could not be drawn; Plotly will draw it")
        return None


def dark(theme: str) -> str:
    """The theme as a query value: empty for the default (light)."""
    return theme if theme != "light" else ""


def _figure_json(text: str) -> Markup:
    # In a <script> element only "</script" could end the JSON early; escaping <, > and &
    # as JSON unicode escapes keeps the text valid JSON and inert HTML.
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # escaped above; HTML escaping would break the JSON


@embeds.get("/embed/<chart_id>")
def embed(chart_id: str) -> Response:
    """One chart, its facts, its summary and its numbers, for an iframe."""
    chart = REGISTRY.get(chart_id)
    if chart is None:
        return Response(
            f"No chart {chart_id!r}. /api/v1/charts lists them.", 404, mimetype="text/plain"
        )
    # Shared links pick up tracking parameters on the way (utm_source, fbclid): those are
    # dropped. Any other name is refused, as the API refuses it, so that a mistyped filter in
    # a snippet does not quietly show the unfiltered chart.
    args = {k: v for k, v in request.args.items() if not is_tracking_parameter(k)}
    try:
        filters = parse_filters(args, extra=("theme",))
        theme = theme_of(args)
    except BadParameter as problem:
        return Response(str(problem), 400, mimetype="text/plain")
    engine = shared_engine()
    data = CHART_QUERIES[chart_id](engine, filters)
    loaded = last_load_time(engine)
    table = readable_table(data)
    links = chart_links(chart, filters)
    root = request.host_url.rstrip("/")
    figure = svg = None
    if not data.empty:
        built = chart.build(data, theme)
        figure = _figure_json(built.to_json())
        svg = _drawn(built)
    html = TEMPLATE.render(
        chart=chart,
        source=chart_attribution(engine, chart, filters).source,
        theme=theme,
        site=load_config().site_name,
        summary=summarise(chart, data),
        n=f"{records_counted(chart, data):,}",
        updated=loaded.strftime("%d %b %Y") if loaded else "never",
        figure=figure,
        svg=svg,
        dash_version=dash.__version__,
        headings=list(table.columns),
        rows=table.astype(object).where(table.notna(), "").to_numpy().tolist(),
        page_url=root + links["page"] + f"#card-{chart_id}",
        csv_url=links["csv"],
        image_url=root + with_query(links["png"].split("?")[0], filters, theme=dark(theme)),
        embed_url=root + with_query(f"/embed/{chart_id}", filters, theme=dark(theme)),
        css=static_url("embed.css"),
        js=static_url("embed.js"),
        plotly_js=static_url("plotly.min.js"),
    )
    return Response(html, content_type="text/html; charset=utf-8")
