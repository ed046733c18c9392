"""Tolerant reading of 360Giving grants: what publishers really write, repaired or blanked.

Rule: pure and column-wise, on the canonical grant frame that the JSON and the spreadsheet
readers both build, so a repair learned from one publisher serves every file. A grant is
rejected only when it loses something the warehouse needs: an id, an amount, an award date, a
funder, a recipient (a name or an id). Every other value that is not as the standard says is
repaired (``£2,266.00``, ``24/07/2014``, ``Y``, ``12 months``) or, where it cannot be read,
blanked; each repair and each blank is a warning on the file, never a reject.

Repaired values are written back in the standard's own form (ISO dates, plain numbers,
``Yes``/``No``, upper-case currency codes), so the transform reads them as it reads a perfect
file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import String

from data_pipeline import limits
from data_pipeline.distinct_values import per_distinct
from data_pipeline.formats.base import Money, WarningCollector, quoted
from data_pipeline.formats.threesixtygiving_schema import currency_codes
from data_pipeline.formats.threesixtygiving_transform import (
    LIMITED,
    AddProblem,
    is_blank,
    parse_event_dates,
    text,
)
from data_pipeline.text_cells import (
    PYTHON_ASCII_SPACE,
    arrow_text,
    ascii_text,
    matching,
    stripped_lengths,
    trimmed,
)
from data_pipeline.transform import (
    MONTH_FIRST,
    UNSETTLED,
    DateEvidence,
    ambiguous_dates,
    parse_bool,
    parse_dates,
    parse_datetimes,
    parse_money_pence,
    parse_number_in,
)

AMOUNT = "amountAwarded"
AWARD_DATE = "awardDate"
OPTIONAL_AMOUNTS = ("amountAppliedFor", "amountDisbursed")
PLANNED_DATES = (("plannedDates/0/startDate", False), ("plannedDates/0/endDate", True))
DURATION = "plannedDates/0/duration"
RECIPIENT_KEYS = (
    "recipientOrganization/0/id",
    "recipientOrganization/0/name",
    "recipientIndividual/id",
    "recipientIndividual/name",
)
FUNDER_ID = "fundingOrganization/0/id"
ORG_IDS = (FUNDER_ID, "recipientOrganization/0/id")
NAMES = (
    "title",
    "fundingOrganization/0/name",
    "recipientOrganization/0/name",
    "recipientIndividual/name",
)
"""Fields held to ``limits.MAX_NAME_CHARS`` (every other text to ``MAX_FIELD_CHARS``, checked
where the file is read)."""

REPAIRED_KEYS = frozenset(
    {
        AMOUNT,
        AWARD_DATE,
        *OPTIONAL_AMOUNTS,
        *(key for key, _ in PLANNED_DATES),
        DURATION,
        "dateModified",
        "fromOpenCall",
        "currency",
        "title",
        *ORG_IDS,
    }
)
"""Fields whose problems this module reports itself (as repairs, blanks or rejects); the
standard's own checks of them would only say the same again."""


@dataclass
class GrantChecks:
    """Where a reader's problems go: ``reject(mask, key, reason)`` rejects rows (the key is
    turned into the file's own title), ``warnings`` collects repairs and notes, and
    ``title(key)`` names a field as the file does."""

    reject: AddProblem
    warnings: WarningCollector
    title: Callable[[str], str]
    columns: frozenset[str] | None = None
    """The fields a spreadsheet has columns for (None for JSON, where each grant differs)."""

    def required(self, key: str) -> str:
        """Why a required value is missing: blank, or the file has no column for it."""
        if self.columns is not None and key not in self.columns:
            return f"is required, but the file has no '{self.title(key)}' column"
        return "is required but blank"

    def warn(self, mask: pd.Series, key: str, kind: str, message: str, values: pd.Series) -> None:
        self.warnings.add(mask, self.title(key), kind, message, values)


def _reason(mask: pd.Series, build: Callable[[], pd.Series]) -> pd.Series:
    """The reasons ``build()`` gives, only worked out when ``mask`` finds a row: a check that
    finds nothing is only logged as made, and its reasons are never read."""
    if bool(mask.any()):
        return build()
    return pd.Series(None, index=mask.index, dtype=object)


def _changed_form(raw: pd.Series, standard: pd.Series) -> pd.Series:
    """Values read, but not written as the standard writes them."""
    return (text(raw) != standard.astype("string")).fillna(False).astype(bool)


def _iso(dates: pd.Series) -> pd.Series:
    """``datetime.date`` values (None where missing) as YYYY-MM-DD text."""
    return per_distinct(dates, _iso_each)


def _iso_each(dates: pd.Series) -> pd.Series:
    text_dates = pd.to_datetime(dates, errors="coerce").dt.strftime("%Y-%m-%d")
    return text_dates.astype(object).where(text_dates.notna(), None)


_AMBIGUOUS = " could be day/month or month/day, and the file's other dates do not settle which"


_AWARD_DATES_READ = (
    "award dates not written YYYY-MM-DD were read (dd/mm/yyyy, Excel serials; a month "
    "and year alone as the month's first day)"
)
_STRICT_ISO = r"^(1[7-9]|2[01])\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
"""A date as the standard writes it, in years pandas' dates hold."""


def _strict_iso_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """The strict, fast read of a date column: when every value is blank or a real date
    written YYYY-MM-DD (as a clean file's are), each as ``_iso`` writes it (None where blank)
    and the blank mask (``is_blank``); else None, for ``parse_dates``' tolerant read. Only
    the column's distinct values are looked at."""
    array = arrow_text(raw)
    if array is None:
        return None
    stripped = trimmed(array)
    blank = pc.fill_null(pc.equal(stripped, ""), True)
    written = pc.if_else(blank, None, stripped)
    distinct = pc.unique(written).drop_null()
    if not _all_true(pc.string_is_ascii(distinct)):
        return None
    if not _all_true(pc.match_substring_regex(distinct, _STRICT_ISO)):
        return None
    # Arrow's strptime rolls 2019-02-30 on to March: a real date is written back the same.
    dates = pc.strptime(distinct, format="%Y-%m-%d", unit="s", error_is_null=True)
    if not _all_true(pc.equal(dates.cast(pa.date32()).cast(pa.string()), distinct)):
        return None
    iso = pd.Series(written.to_numpy(zero_copy_only=False), index=raw.index, dtype=object)
    return iso, pd.Series(np.asarray(blank, dtype=bool), index=raw.index)


def _all_true(found: pa.Array) -> bool:
    return found.null_count == 0 and pc.all(found).as_py() is not False


def _repair_award_date(canonical: pd.DataFrame, order: str, checks: GrantChecks) -> None:
    raw = canonical[AWARD_DATE]
    strict = _strict_iso_dates(raw)
    if strict is not None:
        _strict_award_dates(canonical, checks, *strict)
        return
    parsed, _ = parse_dates(raw, order=order)
    blank = is_blank(raw)
    invalid = parsed.isna() & ~blank  # placeholders such as 'N/A' too
    ambiguous = invalid & (ambiguous_dates(raw) if order == UNSETTLED else False)
    checks.reject(blank, AWARD_DATE, checks.required(AWARD_DATE))
    checks.reject(
        ambiguous,
        AWARD_DATE,
        _reason(ambiguous, lambda: quoted(raw) + _AMBIGUOUS),
    )
    not_a_date = invalid & ~ambiguous
    checks.reject(
        not_a_date, AWARD_DATE, _reason(not_a_date, lambda: quoted(raw) + " is not a date")
    )
    checks.warn(
        parsed.notna() & ~_is_iso_text(raw),
        AWARD_DATE,
        "repaired",
        _AWARD_DATES_READ,
        raw,
    )
    canonical[AWARD_DATE] = _iso(parsed).where(parsed.notna(), raw)


def _strict_award_dates(
    canonical: pd.DataFrame, checks: GrantChecks, iso: pd.Series, blank: pd.Series
) -> None:
    """``_repair_award_date`` of a column ``_strict_iso_dates`` read: the same checks, of
    which only the blank one can find anything, and the same values written back."""
    raw = canonical[AWARD_DATE]
    none = pd.Series(False, index=raw.index)
    checks.reject(blank, AWARD_DATE, checks.required(AWARD_DATE))
    checks.reject(none, AWARD_DATE, _reason(none, lambda: raw))  # could be either way
    checks.reject(none, AWARD_DATE, _reason(none, lambda: raw))  # is not a date
    checks.warn(
        none,
        AWARD_DATE,
        "repaired",
        _AWARD_DATES_READ,
        raw,
    )
    canonical[AWARD_DATE] = iso.where(~blank, raw)


def _is_iso_text(values: pd.Series) -> pd.Series:
    return text(values).str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)


def _repair_optional_dates(canonical: pd.DataFrame, order: str, checks: GrantChecks) -> None:
    for key, end in PLANNED_DATES:
        raw = canonical[key]
        strict = _strict_iso_dates(raw)
        if strict is not None:
            none = pd.Series(False, index=raw.index)
            checks.warn(none, key, "blanked", "values that are not dates were left blank", raw)
            checks.warn(none, key, "repaired", "dates not written YYYY-MM-DD were read", raw)
            canonical[key] = raw.where(none, strict[0]).where(~none, None)
            continue
        partial_form = text(raw).str.fullmatch(r"\d{4}(-\d{2})?").fillna(False).astype(bool)
        full, full_bad = parse_dates(raw.where(~partial_form), order=order)
        _, partial_bad = parse_event_dates(raw.where(partial_form), end=end)
        invalid = full_bad | partial_bad
        checks.warn(invalid, key, "blanked", "values that are not dates were left blank", raw)
        repaired = full.notna() & ~_is_iso_text(raw)
        checks.warn(repaired, key, "repaired", "dates not written YYYY-MM-DD were read", raw)
        canonical[key] = raw.where(partial_form, _iso(full)).where(~invalid, None)
    raw = canonical["dateModified"]
    _, invalid = parse_datetimes(raw)
    checks.warn(
        invalid, "dateModified", "blanked", "values that are not dates were left blank", raw
    )
    canonical["dateModified"] = raw.where(~invalid, None)


def _repair_amounts(canonical: pd.DataFrame, checks: GrantChecks) -> None:
    raw = canonical[AMOUNT]
    pence, _ = parse_money_pence(raw)
    blank = is_blank(raw)
    invalid = pence.isna() & ~blank  # placeholders such as 'N/A' too
    checks.reject(blank, AMOUNT, checks.required(AMOUNT))
    checks.reject(
        invalid, AMOUNT, _reason(invalid, lambda: quoted(raw) + " is not an amount of money")
    )
    negative = (pence < 0).fillna(False).astype(bool)
    checks.reject(
        negative,
        AMOUNT,
        _reason(negative, lambda: quoted(raw) + " is negative; amounts must be zero or more"),
    )
    _note_money_repairs(raw, pence, AMOUNT, checks)
    canonical[AMOUNT] = _pounds(pence).where(pence.notna(), raw)
    for key in OPTIONAL_AMOUNTS:
        raw = canonical[key]
        pence, invalid = parse_money_pence(raw)
        negative = (pence < 0).fillna(False).astype(bool)
        checks.warn(
            invalid | negative, key, "blanked", "values that are not amounts were left blank", raw
        )
        _note_money_repairs(raw, pence, key, checks)
        canonical[key] = _pounds(pence).where(pence.notna() & ~negative, None)


def _plain_numbers(raw: pd.Series) -> pd.Series:
    """Values written as a plain number (``-12``, ``3.5``; ``.00`` ignored at the end)."""
    array = ascii_text(raw)
    if array is None:
        written = text(raw).str.replace(r"\.0+$", "", regex=True)
        return written.str.fullmatch(r"-?\d+(\.\d+)?").fillna(False).astype(bool)
    written_array = pc.replace_substring_regex(trimmed(array), r"\.0+$", "")
    return pd.Series(matching(written_array, r"^-?\d+(\.\d+)?$"), index=raw.index)


def _note_money_repairs(raw: pd.Series, pence: pd.Series, key: str, checks: GrantChecks) -> None:
    plain = _plain_numbers(raw)
    checks.warn(
        pence.notna() & ~plain & ~is_blank(raw),
        key,
        "repaired",
        "amounts written with £, commas, spaces or brackets were read as numbers",
        raw,
    )


def _pounds(pence: pd.Series) -> pd.Series:
    """Pence as the decimal text of pounds (exact: no float rounding)."""
    if isinstance(pence.dtype, pd.Int64Dtype):
        # Each distinct amount written once, then spread.
        encoded = pc.dictionary_encode(pa.array(pence.array, type=pa.int64()))
        array = encoded.dictionary
        size = pc.abs(array)
        whole = pc.divide(size, 100)
        cents = pc.cast(pc.subtract(size, pc.multiply(whole, 100)), pa.string())
        cents = pc.utf8_lpad(cents, 2, "0")
        sign = pc.if_else(pc.less(array, 0), "-", "")
        pounds = pc.binary_join_element_wise(sign, pc.cast(whole, pa.string()), ".", cents, "")
        written = np.empty(len(pounds) + 1, dtype=object)
        written[:-1] = pounds.to_numpy(zero_copy_only=False)
        written[-1] = pd.NA
        at = np.asarray(pc.fill_null(encoded.indices, len(pounds)), dtype=np.intp)
        return pd.Series(written[at], index=pence.index, dtype=object)
    whole = pence.abs() // 100
    sign = pence.lt(0).map({True: "-", False: ""}).astype("string")
    return (
        sign + whole.astype("string") + "." + (pence.abs() % 100).astype("string").str.zfill(2)
    ).astype(object)


def _repair_codes(canonical: pd.DataFrame, checks: GrantChecks) -> None:
    raw = canonical["fromOpenCall"]
    flag, invalid = parse_bool(text(raw).fillna(""))
    standard = flag.map({True: "Yes", False: "No"}).astype("string")
    checks.warn(
        invalid, "fromOpenCall", "blanked", "values other than Yes or No were left blank", raw
    )
    checks.warn(
        standard.notna() & _changed_form(raw, standard),
        "fromOpenCall",
        "repaired",
        "Y/N, true/false and other spellings were read as Yes or No",
        raw,
    )
    canonical["fromOpenCall"] = standard.astype(object).where(standard.notna(), None)

    raw = canonical["currency"]
    code = text(raw).str.upper()
    known = code.isin(currency_codes()).fillna(False).astype(bool)
    checks.warn(
        ~known,
        "currency",
        "repaired",
        "a blank or unknown currency was taken as GBP",
        raw,
    )
    checks.warn(
        known & _changed_form(raw, code),
        "currency",
        "repaired",
        "currency codes were put in capitals",
        raw,
    )
    canonical["currency"] = code.where(known, "GBP").astype(object)

    raw = canonical[DURATION]
    months, invalid = parse_number_in(raw, "month")
    negative = (months < 0).fillna(False).astype(bool)
    invalid, months = invalid | negative, months.mask(negative)
    plain = text(raw).str.fullmatch(r"\d+(\.\d+)?").fillna(False).astype(bool)
    checks.warn(
        invalid, DURATION, "blanked", "values that are not a number of months were left blank", raw
    )
    checks.warn(
        months.notna() & ~plain,
        DURATION,
        "repaired",
        "durations such as '12 months' were read as numbers",
        raw,
    )
    canonical[DURATION] = months.astype(object).where(months.notna(), None)


def _repair_text(canonical: pd.DataFrame, checks: GrantChecks) -> None:
    title = canonical["title"]
    untitled = is_blank(title)
    checks.warn(
        untitled, "title", "repaired", "grants without a title are shown as 'Untitled grant'", title
    )
    canonical["title"] = title.where(~untitled, "Untitled grant")
    for key in NAMES:
        length = _lengths(canonical[key])
        # Longer than MAX_FIELD_CHARS is already rejected where the file is read.
        too_long = length.gt(limits.MAX_NAME_CHARS) & length.le(limits.MAX_FIELD_CHARS)
        too_long = too_long.fillna(False).astype(bool)
        checks.reject(
            too_long,
            key,
            _reason(
                too_long,
                partial(_length_reason, canonical[key], f"at most {limits.MAX_NAME_CHARS:,}"),
            ),
        )
    for key in ORG_IDS:
        raw = canonical[key]
        broken = _has_space(raw)
        checks.warn(
            broken,
            key,
            "repaired",
            "spaces and line breaks inside organisation identifiers were removed",
            raw,
        )
        if broken.any():
            canonical[key] = raw.where(~broken, text(raw).str.replace(r"\s+", "", regex=True))
        else:
            canonical[key] = raw.where(~broken, text(raw))  # as above: the same dtype
    for key, (table, column) in LIMITED.items():
        kind = table.c[column].type
        limit = getattr(kind, "length", None)
        if not isinstance(kind, String) or not limit:
            continue
        too_long = (_lengths(canonical[key]) > limit).fillna(False).astype(bool)
        if not too_long.any():
            continue
        length = text(canonical[key]).str.len()
        if key == "id":
            checks.reject(
                too_long,
                key,
                "is "
                + length.astype("string")
                + f" characters long; the warehouse holds at most {limit}",
            )
        else:
            checks.warn(
                too_long,
                key,
                "blanked",
                f"values longer than {limit} characters were left blank",
                canonical[key],
            )
            canonical[key] = canonical[key].where(~too_long, None)


def _lengths(values: pd.Series) -> pd.Series:
    """Each value's length once stripped (missing for blanks), to compare with a limit."""
    lengths = stripped_lengths(values)
    return text(values).str.len() if lengths is None else lengths


def _length_reason(values: pd.Series, accepted: str) -> pd.Series:
    return (
        "is "
        + text(values).str.len().astype("string")
        + f" characters long; {accepted} are accepted"
    )


def _has_space(values: pd.Series) -> pd.Series:
    """``text(values).str.contains(r"\\s")``: a space or line break inside a value."""
    array = ascii_text(values)
    if array is None:
        return text(values).str.contains(r"\s", regex=True).fillna(False).astype(bool)
    found = matching(trimmed(array), PYTHON_ASCII_SPACE)
    return pd.Series(found, index=values.index)


def _check_counterparties(canonical: pd.DataFrame, checks: GrantChecks) -> None:
    checks.reject(is_blank(canonical["id"]), "id", checks.required("id"))
    checks.reject(
        is_blank(canonical[FUNDER_ID]),
        FUNDER_ID,
        checks.required(FUNDER_ID) + ": the warehouse needs the funder's identifier",
    )
    no_recipient = pd.concat([is_blank(canonical[k]) for k in RECIPIENT_KEYS], axis=1).all(axis=1)
    checks.reject(
        no_recipient,
        "recipientOrganization/0/name",
        "is required but blank: a grant needs its recipient's name or identifier",
    )
    organisation = ~is_blank(canonical["recipientOrganization/0/id"]) | ~is_blank(
        canonical["recipientOrganization/0/name"]
    )
    individual = ~is_blank(canonical["recipientIndividual/name"]) | ~is_blank(
        canonical["recipientIndividual/id"]
    )
    both = organisation & individual
    checks.warn(
        both,
        "recipientIndividual/name",
        "repaired",
        "grants naming both a recipient organisation and an individual were loaded as the "
        "organisation's",
        canonical["recipientIndividual/name"],
    )
    for key in ("recipientIndividual/id", "recipientIndividual/name"):
        canonical[key] = canonical[key].where(~both, None)
    by_name = is_blank(canonical["recipientOrganization/0/id"]) & ~is_blank(
        canonical["recipientOrganization/0/name"]
    )
    checks.warn(
        by_name,
        "recipientOrganization/0/id",
        "missing",
        "recipient organisations without an identifier are matched by name",
        canonical["recipientOrganization/0/name"],
    )


def date_evidence(canonical: pd.DataFrame, extra_dates: list[pd.Series]) -> DateEvidence:
    """What the grants' dates say of their slash dates' order: the award and planned dates,
    and the file's other date columns ``extra_dates``."""
    return DateEvidence.of(
        canonical[AWARD_DATE], *(canonical[key] for key, _ in PLANNED_DATES), *extra_dates
    )


def repair_grants(
    canonical: pd.DataFrame,
    checks: GrantChecks,
    extra_dates: list[pd.Series] | None = None,
    order: str | None = None,
) -> pd.DataFrame:
    """The canonical frame with every value the warehouse uses repaired, blanked or (through
    ``checks.reject``) rejected. ``extra_dates`` are the file's other date columns, which
    help settle whether its slash dates are day or month first; ``order``, when given, is
    that order already settled over the whole file (a file read a batch at a time)."""
    # Copy-on-write: columns are copied when written, so Arrow text is not copied whole.
    repaired = canonical.copy(deep=False)
    if order is None:
        order = date_evidence(repaired, extra_dates or []).order()
    _check_counterparties(repaired, checks)
    _repair_award_date(repaired, order, checks)
    _repair_optional_dates(repaired, order, checks)
    _repair_amounts(repaired, checks)
    _repair_codes(repaired, checks)
    _repair_text(repaired, checks)
    if order == MONTH_FIRST:
        checks.warnings.add_file(
            "repaired", None, "slash dates in this file are month first (mm/dd/yyyy): read so"
        )
    return repaired


def money_read(canonical: pd.DataFrame, rejected: pd.Series, column: str) -> Money:
    """The money of every grant line read and of the lines rejected, from the amounts as
    published (before any line is kept or dropped)."""
    pence, invalid = parse_money_pence(canonical[AMOUNT])
    amounts = pence.fillna(0)
    rejected = rejected.reindex(canonical.index, fill_value=False)
    return Money(
        column=column,
        loaded_field="amount_awarded_pence",
        read_pence=int(amounts.sum()),
        rejected_pence=int(amounts[rejected].sum()),
        unreadable_rows=int(invalid.sum()),
    )


def row_signatures(values: pd.DataFrame) -> pd.Series:
    """A hash of each row's values, so that exact repeats can be told from lines that merely
    share an id. Rows of Arrow text (a clean CSV) are numbered by their distinct joined
    values in Arrow; equal rows get equal numbers either way."""
    arrays = [arrow_text(values[c]) for c in values.columns]
    if not arrays or any(a is None or a.null_count for a in arrays):
        return pd.util.hash_pandas_object(values.astype("string"), index=False)
    # The unit separator cannot occur in a value: the reader removes control characters.
    joined = pc.binary_join_element_wise(*arrays, "\x1f")
    numbers = pc.dictionary_encode(joined).indices
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index)


def separate_repeated_ids(
    canonical: pd.DataFrame,
    signatures: pd.Series,
    rows: pd.Series,
    checks: GrantChecks,
    eligible: pd.Series,
) -> pd.DataFrame:
    """Lines sharing an id: an exact repeat of an earlier line is rejected (the grant is
    loaded once); lines that differ are all kept, the second and later under ``id~2``,
    ``id~3`` … in file order, so a reload keeps the same keys. ``published_id`` keeps the id
    as written. Only ``eligible`` rows (not rejected for another reason) take part."""
    out = canonical.copy(deep=False)
    ids = text(out["id"])
    out["published_id"] = ids.astype(object)
    candidates = eligible.reindex(out.index, fill_value=False) & ids.notna()
    key = pd.DataFrame({"id": ids, "sig": signatures})[candidates]
    exact = key.duplicated(keep="first")
    if exact.any():
        first_row = rows[key.index].groupby([key["id"], key["sig"]], sort=False).transform("first")
        checks.reject(
            exact.reindex(out.index, fill_value=False),
            "id",
            (
                "repeats row "
                + first_row.astype("Int64").astype("string")
                + " exactly; the grant is loaded once"
            ).reindex(out.index),
        )
    distinct = key[~exact]
    occurrence = distinct.groupby("id", sort=False).cumcount()
    repeated = distinct["id"].duplicated(keep=False)
    later = occurrence > 0
    if later.any():
        suffixed = distinct["id"][later] + "~" + (occurrence[later] + 1).astype("string")
        out.loc[suffixed.index, "id"] = suffixed.astype(object)
    keys = text(out.loc[distinct.index, "id"])
    taken = keys.duplicated(keep="first")
    if taken.any():
        first_row = rows[keys.index].groupby(keys, sort=False).transform("first")
        checks.reject(
            taken.reindex(out.index, fill_value=False),
            "id",
            key_taken_reason(keys, first_row).reindex(out.index),
        )
    if repeated.any():
        pence, _ = parse_money_pence(canonical.loc[repeated.index[repeated], AMOUNT])
        checks.warn(
            repeated.reindex(out.index, fill_value=False),
            "id",
            "repeated-id",
            repeated_id_note(
                int(repeated.sum()),
                int(pence.fillna(0).sum()),
                int(distinct["id"][repeated].nunique()),
            ),
            canonical["id"],
        )
    return out


def key_taken_reason(keys: pd.Series, first_rows: pd.Series) -> pd.Series:
    """Why a line is rejected whose key (its id, or ``id~N`` for a later line sharing an id)
    is already an earlier line's: a file that writes ``A~2`` itself as well as two ``A``."""
    return (
        "would be kept as "
        + quoted(keys)
        + ", which row "
        + first_rows.astype("Int64").astype("string")
        + " already is; the grant is not loaded"
    )


def repeated_id_note(lines: int, pence: int, ids: int) -> str:
    """The warning about ``lines`` (worth ``pence``) that share ``ids`` ids but differ."""
    return (
        f"{lines} lines (£{pence / 100:,.2f}) share {ids} ids but differ; "
        "each line is kept, the later ones as id~2, id~3 …"
    )
