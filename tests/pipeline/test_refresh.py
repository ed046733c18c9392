"""``refresh`` against a local registry of real publishers' files (and a 404, a time-out and
an HTML error page): what loads, what is skipped and why, what is kept by area, that a second
refresh downloads and changes nothing, that a changed file reloads and a broken one keeps the
data loaded before, and that each incident alerts once by email and webhook."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.cli import main
from data_pipeline.fetch.lock import held
from tests.pipeline.local_receivers import SmtpServer, WebhookReceiver
from tests.pipeline.registry_server import RegistryServer, real_registry_server
from warehouse.db import make_engine
from warehouse.schema import (
    fct_grants,
    meta_alerts,
    meta_fetch_sources,
    meta_fetches,
    meta_load_runs,
)

TRAFFORD = "trafford-mbc_voluntary-sector-grants_360giving.csv"
POWER_TO_CHANGE = "power-to-change_a002400000nO46WAAS_grantnav-enriched.json.gz"


@dataclass
class World:
    server: RegistryServer
    smtp: SmtpServer
    hook: WebhookReceiver
    engine: Engine
    url: str
    first_exit: int
    capsys_out: str

    def refresh(self) -> int:
        return main(["--database-url", self.url, "refresh"])


def _config(path: Path, base: str, smtp: SmtpServer, hook: WebhookReceiver) -> Path:
    path.write_text(
        f"""
[site]
name = "Test Observatory"
[[home_organisations]]
org_id = "GB-LAE-TRF"
name = "Trafford Council"
role = "council"
[registry]
url = "{base}/registry.json"
publishers = ["all"]
[area]
codes = ["E08000009"]
[refresh]
timeout_seconds = 0.5
retries = 1
backoff_seconds = 0.01
[alerts]
email_to = ["data@council.example"]
email_from = "observatory@council.example"
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
webhook_url = "{hook.url}"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("refresh")
    server, smtp, hook = real_registry_server(), SmtpServer(), WebhookReceiver()
    config = _config(folder / "observatory.toml", server.base, smtp, hook)
    url = f"sqlite:///{folder / 'warehouse.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OBSERVATORY_CONFIG", str(config))
        first = main(["--database-url", url, "refresh"])
        yield World(server, smtp, hook, make_engine(url), url, first, "")
    server.close()
    smtp.close()
    hook.close()


def _sources(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(meta_fetch_sources)).mappings().all()
    return {str(r["title"]): dict(r) for r in rows}


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_first_refresh_loads_the_open_files_and_records_each_failure(world: World) -> None:
    assert world.first_exit == 2  # some sources failed
    sources = _sources(world.engine)
    status = {title: s["last_status"] for title, s in sources.items()}
    assert status["Withdrawn file"] == "failed"
    assert "HTTP 404" in str(sources["Withdrawn file"]["last_reason"])
    assert status["Slow server"] == "failed"
    assert "timed out after 0.5 s (after 2 attempts)" in str(sources["Slow server"]["last_reason"])
    assert status["Error page"] == "failed"
    assert "HTML page instead of data" in str(sources["Error page"]["last_reason"])
    assert status["Zing grants"] == "skipped"
    assert "Public Domain" in str(sources["Zing grants"]["last_reason"])
    loaded = [t for t, s in status.items() if s in ("loaded", "partial")]
    assert len(loaded) >= 10
    trafford = sources["Grants 2013 - 2017"]
    assert trafford["publisher"] == "Trafford Metropolitan Borough Council"
    # The period its data covers: the earliest and latest award dates of the file's grants.
    assert (str(trafford["period_start"]), str(trafford["period_end"])) == (
        "2013-01-18",
        "2024-06-19",
    )
    # A national funder's file covers the dates of the grants kept in the area, not its own.
    with world.engine.connect() as conn:
        kept = conn.execute(
            select(func.min(fct_grants.c.award_date), func.max(fct_grants.c.award_date)).where(
                fct_grants.c.funder_org_id == "GB-CHC-1159982"
            )
        ).one()
    power = sources["Power to Change Grants 2015-2016"]
    assert (power["period_start"], power["period_end"]) == tuple(kept)
    assert isinstance(power["period_start"], date) and power["period_start"] > date(2015, 1, 1)
    assert world.server.served.requests
    assert all(
        ua.startswith("PC-Research-Observatory/") for _path, ua, _s in world.server.served.requests
    )


def test_only_grants_in_the_area_are_stored_and_the_rest_counted(world: World) -> None:
    with world.engine.connect() as conn:
        funders: dict[str, int] = dict(
            conn.execute(
                select(fct_grants.c.funder_name, func.count()).group_by(fct_grants.c.funder_name)
            ).all()
        )
        fetches = (
            conn.execute(
                select(
                    meta_fetches,
                    meta_load_runs.c.pence_read,
                    meta_load_runs.c.pence_loaded,
                    meta_load_runs.c.pence_rejected,
                    meta_load_runs.c.rows_rejected,
                    meta_load_runs.c.rows_inserted,
                ).join(meta_load_runs, meta_load_runs.c.load_run_id == meta_fetches.c.load_run_id)
            )
            .mappings()
            .all()
        )
    # Trafford's own grants are the home organisation's: every one kept; Power to Change's
    # three Trafford grants are placed by the recipient's location (GrantNav's enrichment).
    assert sum(funders.values()) == 555 + 3
    power = next(
        f
        for f in fetches
        if f["source_key"].startswith("registry:")
        and json.loads(f["placed_by"] or "{}").get("recipient location")
    )
    assert json.loads(power["placed_by"])["recipient location"] == 3
    assert power["rows_read"] == 870 and power["rows_elsewhere"] == 867
    for fetch in fetches:
        # Conservation: loaded + rejected + elsewhere = read, in rows and in pence.
        assert (
            fetch["rows_inserted"] + fetch["rows_rejected"] + fetch["rows_elsewhere"]
            == fetch["rows_read"]
        )
        assert (
            fetch["pence_loaded"] + fetch["pence_rejected"] + fetch["pence_elsewhere"]
            == fetch["pence_read"]
        )
        assert fetch["bytes"] > 0 and fetch["http_status"] == 200


def test_each_failure_is_alerted_once_by_email_and_webhook(world: World) -> None:
    subjects = sorted(str(m["Subject"]) for m in world.smtp.messages)
    assert subjects == [
        "[Test Observatory] Error page: failed",
        "[Test Observatory] Slow server: failed",
        "[Test Observatory] Withdrawn file: failed",
    ]
    assert sorted(h["title"] for h in world.hook.received) == [
        "Error page",
        "Slow server",
        "Withdrawn file",
    ]


def test_a_second_refresh_with_nothing_changed_downloads_and_changes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVATORY_CONFIG", str(Path(world.url[10:]).parent / "observatory.toml"))
    served = world.server.served
    before = (_count(world.engine, fct_grants), _count(world.engine, meta_load_runs))
    requests = len(served.requests)
    assert world.refresh() == 2  # the three failures are still failing
    new = served.requests[requests:]
    assert [p for p, _ua, s in new if p.startswith("/files/") and s == "200"] == []
    assert sum(1 for _p, _ua, s in new if s == "304") >= 10
    assert (_count(world.engine, fct_grants), _count(world.engine, meta_load_runs)) == before
    assert len(world.smtp.messages) == 3 and len(world.hook.received) == 3  # no new incident
    assert _sources(world.engine)["Grants 2013 - 2017"]["last_status"] == "unchanged"


def test_a_changed_file_reloads_and_a_broken_one_keeps_its_data_and_alerts_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVATORY_CONFIG", str(Path(world.url[10:]).parent / "observatory.toml"))
    served = world.server.served
    with world.engine.connect() as conn:
        power_before = conn.execute(
            select(func.count()).where(fct_grants.c.funder_org_id == "GB-CHC-1159982")
        ).scalar_one()
    assert power_before == 3
    text = served.files[TRAFFORD].decode("utf-8")
    served.files[TRAFFORD] = text.replace("\n", "\r\n").encode("utf-8")  # same grants, new bytes
    served.files[POWER_TO_CHANGE] = gzip.compress(b'{"grants": [{"id": "cut off')
    assert world.refresh() == 2
    sources = _sources(world.engine)
    assert sources["Grants 2013 - 2017"]["last_status"] == "loaded"
    assert served.downloads(TRAFFORD) == 2
    power = sources["Power to Change Grants 2015-2016"]
    assert power["last_status"] == "rejected"
    with world.engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).where(fct_grants.c.funder_org_id == "GB-CHC-1159982")
            ).scalar_one()
            == power_before
        )
    rejected_alerts = [m for m in world.smtp.messages if "rejected" in str(m["Subject"])]
    assert len(rejected_alerts) == 1
    world.refresh()
    assert len([m for m in world.smtp.messages if "rejected" in str(m["Subject"])]) == 1
    with world.engine.connect() as conn:
        open_incidents = (
            conn.execute(select(meta_alerts.c.kind).where(meta_alerts.c.closed_at.is_(None)))
            .scalars()
            .all()
        )
    assert sorted(open_incidents) == ["failed", "failed", "failed", "rejected"]


def test_two_refreshes_never_run_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_CONFIG", str(Path(world.url[10:]).parent / "observatory.toml"))
    requests = len(world.server.served.requests)
    with held(world.engine, "refresh", 5):
        assert world.refresh() == 2
    assert "another refresh is running" in capsys.readouterr().err
    assert len(world.server.served.requests) == requests
