"""360Giving Data Standard 1.4 grants, as JSON, CSV or XLSX, into fct_grants and
dim_organisations.

JSON grants are validated one by one with the official (vendored) grant schema; spreadsheets
are checked column by column with rules derived from the same schema. Both then become one
canonical grant frame, so a CSV and its JSON twin load the same warehouse rows. A grant that
fails is rejected with its row (JSON: its position in the ``grants`` list), its field and a
plain reason; the others load. Duplicate ids: the first row is kept.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame, read_xlsx_frames
from data_pipeline.formats.base import Format, Parsed, RejectCollector, quoted
from data_pipeline.formats.threesixtygiving_flat import (
    FlatGrants,
    canonical_from_wide,
    cell_text,
    check_columns,
    check_required,
    looks_like_grants,
    main_sheet,
    map_columns,
    merge_item_sheet,
    read_meta,
    title_of,
)
from data_pipeline.formats.threesixtygiving_json import (
    canonical_frame,
    grant_problems,
    read_package,
)
from data_pipeline.formats.threesixtygiving_transform import (
    AddProblem,
    duplicate_ids,
    grants_frame,
    organisations_frame,
    parse_event_dates,
    text,
    usability_checks,
)
from data_pipeline.transform import parse_dates
from warehouse.schema import dim_organisations, fct_grants


def _reject_duplicates(ids: pd.Series, rows: pd.Series, add: AddProblem, field_name: str) -> None:
    later, first_row = duplicate_ids(ids, rows)
    if not later.any():  # the reasons are text for every row: made only when needed
        return
    reason = (
        quoted(text(ids))
        + " was first seen at row "
        + first_row.astype("Int64").astype("string")
        + "; the first is kept"
    )
    add(later, field_name, "is a duplicate: " + reason)


def _publisher(meta: dict[str, Any], grants: pd.DataFrame) -> str | None:
    """The package's publisher; for a file without metadata, its one funder, if it has one."""
    name = meta.get("publisher/name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    funders = list(grants["funder_name"].dropna().unique())
    return str(funders[0]) if len(funders) == 1 else None


def _licence(meta: dict[str, Any]) -> str | None:
    licence = meta.get("license")
    return licence.strip() if isinstance(licence, str) and licence.strip() else None


def _parsed(
    format_id: str,
    rows_read: int,
    canonical: pd.DataFrame,
    rows: pd.Series,
    rejected: pd.Series,
    records: pd.DataFrame,
    meta: dict[str, Any],
    config: Config,
) -> Parsed:
    kept = canonical[~rejected.reindex(canonical.index, fill_value=False)]
    grants = grants_frame(kept, config)
    organisations = organisations_frame(kept, rows.reindex(kept.index), config)
    return Parsed(
        format_id=format_id,
        rows_read=rows_read,
        primary=fct_grants,
        frames=[(dim_organisations, organisations), (fct_grants, grants)],
        rejects=records,
        publisher=_publisher(meta, grants),
        licence=_licence(meta),
    )


# ------------------------------------------------------------------------------------- JSON


def _sniff_json(source: Source) -> bool:
    if source.is_xlsx:
        return False
    try:
        document = source.json
        head = source.text[:4000].lstrip()
    except FileRejected:
        return False
    if document is not None:
        return isinstance(document, dict) and isinstance(document.get("grants"), list)
    # Broken JSON that is plainly a grants package: claim it, so the reader says what is wrong.
    return head.startswith("{") and '"grants"' in head


def _check_real_dates(canonical: pd.DataFrame, add: AddProblem) -> None:
    """Dates the schema's patterns let through but the calendar does not (30 February)."""
    _, invalid = parse_dates(canonical["awardDate"])
    add(invalid, "awardDate", quoted(canonical["awardDate"]) + " is not a real date")
    for name, end in (("startDate", False), ("endDate", True)):
        key = f"plannedDates/0/{name}"
        _, invalid = parse_event_dates(canonical[key], end=end)
        add(invalid, key, quoted(canonical[key]) + " is not a real date")


def parse_json(source: Source, config: Config) -> Parsed:
    """A 360Giving JSON package (or a bare ``{"grants": [...]}``)."""
    grants, package = read_package(source)
    raw = pd.DataFrame({ROW: range(1, len(grants) + 1)})
    rejects = RejectCollector(raw)
    valid: list[int] = []
    for position, grant in enumerate(grants):
        problems = grant_problems(grant)
        for field_name, reason in problems:
            rejects.add_row(position, field_name, reason)
        if not problems:
            valid.append(position)
    ids = pd.Series(
        [
            g.get("id") if isinstance(g, dict) and isinstance(g.get("id"), str) else None
            for g in grants
        ],
        index=raw.index,
        dtype=object,
    )
    _reject_duplicates(ids, raw[ROW], rejects.add, "id")
    canonical = canonical_frame([grants[i] for i in valid], pd.Index(valid))
    _check_real_dates(canonical, rejects.add)
    usability_checks(canonical, rejects.add)
    records = rejects.records(raw_columns=[ROW])
    if not records.empty:
        records["raw"] = [
            json.dumps(grants[int(row) - 1], ensure_ascii=False, default=str)
            for row in records["row_number"]
        ]
    publisher = package.get("publisher")
    meta = {
        "publisher/name": publisher.get("name") if isinstance(publisher, dict) else None,
        "license": package.get("license"),
    }
    return _parsed(
        "360giving-json", len(grants), canonical, raw[ROW], rejects.rejected, records, meta, config
    )


# ------------------------------------------------------------------------------ spreadsheets


def _sniff_csv(source: Source) -> bool:
    header = source.csv_header
    return bool(header) and looks_like_grants(header)


def _sniff_xlsx(source: Source) -> bool:
    return any(
        name.strip().lower() == "grants" or looks_like_grants(titles)
        for name, titles in source.xlsx_sheets.items()
    )


def _parse_flat(
    format_id: str,
    flat: FlatGrants,
    config: Config,
    item_sheets: dict[str, pd.DataFrame],
    meta: dict[str, Any],
) -> Parsed:
    orphans = [
        o for name, frame in item_sheets.items() if (o := merge_item_sheet(flat, name, frame))
    ]
    rejects = RejectCollector(flat.raw)
    check_columns(flat, rejects.add)
    canonical = canonical_from_wide(flat.wide)
    check_required(flat, canonical, rejects.add)
    _reject_duplicates(canonical["id"], flat.raw[ROW], rejects.add, title_of(flat, "id"))

    def add_by_key(mask: pd.Series, key: str, reason: str | pd.Series) -> None:
        rejects.add(mask, title_of(flat, key), reason)

    usability_checks(canonical, add_by_key)
    records = [rejects.records()]
    for orphan in orphans:
        sheet_rejects = RejectCollector(orphan.raw)
        sheet_rejects.add(
            orphan.mask,
            f"Identifier (sheet {orphan.sheet})",
            quoted(orphan.ids) + " is not the Identifier of any grant in the grants sheet",
        )
        records.append(sheet_rejects.records())
    rows_read = len(flat.raw) + sum(int(o.mask.sum()) for o in orphans)
    all_records = pd.concat([r for r in records if not r.empty] or records[:1], ignore_index=True)
    return _parsed(
        format_id, rows_read, canonical, flat.raw[ROW], rejects.rejected, all_records, meta, config
    )


def parse_csv(source: Source, config: Config) -> Parsed:
    """A 360Giving CSV file: one grants sheet, titles in the first row."""
    return _parse_flat("360giving-csv", map_columns(read_csv_frame(source)), config, {}, {})


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    converted = frame.copy()
    for column in converted.columns:
        if column != ROW:
            converted[column] = converted[column].map(cell_text)
    return converted


def parse_xlsx(source: Source, config: Config) -> Parsed:
    """A 360Giving workbook: the grants sheet, its one-to-many sheets keyed by Identifier,
    and an optional vertical ``Meta`` sheet with the publisher and licence."""
    frames = read_xlsx_frames(source)
    name = main_sheet(frames, source.name)
    others = {
        other: _as_text(frame)
        for other, frame in frames.items()
        if other != name and other.strip().lower() != "meta"
    }
    flat = map_columns(_as_text(frames[name]))
    return _parse_flat("360giving-xlsx", flat, config, others, read_meta(source))


FORMATS: list[Format] = [
    Format("360giving-json", "360Giving grants (JSON)", _sniff_json, parse_json),
    Format("360giving-csv", "360Giving grants (CSV)", _sniff_csv, parse_csv),
    Format("360giving-xlsx", "360Giving grants (XLSX)", _sniff_xlsx, parse_xlsx),
]
