"""Configuration a council edits: its home organisations and what counts as P&C research.

Read from ``observatory.toml`` in the project folder, or the file named by
``OBSERVATORY_CONFIG``. Direction follows from the home organisations: money a home
organisation gives is *awarded*, money it gets is *received*.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class HomeOrganisation:
    org_id: str
    name: str
    role: str  # council, nhs or hdrc


@dataclass(frozen=True)
class Config:
    """Settings the pipeline needs."""

    site_name: str = "P&C Research Observatory"
    area_name: str = ""
    home_organisations: tuple[HomeOrganisation, ...] = ()
    pc_research_programme_codes: frozenset[str] = frozenset()
    pc_research_classification_codes: frozenset[str] = frozenset()
    research_cpv_prefixes: tuple[str, ...] = ("731", "732", "79419", "79310")
    # The licence of the data loaded, only as the configuration states it ([site] licence).
    default_licence: str | None = None
    route_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Origins allowed to frame /embed/* (CSP frame-ancestors); "*" lets any site embed charts.
    embed_frame_ancestors: tuple[str, ...] = ("*",)
    # The paying body of spend files that name none ([spend] publisher, or --publisher).
    spend_publisher: str | None = None
    spend_publisher_from: str = "observatory.toml [spend] publisher"
    # The month (YYYY-MM) of a spend file with no date column (--period); else its file name's.
    spend_period: str | None = None

    @property
    def home_ids(self) -> dict[str, HomeOrganisation]:
        return {org.org_id.upper(): org for org in self.home_organisations}


def config_path() -> Path:
    return Path(os.environ.get("OBSERVATORY_CONFIG") or PROJECT_ROOT / "observatory.toml")


def load_config(path: Path | None = None) -> Config:
    """Read the configuration file; defaults where it is missing."""
    path = path or config_path()
    if not path.exists():
        return Config()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    site = data.get("site", {})
    research = data.get("pc_research", {})
    return Config(
        site_name=site.get("name", Config.site_name),
        area_name=site.get("area_name", ""),
        home_organisations=tuple(
            HomeOrganisation(org["org_id"], org["name"], org["role"])
            for org in data.get("home_organisations", [])
        ),
        pc_research_programme_codes=frozenset(research.get("programme_codes", [])),
        pc_research_classification_codes=frozenset(research.get("classification_codes", [])),
        research_cpv_prefixes=tuple(
            research.get("research_cpv_prefixes", Config.research_cpv_prefixes)
        ),
        default_licence=site.get("licence") or None,
        route_keywords={k: tuple(v) for k, v in data.get("route_keywords", {}).items()},
        embed_frame_ancestors=tuple(data.get("embeds", {}).get("frame_ancestors", ["*"])),
        spend_publisher=data.get("spend", {}).get("publisher") or None,
    )
