"""The numbers behind a chart as people read them: the card's table view and its CSV.

Queries speak the warehouse's language (``amount_pence``, ``financial_year``); a reader wants
"Amount (£)" and "Financial year". Pure: a DataFrame in, a DataFrame out.
"""

from __future__ import annotations

import pandas as pd

PENCE_SUFFIX = "_pence"
PERCENT_SUFFIX = "_pct"


def heading(column: str) -> str:
    """``financial_year`` -> "Financial year"; ``amount_pence`` -> "Amount (£)";
    ``share_pct`` -> "Share (%)"."""
    if column.endswith(PENCE_SUFFIX):
        column = column.removesuffix(PENCE_SUFFIX) + " (£)"
    elif column.endswith(PERCENT_SUFFIX):
        column = column.removesuffix(PERCENT_SUFFIX) + " (%)"
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def readable_table(data: pd.DataFrame) -> pd.DataFrame:
    """The same rows with readable headings and money in pounds to the penny, so the table and
    its CSV say what they count."""
    readable = pd.DataFrame(index=data.index)
    for column in data.columns:
        values = data[column]
        if str(column).endswith(PENCE_SUFFIX):
            # Written as text with two decimals, so the table and the CSV show the same figure
            # (a float would lose its ".00" on the way to the browser but keep it in a CSV).
            pounds = pd.to_numeric(values, errors="coerce") / 100
            values = pounds.map(lambda amount: "" if pd.isna(amount) else f"{amount:.2f}")
        readable[heading(str(column))] = values
    return readable.reset_index(drop=True)
