"""360Giving Data Standard 1.4 grants, as JSON, CSV or XLSX, into fct_grants and
dim_organisations.

Both readers build one canonical grant frame, so a CSV and its JSON twin load the same
warehouse rows, and both then read it the same tolerant way (``threesixtygiving_repair``): a
grant is rejected only when it lacks what the warehouse needs (an id, an amount, an award
date, a funder, a recipient), with its row (JSON: its position in the ``grants`` list), its
field and a plain reason. The standard's own checks (the vendored schema for JSON, the same
rules column by column for spreadsheets) and GrantNav's quality checks are reported as
warnings on the file, never a reason to drop a grant. Lines sharing an id are all kept unless
one repeats another exactly.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from data_pipeline import limits
from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame, read_xlsx_frames
from data_pipeline.formats.base import (
    FileWarning,
    Format,
    Money,
    Parsed,
    RejectCollector,
    WarningCollector,
    clipped,
    quoted,
    reject_bad_rows,
    too_long,
)
from data_pipeline.formats.threesixtygiving_arrow import read_grants_csv
from data_pipeline.formats.threesixtygiving_flat import (
    FlatGrants,
    canonical_from_wide,
    cell_text,
    looks_like_grants,
    main_sheet,
    map_columns,
    merge_item_sheet,
    missing_required_columns,
    read_meta,
    report_columns,
    title_of,
)
from data_pipeline.formats.threesixtygiving_json import (
    canonical_frame,
    grant_problems,
    read_package,
)
from data_pipeline.formats.threesixtygiving_repair import (
    REPAIRED_KEYS,
    GrantChecks,
    money_read,
    repair_grants,
    row_signatures,
    separate_repeated_ids,
)
from data_pipeline.formats.threesixtygiving_schema import date_forms
from data_pipeline.formats.threesixtygiving_transform import (
    grants_frame,
    is_blank,
    organisations_frame,
    text,
)
from warehouse.schema import dim_organisations, fct_grants

_ORG_ID = re.compile(r"^(?:[A-Z]{2}|XI|XM)-[A-Z0-9]+-\S+$", re.IGNORECASE)


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


def _quality_checks(grants: pd.DataFrame, checks: GrantChecks) -> None:
    """GrantNav's and the Data Quality Tool's checks of usable grants, as warnings."""
    recipient = grants["recipientOrganization/0/id"]
    internal = text(recipient).str.upper().str.startswith("360G-").fillna(False).astype(bool)
    unusual = ~is_blank(recipient) & ~internal & ~text(recipient).str.match(_ORG_ID).fillna(False)
    checks.warn(
        unusual.astype(bool),
        "recipientOrganization/0/id",
        "quality",
        "recipient identifiers without an org-id.guide prefix (such as GB-CHC- or GB-COH-)",
        recipient,
    )
    checks.warn(
        internal,
        "recipientOrganization/0/id",
        "quality",
        "recipients identified only by the publisher's own 360G- identifier, not a "
        "charity or company number",
        recipient,
    )
    no_place = is_blank(grants["beneficiaryLocation/0/geoCode"]) & is_blank(
        grants["beneficiaryLocation/0/name"]
    )
    checks.warn(
        no_place,
        "beneficiaryLocation/0/name",
        "quality",
        "grants with no beneficiary location",
        grants["id"],
    )
    checks.warn(
        is_blank(grants["classifications"]),
        "classifications/0/code",
        "quality",
        "grants with no classification",
        grants["id"],
    )


def _read_grants(
    raw: pd.DataFrame,
    canonical: pd.DataFrame,
    signatures: pd.Series,
    checks: GrantChecks,
    rejects: RejectCollector,
    extra_dates: list[pd.Series],
) -> tuple[pd.DataFrame, pd.Series]:
    """The grants to load (repaired, repeated ids separated) and the rejected-row mask."""
    repaired = repair_grants(canonical, checks, extra_dates)
    eligible = ~rejects.rejected
    separated = separate_repeated_ids(repaired, signatures, raw[ROW], checks, eligible)
    rejected = rejects.rejected
    kept = separated[~rejected.reindex(separated.index, fill_value=False)]
    _quality_checks(kept, checks)
    return kept, rejected


def _parsed(
    format_id: str,
    rows_read: int,
    kept: pd.DataFrame,
    rows: pd.Series,
    money: Money,
    records: pd.DataFrame,
    warnings: list[FileWarning],
    meta: dict[str, Any],
    config: Config,
) -> Parsed:
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
        warnings=warnings,
        money=money,
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


def _longest_text(value: Any, path: str = "") -> tuple[str, int]:
    """The path and length of the longest string in a JSON value."""
    if isinstance(value, str):
        return path, len(value)
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    best = (path, 0)
    for key, item in items:
        found = _longest_text(item, f"{path}/{key}" if path else str(key))
        if found[1] > best[1]:
            best = found
    return best


def _json_path_template(path: str | None) -> str | None:
    return None if path is None else re.sub(r"/\d+/", "/0/", path)


def _standard_warnings(grants: list[Any], warnings: WarningCollector) -> None:
    """Every schema error of every grant, grouped by field and kind of error, as warnings:
    the report says what the standard would say, and the grants still load."""
    groups: dict[tuple[str, str], dict[str, list[int]]] = {}
    for position, grant in enumerate(grants):
        if not isinstance(grant, dict):
            continue
        for path, reason in grant_problems(grant):
            field_key = _json_path_template(path) or "grant"
            if field_key in REPAIRED_KEYS:
                continue
            template = re.sub(r"'[^']*'", "'…'", reason)
            group = groups.setdefault((field_key.split("/")[0], template), {})
            group.setdefault(field_key, []).append(position + 1)
    for (top, template), fields in groups.items():
        rows = sorted({row for found in fields.values() for row in found})
        named = ", ".join(list(fields)[:3]) + (
            f" and {len(fields) - 3} more" if len(fields) > 3 else ""
        )
        warnings.warnings.append(
            FileWarning(
                "standard",
                top,
                f"{named}: {template} (the 360Giving standard)",
                len(rows),
                [(row, "") for row in rows[: WarningCollector.EXAMPLES]],
            )
        )


def parse_json(source: Source, config: Config) -> Parsed:
    """A 360Giving JSON package (or a bare ``{"grants": [...]}``)."""
    grants, package = read_package(source)
    raw = pd.DataFrame({ROW: range(1, len(grants) + 1)})
    rejects = RejectCollector(raw)
    warnings = WarningCollector(raw)
    objects = pd.Series([isinstance(g, dict) for g in grants], index=raw.index, dtype=bool)
    rejects.add(~objects, "grants", "is not a grant (a JSON object)")
    for position, grant in enumerate(grants):
        path, length = _longest_text(grant)
        if length > limits.MAX_FIELD_CHARS:
            rejects.add_row(raw.index[position], path, too_long(length, limits.MAX_FIELD_CHARS))
    canonical = canonical_frame([g if isinstance(g, dict) else {} for g in grants], raw.index)
    checks = GrantChecks(rejects.add, warnings, lambda key: key)
    signatures = pd.Series(
        [json.dumps(g, sort_keys=True, default=str) for g in grants], index=raw.index
    )
    kept, rejected = _read_grants(raw, canonical, signatures, checks, rejects, [])
    _standard_warnings(grants, warnings)
    records = rejects.records(raw_columns=[ROW])
    if not records.empty:
        records["raw"] = [
            json.dumps(clipped(grants[int(row) - 1]), ensure_ascii=False, default=str)
            for row in records["row_number"]
        ]
    publisher = package.get("publisher")
    meta = {
        "publisher/name": publisher.get("name") if isinstance(publisher, dict) else None,
        "license": package.get("license"),
    }
    return _parsed(
        "360giving-json",
        len(grants),
        kept,
        raw[ROW],
        money_read(canonical, rejected, "amountAwarded"),
        records,
        warnings.warnings,
        meta,
        config,
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
    warnings = WarningCollector(flat.raw)
    reject_bad_rows(flat.raw, rejects, warnings)

    def title(key: str) -> str:
        return title_of(flat, key)

    def standard(mask: pd.Series, key: str, wanted: str, values: pd.Series) -> None:
        warnings.add(mask, title(key), "standard", f"{wanted} (the 360Giving standard)", values)

    report_columns(flat, standard, REPAIRED_KEYS)
    for missing in missing_required_columns(flat):
        warnings.add_file(
            "missing-column",
            missing,
            f"the file has no '{missing}' column, which the 360Giving standard requires",
        )
    canonical = canonical_from_wide(flat.wide)
    checks = GrantChecks(
        lambda mask, key, reason: rejects.add(mask, title(key), reason),
        warnings,
        title,
        frozenset(flat.titles),
    )
    signatures = row_signatures(flat.raw.drop(columns=[ROW]))
    other_dates = [flat.wide[key] for key, found in flat.fields.items() if date_forms(found.schema)]
    kept, rejected = _read_grants(flat.raw, canonical, signatures, checks, rejects, other_dates)
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
        format_id,
        rows_read,
        kept,
        flat.raw[ROW],
        money_read(canonical, rejected, title("amountAwarded")),
        all_records,
        warnings.warnings,
        meta,
        config,
    )


def parse_csv(source: Source, config: Config) -> Parsed:
    """A 360Giving CSV file: one grants sheet, titles in the first row."""
    raw = read_grants_csv(source)
    if raw is None:
        raw = read_csv_frame(source, keep_ragged_rows=True)
    return _parse_flat("360giving-csv", map_columns(raw), config, {}, {})


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
