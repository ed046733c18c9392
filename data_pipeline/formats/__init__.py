"""The registry of formats, in the order detection tries them.

Each format module exposes ``FORMATS``: a list of ``Format`` objects (id, label, sniff, parse).
Detection reads content, never the file name. When no format accepts a file, detection refuses
it saying which format came closest and what it lacked, so the officer need not guess a
``--format``.
"""

from __future__ import annotations

from collections.abc import Callable

from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source
from data_pipeline.formats.base import Format

NOT_RECOGNISED = "is not in a format the pipeline recognises"


def all_formats() -> list[Format]:
    """Every format, most specific first."""
    from data_pipeline.formats import (
        area_lookup,
        census,
        deprivation,
        fingertips,
        ocds,
        registers,
        spend,
        threesixtygiving,
    )

    return [
        *registers.FORMATS,
        *threesixtygiving.FORMATS,
        *ocds.FORMATS,
        *deprivation.FORMATS,
        *fingertips.FORMATS,
        *census.FORMATS,
        *area_lookup.FORMATS,
        *spend.FORMATS,
    ]


def near_misses() -> list[Callable[[Source], str | None]]:
    """Checks that say what a file lacks to be of a format it comes close to (``None`` when it
    is not close), most specific first."""
    from data_pipeline.formats import spend

    return [spend.near_miss]


def detect_format(source: Source) -> Format:
    """The first format whose sniff accepts the file. A spend file whose only lack is a date
    column is spend too: its period can come from ``--period`` or its name, and its parse says
    so when neither gives one. Any other file is refused (``FileRejected``) with what the
    closest format found it lacked."""
    from data_pipeline.formats import spend

    formats = all_formats()
    for fmt in formats:
        if fmt.sniff(source):
            return fmt
    if spend.lacks_only_dates(source):
        return next(fmt for fmt in formats if fmt.id == spend.FORMAT_ID)
    raise FileRejected(source.name, explain_unrecognised(source))


def explain_unrecognised(source: Source) -> str:
    """Why no format accepts the file: the closest one and what it lacked, where one is close."""
    for near_miss in near_misses():
        lack = near_miss(source)
        if lack:
            return f"{NOT_RECOGNISED}: it {lack} (or use --format to name a format)"
    return f"{NOT_RECOGNISED} (use --format to name one)"


def format_by_id(format_id: str) -> Format:
    """The format with this id; ValueError lists the valid ids."""
    formats = {fmt.id: fmt for fmt in all_formats()}
    if format_id not in formats:
        raise ValueError(f"unknown format {format_id!r}; choose from {', '.join(sorted(formats))}")
    return formats[format_id]
