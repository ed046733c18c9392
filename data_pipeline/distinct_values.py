"""Cell-by-cell parses run once per distinct value.

Rule: pure. A large file repeats its values (a few thousand award dates, a handful of
currencies and programme titles across a million grants), so a parse whose result for a cell
depends on that cell alone is run on the distinct values and spread back to every row. The
result is the parse's own, row for row; only text and date columns take this path, where
equal values are the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

Result = TypeVar("Result", pd.Series, tuple[pd.Series, pd.Series])

SMALL = 2000
"""Columns shorter than this are parsed directly: nothing to gain."""
_SAFE = frozenset({"string", "empty", "date", "datetime"})


def _repeats_enough(values: pd.Series) -> bool:
    """A long text or date column whose first rows already repeat themselves."""
    if len(values) < SMALL:
        return False
    if values.iloc[:SMALL].nunique(dropna=False) * 2 > SMALL:
        return False  # descriptions, identifiers: nearly every value is new
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _SAFE


def per_distinct(values: pd.Series, parse: Callable[[pd.Series], Result]) -> Result:
    """``parse(values)``, computed on the distinct values; ``parse`` maps each cell on its own
    and returns a Series (or a tuple of Series) on the index it was given."""
    if not _repeats_enough(values):
        return parse(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) * 2 > len(values):
        return parse(values)
    parsed = parse(pd.Series(uniques, dtype=values.dtype))
    positions = np.asarray(codes, dtype=np.intp)

    def spread(part: pd.Series) -> pd.Series:
        return part.iloc[positions].set_axis(values.index)

    if isinstance(parsed, tuple):
        return tuple(spread(part) for part in parsed)  # type: ignore[return-value]
    return spread(parsed)
