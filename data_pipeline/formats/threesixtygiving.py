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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from data_pipeline import limits
from data_pipeline.config import Config
from data_pipeline.distinct_values import per_distinct
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame, read_xlsx_frames
from data_pipeline.formats.base import (
    FileWarning,
    Format,
    Money,
    Parsed,
    ParseStream,
    RejectCollector,
    WarningCollector,
    clipped,
    quoted,
    reject_bad_rows,
    too_long,
)
from data_pipeline.formats.threesixtygiving_arrow import (
    raw_batches,
    strict_titles,
    strictly_readable,
)
from data_pipeline.formats.threesixtygiving_flat import (
    FlatGrants,
    canonical_dates,
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
    opens_grants_list,
    package_grants,
    package_outline,
    read_package,
)
from data_pipeline.formats.threesixtygiving_repair import (
    REPAIRED_KEYS,
    GrantChecks,
    date_evidence,
    money_read,
    repair_grants,
    row_signatures,
    separate_repeated_ids,
)
from data_pipeline.formats.threesixtygiving_schema import date_forms, field_for_title
from data_pipeline.formats.threesixtygiving_sheets import (
    TooLong,
    grants_sheet,
    note_cleaned,
    sheet_batches,
)
from data_pipeline.formats.threesixtygiving_stream import (
    REPEATED_ID_CHECK,
    MergedProblems,
    RepeatedIds,
)
from data_pipeline.formats.threesixtygiving_transform import (
    grants_frame,
    is_blank,
    last_given,
    organisations_frame,
    organisations_from,
    text,
)
from data_pipeline.transform import DateEvidence
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
    # Recipients recur grant after grant: each id is matched once (the pattern is Python's).
    internal, unusual = per_distinct(recipient, _recipient_id_kinds)
    checks.warn(
        unusual,
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


def _recipient_id_kinds(recipient: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Which recipient ids are the publisher's own 360G- ids, and which have no org-id.guide
    prefix."""
    internal = text(recipient).str.upper().str.startswith("360G-").fillna(False).astype(bool)
    unusual = ~is_blank(recipient) & ~internal & ~text(recipient).str.match(_ORG_ID).fillna(False)
    return internal, unusual.astype(bool)


Separate = Callable[[pd.DataFrame, GrantChecks, pd.Series], pd.DataFrame]
"""Separates lines sharing an id: (repaired grants, checks, rows eligible) -> grants."""


def _whole_file_separation(signatures: pd.Series, rows: pd.Series) -> Separate:
    def separate(repaired: pd.DataFrame, checks: GrantChecks, eligible: pd.Series) -> pd.DataFrame:
        return separate_repeated_ids(repaired, signatures, rows, checks, eligible)

    return separate


def _read_grants(
    canonical: pd.DataFrame,
    checks: GrantChecks,
    rejects: RejectCollector,
    extra_dates: list[pd.Series],
    separate: Separate,
    order: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """The grants to load (repaired, repeated ids separated) and the rejected-row mask."""
    repaired = repair_grants(canonical, checks, extra_dates, order)
    separated = separate(repaired, checks, ~rejects.rejected)
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
    if opens_grants_list(source):
        return True  # a package, without parsing the whole of a large file here
    try:
        document = source.json
        head = source.head[:4000].lstrip()
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


@dataclass
class _StandardGroup:
    fields: dict[str, None]
    rows: int = 0
    last_row: int = 0
    examples: list[int] | None = None


class _StandardProblems:
    """Every schema error of every grant, grouped by field and kind of error, as warnings:
    the report says what the standard would say, and the grants still load. Grants are added
    in the file's order, all at once or a batch at a time."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], _StandardGroup] = {}

    def add(self, position: int, grant: Any) -> None:
        if not isinstance(grant, dict):
            return
        row = position + 1
        for path, reason in grant_problems(grant):
            field_key = _json_path_template(path) or "grant"
            if field_key in REPAIRED_KEYS:
                continue
            template = re.sub(r"'[^']*'", "'…'", reason)
            group = self.groups.setdefault(
                (field_key.split("/")[0], template), _StandardGroup({}, examples=[])
            )
            group.fields.setdefault(field_key)
            if group.last_row != row:
                group.rows, group.last_row = group.rows + 1, row
                assert group.examples is not None
                if len(group.examples) < WarningCollector.EXAMPLES:
                    group.examples.append(row)

    def warnings(self) -> list[FileWarning]:
        found = []
        for (top, template), group in self.groups.items():
            fields = list(group.fields)
            named = ", ".join(fields[:3]) + (
                f" and {len(fields) - 3} more" if len(fields) > 3 else ""
            )
            found.append(
                FileWarning(
                    "standard",
                    top,
                    f"{named}: {template} (the 360Giving standard)",
                    group.rows,
                    [(row, "") for row in group.examples or []],
                )
            )
        return found


def _standard_warnings(grants: list[Any], warnings: WarningCollector) -> None:
    standard = _StandardProblems()
    for position, grant in enumerate(grants):
        standard.add(position, grant)
    warnings.warnings.extend(standard.warnings())


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
    separate = _whole_file_separation(signatures, raw[ROW])
    kept, rejected = _read_grants(canonical, checks, rejects, [], separate)
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


@dataclass
class _FlatChecks:
    """A grants sheet's canonical frame and where its checks' problems go."""

    canonical: pd.DataFrame
    checks: GrantChecks
    other_dates: list[pd.Series]


def _flat_checks(
    flat: FlatGrants, rejects: RejectCollector, warnings: WarningCollector
) -> _FlatChecks:
    """The checks every grants sheet (or batch of its rows) gets before its values are read."""
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
    checks = GrantChecks(
        lambda mask, key, reason: rejects.add(mask, title(key), reason),
        warnings,
        title,
        frozenset(flat.titles),
    )
    return _FlatChecks(canonical_from_wide(flat.wide), checks, _other_dates(flat))


def _other_dates(flat: FlatGrants) -> list[pd.Series]:
    return [flat.wide[key] for key, found in flat.fields.items() if date_forms(found.schema)]


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
    read = _flat_checks(flat, rejects, warnings)
    signatures = row_signatures(flat.raw.drop(columns=[ROW]))
    separate = _whole_file_separation(signatures, flat.raw[ROW])
    kept, rejected = _read_grants(read.canonical, read.checks, rejects, read.other_dates, separate)
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
        money_read(read.canonical, rejected, title_of(flat, "amountAwarded")),
        all_records,
        warnings.warnings,
        meta,
        config,
    )


ROWS_PER_BATCH = 25_000
"""Grants read, checked and handed to the loader at a time from a clean CSV."""


def stream_csv(source: Source, config: Config) -> ParseStream | None:
    """A clean 360Giving CSV (``threesixtygiving_arrow``), ``ROWS_PER_BATCH`` grants at a
    time, or None for a file the strict read cannot take (``parse_csv`` reads it whole). The
    file is read twice: once for what must be known before the first batch (whether it can be
    read strictly at all, and the order of its slash dates), then batch by batch."""
    titles = strict_titles(source)
    if titles is None:
        return None
    try:
        order, rows = _date_order_and_rows(source, titles)
    except (pa.ArrowInvalid, UnicodeError):
        return None
    if not rows:
        return None
    stream = _CsvStream(source, config, titles, order)
    return ParseStream("360giving-csv", fct_grants, stream.batches(), stream.finish, rows)


def _date_order_and_rows(source: Source, titles: list[str]) -> tuple[str, int]:
    """The order of the file's slash dates, from the date columns of every batch, and how
    many rows it has (blank ones too)."""
    evidence, rows = DateEvidence(), 0
    for frame in strictly_readable(source, titles, _dated(titles) or [0], 10 * ROWS_PER_BATCH):
        rows += len(frame)
        evidence = evidence | _flat_date_evidence(frame)
    return evidence.order(), rows


def _dated(titles: list[str]) -> list[int]:
    """The positions of the columns that can hold dates (the award and planned dates, and
    every field the standard gives a date form)."""
    found = [field_for_title(title) for title in titles]
    return [
        position
        for position, f in enumerate(found)
        if f is not None
        and (f.key == "awardDate" or f.key.startswith("plannedDates/") or date_forms(f.schema))
    ]


def _flat_date_evidence(frame: pd.DataFrame) -> DateEvidence:
    flat = map_columns(frame)
    return date_evidence(canonical_dates(flat.wide), _other_dates(flat))


class _GrantStream:
    """A 360Giving file read a batch at a time: each batch is checked and repaired as a whole
    file would be, and what crosses batches (problems, repeated ids, organisations, money,
    funders) is kept here until ``finish``."""

    def __init__(
        self, format_id: str, config: Config, order: str, meta: dict[str, Any] | None = None
    ) -> None:
        self.format_id, self.config, self.order = format_id, config, order
        self.meta = meta or {}
        self.problems = MergedProblems()
        self.repeated = RepeatedIds()
        self.organisations: pd.DataFrame | None = None
        self.funders: dict[str, None] = {}
        self.rows_read = 0
        self.money: Money | None = None
        self.pence = 0
        self.id_title = "id"

    def _handed_over(
        self,
        read: tuple[pd.DataFrame, pd.Series],
        canonical: pd.DataFrame,
        amount_title: str,
        rows: pd.Series,
        problems: tuple[RejectCollector, WarningCollector],
    ) -> pd.DataFrame:
        """One batch's grants (kept, and the rejected-row mask) as the loader takes them;
        what crosses batches is noted."""
        kept, rejected = read
        self.problems.add_batch(*problems)
        money = money_read(canonical, rejected, amount_title)
        self.money = money if self.money is None else _added(self.money, money)
        self.rows_read += len(rows)
        grants = grants_frame(kept, self.config)
        self.pence += int(grants["amount_awarded_pence"].fillna(0).sum())
        self.funders.update(dict.fromkeys(grants["funder_name"].dropna().unique().tolist()))
        self.organisations = last_given(kept, rows.reindex(kept.index), self.organisations)
        return grants

    def _rejects(self) -> pd.DataFrame:
        return self.problems.rejects()

    def _warnings(self) -> list[FileWarning]:
        return self.problems.warnings()

    def finish(self) -> Parsed:
        note = self.repeated.note(self.id_title)
        if note is not None:
            self.problems.place_warning(REPEATED_ID_CHECK, note)
        funders = list(self.funders)
        name = self.meta.get("publisher/name")
        publisher = name.strip() if isinstance(name, str) and name.strip() else None
        assert self.money is not None and self.organisations is not None
        return Parsed(
            format_id=self.format_id,
            rows_read=self.rows_read,
            primary=fct_grants,
            frames=[(dim_organisations, organisations_from(self.organisations, self.config))],
            rejects=self._rejects(),
            publisher=publisher or (funders[0] if len(funders) == 1 else None),
            licence=_licence(self.meta),
            warnings=self._warnings(),
            money=self.money,
            streamed_pence=self.pence,
        )


class _FlatStream(_GrantStream):
    """A grants sheet (a CSV, or a workbook's grants sheet) a batch of rows at a time.
    ``lines`` gives, for a batch's raw rows, the frame whose values tell exact repeats apart."""

    def __init__(
        self,
        format_id: str,
        config: Config,
        order: str,
        raws: Callable[[], Iterator[pd.DataFrame]],
        lines: Callable[[pd.DataFrame], pd.DataFrame] = lambda raw: raw,
        meta: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(format_id, config, order, meta)
        self.raws, self.lines = raws, lines

    def batches(self) -> Iterator[pd.DataFrame]:
        for raw in self.raws():
            yield self._batch(raw)

    def _batch(self, raw: pd.DataFrame) -> pd.DataFrame:
        flat = map_columns(raw)
        self.id_title = title_of(flat, "id")
        rejects = RejectCollector(flat.raw)
        warnings = WarningCollector(flat.raw)
        read = _flat_checks(flat, rejects, warnings)
        lines = self.lines(flat.raw)

        def separate(
            repaired: pd.DataFrame, checks: GrantChecks, eligible: pd.Series
        ) -> pd.DataFrame:
            return self.repeated.separate(repaired, lines, checks, eligible)

        kept = _read_grants(
            read.canonical, read.checks, rejects, read.other_dates, separate, self.order
        )
        amount = title_of(flat, "amountAwarded")
        return self._handed_over(kept, read.canonical, amount, flat.raw[ROW], (rejects, warnings))


class _CsvStream(_FlatStream):
    """One clean CSV read a batch at a time (``raw_batches``)."""

    def __init__(self, source: Source, config: Config, titles: list[str], order: str) -> None:
        def raws() -> Iterator[pd.DataFrame]:
            return raw_batches(source, titles, ROWS_PER_BATCH)

        super().__init__("360giving-csv", config, order, raws)


def _added(one: Money, other: Money) -> Money:
    return Money(
        column=one.column,
        loaded_field=one.loaded_field,
        read_pence=one.read_pence + other.read_pence,
        rejected_pence=one.rejected_pence + other.rejected_pence,
        unreadable_rows=one.unreadable_rows + other.unreadable_rows,
    )


def parse_csv_whole(source: Source, config: Config) -> Parsed:
    """A 360Giving CSV file read whole by the tolerant reader: what ``parse_csv`` does with a
    file the strict read cannot take."""
    raw = read_csv_frame(source, keep_ragged_rows=True)
    return _parse_flat("360giving-csv", map_columns(raw), config, {}, {})


def parse_csv(source: Source, config: Config) -> Parsed:
    """A 360Giving CSV file: one grants sheet, titles in the first row."""
    stream = stream_csv(source, config)
    if stream is None:
        return parse_csv_whole(source, config)
    grants = list(stream.batches)
    parsed = stream.finish()
    parsed.frames.append((fct_grants, pd.concat(grants)))
    parsed.streamed_pence = None
    return parsed


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


def stream_xlsx(source: Source, config: Config) -> ParseStream | None:
    """A 360Giving workbook whose other sheets add nothing to its grants (``grants_sheet``),
    ``ROWS_PER_BATCH`` grants at a time, or None for one ``parse_xlsx`` reads whole. The
    grants sheet is read twice: first its date columns (the order of its slash dates, its
    length, the cells cleaned), then batch by batch."""
    grants = grants_sheet(source)
    if grants is None:
        return None
    titles = grants.rows.titles
    evidence, rows = DateEvidence(), 0
    try:
        for frame in sheet_batches(
            source, grants, 10 * ROWS_PER_BATCH, _dated(titles) or [0], first=True
        ):
            rows += len(frame)
            evidence = evidence | _flat_date_evidence(frame)
    except TooLong:
        return None
    if not rows:
        return None
    note_cleaned(source, grants)

    def raws() -> Iterator[pd.DataFrame]:
        return sheet_batches(source, grants, ROWS_PER_BATCH)

    stream = _FlatStream(
        "360giving-xlsx", config, evidence.order(), raws, _sheet_lines, read_meta(source)
    )
    return ParseStream("360giving-xlsx", fct_grants, stream.batches(), stream.finish, rows)


def _sheet_lines(raw: pd.DataFrame) -> pd.DataFrame:
    """Each row's values as one text (a hash of their text, as ``row_signatures`` makes for a
    sheet of dates and numbers), so that a line is the same line in every batch."""
    values = raw.drop(columns=[ROW])
    line = pd.util.hash_pandas_object(values.astype("string"), index=False)
    return pd.DataFrame({ROW: raw[ROW], "line": line.astype(str)}, index=raw.index)


def _read_xlsx(source: Source, config: Config) -> Parsed:
    """A workbook read in batches where it can be, all batches at once."""
    stream = stream_xlsx(source, config)
    if stream is None:
        return parse_xlsx(source, config)
    return _all_batches(stream)


def _all_batches(stream: ParseStream) -> Parsed:
    grants = list(stream.batches)
    parsed = stream.finish()
    parsed.frames.append((fct_grants, pd.concat(grants)))
    parsed.streamed_pence = None
    return parsed


# ------------------------------------------------------------------------ JSON, in batches


def stream_json(source: Source, config: Config) -> ParseStream | None:
    """A 360Giving package read incrementally, ``ROWS_PER_BATCH`` grants at a time, or None
    for one ``parse_json`` reads whole (``package_outline``; or more than one grant with text
    too long to keep, whose rejects a batched read would order otherwise). The grants are
    read twice: first for the order of their slash dates, then batch by batch."""
    outline = package_outline(source)
    if outline is None or not outline.grants or outline.oversize_items > 1:
        return None
    evidence, start = DateEvidence(), 0
    for grants in package_grants(source, ROWS_PER_BATCH):
        index = pd.RangeIndex(start, start + len(grants))
        start += len(grants)
        evidence = evidence | date_evidence(canonical_frame(_objects(grants), index), [])
    publisher = outline.meta.get("publisher")
    meta = {
        "publisher/name": publisher.get("name") if isinstance(publisher, dict) else None,
        "license": outline.meta.get("license"),
    }
    stream = _JsonStream(source, config, evidence.order(), meta)
    return ParseStream("360giving-json", fct_grants, stream.batches(), stream.finish, start)


def _objects(grants: list[Any]) -> list[dict[str, Any]]:
    return [g if isinstance(g, dict) else {} for g in grants]


class _JsonStream(_GrantStream):
    """A package's grants a batch at a time: the checks of ``parse_json`` on each batch, the
    standard's warnings and the rejected grants' JSON kept until ``finish``."""

    def __init__(self, source: Source, config: Config, order: str, meta: dict[str, Any]) -> None:
        super().__init__("360giving-json", config, order, meta)
        self.source = source
        self.standard = _StandardProblems()
        self.rejected_json: dict[int, str] = {}

    def batches(self) -> Iterator[pd.DataFrame]:
        start = 0
        for grants in package_grants(self.source, ROWS_PER_BATCH):
            yield self._batch(grants, start)
            start += len(grants)

    def _batch(self, grants: list[Any], start: int) -> pd.DataFrame:
        index = pd.RangeIndex(start, start + len(grants))
        raw = pd.DataFrame({ROW: range(start + 1, start + len(grants) + 1)}, index=index)
        rejects = RejectCollector(raw)
        warnings = WarningCollector(raw)
        objects = pd.Series([isinstance(g, dict) for g in grants], index=index, dtype=bool)
        rejects.add(~objects, "grants", "is not a grant (a JSON object)")
        for position, grant in enumerate(grants):
            path, length = _longest_text(grant)
            if length > limits.MAX_FIELD_CHARS:
                rejects.add_row(index[position], path, too_long(length, limits.MAX_FIELD_CHARS))
        canonical = canonical_frame(_objects(grants), index)
        checks = GrantChecks(rejects.add, warnings, lambda key: key)
        signatures = [json.dumps(g, sort_keys=True, default=str) for g in grants]
        lines = pd.DataFrame({ROW: raw[ROW], "line": signatures}, index=index)

        def separate(
            repaired: pd.DataFrame, checks: GrantChecks, eligible: pd.Series
        ) -> pd.DataFrame:
            return self.repeated.separate(repaired, lines, checks, eligible)

        read = _read_grants(canonical, checks, rejects, [], separate, self.order)
        for position, grant in enumerate(grants):
            self.standard.add(start + position, grant)
        for rejected in np.flatnonzero(read[1].to_numpy()).tolist():
            self.rejected_json[start + rejected + 1] = json.dumps(
                clipped(grants[rejected]), ensure_ascii=False, default=str
            )
        return self._handed_over(read, canonical, "amountAwarded", raw[ROW], (rejects, warnings))

    def _rejects(self) -> pd.DataFrame:
        records = self.problems.rejects()
        if not records.empty:
            records["raw"] = [self.rejected_json[int(row)] for row in records["row_number"]]
        return records

    def _warnings(self) -> list[FileWarning]:
        return self.problems.warnings() + self.standard.warnings()


def _read_json(source: Source, config: Config) -> Parsed:
    """A package read in batches where it can be, all batches at once."""
    stream = stream_json(source, config)
    if stream is None:
        return parse_json(source, config)
    return _all_batches(stream)


FORMATS: list[Format] = [
    Format("360giving-json", "360Giving grants (JSON)", _sniff_json, parse_json, stream_json),
    Format("360giving-csv", "360Giving grants (CSV)", _sniff_csv, parse_csv, stream_csv),
    Format("360giving-xlsx", "360Giving grants (XLSX)", _sniff_xlsx, parse_xlsx, stream_xlsx),
]
