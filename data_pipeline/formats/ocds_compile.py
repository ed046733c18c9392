"""From the releases or records of one OCDS file to one compiled release per contracting process.

Rules (OCDS 1.1 merging, simplified):
- Releases of one ``ocid`` are applied in date order (file order breaks ties). A later value
  overrides an earlier one field by field; objects merge recursively; lists of objects
  that all have an ``id`` (awards, contracts, parties, items, ...) merge by ``id``; other lists
  (and the schema's ``wholeListMerge`` lists) are replaced whole; ``null`` removes the field;
  an empty object or list is no value (it neither appears nor overrides). The compiled release
  gets the tag ``compiled``, the latest date and the id ``<ocid>-<date>``, as ``ocdsmerge``
  names it.
- ``tests/pipeline/test_standard_oracles.py`` shows these equal ``ocdsmerge``'s compiled
  releases (with the vendored schema) on every real OCDS file, except where this module chooses
  otherwise: a process with one release keeps that release's own id and tags, and a list whose
  objects lack an ``id`` (suppliers, tenderers as some publishers write them) is replaced by the
  later release, where ``ocdsmerge`` appends every release's copy as a new object.
- A record's ``compiledRelease`` is used as published. Without one, its embedded releases are
  compiled by the rule above. A record that only links to releases elsewhere (url only) cannot
  be compiled from the file and is rejected.

Officers' contact details are never stored: ``sanitise`` drops every ``contactPoint`` (and the
``additionalContactPoints`` extension) and blanks e-mail addresses in any text before anything
else happens, so they reach neither the warehouse nor the rejected rows.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from data_pipeline.formats.ocds_schema import release_problems

CONTACT_KEYS = frozenset({"contactPoint", "additionalContactPoints"})
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_REMOVED = "[email removed]"
# The 1.1.5 schema marks these lists of objects wholeListMerge: they replace, never merge by id.
_WHOLE_LIST = frozenset({"additionalIdentifiers", "additionalClassifications", "changes"})
_OMIT_WHEN_MERGED = frozenset({"id", "date", "tag"})
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class Process:
    """One contracting process: its compiled release and the releases' tags."""

    ocid: str
    release: dict[str, Any]
    tags: frozenset[str]
    row_number: int


@dataclass
class Problem:
    """A release or record that cannot be loaded, and why."""

    row_number: int
    field: str | None
    reason: str
    item: object = dataclasses.field(repr=False)


def sanitise(value: Any) -> Any:
    """A copy of a JSON value without contact points and with e-mail addresses blanked."""
    if isinstance(value, dict):
        return {k: sanitise(v) for k, v in value.items() if k not in CONTACT_KEYS}
    if isinstance(value, list):
        return [sanitise(v) for v in value]
    if isinstance(value, str) and "@" in value:
        return EMAIL.sub(EMAIL_REMOVED, value)
    return value


def raw_json(item: object) -> str:
    """The item as JSON for a reject record (already sanitised)."""
    return json.dumps(item, ensure_ascii=False, default=str)


def merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Apply one release's values on top of the compiled state so far."""
    for key, value in update.items():
        current = target.get(key)
        if value is None:
            target.pop(key, None)
        elif _is_empty(value):
            continue
        elif isinstance(value, dict):
            if not isinstance(current, dict):
                current = target[key] = {}
            merge_into(current, value)
        elif (
            isinstance(current, list)
            and key not in _WHOLE_LIST
            and _has_ids(value)
            and _has_ids(current)
        ):
            _merge_by_id(current, value)
        else:
            target[key] = _copy(value)


def _is_empty(value: Any) -> bool:
    return isinstance(value, dict | list) and not value


def _has_ids(items: list[Any]) -> bool:
    return all(isinstance(item, dict) and item.get("id") is not None for item in items)


def _merge_by_id(current: list[dict[str, Any]], update: list[dict[str, Any]]) -> None:
    by_id = {str(item["id"]): item for item in current}
    for item in update:
        existing = by_id.get(str(item["id"]))
        if existing is None:
            copied = _copy(item)
            current.append(copied)
            by_id[str(item["id"])] = copied
        else:
            merge_into(existing, item)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        copied: dict[str, Any] = {}
        merge_into(copied, value)
        return copied
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _sort_key(release: dict[str, Any]) -> datetime:
    try:
        stamp = datetime.fromisoformat(str(release.get("date")))
    except ValueError:
        return _EARLIEST
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def compile_releases(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process (the single release itself when there is one)."""
    ordered = sorted(releases, key=_sort_key)  # sorted() is stable: file order breaks ties
    compiled: dict[str, Any] = {}
    for release in ordered:
        merge_into(compiled, {k: v for k, v in release.items() if k not in _OMIT_WHEN_MERGED})
    latest = ordered[-1].get("date")
    if len(ordered) == 1:
        own = {key: ordered[0][key] for key in _OMIT_WHEN_MERGED if key in ordered[0]}
        return {**compiled, "ocid": ocid, **own}
    compiled.update(ocid=ocid, id=f"{ocid}-{latest}", date=latest, tag=["compiled"])
    return compiled


def _tags(releases: Iterable[object]) -> frozenset[str]:
    tags: set[str] = set()
    for release in releases:
        if isinstance(release, dict) and isinstance(release.get("tag"), list):
            tags.update(str(tag) for tag in release["tag"] if isinstance(tag, str))
    return frozenset(tags)


def processes_from_releases(
    releases: list[Any],
) -> tuple[list[Process], list[Problem]]:
    """Validate releases (row = 1-based position), drop repeated ids, compile each ocid."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    by_ocid: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for row, release in enumerate(releases, start=1):
        if not isinstance(release, dict):
            problems.append(Problem(row, None, "is not a release (a JSON object)", release))
            continue
        found = release_problems(release)
        if found:
            problems.extend(Problem(row, path, reason, release) for path, reason in found)
            continue
        key = (str(release["ocid"]), str(release["id"]))
        if key in seen:
            reason = (
                f"release id '{key[1]}' of ocid '{key[0]}' is repeated: "
                f"first seen in release {seen[key]}"
            )
            problems.append(Problem(row, "id", reason, release))
            continue
        seen[key] = row
        by_ocid.setdefault(key[0], []).append((row, release))
    processes = []
    for ocid, rows in by_ocid.items():
        compiled = compile_releases(ocid, [release for _, release in rows])
        latest_row = max(rows, key=lambda pair: (_sort_key(pair[1]), pair[0]))[0]
        processes.append(Process(ocid, compiled, _tags(r for _, r in rows), latest_row))
    return processes, problems


def processes_from_records(records: list[Any]) -> tuple[list[Process], list[Problem]]:
    """One process per valid record (row = 1-based position); repeated ocids rejected."""
    processes: list[Process] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row, record in enumerate(records, start=1):
        found = _record_problems(record)
        if found or not isinstance(record, dict):
            problems.extend(Problem(row, path or None, reason, record) for path, reason in found)
            continue
        ocid = str(record["ocid"])
        if ocid in seen:
            reason = f"ocid '{ocid}' is repeated: first seen in record {seen[ocid]}"
            problems.append(Problem(row, "ocid", reason, record))
            continue
        seen[ocid] = row
        releases = record.get("releases")
        compiled = record.get("compiledRelease")
        if not isinstance(compiled, dict):
            compiled = compile_releases(ocid, list(releases or []))
        tags = _tags(releases if isinstance(releases, list) else [])
        processes.append(Process(ocid, compiled, tags, row))
    return processes, problems


def _record_problems(record: object) -> list[tuple[str, str]]:
    if not isinstance(record, dict):
        return [("", "is not a record (a JSON object)")]
    ocid = record.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        return [("ocid", "is required but missing")]
    compiled = record.get("compiledRelease")
    if compiled is not None:
        if not isinstance(compiled, dict):
            return [("compiledRelease", "must be an object (a release)")]
        found = release_problems(compiled, prefix="compiledRelease/")
        if not found and compiled.get("ocid") != ocid:
            found = [("compiledRelease/ocid", f"does not match the record's ocid '{ocid}'")]
        return found
    releases = record.get("releases")
    if not isinstance(releases, list):
        return [("releases", "must be a list of releases")]
    if not releases:
        return [("releases", "is empty and the record has no compiledRelease")]
    linked = [i for i, r in enumerate(releases) if _is_linked(r)]
    if len(linked) == len(releases):
        return [
            (
                "releases",
                "has only linked releases (url only) and no compiledRelease, so the "
                "contracting process cannot be built from this file; publish the "
                "compiledRelease or embed the releases",
            )
        ]
    if linked:
        return [
            (
                f"releases/{i}",
                "is a linked release (url only); without a compiledRelease every release "
                "must be embedded in the record",
            )
            for i in linked
        ]
    found = []
    for i, release in enumerate(releases):
        found.extend(release_problems(release, prefix=f"releases/{i}/"))
        if isinstance(release, dict) and "ocid" in release and release["ocid"] != ocid:
            found.append((f"releases/{i}/ocid", f"does not match the record's ocid '{ocid}'"))
    return found


def _is_linked(release: object) -> bool:
    return isinstance(release, dict) and "url" in release and not {"ocid", "id"} & set(release)
