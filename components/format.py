"""How the dashboard writes money, dates and vocabulary values for readers: one way each.

Plain functions of plain values, without Dash, so every page and view formats a figure the same
way and a test can pin each format once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd


def present(value: Any) -> bool:
    """False for ``None``, NaN, NaT and blank text; True for anything else."""
    if value is None:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return str(value).strip() != ""


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


def money(pence: Any, currency: Any = "GBP") -> str:
    """Pounds with thousands separators, pence only when there are some (``£12,500``,
    ``£12,500.50``); another currency by its code (``5,000 EUR``)."""
    if not present(pence):
        return "Amount not given"
    sign = "-" if int(pence) < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    amount = f"{whole:,}" if part == 0 else f"{whole:,}.{part:02d}"
    code = str(currency).upper() if present(currency) else "GBP"
    return f"{sign}£{amount}" if code == "GBP" else f"{sign}{amount} {code}"


def readable(value: Any) -> str:
    """A vocabulary value for readers: ``co-produce`` -> ``Co-produce``, ``in_progress`` ->
    ``In progress``."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]
