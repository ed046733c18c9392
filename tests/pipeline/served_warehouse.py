"""A demo warehouse for the HTTP tests, and a changed grants file to load into it afterwards."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from warehouse.db import shared_engine
from web.caching import install_caching
from web.chart_api import chart_api
from web.embeds import embeds
from web.headers import install_headers
from web.records_api import records_api

ROOT = Path(__file__).resolve().parents[2]
COUNCIL = "GB-LAE-XDB"  # the demo council, a home organisation in observatory.toml
EXTRA_POUNDS = 1_234_567  # added to one council award by the changed file


def served_app(name: str = "observatory-http") -> Flask:
    """The HTTP side as app.py composes it (the API and embed blueprints, the headers and the
    cache), without the Dash pages: nothing but the browser tests imports app.py."""
    server = Flask(name)
    for blueprint in (records_api, chart_api, embeds):
        server.register_blueprint(blueprint)
    install_headers(server, lambda: [], load_config())
    install_caching(server, shared_engine)
    return server


def load_demo(engine: Engine, folder: Path, scale: int = 200) -> Path:
    """Write the demo borough's files into ``folder`` and load them; returns the folder."""
    config = load_config()
    for path in write_demo(folder, scale=scale):
        result = load_file(engine, path, config)
        assert not result.rejected_whole, result.problems
    return folder


def changed_grant_file(demo_folder: Path, out: Path) -> dict[str, str]:
    """A one-row 360Giving CSV: the demo's first council award with ``EXTRA_POUNDS`` more
    awarded. Loading it updates that grant (same identifier). Returns the changed row."""
    source = next(demo_folder.glob("*_grants_360giving.csv"))
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        row = next(r for r in reader if r["Funding Org:Identifier"] == COUNCIL)
    row["Amount Awarded"] = str(int(float(row["Amount Awarded"])) + EXTRA_POUNDS)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
    return row


def load_in_another_process(database_url: str, path: Path) -> None:
    """Load ``path`` through the CLI in a separate process, as a data officer would while the
    web server runs."""
    proc = subprocess.run(
        [sys.executable, "-m", "data_pipeline", "--database-url", database_url, "load", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
