"""``report --file NAME``: the data-quality report of a file's latest load run, printed as rich
tables (or as JSON). The figures come from ``warehouse.queries.file_quality``, the same query the
page ``/data/loads/<id>`` shows, so the command line and the page count alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table as RichTable

from warehouse.queries.file_quality import Example, Finding, QualityReport, RejectKind

STATUS_WORDS = {
    "loaded": "loaded",
    "partial": "loaded, with rejected rows",
    "rejected": "rejected: nothing was loaded",
    "unchanged": "unchanged: loaded before, nothing written",
    "running": "still loading (or stopped part-way)",
}


def pounds(pence: int) -> str:
    """Pence as exact pounds, as the page writes them: £12,500, £36,096,177.70, -£5.10."""
    whole, part = divmod(abs(pence), 100)
    amount = f"{whole:,}" if part == 0 else f"{whole:,}.{part:02d}"
    return f"{'-' if pence < 0 else ''}£{amount}"


def examples_text(examples: Sequence[Example]) -> str:
    """``row 11: 'tbc'; row 114: '18k'`` (a row without a value is its number alone)."""
    return "; ".join(
        ("the file" if e.row is None else f"row {e.row}") + (f": {e.value}" if e.value else "")
        for e in examples
    )


def money_line(report: QualityReport) -> str | None:
    """``£X read = £Y loaded + £Z rejected, from column 'Net'``, or the mismatch, loudly."""
    money = report.money
    if money is None:
        return None
    column = f", from column '{money.column}'" if money.column else ""
    line = (
        f"{pounds(money.read_pence)} read = {pounds(money.loaded_pence)} loaded + "
        f"{pounds(money.rejected_pence)} rejected{column}"
    )
    if money.balanced:
        return line
    return (
        f"MONEY DOES NOT RECONCILE: {line.replace(' = ', ' but ', 1)}; "
        f"{pounds(money.difference_pence)} is unaccounted for"
    )


def rows_line(report: QualityReport) -> str:
    rows = report.rows
    line = f"{rows.read:,} read = {rows.loaded:,} loaded + {rows.rejected:,} rejected"
    if rows.loaded:
        line += f" ({rows.inserted:,} new, {rows.updated:,} changed, {rows.unchanged:,} unchanged)"
    return line if rows.balanced else f"ROWS DO NOT RECONCILE: {line.replace(' = ', ' but ', 1)}"


def _findings_table(title: str, findings: Sequence[Finding]) -> RichTable:
    """Field, what was found and, where any finding touched rows, how many and examples (a
    note about the whole file has neither)."""
    table = RichTable(title=title, title_justify="left")
    table.add_column("field", overflow="fold")
    table.add_column("what was found", overflow="fold")
    by_row = any(finding.rows for finding in findings)
    if by_row:
        table.add_column("rows", justify="right")
        table.add_column("examples", overflow="fold")
    for finding in findings:
        cells = [finding.field or "-", finding.message]
        if by_row:
            cells += [
                f"{finding.rows:,}" if finding.rows else "whole file",
                examples_text(finding.examples),
            ]
        table.add_row(*cells)
    return table


def _rejects_table(rejects: Sequence[RejectKind], rows: int) -> RichTable:
    table = RichTable(
        title=f"Rejected rows by kind of problem ({rows:,} rows; a row can have several)",
        title_justify="left",
    )
    table.add_column("field", overflow="fold")
    table.add_column("problem", overflow="fold")
    table.add_column("rows", justify="right")
    table.add_column("examples", overflow="fold")
    for kind in rejects:
        table.add_row(
            kind.field or "-", kind.reason, f"{kind.rows:,}", examples_text(kind.examples)
        )
    return table


def print_file_report(console: Console, report: QualityReport) -> None:
    """The report as a heading, the reconciliation lines and one table per section."""
    when = report.finished_at or report.started_at
    facts = [f"load {report.load_run_id}", report.detected_format or "format not recognised"]
    if when is not None:
        facts.append(f"{when:%d %b %Y %H:%M} UTC")
    console.print(f"Quality report of {report.file_name} ({', '.join(facts)})", markup=False)
    console.print(f"Status: {STATUS_WORDS.get(report.status, report.status)}", markup=False)
    if report.rejected_whole:
        console.print(f"Why: {report.message or 'the file could not be read'}", markup=False)
        return
    if report.message:
        console.print(f"Why: {report.message}", markup=False)
    line = money_line(report)
    if line is not None:
        loud = report.money is not None and not report.money.balanced
        console.print(f"Money: {line}", markup=False, style="bold red" if loud else None)
    loud = not report.rows.balanced
    console.print(f"Rows: {rows_line(report)}", markup=False, style="bold red" if loud else None)
    sections = (
        ("Repairs (values read or blanked; the rows loaded)", report.repairs),
        ("Notes about the file", report.notes),
        ("360Giving checks (as GrantNav's publishers see them)", report.checks),
    )
    for title, findings in sections:
        if findings:
            console.print(_findings_table(title, findings))
    if report.rejects:
        console.print(_rejects_table(report.rejects, report.rows.rejected))
    elif report.rejects_replaced_by is not None:
        console.print(
            f"Its rejected rows were replaced when the file was loaded again "
            f"(load {report.rejects_replaced_by}).",
            markup=False,
        )
