"""What a chart's numbers cover and where they came from, in words a reader can cite: the period
its rows span, the card's "covers … ; loaded …" line, the footer line drawn under a downloaded
image and the lines at the top of a downloaded CSV.

Pure: a DataFrame and plain values in, text out. The callers (the chart card, the chart API)
look the licence, the load date and the address up.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

FINANCIAL_YEAR = re.compile(r"(\d{4})/\d{2}")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Lines of a CSV that say where its numbers came from start with this, so that a reader told to
# skip comments (pandas ``comment="#"``, R's ``comment.char="#"``) reads only the table.
CSV_COMMENT = "#"
BOM = "\ufeff"


def _month(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def _span(column: pd.Series, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    found = (pattern.fullmatch(str(value)) for value in column.dropna().unique())
    return sorted((match for match in found if match), key=lambda match: match.group(0))


def period_covered(
    data: pd.DataFrame, fy_from: str | None = None, fy_to: str | None = None
) -> str | None:
    """The months a chart's rows span, from its UK financial years (April to March) or calendar
    quarters: "April 2019 – March 2025". Rows that carry neither cover the financial years
    chosen in the filters ("April 2023 onwards"), else no stated period (None)."""
    if "financial_year" in data.columns:
        years = _span(data["financial_year"], FINANCIAL_YEAR)
        if years:
            first, last = int(years[0].group(1)), int(years[-1].group(1))
            return f"{_month(first, 4)} – {_month(last + 1, 3)}"
    if "quarter" in data.columns:
        quarters = _span(data["quarter"], QUARTER)
        if quarters:
            opening, closing = quarters[0], quarters[-1]
            start = _month(int(opening.group(1)), int(opening.group(2)) * 3 - 2)
            return f"{start} – {_month(int(closing.group(1)), int(closing.group(2)) * 3)}"
    chosen_from = FINANCIAL_YEAR.fullmatch(fy_from or "")
    chosen_to = FINANCIAL_YEAR.fullmatch(fy_to or "")
    begins = _month(int(chosen_from.group(1)), 4) if chosen_from else None
    ends = _month(int(chosen_to.group(1)) + 1, 3) if chosen_to else None
    if begins and ends:
        return f"{begins} – {ends}"
    if begins or ends:
        return f"{begins} onwards" if begins else f"up to {ends}"
    return None


def short_date(moment: date | datetime | None) -> str:
    """6 Dec 2026 (no leading zero), or "never" before the first load."""
    if moment is None:
        return "never"
    return f"{moment.day} {moment.strftime('%b %Y')}"


def covers_text(period: str | None, loaded: date | datetime | None) -> str:
    """The chart card's line: "Covers April 2019 – March 2025; loaded 6 Dec 2026"."""
    return f"Covers {period or 'all years held'}; loaded {short_date(loaded)}"


@dataclass(frozen=True)
class ChartProvenance:
    """Everything a chart's download says about itself."""

    title: str
    units: str
    source: str
    licence: str | None
    period: str | None  # "April 2019 – March 2025"; None when the rows carry no dates
    loaded: date | datetime | None
    url: str  # the page (with its filters) or the API address the numbers came from
    filters: str = ""  # "fy_from=2021/22; funder=…", empty when unfiltered

    def footer(self) -> str:
        """The line under a downloaded image."""
        parts = [f"Source: {self.source}", f"licence {self.licence or 'not stated'}"]
        data_to = f"data to {self.period.split(' – ')[-1]}, " if self.period else ""
        parts.append(f"{data_to}loaded {short_date(self.loaded)}")
        if self.filters:
            parts.append(f"filters {self.filters}")
        parts.append(self.url)
        return "; ".join(parts)

    def csv_lines(self) -> list[tuple[str, str]]:
        """The key and value of each line that opens a downloaded CSV."""
        lines = [
            ("Title", self.title),
            ("Units", self.units),
            ("Source", self.source),
            ("Licence", self.licence or "not stated"),
            ("Period", self.period or "all years held"),
            ("Loaded", short_date(self.loaded)),
        ]
        if self.filters:
            lines.append(("Filters", self.filters))
        return [*lines, ("URL", self.url)]


def filters_text(query: dict[str, str]) -> str:
    """A filter query as people read it: "fy_from=2021/22; funder=A,B"."""
    return "; ".join(f"{name}={value}" for name, value in query.items())


def csv_with_provenance(
    provenance: ChartProvenance, table: pd.DataFrame, cell: Callable[[str], str] = str
) -> str:
    """The table as CSV under lines that say what it is: each opens with ``# Key`` in the
    first column and its value in the second, then a blank line, then the table's header.

    Why this shape: Excel and LibreOffice open it as a small two-column note above the table;
    ``csv.reader`` gives those lines as two-cell rows starting with "#"; pandas and R skip them
    with ``comment="#"``. Text cells of the table are quoted, so a "#" inside a name is never
    taken for the start of a comment. ``cell`` makes each value safe for a spreadsheet; a
    UTF-8 byte-order mark makes Excel read "£" and "–" as UTF-8."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    for key, value in provenance.csv_lines():
        writer.writerow([f"{CSV_COMMENT} {key}", cell(value)])
    out.write("\n")
    table.to_csv(out, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    return out.getvalue()


def table_rows(text: str) -> list[list[str]]:
    """The table of a CSV written by ``csv_with_provenance``, without its opening lines."""
    rows = csv.reader(io.StringIO(text.removeprefix(BOM)))
    return [row for row in rows if row and not row[0].startswith(CSV_COMMENT)]


def provenance_rows(text: str) -> dict[str, str]:
    """The opening lines of such a CSV as {key: value}."""
    rows: Sequence[list[str]] = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    return {
        row[0].removeprefix(CSV_COMMENT).strip(): row[1]
        for row in rows
        if row and row[0].startswith(CSV_COMMENT) and len(row) > 1
    }
