"""The ``fetch registry`` and ``refresh`` commands (wired into ``python -m data_pipeline``)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from sqlalchemy import Engine

from data_pipeline.config import load_config
from data_pipeline.fetch.lock import LockHeld
from data_pipeline.fetch.refresh import EXIT_FAILED, EXIT_OK, read_registry, refresh
from data_pipeline.fetch.settings import ALL_PUBLISHERS_DEFAULT, load_fetch_settings


def add_fetch_parsers(commands: Any) -> None:
    """Add ``fetch`` and ``refresh`` to the command line's subcommands."""
    fetch = commands.add_parser("fetch", help="list what a remote source offers")
    what = fetch.add_subparsers(dest="fetch_what", required=True)
    registry = what.add_parser(
        "registry", help="list the 360Giving registry's publishers and files, and which load"
    )
    registry.add_argument("--url", help="the registry's URL (else [registry] url)")
    registry.add_argument(
        "--publisher",
        action="append",
        help="a publisher prefix to select (repeatable; 'all' for every one)",
    )
    registry.add_argument("--json", action="store_true")

    refresh_parser = commands.add_parser(
        "refresh", help="fetch every source in observatory.toml and load what changed"
    )
    refresh_parser.add_argument(
        "--only", choices=["registry", "urls"], help="only the registry, or only [[sources]]"
    )


def run_fetch(engine: Engine, args: argparse.Namespace, console: Console, errors: Console) -> int:
    settings = load_fetch_settings()
    if args.command == "refresh":
        try:
            report = refresh(
                engine,
                load_config(),
                settings,
                say=lambda line: console.print(line, markup=False),
                only=args.only,
            )
        except LockHeld as held:
            errors.print(f"refresh: not started: {held}")
            return EXIT_FAILED
        counts: dict[str, int] = {}
        for outcome in report.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        console.print(f"Refresh done: {summary or 'no sources configured'}")
        return report.exit_code
    if args.url:
        settings = replace(settings, registry_url=args.url)
    if args.publisher:
        settings = replace(settings, publishers=tuple(args.publisher))
    elif not settings.publishers:
        settings = replace(settings, publishers=ALL_PUBLISHERS_DEFAULT)
    if not settings.registry_url:
        errors.print(
            "fetch registry: no registry URL ([registry] url in observatory.toml, or --url)"
        )
        return EXIT_FAILED
    decisions, error = read_registry(settings)
    if error:
        errors.print(error)
        return EXIT_FAILED
    if args.json:
        rows = [{**asdict(d.file), "fetch": d.fetch, "reason": d.reason} for d in decisions]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    table = RichTable(
        title=f"{len(decisions)} files from {len({d.file.prefix for d in decisions})} publishers"
    )
    for column in ("publisher", "prefix", "file", "grants", "licence", "loaded?"):
        table.add_column(column)
    for d in decisions:
        table.add_row(
            d.file.publisher,
            d.file.prefix,
            d.file.title,
            f"{d.file.grants:,}" if d.file.grants is not None else "",
            d.file.licence_name or d.file.licence or "",
            "yes" if d.fetch else escape(f"no: {d.reason}"),
        )
    console.print(table)
    return EXIT_OK
