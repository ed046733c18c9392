"""Money labels on charts and cards read the way a finance officer writes them."""

from __future__ import annotations

import pytest

from figures.money import pounds


@pytest.mark.parametrize(
    ("pence", "label"),
    [
        (95_000, "£950"),
        (999_949, "£9,999"),
        (999_950, "£10.0k"),
        (1_234_500, "£12.3k"),
        (99_994_900, "£999.9k"),
        (99_995_000, "£1.00m"),
        (456_000_000, "£4.56m"),
        (-1_234_500, "−£12.3k"),
    ],
)
def test_pounds_label(pence: int, label: str) -> None:
    assert pounds(pence) == label
