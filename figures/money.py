"""How money is written for readers, everywhere: in charts, tables, cards and sentences.

Amounts are integer pence (the warehouse's ``*_pence`` columns); these functions are the only
place they become pounds. Two styles, one function each:

- ``money``: the exact amount, as a table or a sentence quotes it (``£12,500.50``, ``5,000 EUR``),
  rounded to whole pounds where pence would be noise (totals, estimates), or always with pence
  where they are the point (``£9.80`` per resident);
- ``pounds``: the short label a chart or a headline card uses (``£950``, ``£12.3k``, ``£4.56m``).

The module is pure and imports nothing of the dashboard, so ``figures`` (which may import only
pandas and plotly) and ``components.format`` share it without breaking an import contract.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

MISSING = "Amount not given"


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


def money(
    pence: Any, currency: Any = "GBP", *, whole_pounds: bool = False, with_pence: bool = False
) -> str:
    """Pounds with thousands separators, pence only when there are some (``£12,500``,
    ``£12,500.50``); another currency by its code (``5,000 EUR``). ``whole_pounds`` rounds to
    the nearest pound (``£12,501``); ``with_pence`` to the nearest penny, always shown
    (``£9.80``), for amounts of a few pounds such as a sum per resident. ``Amount not given``
    when there is none."""
    if not present(pence):
        return MISSING
    if whole_pounds or with_pence:
        sign = "-" if float(pence) < 0 else ""
        amount = f"{abs(float(pence)) / 100:,.{0 if whole_pounds else 2}f}"
    else:
        sign = "-" if int(pence) < 0 else ""
        whole, part = divmod(abs(int(pence)), 100)
        amount = f"{whole:,}" if part == 0 else f"{whole:,}.{part:02d}"
    code = str(currency).upper() if present(currency) else "GBP"
    return f"{sign}£{amount}" if code == "GBP" else f"{sign}{amount} {code}"


def pounds(pence: float) -> str:
    """Pence as a short pounds label: £950, £12.3k, £4.56m, −£12.3k."""
    sign = "−" if pence < 0 else ""
    value = abs(pence) / 100
    # The thresholds sit where rounding would carry over, so £999,960 reads £1.00m, not £1000.0k.
    if value >= 999_950:
        return f"{sign}£{value / 1_000_000:.2f}m"
    if value >= 9_999.5:
        return f"{sign}£{value / 1_000:.1f}k"
    return f"{sign}£{value:,.0f}"


def signed_money(pence: float, *, short: bool = False) -> str:
    """A change in money with its direction: ``+£1,200``, ``−£350`` (``short``: ``+£12.3k``)."""
    written = pounds(abs(pence)) if short else money(abs(pence))
    return ("+" if pence >= 0 else "−") + written
