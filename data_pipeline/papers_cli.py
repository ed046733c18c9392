"""``python -m data_pipeline papers ...``: read council and NHS decision papers and find the
research they mention, for workstream leads to review on ``/papers/review``.

  papers PATH [PATH ...]                  PDF, HTML and DOCX files, or folders of them (a
                                          scraper's JSON metadata beside them gives each
                                          paper's committee, meeting date and URL)
  papers --moderngov https://democracy.example.gov.uk [--since 2025-01-01] [--until ...]
         [--committee ID ...]             the meetings of a ModernGov site, by its web service
  papers --rematch                        match every stored paper again (after a register load)

Reading a paper again changes nothing; a changed paper is updated. Unreadable papers (scanned
PDFs without a text layer, damaged files) are listed with the reason. Exit codes: 0 every paper
read, 1 some unreadable, 2 wrong usage or a site that did not answer.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import Engine

from data_pipeline.papers.moderngov import ModernGovClient, ModernGovError, moderngov_papers
from data_pipeline.papers.sources import PaperSource, papers_in_folder
from data_pipeline.papers.store import PaperResult, rematch_papers, store_papers
from data_pipeline.papers.targets import research_targets

EXIT_OK, EXIT_UNREADABLE, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_DAYS = 365


def add_papers_parser(commands: Any) -> None:
    """Register ``papers`` on the main parser's subparsers."""
    papers = commands.add_parser(
        "papers",
        help="read decision papers (folder or ModernGov) and find research they mention",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    papers.add_argument("paths", nargs="*", type=Path)
    papers.add_argument("--moderngov", metavar="SITE", help="a ModernGov site's address")
    papers.add_argument("--since", type=date.fromisoformat, help="first meeting date (ISO)")
    papers.add_argument("--until", type=date.fromisoformat, help="last meeting date (ISO)")
    papers.add_argument(
        "--committee", type=int, action="append", help="only this committee id (may repeat)"
    )
    papers.add_argument("--rematch", action="store_true", help="match stored papers again")


def run_papers(engine: Engine, args: argparse.Namespace, console: Console, errors: Console) -> int:
    """Carry out ``papers``; returns the exit code."""
    targets = research_targets(engine)
    if args.rematch:
        count = rematch_papers(engine, targets)
        console.print(f"Matched {count} stored papers against {len(targets)} research records")
        return EXIT_OK
    if not args.paths and not args.moderngov:
        errors.print("papers: give files or folders, --moderngov SITE or --rematch")
        return EXIT_BAD_INPUT
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        errors.print(f"papers: no such file or folder: {', '.join(missing)}", markup=False)
        return EXIT_BAD_INPUT
    results: list[PaperResult] = []
    for path in args.paths:
        results.extend(store_papers(engine, papers_in_folder(path), targets))
    if args.moderngov:
        until = args.until or date.today()
        since = args.since or until - timedelta(days=DEFAULT_DAYS)
        client = ModernGovClient(args.moderngov)
        committees = set(args.committee) if args.committee else None
        try:
            sources: list[PaperSource] = list(moderngov_papers(client, since, until, committees))
        except ModernGovError as error:
            errors.print(f"{args.moderngov}: {error}", markup=False)
            return EXIT_BAD_INPUT
        results.extend(store_papers(engine, sources, targets))
    _print(console, errors, results)
    return EXIT_UNREADABLE if any(r.unreadable_reason for r in results) else EXIT_OK


def _print(console: Console, errors: Console, results: list[PaperResult]) -> None:
    table = RichTable(title="Decision papers")
    for heading in ("paper", "read", "pages", "candidates"):
        table.add_column(heading, overflow="fold")
    for r in results:
        table.add_row(r.file_name, r.change, str(r.pages), str(r.candidates))
    console.print(table)
    for r in results:
        if r.unreadable_reason:
            errors.print(f"{r.file_name}: unreadable: {r.unreadable_reason}", markup=False)
