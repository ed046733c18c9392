"""What the council configures for fetching, from ``observatory.toml``: the registry and its
selection, other sources by URL, the area, the politeness limits, the schedule and alerts.

Kept beside ``data_pipeline.config`` rather than inside it: only the refresh reads these.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_pipeline.config import config_path

ALL_PUBLISHERS_DEFAULT = ("all",)
PRODUCT_USER_AGENT = "PC-Research-Observatory/1.0 (P&C Research Observatory refresh; open data)"


@dataclass(frozen=True)
class UrlSource:
    """A file the council names by URL: its own 360Giving file, a spend page, ..."""

    name: str
    url: str
    format_id: str | None = None
    publisher: str | None = None
    by_area: bool = False  # a national funder's file: keep only the grants in the area

    @property
    def source_key(self) -> str:
        return f"url:{self.name}"


@dataclass(frozen=True)
class AlertSettings:
    email_to: tuple[str, ...] = ()
    email_from: str = "observatory@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    webhook_url: str | None = None
    # A source whose rejected rows, or whose total (pence read), moves by more than this share
    # of the previous load's is an incident.
    rejects_jump: float = 0.5
    total_jump: float = 0.5

    @property
    def enabled(self) -> bool:
        return bool(self.email_to or self.webhook_url)


@dataclass(frozen=True)
class FetchSettings:
    registry_url: str | None = None
    publishers: tuple[str, ...] = ()
    allowed_licences: tuple[str, ...] = ()
    sources: tuple[UrlSource, ...] = ()
    area_codes: tuple[str, ...] = ()
    postcode_lookup: Path | None = None
    timeout_seconds: float = 60.0
    max_bytes: int = 200_000_000
    retries: int = 3
    backoff_seconds: float = 2.0
    user_agent: str = PRODUCT_USER_AGENT
    every_hours: float = 24.0
    lock_minutes: float = 180.0
    alerts: AlertSettings = field(default_factory=AlertSettings)


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def load_fetch_settings(path: Path | None = None) -> FetchSettings:
    """The ``[registry]``, ``[[sources]]``, ``[area]``, ``[refresh]`` and ``[alerts]`` tables;
    defaults where they are missing (no registry, no sources: a refresh does nothing)."""
    path = path or config_path()
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    registry = data.get("registry", {})
    area = data.get("area", {})
    refresh = data.get("refresh", {})
    alerts = data.get("alerts", {})
    lookup = area.get("postcode_lookup")
    lookup_path = Path(lookup) if lookup else None
    if lookup_path is not None and not lookup_path.is_absolute():
        lookup_path = path.parent / lookup_path
    defaults = FetchSettings()
    alert_defaults = AlertSettings()
    return FetchSettings(
        registry_url=registry.get("url") or None,
        publishers=_tuple(registry.get("publishers", ())),
        allowed_licences=_tuple(registry.get("licences", ())),
        sources=tuple(
            UrlSource(
                name=s["name"],
                url=s["url"],
                format_id=s.get("format"),
                publisher=s.get("publisher"),
                by_area=bool(s.get("by_area", False)),
            )
            for s in data.get("sources", [])
        ),
        area_codes=_tuple(area.get("codes", ())),
        postcode_lookup=lookup_path,
        timeout_seconds=float(refresh.get("timeout_seconds", defaults.timeout_seconds)),
        max_bytes=int(refresh.get("max_bytes", defaults.max_bytes)),
        retries=int(refresh.get("retries", defaults.retries)),
        backoff_seconds=float(refresh.get("backoff_seconds", defaults.backoff_seconds)),
        user_agent=str(refresh.get("user_agent", defaults.user_agent)),
        every_hours=float(refresh.get("every_hours", defaults.every_hours)),
        lock_minutes=float(refresh.get("lock_minutes", defaults.lock_minutes)),
        alerts=AlertSettings(
            email_to=_tuple(alerts.get("email_to", ())),
            email_from=str(alerts.get("email_from", alert_defaults.email_from)),
            smtp_host=str(alerts.get("smtp_host", alert_defaults.smtp_host)),
            smtp_port=int(alerts.get("smtp_port", alert_defaults.smtp_port)),
            webhook_url=alerts.get("webhook_url") or None,
            rejects_jump=float(alerts.get("rejects_jump", alert_defaults.rejects_jump)),
            total_jump=float(alerts.get("total_jump", alert_defaults.total_jump)),
        ),
    )
