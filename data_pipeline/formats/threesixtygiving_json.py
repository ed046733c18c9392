"""360Giving JSON: read the package, validate each grant with the official schema, and build
the canonical grant frame from the valid ones.

Schema errors become plain reasons on the JSON path of the field, e.g. ``awardDate:
'24/07/2014' is not YYYY-MM-DD or a date-time ...`` or ``recipientOrganization/0/id: is
required but missing``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson
import pandas as pd
from jsonschema.exceptions import ValidationError

from data_pipeline import limits
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source
from data_pipeline.formats.threesixtygiving_schema import (
    date_forms,
    describe_date_forms,
    grant_validator,
)
from data_pipeline.formats.threesixtygiving_transform import (
    FIRST_ITEM_FIELDS,
    INDIVIDUAL,
    LIST_ARRAYS,
    LIST_ITEM_FIELDS,
    SCALARS,
    joined_lists,
)

Problem = tuple[str | None, str]


def read_package(source: Source) -> tuple[list[Any], dict[str, Any]]:
    """The grants list and the package metadata; a file that is not JSON or has no grants
    list is rejected whole."""
    document = source.json_or_reject()
    if not isinstance(document, dict) or not isinstance(document.get("grants"), list):
        raise FileRejected(source.name, 'is not a 360Giving package: it has no "grants" list')
    return document["grants"], {k: v for k, v in document.items() if k != "grants"}


def _show(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + shown[:60] + "'"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {_show(value)}"
    return "a list" if isinstance(value, list) else "an object"


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "an object",
    "boolean": "true or false",
    "null": "null",
}


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _recipient_problems(path: str, instance: Any, options: list[dict[str, Any]]) -> list[Problem]:
    """The top-level oneOf: the same required list with either a recipient organisation or a
    recipient individual."""
    if not isinstance(instance, dict):
        return []
    groups = [list(option["required"]) for option in options]
    common = [name for name in groups[0] if all(name in g for g in groups)]
    exclusive = [[name for name in g if name not in common] for g in groups]
    given = [g for g in exclusive if any(name in instance for name in g)]
    names = [" and ".join(g) for g in exclusive]
    problems: list[Problem] = [
        (_join(path, name), "is required but missing") for name in common if name not in instance
    ]
    if len(given) > 1:
        problems.append(
            (
                _join(path, given[1][0]),
                f"a grant has one recipient: give {', or '.join(names)}, not both",
            )
        )
    elif not given:
        others = " or ".join(names[1:])
        problems.append((_join(path, exclusive[0][0]), f"is required but missing (or {others})"))
    else:
        problems.extend(
            (_join(path, name), "is required but missing")
            for name in given[0]
            if name not in instance
        )
    return problems


def explain_error(error: ValidationError) -> list[Problem]:
    """A schema error as (JSON path, plain reason) pairs; some errors explain into several
    (each missing field) and some into none (one already said by another error)."""
    path = "/".join(str(part) for part in error.absolute_path)
    field = path or None
    kind, instance = error.validator, error.instance
    value: Any = error.validator_value
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [(_join(path, name), "is required but missing") for name in missing]
    if kind == "oneOf":
        if all(set(option) == {"required"} for option in value):
            return _recipient_problems(path, instance, value)
        forms = date_forms(error.schema if isinstance(error.schema, dict) else {})
        if forms:
            # A value that is not text is already reported by its type error.
            return (
                [(field, f"{_show(instance)} is not {describe_date_forms(forms)}")]
                if isinstance(instance, str)
                else []
            )
    if kind == "type":
        allowed = [value] if isinstance(value, str) else list(value)
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in allowed)
        return [(field, f"must be {wanted}, not {_describe(instance)}")]
    if kind == "enum":
        if not isinstance(instance, str):
            return []  # already reported by its type error
        codes = [v for v in value if v is not None]
        listed = (
            f"one of: {', '.join(codes)}"
            if len(codes) <= 10
            else "a code the 360Giving standard allows"
        )
        return [(field, f"{_show(instance)} is not {listed}")]
    if kind == "format":
        wanted = describe_date_forms(("date-time",)) if value == "date-time" else f"a valid {value}"
        return [(field, f"{_show(instance)} is not {wanted}")]
    if kind == "minItems":
        return [(field, "must not be empty" if value == 1 else f"must have at least {value} items")]
    if kind == "minimum":
        return [(field, f"must be at least {value}, not {instance}")]
    if kind == "pattern":
        return [(field, f"{_show(instance)} does not have the expected form ({value})")]
    return [(field, error.message)]


def grant_problems(grant: Any) -> list[Problem]:
    """Every schema error of one grant as (JSON path, plain reason); [] when it is valid."""
    validator = grant_validator()
    if validator.is_valid(grant):
        return []
    errors = sorted(
        validator.iter_errors(grant),
        key=lambda e: ([str(p) for p in e.absolute_path], str(e.validator)),
    )
    problems: list[Problem] = []
    for error in errors:
        for problem in explain_error(error):
            if problem not in problems:
                problems.append(problem)
    return problems


def _items(grant: dict[str, Any], array: str) -> list[dict[str, Any]]:
    value = grant.get(array)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _first(grants: list[dict[str, Any]], array: str, name: str) -> Iterator[Any]:
    for grant in grants:
        items = _items(grant, array)
        yield items[0].get(name) if items else None


def canonical_frame(grants: list[dict[str, Any]], index: pd.Index) -> pd.DataFrame:
    """The canonical grant frame of (schema-valid) grants, column by column."""
    columns: dict[str, pd.Series] = {
        key: pd.Series([g.get(key) for g in grants], index=index, dtype=object) for key in SCALARS
    }
    for array, names in FIRST_ITEM_FIELDS.items():
        for name in names:
            columns[f"{array}/0/{name}"] = pd.Series(
                list(_first(grants, array, name)), index=index, dtype=object
            )
    for key in INDIVIDUAL:
        holder, name = key.split("/")
        columns[key] = pd.Series(
            [g[holder].get(name) if isinstance(g.get(holder), dict) else None for g in grants],
            index=index,
            dtype=object,
        )
    items: dict[str, list[dict[str, pd.Series]]] = {}
    for array in LIST_ARRAYS:
        lists = [_items(g, array) for g in grants]
        longest = max((len(found) for found in lists), default=0)
        items[array] = [
            {
                name: pd.Series(
                    [found[n].get(name) if n < len(found) else None for found in lists],
                    index=index,
                    dtype=object,
                )
                for name in LIST_ITEM_FIELDS
            }
            for n in range(longest)
        ]
    columns.update(joined_lists(items, index))
    return pd.DataFrame(columns, index=index)


# ------------------------------------------------------------------- a package read in parts

_BOMS = (b"\xef\xbb\xbf", "ï»¿".encode(), b"\xef\xbb\xbf")
# What ``Source.text`` removes or the incremental parser reads otherwise than ``json.loads``:
# control characters (raw, or escaped as \u0000 …) and a lone surrogate (ijson gives "?").
_UNFAITHFUL = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"
    rb"|\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])"
    rb"|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_OVERLAP = 16


def _package_bytes(source: Source) -> BinaryIO:
    """The document's bytes (a UTF-8 file), less the byte-order marks ``Source.text`` drops."""
    stream: BinaryIO = source.path.open("rb") if source.on_disk else io.BytesIO(source.content)
    head = stream.read(16)
    body = head
    for mark in _BOMS:
        body = body.removeprefix(mark)
    stream.seek(len(head) - len(body))
    return stream


def _faithful_bytes(source: Source) -> bool:
    """True when the incremental parser reads the file's strings as ``Source.json`` does."""
    tail = b""
    for chunk in source.chunks():
        window = tail + bytes(chunk)
        if _UNFAITHFUL.search(window):
            return False
        tail = window[-_OVERLAP:]
    return True


@dataclass
class PackageOutline:
    """What is known of a package before its grants are read: its metadata, how many items
    its ``grants`` list has, and the items that hold text too long to keep."""

    meta: dict[str, Any]
    grants: int
    oversize_items: int


def package_outline(source: Source) -> PackageOutline | None:
    """One pass over the document's events (the grants are not built), or None when it cannot
    be read a part at a time exactly as ``read_package`` reads it whole: not UTF-8, text the
    whole read cleans, not a package with one ``grants`` list, or not JSON at all (``parse_json``
    then says what is wrong)."""
    try:
        if source.encoding != "utf-8-sig" or not _faithful_bytes(source):
            return None
        meta: dict[str, Any] = {}
        keys: list[str] = []
        grants = oversize_items = 0
        last_oversize = -1
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        with _package_bytes(source) as stream:
            events = ijson.parse(stream, use_float=True)
            if next(events)[:2] != ("", "start_map"):
                return None
            for prefix, event, value in events:
                if builder is not None:  # a value of the metadata
                    builder.event(event, value)
                    depth += (event in ("start_map", "start_array")) - (
                        event in ("end_map", "end_array")
                    )
                    if depth == 0:
                        meta[keys[-1]], builder = builder.value, None
                elif prefix == "grants.item":
                    grants += event not in ("end_map", "end_array", "map_key")
                elif prefix.startswith("grants.item."):
                    if event == "string" and len(value) > limits.MAX_FIELD_CHARS:
                        oversize_items += last_oversize != grants
                        last_oversize = grants
                elif prefix == "grants":
                    if event not in ("start_array", "end_array"):
                        return None  # not a list: read whole, and rejected
                elif prefix == "" and event == "map_key":
                    keys.append(value)
                    if value != "grants":
                        builder = ijson.ObjectBuilder()
        if keys.count("grants") != 1:
            return None
        return PackageOutline(meta, grants, oversize_items)
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeError, ValueError):
        return None


def package_grants(source: Source, size: int) -> Iterator[list[Any]]:
    """The package's grants, ``size`` at a time (``package_outline`` first said it can)."""
    with _package_bytes(source) as stream:
        batch: list[Any] = []
        for grant in ijson.items(stream, "grants.item", use_float=True):
            batch.append(grant)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


def opens_grants_list(source: Source, size: int = 1 << 17) -> bool:
    """True when the document's first ``size`` bytes show a JSON object whose ``grants`` key
    opens a list: a package, known without reading the rest (which ``Source.json`` would)."""
    head = source.start(size + 16)
    for mark in _BOMS:
        head = head.removeprefix(mark)
    try:
        events = ijson.parse(io.BytesIO(head[:size]))
        if next(events)[:2] != ("", "start_map"):
            return False
        for prefix, event, value in events:
            if (prefix, event, value) == ("", "map_key", "grants"):
                return bool(next(events)[:2] == ("grants", "start_array"))
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeError, ValueError, StopIteration):
        return False
    return False
