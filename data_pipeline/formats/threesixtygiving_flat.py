"""360Giving spreadsheets (CSV and XLSX): titles to fields, one-to-many sheets, column checks.

Column titles match the standard's titles ignoring case and spaces, as flattentool matches
them; numbered titles (``Classifications:1:Code``) address later items. Columns that match
nothing are extra columns and pass through unused. Every check is column-wise and derived from
the vendored schema: the required fields, enums, numbers and dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source
from data_pipeline.formats.threesixtygiving_schema import (
    Field,
    date_forms,
    describe_date_forms,
    enum_values,
    field_for_key,
    field_for_title,
    package_field_for_title,
    required_rules,
    types_of,
)
from data_pipeline.formats.threesixtygiving_transform import (
    CANONICAL_COLUMNS,
    FIRST_ITEM_FIELDS,
    INDIVIDUAL,
    LIST_ARRAYS,
    LIST_ITEM_FIELDS,
    SCALARS,
    is_blank,
    joined_lists,
    parse_event_dates,
    text,
)
from data_pipeline.transform import parse_dates, parse_datetimes, parse_number

CORE_FIELDS = {"id", "amountAwarded", "awardDate"}


def mapped_keys(titles: Iterable[str]) -> list[str | None]:
    """The field key each title names, or None."""
    found = [field_for_title(title) for title in titles]
    return [f.key if f is not None else None for f in found]


def looks_like_grants(titles: list[str]) -> bool:
    """Titles of a 360Giving grants sheet: Identifier, Amount Awarded and Award Date with
    Title or Currency; or (for small or broken files) at least two titles, all of them the
    standard's."""
    keys = mapped_keys(titles)
    found = {k for k in keys if k}
    if found >= CORE_FIELDS and found & {"title", "currency"}:
        return True
    return len(keys) >= 2 and all(keys)


@dataclass
class FlatGrants:
    """The grants sheet (or CSV) with its columns mapped to field keys."""

    raw: pd.DataFrame
    wide: pd.DataFrame
    titles: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)


def cell_text(value: Any) -> Any:
    """A spreadsheet cell as the text a CSV would hold; dates stay dates for the date parsers.
    Whole numbers lose the ``.0`` (charity numbers, amounts) as flattentool's do."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def map_columns(raw: pd.DataFrame, sheet: str | None = None) -> FlatGrants:
    """One column per field key; where two columns name the same field, the first filled
    value wins."""
    flat = FlatGrants(raw=raw, wide=pd.DataFrame(index=raw.index))
    for title in (c for c in raw.columns if c != ROW):
        found = field_for_title(title)
        if found is None:
            continue
        values = raw[title]
        if found.key in flat.wide:
            current = flat.wide[found.key]
            flat.wide[found.key] = current.where(~is_blank(current), values)
            continue
        flat.wide[found.key] = values
        flat.titles[found.key] = title if sheet is None else f"{title} (sheet {sheet})"
        flat.fields[found.key] = found
    return flat


@dataclass
class Orphans:
    """Rows of a one-to-many sheet whose Identifier is not a grant of the grants sheet."""

    sheet: str
    raw: pd.DataFrame
    mask: pd.Series
    ids: pd.Series


def merge_item_sheet(main: FlatGrants, sheet: str, raw: pd.DataFrame) -> Orphans | None:
    """Add the items of a one-to-many sheet (keyed by Identifier) after the grant's own items,
    as flattentool appends them. Sheets about organisations' locations are not used."""
    sub = map_columns(raw, sheet)
    if "id" not in sub.wide:
        return None
    item_keys = [k for k, f in sub.fields.items() if f.array is not None and len(f.path) == 3]
    if not item_keys or any(len(f.path) > 3 for f in sub.fields.values()):
        return None
    ids = text(sub.wide["id"])
    position = pd.Series(main.raw.index, index=text(main.wide["id"])).groupby(level=0).first()
    target = ids.map(position)
    orphans = target.isna()
    for array in dict.fromkeys(str(sub.fields[k].array) for k in item_keys):
        keys = [k for k in item_keys if sub.fields[k].array == array]
        filled = ~pd.concat([is_blank(sub.wide[k]) for k in keys], axis=1).all(axis=1) & ~orphans
        taken = [f.index for f in main.fields.values() if f.array == array and f.index is not None]
        start = max(taken, default=-1) + 1
        number = ids[filled].groupby(ids[filled]).cumcount() + start
        for n in sorted(number.unique()):
            chosen = number.index[number == n]
            for key in keys:
                name = str(sub.fields[key].path[2])
                new_key = f"{array}/{n}/{name}"
                if new_key not in main.wide:
                    main.wide[new_key] = pd.Series(pd.NA, index=main.raw.index, dtype=object)
                    main.titles[new_key] = sub.titles[key]
                    main.fields[new_key] = field_for_key(new_key)
                main.wide.loc[target[chosen].astype(int).to_numpy(), new_key] = sub.wide.loc[
                    chosen, key
                ].to_numpy()
    if not orphans.any():
        return None
    return Orphans(sheet, raw, orphans, ids)


def _enum_check(flat: FlatGrants, key: str, allowed: tuple[str, ...], warn: Warn) -> None:
    values = flat.wide[key]
    canonical = {value.upper(): value for value in allowed}
    upper = text(values).str.upper()
    known = upper.isin(canonical).fillna(False).astype(bool)
    listed = (
        f"one of: {', '.join(allowed)}"
        if len(allowed) <= 10
        else "a code the 360Giving standard allows"
    )
    warn(~is_blank(values) & ~known, key, f"values that are not {listed}", values)
    # Case is not worth a warning: "gbp" is GBP, "yes" is Yes.
    flat.wide[key] = upper.map(canonical).astype(object).where(known, values)


Warn = Callable[[pd.Series, str, str, pd.Series], None]
"""warn(mask, key, what the standard wants, values): a value the standard would not accept."""


def report_columns(flat: FlatGrants, warn: Warn, skip: frozenset[str]) -> None:
    """Each mapped column against its field's schema (groups given as one cell, enums, dates
    and numbers), as warnings: the standard's own checks are reported, never a reason to
    reject. ``skip`` are the fields the tolerant readers repair and report themselves."""
    for key, found in list(flat.fields.items()):
        if key in skip:
            continue
        values = flat.wide[key]
        filled = ~is_blank(values)
        if found.is_group:
            warn(filled, key, "a group of fields given in one cell (not used)", values)
            continue
        allowed, forms = enum_values(found.schema), date_forms(found.schema)
        if allowed:
            _enum_check(flat, key, allowed, warn)
        elif forms:
            if "partial" in forms:
                parsed, _ = parse_event_dates(values, end=False)
            elif "date" in forms:
                parsed, _ = parse_dates(values)
            else:
                parsed, _ = parse_datetimes(values)
            warn(
                parsed.isna() & filled,
                key,
                f"values that are not {describe_date_forms(forms)}",
                values,
            )
        elif "number" in types_of(found.schema):
            number, _ = parse_number(values)
            warn(number.isna() & filled, key, "values that are not numbers", values)


def title_of(flat: FlatGrants, key: str) -> str:
    """The file's own title for a field, or the standard's when the file has no such column."""
    return flat.titles.get(key) or field_for_key(key).title


def missing_required_columns(flat: FlatGrants) -> list[str]:
    """The standard's titles of the required fields the file has no column for (older files
    and conversions often lack ``Description`` or ``Recipient Org:Identifier``)."""
    rules = required_rules()
    keys = [*rules.always, *rules.exactly_one_of[0]]
    has_individuals = any(k in flat.titles for g in rules.exactly_one_of[1:] for k in g)
    return [
        title_of(flat, key)
        for key in keys
        if key not in flat.titles and not (has_individuals and key in rules.exactly_one_of[0])
    ]


def _item_numbers(wide: pd.DataFrame, array: str) -> list[int]:
    numbers = {
        int(c.split("/")[1])
        for c in wide.columns
        if c.startswith(f"{array}/") and c.count("/") >= 2
    }
    return sorted(numbers)


def canonical_from_wide(wide: pd.DataFrame) -> pd.DataFrame:
    """The canonical grant frame: an array's first item is its first item with any value (an
    all-blank item does not exist, as in flattentool's output)."""
    blank = pd.Series(pd.NA, index=wide.index, dtype=object)
    columns = {key: wide.get(key, blank) for key in (*SCALARS, *INDIVIDUAL)}
    for array, names in FIRST_ITEM_FIELDS.items():
        columns.update(_first_items(wide, array, names, blank))
    items = {
        array: [
            {
                name: wide[f"{array}/{n}/{name}"]
                for name in LIST_ITEM_FIELDS
                if f"{array}/{n}/{name}" in wide
            }
            for n in _item_numbers(wide, array)
        ]
        for array in LIST_ARRAYS
    }
    columns.update(joined_lists(items, wide.index))
    return pd.DataFrame({key: columns[key] for key in CANONICAL_COLUMNS}, index=wide.index)


def canonical_dates(wide: pd.DataFrame) -> pd.DataFrame:
    """The award and planned dates of ``canonical_from_wide(wide)``, alone: what the order of
    a file's slash dates is read from, without the rest of the canonical frame."""
    blank = pd.Series(pd.NA, index=wide.index, dtype=object)
    columns = {"awardDate": wide.get("awardDate", blank)}
    columns.update(_first_items(wide, "plannedDates", FIRST_ITEM_FIELDS["plannedDates"], blank))
    return pd.DataFrame(columns, index=wide.index)


def _first_items(
    wide: pd.DataFrame, array: str, names: tuple[str, ...], blank: pd.Series
) -> dict[str, pd.Series]:
    """The canonical columns of an array's first item with any value (``canonical_from_wide``)."""
    values = dict.fromkeys(names, blank)
    for n in reversed(_item_numbers(wide, array)):
        own = [c for c in wide.columns if c.startswith(f"{array}/{n}/")]
        present = ~pd.concat([is_blank(wide[c]) for c in own], axis=1).all(axis=1)
        # Nearly always every grant has the item: then it is the first, and ``where`` (which
        # would keep each column as it is) is not paid for column by column.
        every = bool(present.all())
        for name in names:
            given = wide.get(f"{array}/{n}/{name}", blank)
            values[name] = given if every else given.where(present, values[name])
    return {f"{array}/0/{name}": value for name, value in values.items()}


def main_sheet(frames: dict[str, pd.DataFrame], file_name: str) -> str:
    """The grants sheet: named ``grants``, else the first that looks like one, else the first
    with an Identifier column."""
    names = [name for name in frames if name.strip().lower() != "meta"]
    for name in names:
        if name.strip().lower() == "grants":
            return name
    for name in names:
        if looks_like_grants([c for c in frames[name].columns if c != ROW]):
            return name
    for name in names:
        if "id" in mapped_keys(frames[name].columns):
            return name
    raise FileRejected(
        file_name, "has no grants sheet (a sheet named 'grants' or with an Identifier column)"
    )


def read_meta(source: Source) -> dict[str, Any]:
    """The package metadata of a ``Meta`` sheet: titles down column A, values in column B."""
    book = source.workbook(data_only=True)
    try:
        sheet = next((s for s in book.worksheets if s.title.strip().lower() == "meta"), None)
        if sheet is None:
            return {}
        meta: dict[str, Any] = {}
        for row in sheet.iter_rows(values_only=True):
            if len(row) < 2 or row[0] is None or row[1] in (None, ""):
                continue
            key = package_field_for_title(str(row[0]))
            if key is not None:
                meta.setdefault(key, row[1])
        return meta
    finally:
        book.close()
