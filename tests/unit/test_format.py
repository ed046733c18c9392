"""Money, dates and labels are written one way each, by components.format (money by
figures.money, which charts share), and nowhere else."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from components.format import (
    date_time,
    long_date,
    money,
    pounds,
    readable,
    short_date,
    signed_money,
)

ROOT = Path(__file__).resolve().parents[2]


def test_money_rounded_to_pounds_or_always_with_pence() -> None:
    assert money(1_234_567, whole_pounds=True) == "£12,346"
    assert money(99_900, "EUR", whole_pounds=True) == "999 EUR"
    assert money(980, with_pence=True) == "£9.80"
    assert money(90.476, with_pence=True) == "£0.90"
    assert money(None, whole_pounds=True) == "Amount not given"


def test_changes_in_money_carry_their_direction() -> None:
    assert signed_money(120_000) == "+£1,200"
    assert signed_money(-35_050) == "−£350.50"
    assert signed_money(1_234_500, short=True) == "+£12.3k"
    assert pounds(-1_234_500) == "−£12.3k"


def test_dates_long_short_and_with_the_time() -> None:
    assert long_date("2025-06-12") == "12 June 2025"
    assert short_date(date(2024, 3, 9)) == "9 Mar 2024"
    assert short_date("2024-03-09T10:00:00") == "9 Mar 2024"
    assert short_date("not a date") == "not a date"
    assert short_date(None) == ""
    assert date_time(datetime(2024, 3, 9, 14, 5), "UTC") == "9 Mar 2024 14:05 UTC"
    assert date_time(date(2024, 3, 9)) == "9 Mar 2024"


def test_vocabulary_values_read_as_words() -> None:
    assert readable("in_progress") == "In progress"
    assert readable("co-produce") == "Co-produce"


# A pound sign followed by a formatted number: money written by hand instead of by the formatters.
HAND_WRITTEN_MONEY = re.compile(r"£\{")


@pytest.mark.parametrize("folder", ["components", "figures", "callbacks", "pages", "web"])
def test_no_module_writes_money_by_hand(folder: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "money.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_WRITTEN_MONEY.search(line)
    ]
    assert offenders == [], f"write money with components.format / figures.money: {offenders}"
