"""Where decision papers come from: a folder of files, with what a scraper's metadata file
says of them (committee, meeting date, URL).

Rules:
- Every ``.pdf``, ``.html``/``.htm`` and ``.docx`` file under the folder is a paper.
- A JSON file in the folder that is a list of objects with a ``filename`` (the form council
  scrapers write: ``committee``, ``meeting_date``, ``url``, ``hash``) describes papers: an entry
  applies to the file with that name, or with that SHA-256 (files are often renamed).
- A metadata entry's file name (the council's own name for the download) is the title.
- Without metadata, the meeting date is an ISO date in the file name, if there is one, and the
  committee is unknown.
- A paper's natural key (``location``) is its published URL, else its resolved path.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

PAPER_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".docx"})
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class PaperSource:
    """One paper to read: its bytes and what is known of it before reading."""

    location: str
    source: str  # folder or moderngov
    data: bytes
    file_name: str
    committee: str | None = None
    meeting_date: date | None = None
    title: str | None = None
    url: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def papers_in_folder(path: Path) -> Iterator[PaperSource]:
    """The papers under ``path`` (a folder or one file), in name order."""
    files = (
        sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if path.is_dir()
        else [path]
    )
    metadata = _metadata(files)
    for file in files:
        if file.suffix.lower() not in PAPER_SUFFIXES:
            continue
        data = file.read_bytes()
        entry = metadata.get(file.name) or metadata.get(hashlib.sha256(data).hexdigest()) or {}
        url = _text(entry.get("url"))
        yield PaperSource(
            location=url or str(file.resolve()),
            source="folder",
            data=data,
            file_name=file.name,
            committee=_committee(entry.get("committee")),
            meeting_date=parse_iso_date(entry.get("meeting_date")) or _date_in_name(file.name),
            title=_text(entry.get("title")) or _title_from_file_name(entry.get("filename")),
            url=url,
        )


def parse_iso_date(value: Any) -> date | None:
    """An ISO date (``2025-01-30``) or None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _metadata(files: list[Path]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for file in files:
        if file.suffix.lower() != ".json":
            continue
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("filename"), str):
                found[entry["filename"]] = entry
                if isinstance(entry.get("hash"), str):
                    found[entry["hash"].lower()] = entry
    return found


def _committee(value: Any) -> str | None:
    text = _text(value)
    if text and text.islower():  # scrapers write folder slugs: "cabinet", "full_council"
        return text.replace("_", " ").replace("-", " ").title()
    return text


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _title_from_file_name(value: Any) -> str | None:
    """A scraper keeps the name the council gave the download, which is the paper's title."""
    text = _text(value)
    return text.rsplit(".", 1)[0].strip() if text else None


def _date_in_name(name: str) -> date | None:
    found = _ISO_DATE.search(name)
    return parse_iso_date(found.group(0)) if found else None
