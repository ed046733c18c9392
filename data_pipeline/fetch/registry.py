"""The 360Giving registry: the list of every publisher's files, read without any I/O.

Two shapes are read the same way: the registry's ``data.json`` (title, identifier, licence,
publisher with its prefix, ``distribution[].downloadURL``) and the datagetter's status file,
which adds ``datagetter_metadata`` (``acceptable_license``, ``downloads``, ``file_type``) and
``datagetter_aggregates`` (``count``, ``min_award_date``, ``max_award_date``). A file is
selected by its publisher's prefix (or every file, with ``all``), and loaded only when its
licence is open: the registry says ``acceptable_license``, or its licence is on the council's
own allow-list. Every file not loaded says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ALL_PUBLISHERS = "all"


class RegistryError(ValueError):
    """The registry could not be read: its message says why, in plain words."""


@dataclass(frozen=True)
class RegistryFile:
    """One file a publisher lists in the registry."""

    identifier: str
    title: str
    url: str | None
    publisher: str
    prefix: str
    licence: str | None
    licence_name: str | None
    acceptable_license: bool | None  # the datagetter's verdict, when the registry gives one
    downloads: bool | None
    file_type: str | None
    grants: int | None  # datagetter_aggregates.count
    min_award_date: str | None
    max_award_date: str | None
    modified: str | None

    @property
    def source_key(self) -> str:
        return f"registry:{self.identifier}"


@dataclass(frozen=True)
class Decision:
    """Whether one registry file is fetched, and if not why."""

    file: RegistryFile
    fetch: bool
    reason: str | None = None


def parse_registry(content: bytes | str) -> list[RegistryFile]:
    """Every file the registry lists, in its order. Raises RegistryError when it is not a
    registry (not JSON, or not a list of entries)."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise RegistryError(f"is not JSON ({error})") from error
    if isinstance(data, dict):
        # Some mirrors wrap the list; the registry itself is a bare list.
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise RegistryError("is not a list of publishers' files")
    files = [_entry(item) for item in data if isinstance(item, dict)]
    if data and not files:
        raise RegistryError("lists nothing that looks like a publisher's file")
    return files


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _entry(item: dict[str, Any]) -> RegistryFile:
    found = item.get("publisher")
    publisher: dict[str, Any] = found if isinstance(found, dict) else {}
    distribution = item.get("distribution")
    first = distribution[0] if isinstance(distribution, list) and distribution else {}
    first = first if isinstance(first, dict) else {}
    meta = item.get("datagetter_metadata")
    meta = meta if isinstance(meta, dict) else {}
    aggregates = item.get("datagetter_aggregates")
    aggregates = aggregates if isinstance(aggregates, dict) else {}
    count = aggregates.get("count")
    return RegistryFile(
        identifier=_text(item.get("identifier")) or _text(first.get("downloadURL")) or "",
        title=_text(item.get("title")) or _text(first.get("title")) or "(untitled)",
        url=_text(first.get("downloadURL")),
        publisher=_text(publisher.get("name")) or "(unnamed publisher)",
        prefix=_text(publisher.get("prefix")) or "",
        licence=_text(item.get("license")),
        licence_name=_text(item.get("license_name")),
        acceptable_license=_bool(meta.get("acceptable_license")),
        downloads=_bool(meta.get("downloads")),
        file_type=_text(meta.get("file_type")),
        grants=count if isinstance(count, int) else None,
        min_award_date=_text(aggregates.get("min_award_date")),
        max_award_date=_text(aggregates.get("max_award_date")),
        modified=_text(item.get("modified")),
    )


def _normalise_licence(licence: str) -> str:
    return licence.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")


def licence_is_open(file: RegistryFile, allowed: Iterable[str]) -> bool:
    """Open when the registry says ``acceptable_license``, or its licence (URL or name) is on
    the allow-list (compared without scheme, case or a trailing slash)."""
    if file.acceptable_license:
        return True
    allow = {_normalise_licence(a) for a in allowed}
    return any(
        _normalise_licence(value) in allow for value in (file.licence, file.licence_name) if value
    )


def select_files(
    files: Sequence[RegistryFile],
    publishers: Sequence[str],
    allowed_licences: Iterable[str] = (),
) -> list[Decision]:
    """Each file of the selected publishers (by prefix, case ignored; ``all`` for every one)
    with whether it is fetched and, if not, why. Files of other publishers are left out."""
    wanted = {p.strip().upper() for p in publishers}
    every = ALL_PUBLISHERS.upper() in wanted
    allowed = list(allowed_licences)
    decisions: list[Decision] = []
    for file in files:
        if not every and file.prefix.upper() not in wanted:
            continue
        if not file.url:
            decisions.append(Decision(file, False, "the registry gives no download URL"))
        elif not licence_is_open(file, allowed):
            named = file.licence_name or file.licence or "no licence stated"
            decisions.append(
                Decision(
                    file,
                    False,
                    f"licence not known to be open ({named}): the registry does not mark it "
                    "acceptable and it is not on [registry] licences in observatory.toml",
                )
            )
        else:
            decisions.append(Decision(file, True))
    return decisions
