"""A lock between processes, held in the warehouse itself, so it works wherever the warehouse
is (one SQLite file, or PostgreSQL shared by several hosts): taking it is inserting a row whose
primary key is the lock's name, which only one process can do. A holder that died leaves a row
that expires, so a crash never blocks refreshes for good."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from warehouse.schema import meta_locks


class LockHeld(RuntimeError):
    """Another process holds the lock; the message says who and since when."""


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def held(engine: Engine, name: str, minutes: float) -> Iterator[str]:
    """Hold lock ``name`` for the block (for at most ``minutes``, after which another process
    may take it). Raises LockHeld when another process holds it."""
    holder = _holder()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            delete(meta_locks).where(meta_locks.c.lock_name == name, meta_locks.c.expires_at < now)
        )
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(meta_locks).values(
                    lock_name=name,
                    holder=holder,
                    acquired_at=now,
                    expires_at=now + timedelta(minutes=minutes),
                )
            )
    except IntegrityError:
        with engine.connect() as conn:
            row = conn.execute(
                select(meta_locks.c.holder, meta_locks.c.acquired_at).where(
                    meta_locks.c.lock_name == name
                )
            ).first()
        who = f"{row.holder} since {row.acquired_at:%Y-%m-%d %H:%M}" if row else "another process"
        raise LockHeld(f"another {name} is running ({who})") from None
    try:
        yield holder
    finally:
        with engine.begin() as conn:
            conn.execute(
                delete(meta_locks).where(
                    meta_locks.c.lock_name == name, meta_locks.c.holder == holder
                )
            )
