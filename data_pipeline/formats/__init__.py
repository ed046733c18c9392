"""The registry of formats, in the order detection tries them.

Each format module exposes ``FORMATS``: a list of ``Format`` objects (id, label, sniff, parse).
Detection reads content, never the file name.
"""

from __future__ import annotations

from data_pipeline.extract import Source
from data_pipeline.formats.base import Format


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


def detect_format(source: Source) -> Format | None:
    """The first format whose sniff accepts the file, or None."""
    for fmt in all_formats():
        if fmt.sniff(source):
            return fmt
    return None


def format_by_id(format_id: str) -> Format:
    """The format with this id; ValueError lists the valid ids."""
    formats = {fmt.id: fmt for fmt in all_formats()}
    if format_id not in formats:
        raise ValueError(f"unknown format {format_id!r}; choose from {', '.join(sorted(formats))}")
    return formats[format_id]
