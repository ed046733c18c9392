"""Composition root: the Dash app, its Flask routes, and nothing else."""

from __future__ import annotations

import os

import dash
from flask import Response, jsonify
from sqlalchemy import text

import callbacks  # noqa: F401  (registers every callback once)
from callbacks.first_view import FirstView
from components.shell import page_frame
from data_pipeline.config import load_config
from warehouse.db import shared_engine
from web.auth import install_auth
from web.caching import install_caching
from web.chart_api import chart_api
from web.delivery import delivery_meta_tags, install_delivery
from web.editing_api import editing_api
from web.embeds import embeds
from web.first_view import install_first_view
from web.headers import install_headers
from web.not_found import install_not_found
from web.records_api import records_api
from web.snapshots_api import snapshots_api
from web.uploads import uploads

config = load_config()

app = dash.Dash(
    __name__,
    use_pages=True,
    title=config.site_name,
    update_title=None,
    suppress_callback_exceptions=True,
    serve_locally=True,
    # The partial Plotly bundle and the grid's bundle load only where a page draws them
    # (web/delivery.py); assets/vendor/ is served but not put on every page.
    meta_tags=delivery_meta_tags(),
    assets_path_ignore=["^vendor$"],
)
app.layout = lambda: page_frame(
    config.site_name, config.default_licence, dash.page_registry.values(), dash.page_container
)
# The page's language for screen readers; and Dash's script holder must not be a second
# <footer> landmark beside the site footer.
app.index_string = (
    app.index_string.replace("<html>", '<html lang="en-GB">', 1)
    .replace("<footer>", "<div>", 1)
    .replace("</footer>", "</div>", 1)
)
server = app.server
install_delivery(server)  # first: its compression must run after every other hook
install_first_view(app, FirstView(app).html)  # public pages arrive drawn
install_auth(server, config.site_name)
server.register_blueprint(records_api)
server.register_blueprint(editing_api)
server.register_blueprint(chart_api)
server.register_blueprint(embeds)
server.register_blueprint(snapshots_api)
server.register_blueprint(uploads)
install_headers(server, app.csp_hashes, config)
install_caching(server, shared_engine)
install_not_found(server, dash.page_registry.values)


@server.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness and database reachability."""
    try:
        with shared_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:
        return jsonify(status="error", database=str(error.__class__.__name__)), 503
    return jsonify(status="ok", database="reachable"), 200


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=False,
    )
