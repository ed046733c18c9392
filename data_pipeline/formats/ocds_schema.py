"""Validating OCDS 1.1 releases against the vendored 1.1.5 release schema, in plain English.

The schema is read from ``data_pipeline/schemas/ocds`` and registered under its own URL, so
nothing is ever fetched. Each problem is (JSON path inside the release, reason).

Tolerated error (not a reason to reject): ``null`` where the schema wants some other type, as
in ``"submissionMethod": [null]`` from Mexico's federal publisher. Real publishers write
``null`` for "no value" all the time; OCDS's own merge rules read ``null`` as "remove this
field", and the pipeline reads it as a missing value, so the stored columns come out exactly as
the publisher meant. The exception is the identifying fields (ocid, release id and date, award
and contract ids): a release without them cannot be placed, so a ``null`` there is rejected.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "ocds"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
MAX_PROBLEMS_PER_RELEASE = 10

_IDENTIFYING = re.compile(r"^(ocid|id|date|tag(/\d+)?|awards/\d+/id|contracts/\d+/(id|awardID))$")
_REQUIRED = re.compile(r"^'(?P<name>.+)' is a required property$")
_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema shipped with the project."""
    schema: dict[str, Any] = json.loads(
        (SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8")
    )
    return schema


@cache
def release_validator() -> Draft4Validator:
    """A Draft 4 validator whose only registry entry is the local release schema."""
    schema = release_schema()
    resource = Resource.from_contents(schema, default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource(RELEASE_SCHEMA_URL, resource)
    return Draft4Validator(schema, registry=registry)


def release_problems(release: object, prefix: str = "") -> list[tuple[str, str]]:
    """Schema problems of one release as (path, reason), tolerated errors left out.

    ``prefix`` is put before every path (``compiledRelease/`` for a record's release).
    """
    errors = sorted(
        release_validator().iter_errors(release),
        key=lambda e: ([str(p) for p in e.absolute_path], e.message),
    )
    problems: list[tuple[str, str]] = []
    for error in errors:
        path = "/".join(str(part) for part in error.absolute_path)
        if _is_tolerated(error, path):
            continue
        field, reason = _describe(error, path)
        problems.append((prefix + field if field else prefix.rstrip("/"), reason))
    if len(problems) > MAX_PROBLEMS_PER_RELEASE:
        extra = len(problems) - MAX_PROBLEMS_PER_RELEASE + 1
        problems = [
            *problems[: MAX_PROBLEMS_PER_RELEASE - 1],
            (prefix.rstrip("/"), f"and {extra} more schema problems"),
        ]
    return problems


def _is_tolerated(error: ValidationError, path: str) -> bool:
    return error.validator == "type" and error.instance is None and not _IDENTIFYING.match(path)


def _describe(error: ValidationError, path: str) -> tuple[str, str]:
    if error.validator == "required":
        match = _REQUIRED.match(error.message)
        name = match.group("name") if match else "a field"
        return (f"{path}/{name}" if path else name), "is required but missing"
    if error.validator == "type":
        expected: Any = error.validator_value
        wanted = [expected] if isinstance(expected, str) else list(expected)
        plain = " or ".join(_TYPE_NAMES.get(str(kind), str(kind)) for kind in wanted if kind)
        return path, f"must be {plain} but is {_plain_value(error.instance)}"
    if error.validator == "enum":
        allowed: Any = error.validator_value
        codes = [str(code) for code in allowed if code is not None]
        shown = _short(error.instance)
        if len(codes) <= 10:
            return path, f"{shown} is not one of: {', '.join(codes)}"
        return path, f"{shown} is not one of the {len(codes)} codes the standard allows"
    message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return path, message


def _plain_value(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {_short(value)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return "null"


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"
