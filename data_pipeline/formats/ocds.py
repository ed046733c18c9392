"""Open Contracting Data Standard 1.1 (commissioning): release packages, record packages and bare
releases (one release object, or a JSON list of them), detected by content.

Each file becomes one compiled release per contracting process (``ocds_compile``), flattened to
one ``fct_commissions`` row per award (``ocds_flatten``, ``ocds_columns``), with the buyers and
suppliers in ``dim_organisations``.

Counting: a "row" of an OCDS file is one stored (ocid, award id) row or one rejected release (or
record). ``rows_read`` is therefore the number of commission rows built plus the number of
releases or records rejected, so that inserted + updated + unchanged + rejected = rows_read, as
for every other format. A package whose five releases compile to one process with one award
reads as one row; a release with three awards reads as three.

A reload replaces each loaded process's rows: an award row the new compiled state no longer has
(such as the award-less row of a process now awarded) is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source
from data_pipeline.formats.base import REJECT_COLUMNS, Format, LinkScope, Parsed
from data_pipeline.formats.ocds_columns import build_commissions, build_organisations
from data_pipeline.formats.ocds_compile import (
    Problem,
    Process,
    processes_from_records,
    processes_from_releases,
    raw_json,
    sanitise,
)
from data_pipeline.formats.ocds_flatten import commission_rows
from warehouse.schema import dim_organisations, fct_commissions

RELEASE_PACKAGE = "ocds-release-package"
RECORD_PACKAGE = "ocds-record-package"
RELEASE = "ocds-release"
_PACKAGE_KEYS = ("publisher", "uri", "version")


def _shape(document: object) -> str | None:
    """Which OCDS format a parsed JSON document is, or None."""
    if isinstance(document, dict):
        if isinstance(document.get("records"), list):
            return RECORD_PACKAGE
        if isinstance(document.get("releases"), list) and any(
            key in document for key in _PACKAGE_KEYS
        ):
            return RELEASE_PACKAGE
        if "ocid" in document and "tag" in document:
            return RELEASE
        return None
    if isinstance(document, list) and document:
        first = document[0]
        if isinstance(first, dict) and "ocid" in first:
            return RELEASE
    return None


def _shape_of_broken_json(source: Source) -> str | None:
    """For a file that is not valid JSON: the OCDS format it was meant to be, from its start,
    so that it is rejected as broken JSON rather than as an unknown format."""
    if source.is_xlsx:
        return None
    head = source.text[:20000].lstrip()
    if not head.startswith(("{", "[")) or '"ocid"' not in head:
        return None
    if '"records"' in head:
        return RECORD_PACKAGE
    if '"releases"' in head:
        return RELEASE_PACKAGE
    return RELEASE


def _sniffer(format_id: str) -> Callable[[Source], bool]:
    def sniff(source: Source) -> bool:
        if source.is_xlsx:
            return False
        document = source.json
        if document is None:
            return _shape_of_broken_json(source) == format_id
        return _shape(document) == format_id

    return sniff


def _document(source: Source, format_id: str) -> Any:
    if source.is_xlsx:
        raise FileRejected(
            source.name,
            "is a spreadsheet; OCDS is loaded from JSON release or record packages "
            "(flattened OCDS spreadsheets are not supported)",
        )
    document = sanitise(source.json_or_reject())
    shape = _shape(document)
    if shape != format_id:
        expected = {
            RELEASE_PACKAGE: "an OCDS release package (an object with a 'releases' list)",
            RECORD_PACKAGE: "an OCDS record package (an object with a 'records' list)",
            RELEASE: "an OCDS release (an object with 'ocid' and 'tag', or a list of them)",
        }[format_id]
        raise FileRejected(source.name, f"is not {expected}")
    return document


def _package_metadata(document: object) -> tuple[str | None, str | None]:
    if not isinstance(document, dict):
        return None, None
    publisher = document.get("publisher")
    name = publisher.get("name") if isinstance(publisher, dict) else publisher
    licence = document.get("license")
    return (str(name) if name else None), (str(licence) if licence else None)


def _rejects(problems: list[Problem], late: pd.DataFrame, processes: list[Process]) -> pd.DataFrame:
    """Reject records: schema problems of releases or records, then problems found in the
    stored values of compiled processes (their raw JSON is the compiled release)."""
    records = [
        {"row_number": p.row_number, "field": p.field, "reason": p.reason, "raw": raw_json(p.item)}
        for p in problems
    ]
    if not late.empty:
        compiled = {process.ocid: process.release for process in processes}
        raw = {ocid: raw_json(compiled[ocid]) for ocid in late["ocid"].unique()}
        records += [
            {
                "row_number": int(row["row_number"]),
                "field": str(row["field"]),
                "reason": str(row["reason"]),
                "raw": raw[str(row["ocid"])],
            }
            for row in late.drop_duplicates(["ocid", "field", "reason"]).to_dict("records")
        ]
    frame = pd.DataFrame(records, columns=REJECT_COLUMNS)
    return frame.sort_values("row_number", kind="stable").reset_index(drop=True)


def _parser(format_id: str) -> Callable[[Source, Config], Parsed]:
    def parse(source: Source, config: Config) -> Parsed:
        document = _document(source, format_id)
        if format_id == RECORD_PACKAGE:
            processes, problems = processes_from_records(document["records"])
        else:
            releases = document["releases"] if format_id == RELEASE_PACKAGE else document
            processes, problems = processes_from_releases(
                releases if isinstance(releases, list) else [releases]
            )
        rows: list[dict[str, Any]] = []
        orgs_by_ocid: dict[str, list[dict[str, str | None]]] = {}
        for process in processes:
            process_rows, orgs = commission_rows(process)
            rows.extend(process_rows)
            orgs_by_ocid[process.ocid] = orgs
        commissions, late = build_commissions(rows, config)
        loaded = list(dict.fromkeys(commissions["ocid"]))
        organisations = build_organisations(
            [org for ocid in loaded for org in orgs_by_ocid[ocid]], config
        )
        rejects = _rejects(problems, late, processes)
        publisher, licence = _package_metadata(document)
        return Parsed(
            format_id=format_id,
            rows_read=len(commissions) + int(rejects["row_number"].nunique()),
            primary=fct_commissions,
            frames=[(dim_organisations, organisations), (fct_commissions, commissions)],
            rejects=rejects,
            publisher=publisher,
            licence=licence,
            replace_links=[LinkScope(fct_commissions, "ocid", loaded)],
        )

    return parse


FORMATS: list[Format] = [
    Format(
        RELEASE_PACKAGE,
        "OCDS 1.1 release package (JSON)",
        _sniffer(RELEASE_PACKAGE),
        _parser(RELEASE_PACKAGE),
    ),
    Format(
        RECORD_PACKAGE,
        "OCDS 1.1 record package (JSON)",
        _sniffer(RECORD_PACKAGE),
        _parser(RECORD_PACKAGE),
    ),
    Format(RELEASE, "OCDS 1.1 release (JSON)", _sniffer(RELEASE), _parser(RELEASE)),
]
