"""Whose grants each funding chart counts (warehouse.queries.grant_sources), after a refresh of
real publishers' files and a file loaded by hand, on SQLite and PostgreSQL: the registry's
publisher and licence for a fetched file, the file's own for one loaded by hand, and only the
publishers of the grants the filters leave."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data_pipeline.config import Config
from data_pipeline.fetch.refresh import refresh
from data_pipeline.fetch.settings import FetchSettings
from data_pipeline.load import load_file
from tests.pipeline.registry_server import PUBLISHERS, RegistryServer, Served, build_registry
from warehouse.queries.filters import Filters
from warehouse.queries.grant_sources import chart_publishers, grant_files

TRAFFORD = "trafford-mbc_voluntary-sector-grants_360giving.csv"
POWER_TO_CHANGE = "power-to-change_a002400000nO46WAAS_grantnav-enriched.json.gz"
OGL = "Open Government Licence 3.0 (United Kingdom)"
CC_BY = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
# Two funders and no package metadata: a file that names no publisher.
BY_HAND = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
    "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
    "360G-own-1,Peer research,Damp,GBP,1500,2024-05-01,GB-CHC-1,Group,GB-CHC-77,Local Trust\n"
    "360G-own-2,Youth club,Sport,GBP,900,2024-06-01,GB-CHC-2,Club,GB-CHC-78,Other Trust\n"
)


def _refreshed(engine: Engine, config: Config, folder: Path) -> None:
    files = {name: (PUBLISHERS / name).read_bytes() for name in (TRAFFORD, POWER_TO_CHANGE)}
    server = RegistryServer(Served(files=files))
    try:
        server.served.registry = build_registry(
            server.base,
            {TRAFFORD: "360G-traffordmbc", POWER_TO_CHANGE: "360G-powertochange"},
            [],
        )
        settings = replace(
            FetchSettings(),
            registry_url=f"{server.base}/registry.json",
            publishers=("all",),
            area_codes=("E08000009",),
            retries=0,
        )
        assert refresh(engine, config, settings).exit_code == 0
    finally:
        server.close()
    path = folder / "own-grants.csv"
    path.write_text(BY_HAND, encoding="utf-8")
    assert load_file(engine, path, config).status == "loaded"


def _rows(frame: pd.DataFrame) -> list[tuple[object, object, int]]:
    return [
        (p if isinstance(p, str) else None, lic if isinstance(lic, str) else None, int(n))
        for p, lic, n in frame[["publisher", "licence", "grants"]].itertuples(index=False)
    ]


def test_each_chart_names_the_publishers_of_the_grants_it_counts(
    engine: Engine, trafford_config: Config, tmp_path: Path
) -> None:
    _refreshed(engine, trafford_config, tmp_path)
    files = grant_files(engine)

    everything = chart_publishers(engine, "funding-by-year", Filters(), files)
    assert _rows(everything) == [
        ("Trafford Metropolitan Borough Council", OGL, 555),
        ("Power to Change", CC_BY, 3),
        (None, None, 2),  # the file states none: the site's licence is the caller's to add
    ]
    one_funder = Filters(funder=("GB-CHC-1159982",))
    for chart_id in ("funding-by-year", "funding-flow", "funding-top-recipients"):
        assert _rows(chart_publishers(engine, chart_id, one_funder, files)) == [
            ("Power to Change", CC_BY, 3)
        ], chart_id
    recent = Filters(fy_from="2024/25")
    assert "Power to Change" not in set(
        chart_publishers(engine, "funding-by-year", recent, files)["publisher"]
    )
    assert chart_publishers(engine, "funding-pooled", Filters(), files).empty
