"""Whole-response caching and conditional requests for the open-data API and the embeds.

The rule: a cached answer is only ever served for the warehouse it was computed from. Every
key holds ``load_generation(engine)``, a token that changes whenever a load run starts or
finishes, so an answer computed before a load is never served after it, even when the load ran
in another process (the CLI) and the cache is shared (Redis) or not (SimpleCache, one per
gunicorn worker). Each process also empties the cache the first time it sees a new generation,
so old answers do not sit in memory: that is "the cache is cleared when a load completes".

Warming: a load, in whatever process it ran, makes every answer keyed by the old generation
useless, so the first visitor after it would wait while the charts are computed again. Each
server process therefore runs a small thread (started with its first request) that asks for
the generation every ``CACHE_WARM_INTERVAL`` seconds (2 by default; 0 turns it off) and, when
it is new, runs the registered warmers (``callbacks.cache_warming``: the default view of every
page) so their answers are in this process's cache, or in the shared Redis, before a visitor
asks. With Redis one process per generation does it (an ``add`` of a marker key decides which).

GET answers of ``/api/v1/*`` and ``/embed/*`` are cached whole (status 200, not streamed, no
cookie). All of them, cached or streamed, get validators: a strong ``ETag`` made from the
generation and the URL, and ``Last-Modified`` (the last load); werkzeug's ``make_conditional``
answers 304 to ``If-None-Match`` / ``If-Modified-Since``. The ETag is not the body's hash
because each answer carries the moment it was generated (provenance), so two gunicorn workers
with their own caches write different bytes for the same data: a validator one worker gave must
still match at the other. Only an answer that varies with a request header (``Vary``, e.g. a
gzipped static file) is tagged by its body, since one URL then has several representations.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from flask import Flask, Response, g, request
from flask_caching import Cache
from sqlalchemy import Engine

from warehouse.queries.overview import last_load_time, load_generation

CACHED_PREFIXES = ("/api/v1/", "/embed/")
CACHE_KEY_PREFIX = "observatory:"
# Answers larger than this are served but not kept. SimpleCache bounds its entries, not their
# bytes, so each worker holds at most CACHE_THRESHOLD x this (typical answers are 10-150 kB).
MAX_CACHED_BYTES = 1024 * 1024
# Browsers and proxies may keep an answer but must ask again (a cheap 304) before reusing it,
# because a load can change it at any moment.
CACHE_CONTROL = "public, no-cache"
# Headers that belong to one exchange, or that other hooks set again on every response.
NOT_STORED = frozenset(
    {
        "content-length",
        "date",
        "set-cookie",
        "x-cache",
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    }
)

cache = Cache()
T = TypeVar("T")
log = logging.getLogger(__name__)
Warmer = Callable[[Flask], object]
_warmers: list[Warmer] = []
WARM_INTERVAL_SECONDS = 2.0


@dataclass(frozen=True)
class Seen:
    """The generation this process last saw, and that generation's last load time. Kept in
    the process, not in the cache: SimpleCache's pruning would drop such a key and so empty
    the whole cache again."""

    generation: str | None = None
    last_modified: datetime | None = None


_seen = Seen()


def seen_generation() -> str | None:
    return _seen.generation


def cache_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """flask-caching settings: Redis when ``CACHE_REDIS_URL`` is set (shared by every worker
    and host), else an in-process SimpleCache (one per gunicorn worker)."""
    timeout = int(environ.get("CACHE_DEFAULT_TIMEOUT") or 3600)
    redis_url = environ.get("CACHE_REDIS_URL")
    if redis_url:
        # A key prefix keeps clear() to our own keys instead of FLUSHDB on a shared Redis.
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX,
            "CACHE_DEFAULT_TIMEOUT": timeout,
        }
    return {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_THRESHOLD": int(environ.get("CACHE_THRESHOLD") or 500),
        "CACHE_DEFAULT_TIMEOUT": timeout,
    }


def is_cached_path(path: str) -> bool:
    return path.startswith(CACHED_PREFIXES)


def _normalised_url() -> str:
    """Host, path and the query parameters in a fixed order, so ``?a=1&b=2`` and
    ``?b=2&a=1`` are one answer."""
    return f"{request.host_url}{request.path}?{urlencode(sorted(request.args.items(multi=True)))}"


def response_key(generation: str) -> str:
    """The cache key of this request's answer under ``generation``."""
    return f"response:{generation}:{hashlib.sha256(_normalised_url().encode()).hexdigest()}"


def url_etag(generation: str) -> str:
    """A strong validator that every worker computes alike: the data (generation) and the
    question (URL) decide the answer."""
    return hashlib.sha256(f"{generation} {_normalised_url()}".encode()).hexdigest()[:40]


def _current_generation(engine: Engine) -> Seen:
    """The warehouse's generation and its last load time; empties the cache when the
    generation is new to this process."""
    global _seen
    generation = load_generation(engine)
    seen = _seen
    if seen.generation != generation:
        cache.clear()
        seen = _seen = Seen(generation, last_load_time(engine))
    return seen


def current_generation(engine: Engine) -> Seen:
    """The same, for other cached answers keyed by generation (the chart callbacks')."""
    return _current_generation(engine)


def computed_for_this_load(
    engine: Engine, kind: str, question: object, compute: Callable[[], T]
) -> T:
    """``compute()``, kept in the cache for as long as the warehouse's generation holds.
    ``question`` (its ``repr``) must hold everything the answer depends on, and no user:
    every visitor gets the answer one of them caused. Where an answer depends on what the
    visitor may see (staff who see drafts), the question holds that (whether drafts are shown),
    so the public is never handed an answer computed for staff, nor staff the public's."""
    asked = hashlib.sha256(repr(question).encode()).hexdigest()
    key = f"{kind}:{current_generation(engine).generation}:{asked}"
    found = cache.get(key)
    if found is None:
        # One computation per question in this process: the charts of a page ask at once, and
        # the threads after the first wait for its answer rather than each run the query.
        with _one_at_a_time(key):
            found = cache.get(key)
            if found is None:
                found = compute()
                cache.set(key, found)
    return cast(T, found)


SINGLE_FLIGHT_WAIT_SECONDS = 30.0
_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


@contextmanager
def _one_at_a_time(key: str) -> Iterator[None]:
    """Hold ``key`` while its answer is computed. A thread waits for another's computation
    at most ``SINGLE_FLIGHT_WAIT_SECONDS`` and then computes it itself, so that answers
    computed inside others' computations can never wait on each other for good."""
    with _computing_guard:
        lock = _computing.setdefault(key, threading.Lock())
    held = lock.acquire(timeout=SINGLE_FLIGHT_WAIT_SECONDS)
    try:
        yield
    finally:
        if held:
            lock.release()
        with _computing_guard:
            if _computing.get(key) is lock and not lock.locked():
                del _computing[key]


def register_warmer(warm: Warmer) -> None:
    """Have ``warm(server)`` run in each server process whenever a load changes the
    generation; it fills the cache with answers a visitor would otherwise wait for."""
    if warm not in _warmers:
        _warmers.append(warm)


def warm_for_this_load(server: Flask, engine: Engine) -> str | None:
    """Run every warmer under the warehouse's current generation (emptying this process's
    cache first if the generation is new to it); the generation warmed, or None when another
    process sharing the cache has it in hand."""
    with server.app_context():
        generation = _current_generation(engine).generation
        if not cache.add(f"warming:{generation}", os.getpid()):
            return None
        for warm in list(_warmers):
            try:
                warm(server)
            except Exception:
                log.warning("cache warming failed under %s", generation, exc_info=True)
    return generation


@dataclass
class _WarmingThread:
    pid: int
    thread: threading.Thread


_warming: _WarmingThread | None = None
_warming_lock = threading.Lock()


def warm_interval(environ: Mapping[str, str]) -> float:
    """Seconds between looks at the generation (``CACHE_WARM_INTERVAL``); 0: no warming."""
    return float(environ.get("CACHE_WARM_INTERVAL") or WARM_INTERVAL_SECONDS)


def _keep_warm(server: Flask, engine: Callable[[], Engine], interval: float) -> None:
    warmed: str | None = None
    while True:
        try:
            generation = load_generation(engine())
            if generation != warmed:
                warm_for_this_load(server, engine())
                warmed = generation
        except Exception:
            log.warning("cache warming: the generation could not be read", exc_info=True)
        time.sleep(interval)


def start_warming(server: Flask, engine: Callable[[], Engine], interval: float) -> bool:
    """Start this process's warming thread, once per process (gunicorn forks workers after
    the app is made, and a thread does not survive a fork); True if it runs."""
    global _warming
    if interval <= 0 or not _warmers:
        return False
    with _warming_lock:
        if _warming is not None and _warming.pid == os.getpid() and _warming.thread.is_alive():
            return True
        thread = threading.Thread(
            target=_keep_warm, args=(server, engine, interval), name="cache-warming", daemon=True
        )
        thread.start()
        _warming = _WarmingThread(os.getpid(), thread)
    return True


def _storable(response: Response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        # The key holds only the URL, so an answer that varies with a request header (e.g. a
        # gzipped static file) must not be replayed to a client that sent another one.
        and "Vary" not in response.headers
        and "no-store" not in (response.headers.get("Cache-Control") or "")
        and (response.content_length or 0) <= MAX_CACHED_BYTES
    )


def _store(key: str, response: Response) -> None:
    body = response.get_data()
    if len(body) > MAX_CACHED_BYTES:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in NOT_STORED]
    cache.set(key, {"status": response.status_code, "headers": headers, "body": body})


def _replay(entry: Mapping[str, Any]) -> Response:
    response = Response(entry["body"], status=entry["status"], headers=entry["headers"])
    response.headers["X-Cache"] = "HIT"
    return response


def install_caching(server: Flask, engine: Callable[[], Engine]) -> None:
    """Cache and validate the API's and the embeds' answers on ``server``.

    ``engine`` returns the warehouse engine (``warehouse.db.shared_engine``), read per request
    so tests and workers see the database they were started with.
    """
    server.config.update(cache_settings(os.environ))
    cache.init_app(server)
    interval = warm_interval(os.environ)

    @server.before_request
    def keep_warm() -> None:
        if _warming is None or _warming.pid != os.getpid():
            start_warming(server, engine, interval)

    @server.before_request
    def serve_cached_answer() -> Response | None:
        if request.method not in ("GET", "HEAD") or not is_cached_path(request.path):
            return None
        seen = _current_generation(engine())
        g.cache_generation = seen.generation
        g.cache_last_modified = seen.last_modified
        entry = cache.get(response_key(str(seen.generation)))
        if not isinstance(entry, dict):
            return None
        g.cache_hit = True
        return _replay(entry)

    @server.after_request
    def store_and_validate(response: Response) -> Response:
        generation = g.get("cache_generation")
        if generation is None or response.status_code != 200:
            return response
        if not g.get("cache_hit"):
            response.headers["X-Cache"] = "MISS"
        buffered = not (response.is_streamed or response.direct_passthrough)
        if "Vary" in response.headers and buffered:
            response.add_etag()
        elif not response.get_etag()[0]:
            response.set_etag(url_etag(generation))
        last_modified = g.get("cache_last_modified")
        if last_modified is not None and response.last_modified is None:
            response.last_modified = last_modified
        if not response.headers.get("Cache-Control"):
            response.headers["Cache-Control"] = CACHE_CONTROL
        if not g.get("cache_hit") and _storable(response):
            _store(response_key(generation), response)
        if response.is_streamed:
            # Otherwise make_conditional would read the whole stream to count its length.
            response.implicit_sequence_conversion = False
        response.make_conditional(request)
        return response
