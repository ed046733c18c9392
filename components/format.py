"""How the dashboard writes money, dates and vocabulary values for readers: one way each.

Plain functions of plain values, without Dash, so every page and view formats a figure the same
way and a test can pin each format once. Money (and ``present``, which money needs) is written
in ``figures.money``, because charts label money too and ``figures`` may not import
``components``; it is re-exported here so that views need one module for every format.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from figures.money import money, pounds, present, signed_money

__all__ = [
    "as_date",
    "date_time",
    "long_date",
    "money",
    "pounds",
    "present",
    "project_years",
    "readable",
    "short_date",
    "signed_money",
]


def as_date(value: Any) -> date | None:
    """A date from a date, a timestamp or ISO text; ``None`` when missing."""
    if not present(value):
        return None
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def long_date(value: Any) -> str:
    """A date as ``12 June 2025``; empty when missing."""
    day = as_date(value)
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(value: Any) -> str:
    """A date as ``9 Mar 2024``, for tables; text that is not a date is shown as it is."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    day = as_date(value)
    return f"{day.day} {day:%b %Y}" if day else ""


def date_time(value: Any, zone: str = "") -> str:
    """A moment as ``9 Mar 2024 14:05`` (``zone`` follows, e.g. ``UTC``); a date alone as
    ``short_date`` writes it."""
    if isinstance(value, datetime):
        return f"{short_date(value)} {value:%H:%M}" + (f" {zone}" if zone else "")
    return short_date(value)


def project_years(start: Any, end: Any) -> str:
    """``2019–2021``, ``2024``, ``From 2024``, or ``Dates not given``."""
    first, last = as_date(start), as_date(end)
    if first and last:
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if first:
        return f"From {first.year}"
    if last:
        return f"Until {last.year}"
    return "Dates not given"


def readable(value: Any) -> str:
    """A vocabulary value for readers: ``co-produce`` -> ``Co-produce``, ``in_progress`` ->
    ``In progress``."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]
