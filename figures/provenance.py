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


# A chart names up to this many publishers on its source line; beyond, it counts them.
NAMED_PUBLISHERS = 3
BY_HAND = "files loaded by hand"
# "Creative Commons Attribution 4.0 International (CC BY 4.0)": the short form in brackets.
_SHORT_LICENCE = re.compile(r"\(([A-Z][A-Za-z0-9 .\-]*\d)\)\s*$")
# The licences 360Giving publishers use most, by name or address, and their short forms.
_KNOWN_LICENCES = (
    (re.compile(r"open[ -]government[ -]licen[cs]e\D*?(\d+(?:\.\d+)?)", re.I), "OGL v{}"),
    (
        re.compile(r"creative commons attribution[ -]share[ -]?alike\D*(\d\.\d)", re.I),
        "CC BY-SA {}",
    ),
    (re.compile(r"creative commons attribution\D*(\d\.\d)", re.I), "CC BY {}"),
    (re.compile(r"creativecommons\.org/licenses/by-sa/(\d\.\d)", re.I), "CC BY-SA {}"),
    (re.compile(r"creativecommons\.org/licenses/by/(\d\.\d)", re.I), "CC BY {}"),
    (re.compile(r"creativecommons\.org/publicdomain/zero/(\d\.\d)", re.I), "CC0 {}"),
    (re.compile(r"open-government-licence/version/(\d+)", re.I), "OGL v{}"),
)


def short_licence(licence: str | None) -> str:
    """A licence as a source line can hold it: the short form a long name ends with in
    brackets ("CC BY 4.0"), the usual short form of a licence publishers often use ("OGL
    v3.0" for "Open Government Licence 3.0 (United Kingdom)" or its address), else the name
    (or address) as the publisher gives it."""
    if not licence or not licence.strip():
        return "licence not stated"
    found = _SHORT_LICENCE.search(licence)
    if found:
        return found.group(1)
    for pattern, short in _KNOWN_LICENCES:
        match = pattern.search(licence)
        if match:
            version = match.group(1)
            return short.format(version if "." in version else f"{version}.0")
    return licence.strip()


@dataclass(frozen=True)
class Attribution:
    """Whose data a chart shows, in the words its card and downloads use."""

    source: str  # the card's source line
    licence: str | None  # the licence line; None when no publisher is named (the site's own)
    publishers: str = ""  # every publisher: its licence as given, for downloads ("" if none)


def attribution(
    base: str, publishers: pd.DataFrame, site_licence: str | None = None
) -> Attribution:
    """The source line of a chart whose grants come from ``publishers`` (columns publisher,
    licence, grants; largest first): "360Giving grants: Trafford Council (OGL v3.0); ..."
    for up to three, "360Giving grants of 12 publishers (licences: CC BY 4.0 for 9, OGL v3.0
    for 3)" beyond. Files loaded by hand that name no publisher are "files loaded by hand",
    under the site's licence (``site_licence``, when the caller knows it) unless they state
    their own. When no publisher is named at all the line is ``base``, as before any was
    fetched."""
    if publishers.empty or publishers["publisher"].isna().all():
        return Attribution(base, None)
    named: dict[str, list[str]] = {}  # publisher -> its licences, as given
    for name, licence in zip(publishers["publisher"], publishers["licence"], strict=True):
        key = name if isinstance(name, str) and name.strip() else BY_HAND
        given = licence.strip() if isinstance(licence, str) and licence.strip() else None
        if given is None and key == BY_HAND:
            given = site_licence
        stated = given or "licence not stated"
        if stated not in named.setdefault(key, []):
            named[key].append(stated)
    shorts = {name: list(dict.fromkeys(map(short_licence, given))) for name, given in named.items()}
    each = [
        name
        if name == BY_HAND and licences == ["licence not stated"]
        else f"{name} ({', '.join(licences)})"
        for name, licences in shorts.items()
    ]
    counts: dict[str, int] = {}
    for licences in shorts.values():
        for licence in licences:
            counts[licence] = counts.get(licence, 0) + 1
    ordered = sorted(counts, key=lambda licence: (-counts[licence], licence))
    if len(named) <= NAMED_PUBLISHERS:
        source = f"{base}: " + "; ".join(each)
    else:
        shares = ", ".join(f"{licence} for {counts[licence]}" for licence in ordered)
        source = f"{base} of {len(named)} publishers (licences: {shares})"
    # Downloads have room for every publisher and its licence as the publisher names it.
    full = "; ".join(f"{name}: {', '.join(given)}" for name, given in named.items())
    return Attribution(source, "; ".join(ordered), full)


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
    publishers: str = ""  # "Trafford Council (OGL v3.0); …", empty when none is named

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
            *([("Publishers", self.publishers)] if self.publishers else []),
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
