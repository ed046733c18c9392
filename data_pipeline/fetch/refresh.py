"""``python -m data_pipeline refresh``: fetch every configured source and load what changed.

Sources are the registry's selected files and the ``[[sources]]`` URLs of ``observatory.toml``.
Each is fetched politely (``http``), and loaded as one load run only when its bytes changed.
A source that fails (no answer, an error status, an HTML page, a file that no longer parses)
keeps the data it loaded before, and its fetch is recorded with the reason. Files from the
registry, and sources marked ``by_area``, keep only the grants that reached the area (``area``).
Two refreshes never run at once (``lock``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from data_pipeline.config import Config
from data_pipeline.extract import Source
from data_pipeline.fetch import alerts, lock
from data_pipeline.fetch.area import Area, Placement, place_grants
from data_pipeline.fetch.http import Fetched, Politeness, fetch
from data_pipeline.fetch.locations import json_locations
from data_pipeline.fetch.postcodes import read_postcode_lookup
from data_pipeline.fetch.registry import Decision, RegistryError, parse_registry, select_files
from data_pipeline.fetch.settings import FetchSettings
from data_pipeline.formats.base import FileWarning, Parsed
from data_pipeline.load import LoadResult, load_file
from warehouse.schema import (
    dim_areas,
    dim_organisations,
    fct_grants,
    meta_fetch_sources,
    meta_fetches,
)

EXIT_OK, EXIT_REJECTED_ROWS, EXIT_FAILED = 0, 1, 2
DATE_COLUMNS = ("award_date", "payment_date", "release_date")
Say = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    """One source to fetch."""

    source_key: str
    kind: str
    title: str
    url: str
    file_name: str
    publisher: str | None = None
    prefix: str | None = None
    licence: str | None = None
    format_id: str | None = None
    by_area: bool = False


@dataclass
class SourceOutcome:
    job: Job
    status: str  # loaded, partial, unchanged, failed, rejected, skipped
    reason: str | None = None
    fetched: Fetched | None = None
    load: LoadResult | None = None
    placement: Placement | None = None
    alerts_sent: list[alerts.Incident] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.status in ("failed", "rejected"):
            return EXIT_FAILED
        return EXIT_REJECTED_ROWS if self.status == "partial" else EXIT_OK


@dataclass
class RefreshReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    registry_error: str | None = None

    @property
    def exit_code(self) -> int:
        codes = [o.exit_code for o in self.outcomes]
        if self.registry_error:
            codes.append(EXIT_FAILED)
        return max(codes, default=EXIT_OK)


def _politeness(settings: FetchSettings) -> Politeness:
    return Politeness(
        user_agent=settings.user_agent,
        timeout_seconds=settings.timeout_seconds,
        max_bytes=settings.max_bytes,
        retries=settings.retries,
        backoff_seconds=settings.backoff_seconds,
    )


def _file_name(stem: str, url: str, file_type: str | None = None) -> str:
    """A stable, safe local name: the source's own name with the URL's extension."""
    suffixes = Path(urlparse(url).path).suffixes
    extension = "".join(s for s in suffixes[-2:] if s.lower() in (".json", ".csv", ".xlsx", ".gz"))
    if not extension and file_type:
        extension = f".{file_type.lower()}"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem).strip("-.") or "source"
    return f"{safe}{extension}"


def registry_jobs(decisions: list[Decision]) -> tuple[list[Job], list[Decision]]:
    """The files to fetch, and those skipped (with their reasons)."""
    jobs = [
        Job(
            source_key=d.file.source_key,
            kind="registry",
            title=d.file.title,
            url=d.file.url or "",
            file_name=_file_name(
                f"{d.file.prefix}_{d.file.identifier}", d.file.url or "", d.file.file_type
            ),
            publisher=d.file.publisher,
            prefix=d.file.prefix,
            licence=d.file.licence_name or d.file.licence,
            by_area=True,
        )
        for d in decisions
        if d.fetch
    ]
    return jobs, [d for d in decisions if not d.fetch]


def configured_area(engine: Engine, settings: FetchSettings) -> Area:
    """The configured codes, every ward and small area inside them in the warehouse's area
    lookup (``dim_areas.parent_code``), and the postcode lookup's postcodes and codes."""
    codes = {c.strip().upper() for c in settings.area_codes if c.strip()}
    with engine.connect() as conn:
        parents = conn.execute(select(dim_areas.c.area_code, dim_areas.c.parent_code)).all()
    children: dict[str, set[str]] = {}
    for code, parent in parents:
        if parent:
            children.setdefault(str(parent).upper(), set()).add(str(code).upper())
    frontier = set(codes)
    while frontier:
        found = set().union(*(children.get(c, set()) for c in frontier)) - codes
        codes |= found
        frontier = found
    postcodes: frozenset[str] = frozenset()
    if settings.postcode_lookup is not None and codes:
        postcodes, lookup_codes = read_postcode_lookup(settings.postcode_lookup, codes)
        codes |= lookup_codes
    return Area.of(codes, postcodes)


@dataclass
class _Seen:
    """What the refine step saw of a file, for the fetch record and /data."""

    placement: Placement | None = None
    period: tuple[date | None, date | None] = (None, None)


def _period(parsed: Parsed) -> tuple[date | None, date | None]:
    frame = next((f for t, f in parsed.frames if t is parsed.primary), pd.DataFrame())
    for column in DATE_COLUMNS:
        if column in frame and not frame.empty:
            dates = pd.to_datetime(frame[column], errors="coerce").dropna()
            if not dates.empty:
                return dates.min().date(), dates.max().date()
    return None, None


def area_filter(
    area: Area, home_ids: list[str], seen: _Seen, by_area: bool
) -> Callable[[Source, Parsed], Parsed]:
    """The loader's refine step: the grants of a by-area source that reached the area, the
    organisations they name, and a warning saying how many were read, kept and left out."""

    def refine(source: Source, parsed: Parsed) -> Parsed:
        if not by_area or parsed.primary is not fct_grants:
            seen.period = _period(parsed)
            return parsed
        grants = next(f for t, f in parsed.frames if t is fct_grants)
        placement = place_grants(grants, area, home_ids, json_locations(source.content))
        kept = grants[placement.kept.to_numpy()]
        named = set(kept["funder_org_id"].dropna()) | set(kept["recipient_org_id"].dropna())
        frames = []
        for table, frame in parsed.frames:
            if table is fct_grants:
                frame = kept
            elif table is dim_organisations and "org_id" in frame:
                frame = frame[frame["org_id"].isin(named)]
            frames.append((table, frame))
        warning = FileWarning(
            "elsewhere",
            None,
            f"{placement.summary()}: grants elsewhere are counted, not stored "
            f"(£{placement.pence_elsewhere / 100:,.2f})",
            placement.rows_elsewhere,
        )
        refined = replace(parsed, frames=frames, warnings=[*parsed.warnings, warning])
        seen.placement = placement
        seen.period = _period(refined)
        return refined

    return refine


def _state(engine: Engine, source_key: str) -> dict[str, object] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(meta_fetch_sources).where(meta_fetch_sources.c.source_key == source_key)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def _save_state(engine: Engine, job: Job, values: dict[str, object]) -> None:
    base = {
        "kind": job.kind,
        "title": job.title,
        "url": job.url,
        "publisher": job.publisher,
        "publisher_prefix": job.prefix,
        "licence": job.licence,
    }
    with engine.begin() as conn:
        exists = conn.execute(
            select(meta_fetch_sources.c.source_key).where(
                meta_fetch_sources.c.source_key == job.source_key
            )
        ).first()
        if exists:
            conn.execute(
                update(meta_fetch_sources)
                .where(meta_fetch_sources.c.source_key == job.source_key)
                .values(**base, **values)
            )
        else:
            conn.execute(
                insert(meta_fetch_sources).values(source_key=job.source_key, **base, **values)
            )


def _record_fetch(
    engine: Engine, job: Job, started: datetime, fetched: Fetched | None, outcome: SourceOutcome
) -> None:
    placement = outcome.placement
    with engine.begin() as conn:
        conn.execute(
            insert(meta_fetches).values(
                source_key=job.source_key,
                url=job.url,
                started_at=started,
                seconds=fetched.seconds if fetched else 0.0,
                http_status=fetched.http_status if fetched else None,
                bytes=fetched.bytes if fetched else 0,
                attempts=fetched.attempts if fetched else 0,
                outcome=outcome.status,
                reason=outcome.reason,
                sha256=fetched.sha256 if fetched else None,
                load_run_id=outcome.load.load_run_id if outcome.load else None,
                rows_read=outcome.load.rows_read if outcome.load else None,
                rows_elsewhere=placement.rows_elsewhere if placement else None,
                pence_elsewhere=placement.pence_elsewhere if placement else None,
                placed_by=json.dumps(placement.by_rule) if placement else None,
            )
        )


def skip_source(engine: Engine, job: Job, reason: str, every_hours: float) -> SourceOutcome:
    """Record a source that is listed but not fetched (its licence, no URL)."""
    outcome = SourceOutcome(job, "skipped", reason)
    now = datetime.now(UTC)
    _save_state(
        engine,
        job,
        {
            "last_fetch_at": now,
            "last_status": "skipped",
            "last_reason": reason,
            "next_run_at": now + timedelta(hours=every_hours),
        },
    )
    return outcome


def refresh_source(
    engine: Engine,
    job: Job,
    config: Config,
    settings: FetchSettings,
    area: Area,
    workdir: Path,
) -> SourceOutcome:
    """Fetch one source and load it if it changed; record the fetch and the source's state."""
    started = datetime.now(UTC)
    state = _state(engine, job.source_key) or {}
    fetched = fetch(
        job.url,
        _politeness(settings),
        etag=state.get("etag") if isinstance(state.get("etag"), str) else None,  # type: ignore[arg-type]
        last_modified=state.get("last_modified")  # type: ignore[arg-type]
        if isinstance(state.get("last_modified"), str)
        else None,
        known_sha256=state.get("sha256") if isinstance(state.get("sha256"), str) else None,  # type: ignore[arg-type]
    )
    values: dict[str, object] = {
        "last_fetch_at": started,
        "next_run_at": started + timedelta(hours=settings.every_hours),
    }
    if fetched.outcome == "failed":
        outcome = SourceOutcome(job, "failed", fetched.reason, fetched)
        values.update(last_status="failed", last_reason=f"{job.url} {fetched.reason}")
    elif fetched.outcome in ("not-modified", "unchanged"):
        how = "304 Not Modified" if fetched.outcome == "not-modified" else "same sha256"
        outcome = SourceOutcome(job, "unchanged", how, fetched)
        values.update(last_status="unchanged", last_reason=None, last_ok_at=started)
    else:
        path = workdir / job.file_name
        path.write_bytes(fetched.content)
        seen = _Seen()
        homes = [org.org_id for org in config.home_organisations]
        result = load_file(
            engine,
            path,
            config,
            format_id=job.format_id,
            refine=area_filter(area, homes, seen, job.by_area and area.configured),
        )
        path.unlink(missing_ok=True)
        if result.rejected_whole:
            reason = "; ".join(str(p) for p in result.problems) or "rejected whole"
            outcome = SourceOutcome(job, "rejected", reason, fetched, result)
            # The data loaded before stays; the next refresh tries the file again.
            values.update(last_status="rejected", last_reason=reason)
        else:
            outcome = SourceOutcome(job, result.status, None, fetched, result, seen.placement)
            values.update(
                last_status=result.status,
                last_reason=(f"{result.rejected:,} rows rejected" if result.rejected else None),
                last_ok_at=started,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                sha256=fetched.sha256,
                load_run_id=result.load_run_id,
                period_start=seen.period[0],
                period_end=seen.period[1],
                rows_read=result.rows_read,
                rows_rejected=result.rejected,
                pence_read=result.money.read_pence if result.money else None,
            )
            if seen.placement is not None and result.status == "rejected":
                values["last_reason"] = "every grant was rejected"
    _save_state(engine, job, values)
    _record_fetch(engine, job, started, fetched, outcome)
    outcome.alerts_sent = _alert(engine, job, outcome, state, settings, config)
    return outcome


def _alert(
    engine: Engine,
    job: Job,
    outcome: SourceOutcome,
    before: dict[str, object],
    settings: FetchSettings,
    config: Config,
) -> list[alerts.Incident]:
    incidents: list[alerts.Incident] = []
    if outcome.status == "failed":
        incidents.append(
            alerts.Incident(job.source_key, job.title, "failed", f"{job.url} {outcome.reason}")
        )
    elif outcome.status == "rejected":
        incidents.append(
            alerts.Incident(
                job.source_key, job.title, "rejected", f"rejected whole: {outcome.reason}"
            )
        )
    elif outcome.load is not None:
        rejects_before = before.get("rows_rejected")
        total_before = before.get("pence_read")
        incidents.extend(
            alerts.jump_incidents(
                job.source_key,
                job.title,
                (
                    rejects_before if isinstance(rejects_before, int) else None,
                    total_before if isinstance(total_before, int) else None,
                ),
                (
                    outcome.load.rejected,
                    outcome.load.money.read_pence if outcome.load.money else None,
                ),
                settings.alerts,
            )
        )
    closable = {"failed", "rejected"}
    if outcome.load is not None and not outcome.load.rejected_whole:
        closable |= {"rejects-jump", "total-jump"}
    if outcome.status == "unchanged":
        closable = {"failed", "rejected"}
    return alerts.settle(
        engine, job.source_key, incidents, closable, settings.alerts, config.site_name
    )


def read_registry(settings: FetchSettings) -> tuple[list[Decision], str | None]:
    """The registry's selected files with their decisions, or why it could not be read."""
    if not settings.registry_url:
        return [], None
    fetched = fetch(settings.registry_url, _politeness(settings))
    if fetched.outcome == "failed":
        return [], f"the registry {settings.registry_url} {fetched.reason}"
    try:
        files = parse_registry(fetched.content)
    except RegistryError as error:
        return [], f"the registry {settings.registry_url} {error}"
    return select_files(files, settings.publishers, settings.allowed_licences), None


def url_jobs(settings: FetchSettings) -> list[Job]:
    return [
        Job(
            source_key=s.source_key,
            kind="url",
            title=s.name,
            url=s.url,
            file_name=_file_name(s.name, s.url),
            publisher=s.publisher,
            format_id=s.format_id,
            by_area=s.by_area,
        )
        for s in settings.sources
    ]


def refresh(
    engine: Engine,
    config: Config,
    settings: FetchSettings,
    *,
    say: Say = lambda _line: None,
    only: str | None = None,
) -> RefreshReport:
    """Fetch and load every configured source (``only="registry"`` or ``"urls"`` for one
    kind), one load run each, under the refresh lock. Raises ``lock.LockHeld`` when another
    refresh is running."""
    report = RefreshReport()
    with lock.held(engine, "refresh", settings.lock_minutes):
        area = configured_area(engine, settings)
        jobs: list[Job] = []
        if only in (None, "registry"):
            decisions, report.registry_error = read_registry(settings)
            if report.registry_error:
                say(f"registry: {report.registry_error}")
            fetchable, skipped = registry_jobs(decisions)
            jobs.extend(fetchable)
            for decision in skipped:
                job = registry_jobs([replace(decision, fetch=True)])[0][0]
                outcome = skip_source(
                    engine, job, decision.reason or "skipped", settings.every_hours
                )
                report.outcomes.append(outcome)
                say(f"{job.title} ({job.publisher}): skipped: {outcome.reason}")
        if only in (None, "urls"):
            jobs.extend(url_jobs(settings))
        with tempfile.TemporaryDirectory(prefix="observatory-refresh-") as folder:
            for job in jobs:
                outcome = refresh_source(engine, job, config, settings, area, Path(folder))
                report.outcomes.append(outcome)
                say(describe(outcome))
    return report


def describe(outcome: SourceOutcome) -> str:
    """One line a data officer reads in the log."""
    job = outcome.job
    name = f"{job.title} ({job.publisher})" if job.publisher else job.title
    if outcome.status in ("failed", "rejected", "skipped", "unchanged"):
        return f"{name}: {outcome.status}: {outcome.reason}"
    load = outcome.load
    assert load is not None
    text = f"{name}: {outcome.status}: {load.loaded:,} loaded, {load.rejected:,} rejected"
    if outcome.placement is not None:
        text += f"; {outcome.placement.summary()}"
    return text
