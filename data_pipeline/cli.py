"""``python -m data_pipeline``: create the schema, load files, generate the demo, report.

Exit codes: 0 every row loaded; 1 some rows rejected, the rest loaded; 2 a file loaded nothing
(rejected whole, or every row rejected), or wrong usage. Messages read
``FILE:ROW: FIELD: reason``; no tracebacks for bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy import Engine, select

from data_pipeline.config import Config, config_path, load_config
from data_pipeline.fetch.cli import add_fetch_parsers, run_fetch
from data_pipeline.file_report import print_file_report
from data_pipeline.formats import all_formats
from data_pipeline.load import LoadResult, load_file, unchanged_message
from data_pipeline.papers_cli import add_papers_parser, run_papers
from data_pipeline.report import problems_of, refusal, rejected_rows, warehouse_report
from data_pipeline.users_cli import add_users_parser, run_users
from warehouse.db import make_engine, upgrade_schema
from warehouse.queries.empty_states import grant_configuration
from warehouse.queries.file_quality import latest_run_id, quality_report
from warehouse.schema import meta_load_runs
from warehouse.spreadsheet_cells import safe_frame

EXIT_OK, EXIT_REJECTED_ROWS, EXIT_REJECTED_FILE = 0, 1, 2
MAX_PROBLEMS_SHOWN = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_REJECTED_FILE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m data_pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("init-db", help="create or upgrade the schema")

    load = commands.add_parser("load", help="load files or whole folders")
    load.add_argument("paths", nargs="+", type=Path)
    load.add_argument(
        "--format",
        dest="format_id",
        choices=sorted(f.id for f in all_formats()),
        help="force a format instead of detecting it",
    )
    load.add_argument(
        "--period",
        type=_period,
        help="the month (YYYY-MM) of spend files that have no date column",
    )
    load.add_argument(
        "--publisher",
        metavar="NAME",
        help="the paying body of spend files that name none (else [spend] publisher)",
    )

    demo = commands.add_parser("demo", help="write the demo borough's files and load them")
    demo.add_argument("--scale", type=int, default=5000, help="number of grants (default 5000)")
    demo.add_argument("--out", type=Path, default=Path("demo_data"), help="folder for the files")
    demo.add_argument("--no-load", action="store_true", help="write the files only")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing if the warehouse already holds loaded files (as `make run` does)",
    )

    report = commands.add_parser("report", help="rows per table, last loads, rejects by reason")
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--file", dest="file_name", help="the quality report of this file's latest load"
    )

    rejects = commands.add_parser("rejects", help="list rejected rows")
    rejects.add_argument("--file", dest="file_name", help="only this file name")
    rejects.add_argument("--csv", action="store_true", help="print CSV")

    export = commands.add_parser(
        "export-360giving", help="write the home organisations' awards as 360Giving JSON"
    )
    export.add_argument("path", type=Path)

    templates = commands.add_parser(
        "templates", help="regenerate the register templates and their docs"
    )
    templates.add_argument(
        "--out", type=Path, default=None, help="folder to write into (default: the project's docs)"
    )
    add_users_parser(commands)
    add_papers_parser(commands)
    add_fetch_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Piped into a log, the tables are as wide as they need: a log never cuts a file name short.
    width = None if sys.stdout.isatty() else 200
    console = Console(stderr=False, highlight=False, soft_wrap=True, width=width)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    if args.command == "templates":
        from data_pipeline.registers.templates import write_templates

        written = write_templates(args.out)
        console.print(f"Wrote {len(written)} template and documentation files")
        return EXIT_OK
    engine = make_engine(args.database_url)
    upgrade_schema(engine)
    if args.command == "init-db":
        console.print(f"Schema is up to date at {engine.url.render_as_string(hide_password=True)}")
        _warn_configuration(engine, errors)
        return EXIT_OK
    if args.command == "users":
        return run_users(engine, args, console, errors)
    if args.command == "papers":
        return run_papers(engine, args, console, errors)
    if args.command in ("fetch", "refresh"):
        return run_fetch(engine, args, console, errors)
    if args.command == "load":
        config = replace(load_config(), spend_period=args.period)
        if args.publisher:
            config = replace(
                config, spend_publisher=args.publisher, spend_publisher_from="--publisher"
            )
        return _load(engine, args.paths, args.format_id, console, errors, config)
    if args.command == "demo":
        from data_pipeline.demo import write_demo

        if args.if_empty and _holds_loads(engine):
            console.print("The warehouse already holds loaded files; the demo was not built")
            return EXIT_OK
        files = write_demo(args.out, scale=args.scale)
        console.print(f"Wrote {len(files)} demo files to {args.out}")
        if args.no_load:
            return EXIT_OK
        return _load(engine, files, None, console, errors)
    if args.command == "report" and args.file_name:
        return _file_report(engine, args.file_name, args.json, console, errors)
    if args.command == "report":
        report = warehouse_report(engine)
        if args.json:
            print(json.dumps(report, indent=2, default=str))
        else:
            _print_report(console, report)
        return EXIT_OK
    if args.command == "rejects":
        frame = rejected_rows(engine, args.file_name)
        refused = refusal(engine, args.file_name) if args.file_name and frame.empty else None
        if refused:
            (errors if args.csv else console).print(refused, markup=False)
        if args.csv:
            sys.stdout.write(safe_frame(frame).to_csv(index=False))
        else:
            for problem in problems_of(frame):
                console.print(str(problem), markup=False)
            console.print(f"{len(frame)} rejected row problem(s)")
        return EXIT_OK
    if args.command == "export-360giving":
        from data_pipeline.export_360giving import ExportError, export_360giving

        try:
            count = export_360giving(engine, load_config(), args.path)
        except ExportError as error:
            errors.print(f"{args.path.name}: {error}", markup=False)
            return EXIT_REJECTED_FILE
        console.print(f"Wrote {count} grants to {args.path}; valid against 360Giving 1.4")
        return EXIT_OK
    return EXIT_REJECTED_FILE


def _file_report(
    engine: Engine, file_name: str, as_json: bool, console: Console, errors: Console
) -> int:
    run_id = latest_run_id(engine, file_name)
    report = quality_report(engine, run_id) if run_id is not None else None
    if report is None:
        errors.print(f"{file_name}: no load of a file of that name", markup=False)
        return EXIT_REJECTED_FILE
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        print_file_report(console, report)
    return EXIT_OK


def _holds_loads(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(meta_load_runs.c.load_run_id).limit(1)).first() is not None


def _expand(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def _period(text: str) -> str:
    if not re.fullmatch(r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month written YYYY-MM")
    return text


def _load(
    engine: object,
    paths: Sequence[Path],
    format_id: str | None,
    console: Console,
    errors: Console,
    config: Config | None = None,
) -> int:
    config = config or load_config()
    results: list[LoadResult] = []
    files = list(_expand(paths))
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        console=errors,
        disable=not errors.is_terminal,
        transient=True,
    ) as bar:
        for path in files:
            task = bar.add_task(path.name, total=1.0, stage="")
            result = load_file(
                engine,  # type: ignore[arg-type]
                path,
                config,
                format_id=format_id,
                progress=partial(_advance, bar, task),
            )
            bar.remove_task(task)
            results.append(result)
            for problem in result.problems[:MAX_PROBLEMS_SHOWN]:
                errors.print(str(problem), markup=False)
            hidden = len(result.problems) - MAX_PROBLEMS_SHOWN
            if hidden > 0:
                errors.print(
                    f"{result.file_name}: ... and {hidden} more; see "
                    f"'python -m data_pipeline rejects --file {result.file_name}'",
                    markup=False,
                )
    _print_summary(console, results)
    _warn_configuration(engine, errors)  # type: ignore[arg-type]
    return exit_code(results)


def _warn_configuration(engine: Engine, errors: Console) -> None:
    """A warning (not an error) when no loaded grant names a home organisation or matches a
    P&C rule: the received, awarded and P&C figures would all read £0."""
    for message in grant_configuration(engine).warnings(str(config_path())):
        errors.print(f"Warning: {message}", markup=False)


def exit_code(results: Sequence[LoadResult]) -> int:
    """2 when a file loaded nothing (refused whole, or every row rejected), 1 when some rows
    of a file were rejected and the rest loaded, else 0 (a file loaded again unchanged is 0:
    this run found nothing new, and its rejects were reported when they were written)."""
    statuses = {r.status for r in results}
    if "rejected" in statuses:
        return EXIT_REJECTED_FILE
    return EXIT_REJECTED_ROWS if "partial" in statuses else EXIT_OK


def _advance(bar: Progress, task: TaskID, stage: str, done: float) -> None:
    bar.update(task, completed=done, stage=stage)


def _print_summary(console: Console, results: list[LoadResult]) -> None:
    table = RichTable(title="Load summary")
    for heading in ("file", "format", "read", "inserted", "updated", "unchanged", "rejected"):
        if heading in ("file", "format"):
            table.add_column(heading, overflow="fold")
        else:
            table.add_column(heading, justify="right")
    for r in results:
        table.add_row(
            r.file_name,
            r.format_id or "-",
            str(r.rows_read),
            str(r.inserted),
            str(r.updated),
            str(r.unchanged),
            "whole file" if r.rejected_whole else str(r.rejected),
        )
    console.print(table)
    for r in results:
        if r.unchanged_since is not None:
            console.print(f"{r.file_name}: {unchanged_message(r.unchanged_since)}", markup=False)


def _print_report(console: Console, report: dict[str, object]) -> None:
    tables = RichTable(title="Rows per table")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in report["tables"].items():  # type: ignore[attr-defined]
        tables.add_row(name, str(count))
    console.print(tables)
    loads = RichTable(title="Last load of each source")
    for heading in ("file", "format", "loaded at", "status", "read", "loaded", "rejected"):
        loads.add_column(heading)
    refused = []
    for run in report["last_loads"]:  # type: ignore[attr-defined]
        keys = ("file_name", "detected_format", "finished_at", "status", "rows_read")
        whole = run["status"] == "rejected" and not run["rows_read"]
        rejected = "whole file" if whole else str(run["rows_rejected"])
        loads.add_row(
            *(str(run[key] if run[key] is not None else "-") for key in keys),
            str(run["rows_loaded"]),
            rejected,
        )
        if run["status"] == "rejected" and run["message"]:
            refused.append(f"{run['file_name']}: rejected: {run['message']}")
    console.print(loads)
    for line in refused:
        console.print(line, markup=False)
    reasons = RichTable(title=f"Rejected rows: {report['rejected_rows']}")
    reasons.add_column("reason")
    reasons.add_column("rows", justify="right")
    for reason, count in report["rejected_by_reason"].items():  # type: ignore[attr-defined]
        reasons.add_row(reason, str(count))
    console.print(reasons)
