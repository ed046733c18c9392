"""The SQL statements SQLAlchemy sends while a block runs, for tests that check which
statements a query or a load makes (not those a driver sends itself, such as psycopg's COPY)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event


@contextmanager
def statements_sent(target: Engine | Connection) -> Iterator[list[str]]:
    """The statements sent on ``target`` inside the block, in order."""
    sent: list[str] = []

    def note(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(target, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(target, "before_cursor_execute", note)
