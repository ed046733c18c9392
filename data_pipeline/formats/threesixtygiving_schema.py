"""The vendored 360Giving 1.4.3 schemas, and every rule the loader derives from them.

Rule: the schema is the single source of truth. Column titles, required fields, enums, number
and date fields all come from ``360-giving-schema.json``; nothing here is a hand-copied list.
Nothing is fetched at run time: the package schema's ``$ref`` (which still names the 1.4.2
address) resolves to the vendored grant schema through a local registry.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from data_pipeline.transform import normalise_title

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "360giving"
_RAW = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard"
GRANT_SCHEMA_URLS = tuple(f"{_RAW}/{v}/schema/360-giving-schema.json" for v in ("1.4.2", "1.4.3"))
PACKAGE_SCHEMA_URLS = tuple(
    f"{_RAW}/{v}/schema/360-giving-package-schema.json" for v in ("1.4.2", "1.4.3")
)

Schema = dict[str, Any]
Path_ = tuple[str | int, ...]


def _read(name: str) -> Schema:
    data: Schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


@cache
def grant_schema() -> Schema:
    """The 360Giving grant schema (one grant)."""
    return _read("360-giving-schema.json")


@cache
def package_schema() -> Schema:
    """The 360Giving package schema (``{"grants": [...], metadata}``)."""
    return _read("360-giving-package-schema.json")


@cache
def _registry() -> Registry[Any]:
    # The schemas say "$schema": "http://..." (not https), which referencing does not know;
    # building the resources as Draft 2020-12 explicitly sidesteps that.
    grant = DRAFT202012.create_resource(grant_schema())
    package = DRAFT202012.create_resource(package_schema())
    return Registry().with_resources(
        [(url, grant) for url in GRANT_SCHEMA_URLS]
        + [(url, package) for url in PACKAGE_SCHEMA_URLS]
    )


def _validator(schema: Schema) -> Draft202012Validator:
    # Without format checking, "2013-01-18" matches both branches of awardDate's oneOf and every
    # grant fails; FORMAT_CHECKER uses rfc3339-validator for date-time.
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def grant_validator() -> Draft202012Validator:
    """A validator for one grant."""
    return _validator(grant_schema())


@cache
def package_validator() -> Draft202012Validator:
    """A validator for a whole package."""
    return _validator(package_schema())


def types_of(schema: Schema) -> set[str]:
    """The JSON types a (resolved) schema allows."""
    kind = schema.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def resolve(schema: Schema) -> Schema:
    """Follow a local ``$ref`` such as ``#/$defs/Organization``; the referrer's own keys (its
    title, for one) win over the definition's."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    target: Any = grant_schema()
    for part in ref[2:].split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def _array_items(schema: Schema) -> Schema | None:
    """The item schema when ``schema`` is an array of objects, else None."""
    if "array" not in types_of(schema):
        return None
    items = resolve(schema.get("items", {}))
    return items if "object" in types_of(items) else None


@dataclass(frozen=True)
class Field:
    """One place in a grant: its path (array items numbered), schema and standard title."""

    path: Path_
    schema: Schema
    title: str

    @property
    def key(self) -> str:
        """The path as text, e.g. ``recipientOrganization/0/id``."""
        return "/".join(str(part) for part in self.path)

    @property
    def is_group(self) -> bool:
        """True for an object or an array of objects: a group of fields, not one value."""
        return "object" in types_of(self.schema) or _array_items(self.schema) is not None

    @property
    def array(self) -> str | None:
        """The top-level array this field is an item field of (``classifications``), if any."""
        return str(self.path[0]) if len(self.path) > 2 and isinstance(self.path[1], int) else None

    @property
    def index(self) -> int | None:
        """The item number within that array."""
        return self.path[1] if self.array is not None else None  # type: ignore[return-value]


def _match(properties: Schema, part: str) -> tuple[str, Schema] | None:
    if not part:
        return None
    for name, prop in properties.items():
        resolved = resolve(prop)
        if normalise_title(str(resolved.get("title", ""))) == part or name.lower() == part:
            return name, resolved
    return None


def _walk(root: Schema, parts: list[str]) -> Field | None:
    """Follow title or name parts (``grantprogramme``, ``title``) from ``root``; numbers pick
    array items and an array without a number means its first item, as flattentool reads it."""
    schema = root
    path: list[str | int] = []
    titles: list[str] = []
    pending_index: int | None = None
    for part in parts:
        items = _array_items(schema) if path else None
        if items is not None:
            if part.isdigit():
                pending_index = int(part)
                continue
            path.append(pending_index or 0)
            if pending_index:
                titles.append(str(pending_index))
            pending_index = None
            schema = items
        if pending_index is not None or "object" not in types_of(schema):
            return None
        found = _match(schema.get("properties", {}), part)
        if found is None:
            return None
        name, schema = found
        path.append(name)
        titles.append(str(schema.get("title", name)))
    if pending_index is not None:
        return None
    return Field(tuple(path), schema, ":".join(titles)) if path else None


@cache
def field_for_title(title: str) -> Field | None:
    """The grant field a spreadsheet column title names, matched as flattentool matches it:
    ignoring case and spaces (``Grant Programme: Title`` == ``Grant Programme:Title``).
    JSON paths (``recipientOrganization/0/id``) are accepted too. None when nothing matches."""
    field = _walk(grant_schema(), [normalise_title(part) for part in title.split(":")])
    if field is None and "/" in title:
        field = _walk(grant_schema(), [normalise_title(part) for part in title.split("/")])
    return field


@cache
def field_for_key(key: str) -> Field:
    """The field at a JSON path such as ``fundingOrganization/0/name``."""
    field = _walk(grant_schema(), [part.lower() for part in key.split("/")])
    if field is None:
        raise KeyError(key)
    return field


@cache
def package_field_for_title(title: str) -> str | None:
    """The package metadata field (``publisher/name``, ``license``) a Meta-sheet title names."""
    metadata = {k: v for k, v in package_schema()["properties"].items() if k != "grants"}
    field = _walk(
        {"type": "object", "properties": metadata}, [normalise_title(p) for p in title.split(":")]
    )
    return field.key if field is not None else None


@dataclass(frozen=True)
class RequiredRules:
    """What every grant must give, from the schema's top-level ``oneOf`` of required lists."""

    always: tuple[str, ...]
    """Field keys every grant needs."""
    exactly_one_of: tuple[tuple[str, ...], ...]
    """Groups of field keys (the recipient organisation, the recipient individual): a grant
    gives exactly one group, and all of it."""


def _required_keys(name: str) -> list[str]:
    prop = resolve(grant_schema()["properties"][name])
    items = _array_items(prop)
    if items is not None and items.get("required"):
        return [f"{name}/0/{sub}" for sub in items["required"]]
    if "object" in types_of(prop) and prop.get("required"):
        return [f"{name}/{sub}" for sub in prop["required"]]
    return [name]


@cache
def required_rules() -> RequiredRules:
    """The required fields, as field keys."""
    branches = [list(branch["required"]) for branch in grant_schema()["oneOf"]]
    common = [name for name in branches[0] if all(name in b for b in branches)]
    groups = [[name for name in branch if name not in common] for branch in branches]
    return RequiredRules(
        always=tuple(key for name in common for key in _required_keys(name)),
        exactly_one_of=tuple(
            tuple(key for name in group for key in _required_keys(name)) for group in groups
        ),
    )


DATE_FORM_LABELS = {
    "date": "YYYY-MM-DD",
    "partial": "YYYY or YYYY-MM",
    "date-time": "a date-time such as 2024-06-19T09:30:00Z",
}


def date_forms(schema: Schema) -> tuple[str, ...]:
    """The date forms a field accepts: ``date`` (YYYY-MM-DD), ``partial`` (YYYY or YYYY-MM)
    and ``date-time``; () for a field that is not a date."""
    forms: list[str] = []
    for option in schema.get("oneOf", [schema]):
        if option.get("format") == "date-time":
            forms.append("date-time")
        pattern = option.get("pattern")
        if isinstance(pattern, str):
            if re.search(pattern, "2024-06-19"):
                forms.append("date")
            if re.search(pattern, "2024"):
                forms.append("partial")
    return tuple(dict.fromkeys(forms))


def describe_date_forms(forms: tuple[str, ...]) -> str:
    """``YYYY-MM-DD or a date-time such as ...`` for messages."""
    return " or ".join(label for form, label in DATE_FORM_LABELS.items() if form in forms)


def enum_values(schema: Schema) -> tuple[str, ...]:
    """The values an enum field allows (without null); () when the field has no enum."""
    return tuple(v for v in schema.get("enum", ()) if isinstance(v, str))


@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes the standard allows."""
    return frozenset(enum_values(field_for_key("currency").schema))


@cache
def geo_code_types() -> frozenset[str]:
    """The codes of the 360Giving geoCodeType codelist (ONS entity abbreviations)."""
    with (SCHEMA_DIR / "codelists" / "geoCodeType.csv").open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle) if row.get("Code"))
