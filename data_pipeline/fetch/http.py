"""Polite, safe downloads: one function, ``fetch``, that asks only for what changed.

- Conditional: the last ETag and Last-Modified go with the request, so a server that knows
  the file is unchanged answers ``304`` and nothing is downloaded. A server that ignores them
  sends the file again, and its sha256 (equal to the last one) says it is unchanged.
- Bounded: a timeout on every socket operation and on the whole download, a size cap checked
  against ``Content-Length`` before reading and against the bytes as they arrive.
- Patient: timeouts, dropped connections, ``429`` and ``5xx`` are retried with exponential
  back-off (``Retry-After``, in seconds or as a date, is honoured up to the back-off's
  ceiling); other answers are not.
- Honest: a ``User-Agent`` that names the product, and an HTML page served where data was
  expected (a login page, a "not found" page answered with 200) is a failure, not data.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from http.client import HTTPException

CHUNK = 1 << 16
RETRIABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS = 60.0


@dataclass
class Fetched:
    """What one fetch got. ``outcome`` is ``downloaded``, ``not-modified`` (304),
    ``unchanged`` (downloaded, same sha256 as before) or ``failed`` (``reason`` says why)."""

    url: str
    outcome: str
    http_status: int | None = None
    content: bytes = b""
    attempts: int = 0
    seconds: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    reason: str | None = None

    @property
    def bytes(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class Politeness:
    user_agent: str
    timeout_seconds: float = 60.0
    max_bytes: int = 200_000_000
    retries: int = 3
    backoff_seconds: float = 2.0


class _Failure(Exception):
    def __init__(self, reason: str, status: int | None = None, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.status, self.retry = reason, status, retry
        self.retry_after: float | None = None


def looks_like_html(content: bytes) -> bool:
    """True for an HTML page: what a server sends when the file is gone or behind a login."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date
    (RFC 9110); None when it is missing or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def fetch(
    url: str,
    politeness: Politeness,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    known_sha256: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """Fetch ``url`` once, retrying what is worth retrying. Never raises for network trouble:
    the result's ``outcome`` and ``reason`` say what happened."""
    started = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        try:
            result = _attempt(url, politeness, etag, last_modified)
        except _Failure as failure:
            if failure.retry and attempts <= politeness.retries:
                delay = min(politeness.backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
                if failure.retry_after is not None:
                    delay = min(max(delay, failure.retry_after), MAX_BACKOFF_SECONDS)
                sleep(delay)
                continue
            tried = f" (after {attempts} attempts)" if attempts > 1 else ""
            return Fetched(
                url,
                "failed",
                http_status=failure.status,
                attempts=attempts,
                seconds=time.monotonic() - started,
                reason=failure.reason + tried,
            )
        result.attempts = attempts
        result.seconds = time.monotonic() - started
        if result.outcome == "downloaded" and result.sha256 == known_sha256:
            result.outcome = "unchanged"
        return result


def _attempt(url: str, politeness: Politeness, etag: str | None, modified: str | None) -> Fetched:
    headers = {"User-Agent": politeness.user_agent, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    deadline = time.monotonic() + politeness.timeout_seconds * 5
    try:
        with urllib.request.urlopen(request, timeout=politeness.timeout_seconds) as response:
            status = int(response.status)
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > politeness.max_bytes:
                raise _Failure(
                    f"is {int(length):,} bytes, over the {politeness.max_bytes:,}-byte limit",
                    status,
                )
            digest = hashlib.sha256()
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > politeness.max_bytes:
                    raise _Failure(
                        f"is over the {politeness.max_bytes:,}-byte limit (stopped reading)",
                        status,
                    )
                if time.monotonic() > deadline:
                    raise _Failure("took too long to download", status, retry=True)
                digest.update(chunk)
                chunks.append(chunk)
            content = b"".join(chunks)
            if looks_like_html(content):
                raise _Failure("served an HTML page instead of data", status)
            if not content:
                raise _Failure("served an empty file", status)
            return Fetched(
                url,
                "downloaded",
                http_status=status,
                content=content,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                sha256=digest.hexdigest(),
            )
    except urllib.error.HTTPError as error:
        error.close()  # its body is not read; its socket must not be left open
        if error.code == 304:
            return Fetched(url, "not-modified", http_status=304, etag=etag, last_modified=modified)
        failure = _Failure(
            f"answered HTTP {error.code} {error.reason}",
            error.code,
            retry=error.code in RETRIABLE_STATUSES,
        )
        failure.retry_after = retry_after_seconds(
            error.headers.get("Retry-After") if error.headers else None
        )
        raise failure from None
    except TimeoutError:
        raise _Failure(f"timed out after {politeness.timeout_seconds:g} s", retry=True) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise _Failure(
                f"timed out after {politeness.timeout_seconds:g} s", retry=True
            ) from None
        raise _Failure(f"could not be reached ({reason})", retry=True) from None
    except (HTTPException, ConnectionError, OSError) as error:
        raise _Failure(
            f"connection failed ({error.__class__.__name__}: {error})", retry=True
        ) from None
