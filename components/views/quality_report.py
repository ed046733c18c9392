"""A load run's data-quality report on ``/data/loads/<id>`` (admin only): money and rows
reconciled, notes about the file, rejected rows counted by kind of problem, the repairs made and
the 360Giving checks, each with up to five example rows.

It takes the plain dict of ``warehouse.queries.file_quality.QualityReport.as_dict()``, the same
report ``python -m data_pipeline report --file NAME`` prints, which callbacks/data_upload.py
fetches after checking the role. Money is written by ``research_cards.money`` (exact pounds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.format import money

Record = Mapping[str, Any]
MONEY = "data-load-money"
MONEY_LINE = "data-load-money-line"
ROWS_LINE = "data-load-rows-line"
MISMATCH = "data-load-mismatch"
NOTES = "data-load-notes"
REJECT_KINDS = "data-load-reject-kinds"
REPAIRS = "data-load-repairs"
CHECKS = "data-load-checks"


def _count(value: Any, noun: str = "row") -> str:
    number = int(value or 0)
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def money_line(report: Record) -> str | None:
    """``£X read = £Y loaded + £Z rejected, from column 'Net'`` (the CLI writes the same),
    with ``≠`` for ``=`` when they do not add up."""
    cash = report.get("money")
    if not cash:
        return None
    column = f", from column '{cash['column']}'" if cash.get("column") else ""
    sign = "=" if cash["balanced"] else "≠"
    return (
        f"{money(cash['read_pence'])} read {sign} {money(cash['loaded_pence'])} loaded + "
        f"{money(cash['rejected_pence'])} rejected{column}"
    )


def _mismatch(what: str, detail: str) -> dbc.Alert:
    return dbc.Alert(
        [html.Strong(f"{what} do not reconcile. "), detail],
        color="danger",
        id=MISMATCH,
        className="mb-2",
    )


def _reconciled(report: Record) -> dbc.Card:
    rows = report["rows"]
    cash = report.get("money")
    body: list[Any] = [html.H2("Money and rows reconciled", className="h5")]
    if cash:
        line = money_line(report)
        if not cash["balanced"]:
            body.append(
                _mismatch(
                    "The amounts",
                    f"{money(abs(cash['difference_pence']))} read was neither loaded nor "
                    "rejected. Report this: every penny of a file should be accounted for.",
                )
            )
        tone = "" if cash["balanced"] else " text-danger"
        body.append(html.P(line, id=MONEY_LINE, className=f"fs-5 fw-semibold mb-1{tone}"))
    else:
        body.append(
            html.P(
                "This format has no amounts of money to reconcile.",
                className="text-body-secondary",
            )
        )
    sign = "=" if rows["balanced"] else "≠"
    rows_line = (
        f"{_count(rows['read'])} read {sign} {rows['loaded']:,} loaded + "
        f"{rows['rejected']:,} rejected"
    )
    if not rows["balanced"]:
        body.append(_mismatch("The rows", "some rows read were neither loaded nor rejected."))
    body.append(html.P(rows_line, id=ROWS_LINE, className="mb-1"))
    if (not cash or cash["balanced"]) and rows["balanced"]:
        body.append(
            html.P(
                "✓ Every row and every penny read is either loaded or rejected."
                if cash
                else "✓ Every row read is either loaded or rejected.",
                className="text-success small mb-0",
            )
        )
    return dbc.Card(dbc.CardBody(body), id=MONEY, className="mb-4")


def _value(value: str) -> Any:
    """An example's value as the file holds it; an empty one says so."""
    if value in ("''", '""'):
        return html.Em("(blank)", className="text-body-secondary")
    return value


def _examples(examples: Sequence[Record]) -> html.Ul | str:
    if not examples:
        return ""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(
                        "whole file" if e["row"] is None else f"row {e['row']}",
                        className="text-body-secondary",
                    ),
                    " " if e["value"] else "",
                    _value(e["value"]) if e["value"] else "",
                ]
            )
            for e in examples
        ],
        className="list-unstyled mb-0 small quality-report-examples",
    )


_CELLS = {
    "Field": "quality-report-field",
    "Rows": "quality-report-rows text-end text-nowrap",
    "Examples": "quality-report-examples-cell",
}


def _table(label: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> html.Div:
    """A table whose rows stack on a phone (assets/quality_report.css), where only the
    examples keep a label: field, problem and rows read plainly without one."""
    head = html.Thead(
        html.Tr([html.Th(name, scope="col", className=_CELLS.get(name)) for name in header])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(cell, className=_CELLS[name], **{"data-label": name})
                    if name == "Examples" and cell
                    else html.Td(cell, className=_CELLS.get(name))
                    for name, cell in zip(header, cells, strict=True)
                ]
            )
            for cells in rows
        ]
    )
    return html.Div(
        dbc.Table([head, body], size="sm", className="mb-0 align-top quality-report-table"),
        role="region",
        **{"aria-label": label},
    )


def _findings_card(
    title: str, intro: str, findings: Sequence[Record], card_id: str
) -> dbc.Card | None:
    if not findings:
        return None
    rows = [
        (
            html.Code(f["field"]) if f["field"] else "—",
            f["message"],
            _count(f["rows"]) if f["rows"] else "whole file",
            _examples(f["examples"]),
        )
        for f in findings
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(title, className="h5"),
                html.P(intro, className="text-body-secondary small"),
                _table(title, ["Field", "What was found", "Rows", "Examples"], rows),
            ]
        ),
        id=card_id,
        className="mb-4",
    )


def _notes(notes: Sequence[Record]) -> dbc.Card | None:
    if not notes:
        return None
    items = [
        html.Li(
            [
                html.Code(n["field"]) if n["field"] else "",
                ": " if n["field"] else "",
                n["message"],
                f" ({_count(n['rows'])})" if n["rows"] else "",
            ]
        )
        for n in notes
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Notes about the file", className="h5"),
                html.Ul(items, className="mb-0"),
            ]
        ),
        id=NOTES,
        className="mb-4",
    )


def _reject_kinds(report: Record) -> html.Div | html.P | None:
    kinds = report["rejects"]
    if not kinds:
        if report.get("rejects_replaced_by"):
            return html.P(
                "The rejected rows of this load were replaced when the file was loaded again "
                f"(load {report['rejects_replaced_by']}).",
                className="small",
            )
        return None
    rows = [
        (
            html.Code(k["field"]) if k["field"] else "—",
            k["reason"],
            _count(k["rows"]),
            _examples(k["examples"]),
        )
        for k in kinds
    ]
    several = " A row with several problems counts under each." if len(kinds) > 1 else ""
    return html.Div(
        [
            html.H3("By kind of problem", className="h6"),
            html.P(
                f"{_count(report['rows']['rejected'])} rejected.{several}",
                className="small text-body-secondary",
            ),
            _table(
                "Rejected rows by kind of problem",
                ["Field", "Problem", "Rows", "Examples"],
                rows,
            ),
        ],
        id=REJECT_KINDS,
        className="mb-4",
    )


def quality_sections(report: Record, rejected_rows: Any) -> list[Any]:
    """The report's cards in the order an officer reads them: does the file reconcile, what is
    there to know about it, what was rejected and why (by kind, then every row), what was
    repaired, and the 360Giving checks."""
    rejected = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Rejected rows", className="h5"),
                _reject_kinds(report),
                html.H3("Every rejected row", className="h6") if report["rejects"] else None,
                rejected_rows,
            ]
        ),
        className="mb-4",
    )
    cards = [
        _reconciled(report),
        _notes(report["notes"]),
        rejected,
        _findings_card(
            "Repairs",
            "Values written in another form were read, and values that could not be read in "
            "optional fields were left blank. These rows loaded.",
            report["repairs"],
            REPAIRS,
        ),
        _findings_card(
            "360Giving checks",
            "What GrantNav's data quality checks would tell the publisher. These rows loaded.",
            report["checks"],
            CHECKS,
        ),
    ]
    return [card for card in cards if card is not None]
