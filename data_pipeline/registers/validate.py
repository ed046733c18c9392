"""Column-by-column checks of a register file against its definition in ``spec``.

Rule: pure functions of frames. Each check turns one raw column into parsed values and adds
the rows it cannot accept to a ``RejectCollector``, with the reason in plain English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from data_pipeline.extract import ROW
from data_pipeline.formats.base import RejectCollector, quoted
from data_pipeline.registers.spec import Field, Register
from data_pipeline.transform import (
    blank_mask,
    clean_text,
    normalise_title,
    parse_bool,
    parse_dates,
    parse_money_pence,
    parse_number,
    split_list,
)

Values = dict[str, pd.Series]

URL = r"https?://[^\s/]+\S*"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
QUARTER = r"\d{4}-Q[1-4]"


def column_key(title: str) -> str:
    """A column title as the loader matches it: case, spaces, ``_`` and ``-`` ignored."""
    return re.sub(r"[_\-]+", "", normalise_title(title))


def matched_columns(register: Register, titles: Iterable[str]) -> dict[str, str]:
    """File title -> register column name, for the titles that name a register column."""
    by_key = {column_key(name): name for name in register.columns}
    matched: dict[str, str] = {}
    for title in titles:
        name = by_key.get(column_key(str(title)))
        if name is not None and name not in matched.values():
            matched[str(title)] = name
    return matched


def missing_required(register: Register, titles: Iterable[str]) -> list[str]:
    """Required columns of ``register`` that ``titles`` lack, in template order."""
    present = set(matched_columns(register, titles).values())
    return [name for name in register.required if name not in present]


def refused_titles(register: Register, titles: Iterable[str]) -> list[str]:
    """Titles the register refuses (columns that identify individuals)."""
    return [str(t) for t in titles if column_key(str(t)) in register.refused_columns]


def conform(frame: pd.DataFrame, register: Register) -> pd.DataFrame:
    """The register's columns, renamed from the file's titles, blank where the file lacks one.

    Columns the register does not define are left out: they are never stored.
    """
    matched = matched_columns(register, [c for c in frame.columns if c != ROW])
    renamed = frame.rename(columns=matched)
    out = pd.DataFrame(index=frame.index)
    for name in register.columns:
        out[name] = renamed[name] if name in renamed.columns else ""
    out[ROW] = frame[ROW]
    return out


def validate(frame: pd.DataFrame, register: Register, rejects: RejectCollector) -> Values:
    """Parse every column of a conformed frame; reject what does not fit the definition."""
    values: Values = {}
    for field in register.fields:
        raw = frame[field.name]
        values[field.name] = _check(field, raw, rejects)
        if field.required:
            parsed = values[field.name]
            empty = parsed.str.len().eq(0) if field.kind == "list" else blank_mask(raw)
            rejects.add(empty, field.name, "is required but blank")
    _check_duplicate_keys(frame, register, values, rejects)
    return values


def _check(field: Field, raw: pd.Series, rejects: RejectCollector) -> pd.Series:
    name = field.name
    if field.kind == "list":
        return _check_list(field, raw, rejects)
    if field.kind == "date":
        dates, invalid = parse_dates(raw)
        rejects.add(invalid, name, quoted(raw) + " is not a date (use YYYY-MM-DD)")
        return dates
    if field.kind == "money":
        pence, invalid = parse_money_pence(raw)
        rejects.add(invalid, name, quoted(raw) + " is not an amount in pounds (e.g. 12500.00)")
        rejects.add(pence.lt(0).fillna(False), name, quoted(raw) + " must not be negative")
        return pence
    if field.kind in ("integer", "number", "percent"):
        return _check_number(field, raw, rejects)
    if field.kind == "bool":
        flags, invalid = parse_bool(raw)
        rejects.add(invalid, name, quoted(raw) + " is not yes or no")
        return flags
    text = clean_text(raw)
    if field.kind == "vocabulary":
        text = text.str.lower()
        bad = text.notna() & ~text.isin(field.vocabulary)
        rejects.add(bad, name, quoted(raw) + " is not one of " + ", ".join(field.vocabulary))
        return text
    if field.kind in ("currency", "quarter"):
        text = text.str.upper()
    pattern, hint = _pattern(field)
    if pattern is not None:
        bad = text.notna() & ~text.str.fullmatch(pattern).fillna(False).astype(bool)
        rejects.add(bad, name, quoted(raw) + f" is not {hint}")
    if field.max_length is not None:
        long = text.str.len().gt(field.max_length).fillna(False).astype(bool)
        rejects.add(long, name, quoted(raw) + f" is longer than {field.max_length} characters")
    return text


def _pattern(field: Field) -> tuple[str | None, str]:
    if field.kind == "url":
        return URL, "a web address starting http:// or https://"
    if field.kind == "email":
        return EMAIL, "an email address"
    if field.kind == "currency":
        return r"[A-Z]{3}", "a three-letter currency code (e.g. GBP)"
    if field.kind == "quarter":
        return QUARTER, "a quarter written YYYY-Qn (e.g. 2024-Q3)"
    return field.pattern, field.pattern_hint


def _check_number(field: Field, raw: pd.Series, rejects: RejectCollector) -> pd.Series:
    text = raw.astype("string")
    if field.kind == "percent":
        text = text.str.strip().str.removesuffix("%")
    number, invalid = parse_number(text)
    negative = number.lt(0).fillna(False).astype(bool)
    if field.kind == "number":
        rejects.add(invalid | negative, field.name, quoted(raw) + " is not a number of 0 or more")
        return number
    fraction = number.mod(1).ne(0).fillna(False).astype(bool)
    if field.kind == "percent":
        over = number.gt(100).fillna(False).astype(bool)
        bad = invalid | negative | fraction | over
        rejects.add(bad, field.name, quoted(raw) + " is not a whole number from 0 to 100")
    else:
        bad = invalid | negative | fraction
        rejects.add(bad, field.name, quoted(raw) + " is not a whole number of 0 or more")
    return number.where(~bad).round().astype("Int64")


def _check_list(field: Field, raw: pd.Series, rejects: RejectCollector) -> pd.Series:
    lists = split_list(clean_text(raw))
    items = lists.explode().dropna().astype("string")
    if items.empty:
        return lists
    problems: list[pd.Series] = []
    if field.pattern is not None:
        bad = ~items.str.fullmatch(field.pattern).fillna(False).astype(bool)
        problems.append(quoted(items[bad]) + f" is not {field.pattern_hint}")
    if field.max_length is not None:
        long = items.str.len().gt(field.max_length).fillna(False).astype(bool)
        problems.append(quoted(items[long]) + f" is longer than {field.max_length} characters")
    if problems:
        first = pd.concat(problems)
        first = first[~first.index.duplicated()].sort_index()
        rejects.add(pd.Series(True, index=first.index), field.name, first)
    return lists


def _check_duplicate_keys(
    frame: pd.DataFrame, register: Register, values: Values, rejects: RejectCollector
) -> None:
    """Keep the first row of each key; reject later ones, naming the row that came first."""
    keys = pd.DataFrame({name: values[name].astype("string") for name in register.key})
    complete = keys.notna().all(axis=1)
    keys = keys[complete]
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return
    first_row = (
        frame.loc[keys.index, ROW].groupby([keys[c] for c in keys.columns]).transform("first")
    )
    shown = keys.astype(str).agg(", ".join, axis=1)
    field_name = ", ".join(register.key)
    reason = (
        "'" + shown + "' was already given on row " + first_row.astype(str) + "; the first is kept"
    )
    rejects.add(repeated, field_name, reason)
