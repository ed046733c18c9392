"""How the pages' files reach a browser: compressed, cached for a year when their URL names
their version, and only the bundles a page needs.

- Every text answer is compressed (flask-compress: brotli, else gzip), streamed CSVs included,
  chunk by chunk, so they still stream.
- Static files (Dash's bundles, ``assets/``) are compressed once per process at a higher level
  than live answers can afford, and kept; a vendored file with a ``.br`` copy beside it (the
  partial Plotly bundle, compressed at build time) is sent as that copy.
- A URL with a version in it (Dash's fingerprinted bundles ``name.v4_4_1m1796591451.min.js``,
  assets with ``?m=`` or ``?v=``) is cached for a year, ``immutable``: a new version is a new
  URL, so a repeat visit downloads nothing.
- Plotly: the site serves its own partial bundle (``assets/vendor/plotly/``, only the trace
  types ``figures/`` draws) in place of Dash's full plotly.min.js, which dcc.Graph fetches
  itself when a page first draws a chart.
- Component libraries that only some pages use (the data grid) are left out of every page's
  HTML and fetched when a page first draws one of their components
  (``assets/lazy_bundles.js``), so a page without a grid never downloads AG Grid.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import brotli
from dash.fingerprint import build_fingerprint, check_fingerprint
from flask import Flask, Response, request
from flask_compress import Compress

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
PLOTLY_BUNDLE = ASSETS / "vendor" / "plotly" / "plotly.min.js"
YEAR_CACHE = "public, max-age=31536000, immutable"
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
COMPRESSIBLE = frozenset(
    {"text/javascript", "application/javascript", "text/css", "application/json", "image/svg+xml"}
)
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    # zlib hands out compressed bytes as it goes; a brotli stream held whole CSVs back.
    "COMPRESS_ALGORITHM_STREAMING": ["gzip", "deflate"],
    "COMPRESS_BR_LEVEL": 5,
}
# The component libraries some pages use and most do not: (module, bundle in the package).
LAZY_LIBRARIES = (("dash_ag_grid", "dash_ag_grid.min.js"),)


@cache
def plotly_bundle_url() -> str:
    """The partial Plotly bundle's URL, with its content's hash as the version."""
    digest = hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest()[:12]
    return f"/assets/{PLOTLY_BUNDLE.relative_to(ASSETS).as_posix()}?v={digest}"


def _bundle_url(module_name: str, relative_path: str) -> str:
    """The fingerprinted URL Dash itself would give a library's bundle."""
    module = importlib.import_module(module_name)
    modified = int(os.stat(Path(str(module.__file__)).parent / relative_path).st_mtime)
    fingerprint = build_fingerprint(relative_path, module.__version__, modified)  # type: ignore[no-untyped-call]
    return f"/_dash-component-suites/{module_name}/{fingerprint}"


def defer_libraries(libraries: Iterable[tuple[str, str]] = LAZY_LIBRARIES) -> list[dict[str, str]]:
    """Take each library's bundle out of the pages' script tags (Dash still serves it) and
    return the meta tags that tell ``assets/lazy_bundles.js`` where to fetch it from."""
    metas = []
    for module_name, relative_path in libraries:
        module: Any = importlib.import_module(module_name)
        for resource in module._js_dist:
            if resource.get("relative_package_path") == relative_path:
                resource["dynamic"] = True
        metas.append(
            {
                "name": "observatory:lazy-bundle",
                "data-namespace": module_name,
                "content": _bundle_url(module_name, relative_path),
            }
        )
    return metas


def delivery_meta_tags() -> list[dict[str, str]]:
    """The page head's pointers to the partial Plotly bundle and to the deferred libraries."""
    return [{"name": "observatory:plotly-js", "content": plotly_bundle_url()}, *defer_libraries()]


def is_versioned(path: str, args: Any) -> bool:
    """Whether the URL names its content's version, so the content behind it never changes."""
    if path.startswith("/_dash-component-suites/"):
        return bool(check_fingerprint(path.rsplit("/", 1)[-1])[1])  # type: ignore[no-untyped-call]
    return path.startswith(("/assets/", "/_favicon.ico")) and bool(args.get("m") or args.get("v"))


def _encoding(accepted: str) -> str | None:
    names = {part.split(";")[0].strip().lower() for part in accepted.split(",")}
    return "br" if "br" in names else "gzip" if "gzip" in names else None


@cache
def _compressed(path: str, version: str, encoding: str, content: bytes) -> bytes:
    # Keyed by the URL and its version; the content rides along for the first call only in
    # effect (same URL and version, same bytes).
    prebuilt = (ASSETS / path.removeprefix("/assets/")).with_name(Path(path).name + ".br")
    if encoding == "br" and path.startswith("/assets/") and prebuilt.is_file():
        return prebuilt.read_bytes()
    if encoding == "br":
        return bytes(brotli.compress(content, quality=9))
    return gzip.compress(content, compresslevel=9, mtime=0)


def install_delivery(server: Flask) -> None:
    """Compression and cache lifetimes on ``server``. Install it before any other
    ``after_request`` hook: Flask runs them last-installed first, and compression must see the
    finished answer."""
    defaults = Flask("flask-compress defaults")
    Compress(defaults)
    mimetypes = [*defaults.config["COMPRESS_MIMETYPES"], "text/csv"]  # downloads and the API
    server.config.update(COMPRESSION, COMPRESS_MIMETYPES=mimetypes)
    Compress(server)

    @server.after_request
    def static_files(response: Response) -> Response:
        path = request.path
        if request.method != "GET" or not path.startswith(STATIC_PREFIXES):
            return response
        versioned = is_versioned(path, request.args)
        if versioned and response.status_code in (200, 304):
            response.headers["Cache-Control"] = YEAR_CACHE
        encoding = _encoding(request.headers.get("Accept-Encoding", ""))
        if (
            response.status_code != 200
            or encoding is None
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
        ):
            return response
        response.direct_passthrough = False
        version = request.args.get("m") or request.args.get("v") or ""
        read_from = response.response  # for a file, the open file it is sent from
        response.set_data(_compressed(path, version, encoding, response.get_data()))
        if hasattr(read_from, "close"):
            read_from.close()  # replaced by the compressed bytes: nothing will read it again
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{encoding}", weak=bool(weak))
        response.make_conditional(request)
        return response
