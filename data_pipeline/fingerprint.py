"""The loader's fingerprint: everything besides a file's bytes that decides what a load writes.

A file whose sha256 and fingerprint equal those of its last successful load would write exactly
what that load wrote, so ``data_pipeline.load`` records an ``unchanged`` run and writes nothing
else. The fingerprint covers the loader's own code (``LOADER_FILES``: its source and shipped
schemas, so no one has to remember to bump a version when a rule changes), the configuration
that transforms read (home organisations, P&C rules, route keywords, licence, spend publisher
and period) and the format the loader was told to use, if any. Settings that only the web pages
read (the site's name, who may embed charts) are left out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from data_pipeline.config import PROJECT_ROOT, Config

# What a load runs: the readers, validators and transforms, the shipped schemas, and the
# warehouse code that writes (the schema, upserts, marts). Not the demo generator, the fetchers,
# the decision papers or the web pages, which others change without changing what loads.
LOADER_FILES = (
    "data_pipeline/*.py",
    "data_pipeline/formats/**/*",
    "data_pipeline/registers/**/*",
    "data_pipeline/schemas/**/*",
    "warehouse/*.py",
)
NOT_LOADER = frozenset({"cli.py", "papers_cli.py", "users_cli.py", "export_360giving.py"})
DISPLAY_ONLY_SETTINGS = frozenset({"site_name", "embed_frame_ancestors"})


def loader_files() -> list[Path]:
    """The files whose content is the loader's code, in a fixed order."""
    found = {
        path
        for pattern in LOADER_FILES
        for path in PROJECT_ROOT.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts and path.name not in NOT_LOADER
    }
    return sorted(found)


@lru_cache(maxsize=1)
def loader_code_digest() -> str:
    """sha256 of the loader's source files, read once per process."""
    digest = hashlib.sha256()
    for path in loader_files():
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _plain(value: object) -> object:
    """A JSON value with a fixed order: sets (whose order changes between processes) sorted."""
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return value


def config_settings(config: Config) -> dict[str, object]:
    """The settings of ``config`` that a load reads, as plain JSON values."""
    return {
        f.name: _plain(getattr(config, f.name))
        for f in dataclasses.fields(config)
        if f.name not in DISPLAY_ONLY_SETTINGS
    }


def loader_fingerprint(config: Config, format_id: str | None) -> str:
    """64 hex digits that change whenever the loader's code, the settings a load reads or the
    format asked for change."""
    settings = {
        "code": loader_code_digest(),
        "config": config_settings(config),
        "format": format_id or "",
    }
    text = json.dumps(settings, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()
