"""A plain-English sentence that says what a chart's numbers show, for readers who cannot see
the chart (screen readers, link previews, the embed's text). Pure: a DataFrame in, a string out.

One generic rule per shape of data, chosen from the column names the queries use:
- a time column (financial year, quarter) and a measure: the first and last period, whether it
  rose or fell, and the peak if it sits between them ("Grants rose from £1.20m in 2021/22 to
  £1.90m in 2024/25");
- a share or a median given per category within each period (they cannot be added up): the
  latest period's spread across categories;
- no time column: the largest category and its part of the total.
A chart whose numbers need a better sentence sets ``Chart.summary`` to its own function.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from figures.money import pounds
from figures.registry import Chart

NO_DATA = "No records match these filters."
TIME_COLUMNS = ("financial_year", "quarter", "year")
SUPPRESSED_HINT = "fewer than"
Format = Callable[[float], str]


def words(value: object) -> str:
    """A stored code as words: ``in_progress`` -> "in progress", ``bank-transfer`` ->
    "bank transfer"."""
    return str(value).replace("_", " ").replace("-", " ").strip()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _is_share(column: str) -> bool:
    return column.endswith("_pct") or column == "share" or column.endswith("_share")


def _share_percent(column: str, values: pd.Series) -> pd.Series:
    numbers = _numbers(values)
    return numbers if column.endswith("_pct") else numbers * 100


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _days(value: float) -> str:
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} day" if text == "1" else f"{text} days"


def _has_suppressed(values: pd.Series) -> bool:
    return bool(values.astype(str).str.contains(SUPPRESSED_HINT, regex=False).any())


def _text_columns(data: pd.DataFrame, skip: tuple[str, ...] = ()) -> list[str]:
    return [
        str(c)
        for c in data.columns
        if str(c) not in skip
        and str(c) not in TIME_COLUMNS
        and _numbers(data[c]).isna().all()
        and not _has_suppressed(data[c])
    ]


def _trend(label: str, per_period: pd.Series, fmt: Format, *, at_least: bool = False) -> str:
    """``label`` went from the first period's value to the last's, naming a peak between."""
    periods = [str(p) for p in per_period.index]
    values = [float(v) for v in per_period.to_numpy()]
    first, last = values[0], values[-1]
    prefix = "at least " if at_least else ""
    if len(values) == 1:
        return f"{label} stood at {prefix}{fmt(first)} in {periods[0]}."
    if fmt(first) == fmt(last):
        verb = "was the same,"
        sentence = f"{label} {verb} {prefix}{fmt(last)}, in {periods[0]} and in {periods[-1]}"
    else:
        verb = "rose" if last > first else "fell"
        sentence = (
            f"{label} {verb} from {prefix}{fmt(first)} in {periods[0]} "
            f"to {prefix}{fmt(last)} in {periods[-1]}"
        )
    peak_at = max(range(len(values)), key=lambda i: values[i])
    if 0 < peak_at < len(values) - 1 and values[peak_at] > max(first, last):
        sentence += f", with a peak of {prefix}{fmt(values[peak_at])} in {periods[peak_at]}"
    return sentence + "."


def _noun(chart: Chart) -> str:
    return words(chart.count_column or "records")


def _money_column(data: pd.DataFrame) -> str | None:
    return next((str(c) for c in data.columns if str(c).endswith("_pence")), None)


def _count_column(chart: Chart, data: pd.DataFrame) -> str | None:
    if chart.count_column and chart.count_column in data.columns:
        return chart.count_column
    numeric = [str(c) for c in data.columns if _numbers(data[c]).notna().any()]
    return numeric[-1] if numeric else None


def _share_subject(chart: Chart) -> str:
    """The subject of a share's sentence: from a title that names it ("Share of P&C research
    in all research funding, by year" gives "The share of P&C research in all research
    funding"), else "The share"."""
    if not chart.title.lower().startswith("share of "):
        return "The share"
    return "The s" + chart.title[1:].split(", by ")[0]


def _over_time(chart: Chart, data: pd.DataFrame, time: str) -> str:
    periods = data[time].astype(str)
    one_row_each = not periods.duplicated().any()
    share = next((str(c) for c in data.columns if _is_share(str(c))), None)
    median = next((str(c) for c in data.columns if str(c).startswith("median_")), None)
    categories = _text_columns(data)
    measures: list[tuple[str | None, Format, str]] = [
        (share, _percent, _share_subject(chart)),
        (median, _days, "The median"),
    ]
    for column, show, label in measures:
        if column is None:
            continue
        values = _share_percent(column, data[column]) if column == share else _numbers(data[column])
        if one_row_each:
            series = pd.Series(values.to_numpy(), index=periods).dropna().sort_index()
            if not series.empty:
                return _trend(label, series, show)
        elif categories:
            return _latest_spread(data, periods, values, categories[0], show, label)
    money = _money_column(data)
    if money is not None:
        series = _numbers(data[money]).groupby(periods).sum().sort_index()
        label = _capitalise(_noun(chart)) if chart.count_column else "The total"
        return _trend(label, series, pounds)
    counted = _count_column(chart, data)
    if counted is None:
        return NO_DATA
    suppressed = _has_suppressed(data[counted])
    series = _numbers(data[counted]).fillna(0).groupby(periods).sum().sort_index()
    return _trend(f"The number of {words(counted)}", series, _count, at_least=suppressed)


def _latest_spread(
    data: pd.DataFrame,
    periods: pd.Series,
    values: pd.Series,
    category: str,
    fmt: Format,
    label: str,
) -> str:
    latest = sorted(set(periods))[-1]
    rows = pd.DataFrame({"category": data[category].map(words), "value": values})[
        (periods == latest).to_numpy()
    ].dropna()
    if rows.empty:
        return f"In {latest}, every figure was suppressed because it counted fewer than 5."
    high = rows.loc[rows["value"].idxmax()]
    low = rows.loc[rows["value"].idxmin()]
    if len(rows) == 1 or high["value"] == low["value"]:
        return f"In {latest}, {label.lower()} was {fmt(high['value'])} ({high['category']})."
    return (
        f"In {latest}, {label.lower()} ranged from {fmt(low['value'])} ({low['category']}) "
        f"to {fmt(high['value'])} ({high['category']})."
    )


def _by_category(chart: Chart, data: pd.DataFrame) -> str:
    categories = _text_columns(data)
    money = _money_column(data)
    measure = money or _count_column(chart, data)
    if measure is None:
        return f"{_count(len(data))} rows of data."
    if categories:
        labels = data[categories[0]].map(words)
    else:
        # A numbered category (a decile, a band number) is named with its column: "Decile 1".
        first = str(data.columns[0])
        labels = data[first].map(lambda value: f"{words(first)} {value}")
    totals = _numbers(data[measure]).fillna(0).groupby(labels).sum()
    totals = totals.sort_values(ascending=False, kind="stable")
    total = float(totals.sum())
    top, top_value = str(totals.index[0]), float(totals.iloc[0])
    fmt = pounds if money else _count
    what = "the largest amount" if money else f"the most {words(measure)}"
    share = f" ({_percent(100 * top_value / total)})" if total else ""
    return f"{_capitalise(top)} accounts for {what}: {fmt(top_value)} of {fmt(total)}{share}."


def generic_summary(chart: Chart, data: pd.DataFrame) -> str:
    """The generic sentence for ``chart``'s numbers, by the shape of ``data``."""
    if data.empty:
        return NO_DATA
    time = next((c for c in TIME_COLUMNS if c in data.columns), None)
    if time is not None:
        return _over_time(chart, data, time)
    return _by_category(chart, data)


def summarise(chart: Chart, data: pd.DataFrame) -> str:
    """The chart's own sentence when it has one, else the generic rule's."""
    if data.empty:
        return NO_DATA
    if chart.summary is not None:
        return chart.summary(data)
    return generic_summary(chart, data)


# Per-chart sentences, for charts whose numbers mix things the generic rule would add up.


def funding_by_year_summary(data: pd.DataFrame) -> str:
    """Awards and receipts told apart: "Awards rose from £1.20m in 2021/22 to £1.90m in
    2024/25; receipts ..."."""
    if data.empty:
        return NO_DATA
    sentences = []
    for direction, label in (("awarded", "Awards"), ("received", "Receipts")):
        rows = data[data["direction"].astype(str) == direction]
        if rows.empty:
            continue
        series = _numbers(rows["amount_pence"]).groupby(rows["financial_year"].astype(str)).sum()
        sentences.append(_trend(label, series.sort_index(), pounds))
    if not sentences:
        series = _numbers(data["amount_pence"]).groupby(data["financial_year"].astype(str)).sum()
        sentences.append(_trend("Grants", series.sort_index(), pounds))
    return " ".join(sentences)


def status_count_summary(data: pd.DataFrame) -> str:
    """How many are at each status: "3 of 16 recommendations achieved, 9 in progress, ..."."""
    if data.empty:
        return NO_DATA
    counts = _numbers(data["recommendations"]).fillna(0).groupby(data["status"].astype(str)).sum()
    total = int(counts.sum())
    order = ["achieved", "in_progress", "paused", "not_started"]
    ranked = [s for s in order if s in counts.index] + sorted(set(counts.index) - set(order))
    parts = [f"{int(counts[s])} {words(s)}" for s in ranked if counts[s]]
    first, rest = parts[0], parts[1:]
    head = f"Of {total} recommendations, {first}"
    return head + ("" if not rest else ", " + ", ".join(rest)) + "."
