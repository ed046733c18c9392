"""A large file parsed in a process of its own, so that its next batch is parsed while the
last one is written.

A thread cannot overlap the two: the write holds Python's lock while it binds each row's
values, and the parse holds it in pandas' object columns (``load._write_batches``). A second
process can, on a second core. The process only parses: every write stays in the loader's
one transaction, so a file is still loaded whole or not at all. The process sends what a
``ParseStream`` gives, in order (the batches, then the rest of the file with its rejects,
warnings and money) and the loader reads them as it would from a parse of its own. An error
in the process is raised in the loader, as it would have been there; a process that dies
(killed for memory, say) is an error too, and the loader's transaction is rolled back.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Table

from data_pipeline.config import Config
from data_pipeline.extract import Source
from data_pipeline.formats.base import Format, Parsed, ParseStream
from warehouse.schema import metadata

APART_FROM_BYTES = 48 * 1024 * 1024
"""Files smaller than this are parsed in the loader's own process. Starting another takes about
a second (most of it importing pandas and pyarrow), which a file of 100,000 grants (55 MB)
about wins back; at 1,000,000 the load took 10-34% less time in four pairs."""


def worth_parsing_apart(fmt: Format, path: Path, dialect: str) -> bool:
    """Whether to parse this file in a process of its own: a format read in batches, a file
    large enough, a second core to run it on, and a SQLite warehouse. On PostgreSQL the loader
    already sends each batch's COPY from a thread while it parses the next (the server does
    the writing), and a second process measured no faster, with 0.3 GB more memory."""
    if fmt.stream is None or dialect != "sqlite" or _cores() < 2:
        return False
    try:
        return path.stat().st_size >= APART_FROM_BYTES
    except OSError:
        return False


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def stream_apart(fmt: Format, source: Source, config: Config) -> ParseStream | None:
    """``fmt.stream(source, config)``, parsed in another process; None where the format reads
    this file whole (the caller parses it then, in its own process). Errors of the parse are
    raised here or by the stream, as ``fmt.stream`` would raise them. The readers' notes of
    the text they cleaned are added to ``source.cleaned`` when the stream finishes."""
    # A process of its own, started afresh: a fork would copy the locks the loader's other
    # threads hold, and multiprocessing's spawn would import the caller's main module again.
    reading, writing = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(writing)],
            stdin=subprocess.PIPE,
            pass_fds=(writing,),
        )
    finally:
        os.close(writing)
    parse = _ParseProcess(process, Connection(reading, writable=False))
    assert process.stdin is not None
    try:
        with process.stdin:
            process.stdin.write(_dumps((fmt.id, source.path, source.label, config)))
    except BrokenPipeError:
        pass  # it ended before it read what to parse: receiving says so, with its exit code
    kind, *started = parse.receive()
    if kind == "whole":
        parse.stop()
        return None
    table, rows = started
    return ParseStream(fmt.id, table, parse.batches(), lambda: parse.finish(source), rows)


class _ParseProcess:
    """The loader's end of the process: what it sends, received in order."""

    def __init__(self, process: subprocess.Popen[bytes], receiver: Connection) -> None:
        self.process = process
        self.receiver = receiver
        self.finished: tuple[Parsed, list[Any]] | None = None

    def receive(self) -> tuple[Any, ...]:
        try:
            message = _loads(self.receiver.recv_bytes())
        except (EOFError, OSError):  # it ended between messages, or while sending one
            self.stop()
            raise RuntimeError(
                "the process parsing the file ended before it had read it all "
                f"(exit code {self.process.returncode})"
            ) from None
        if message[0] == "error":
            self.stop()
            raise message[1]
        return tuple(message)

    def batches(self) -> Iterator[pd.DataFrame]:
        try:
            while True:
                kind, *sent = self.receive()
                if kind == "finish":
                    self.finished = (sent[0], sent[1])
                    return
                yield sent[0]
        finally:
            if self.finished is None:  # the loader stopped part-way: so does the parse
                self.stop()

    def finish(self, source: Source) -> Parsed:
        if self.finished is None:
            raise RuntimeError("the file's batches must all be read before the rest of it")
        parsed, cleaned = self.finished
        self.receiver.close()
        self.process.wait()  # it ends once it has sent the rest
        source.cleaned.extend(cleaned)
        return parsed

    def stop(self) -> None:
        """Stop it where it is: the loader wants nothing more from it."""
        self.receiver.close()
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()


def _parse(
    sender: Connection, format_id: str, path: Path, label: str | None, config: Config
) -> None:
    """The other process: parse the file and send the stream, piece by piece. Sending blocks
    while the loader is still writing the batch before, so at most one batch waits."""
    from data_pipeline.formats import format_by_id  # imported here: it imports every format

    try:
        source = Source.from_path(path, label)
        stream = format_by_id(format_id).stream(source, config)  # type: ignore[misc]
        if stream is None:
            _send(sender, ("whole",))
            return
        _send(sender, ("stream", stream.table, stream.rows))
        for frame in stream.batches:
            _send(sender, ("batch", frame))
        _send(sender, ("finish", stream.finish(), source.cleaned))
    except (BrokenPipeError, ConnectionResetError):
        return  # the loader stopped reading: nothing is waiting for the rest
    except BaseException as error:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            _send(sender, ("error", error))
    finally:
        sender.close()


def _send(sender: Connection, message: tuple[Any, ...]) -> None:
    if message[0] == "error":
        try:
            data = _dumps(message)
            _loads(data)
        except Exception:
            data = _dumps(("error", RuntimeError(repr(message[1]))))
    else:
        data = _dumps(message)
    sender.send_bytes(data)


class _Pickler(pickle.Pickler):
    """The warehouse's tables cross by name: the loader compares them by identity."""

    def persistent_id(self, obj: Any) -> str | None:
        if isinstance(obj, Table) and metadata.tables.get(obj.name) is obj:
            return obj.name
        return None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Table:
        return metadata.tables[pid]


def _dumps(message: Any) -> memoryview:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
    return out.getbuffer()


def _loads(data: bytes | memoryview) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


if __name__ == "__main__":
    _parse(Connection(int(sys.argv[1]), readable=False), *_loads(sys.stdin.buffer.read()))
