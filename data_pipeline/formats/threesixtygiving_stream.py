"""What a 360Giving file read a batch of rows at a time must carry from batch to batch, so
that its grants, rejects and warnings are exactly those of a read of the whole file.

Rule: pure and in memory; no batch's rows are kept. Three things cross batches: the checks'
problems, merged in the order a whole-file read makes them (``MergedProblems``); lines sharing
an id, which may sit in different batches (``RepeatedIds``, ``separate_repeated_ids`` a batch
at a time); and each organisation's details as last given (``last_given``, in the transform).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_pipeline.extract import ROW
from data_pipeline.formats.base import (
    REJECT_COLUMNS,
    CallLog,
    FileWarning,
    RejectCollector,
    WarningCollector,
    quoted,
)
from data_pipeline.formats.threesixtygiving_repair import (
    AMOUNT,
    GrantChecks,
    key_taken_reason,
    repeated_id_note,
)
from data_pipeline.formats.threesixtygiving_transform import text
from data_pipeline.text_cells import arrow_text
from data_pipeline.transform import parse_money_pence

Check = tuple[Hashable, int]


class _CheckOrder:
    """Checks in the order a read of the whole file first makes them: a check first made in a
    later batch goes after the check made before it there."""

    def __init__(self) -> None:
        self.checks: list[Check] = []

    def merge(self, log: CallLog) -> None:
        position = 0
        for check, _added in log.entries:
            if check in self.checks:
                position = self.checks.index(check) + 1
            else:
                self.checks.insert(position, check)
                position += 1

    def rank(self, check: Check) -> int:
        return self.checks.index(check)


class MergedProblems:
    """The rejects and warnings of every batch, merged: each warning counted over the whole
    file with its first five examples, each reject in the order of its check."""

    def __init__(self) -> None:
        self._warning_order = _CheckOrder()
        self._reject_order = _CheckOrder()
        self._warnings: dict[Check, FileWarning] = {}
        self._rejects: dict[Check, list[pd.DataFrame]] = {}

    def add_batch(self, rejects: RejectCollector, warnings: WarningCollector) -> None:
        self._warning_order.merge(warnings.calls)
        given = iter(warnings.warnings)
        for check, added in warnings.calls.entries:
            if added:
                self._add_warning(check, next(given))
        self._reject_order.merge(rejects.calls)
        records = rejects.records()
        start = 0
        for check, added in rejects.calls.entries:
            if added:
                part = records.iloc[start : start + added]
                self._rejects.setdefault(check, []).append(part)
                start += added

    def _add_warning(self, check: Check, warning: FileWarning) -> None:
        merged = self._warnings.get(check)
        if merged is None:
            self._warnings[check] = warning
            return
        if warning.rows:  # a note about the whole file is made once
            merged.rows += warning.rows
            merged.examples = (merged.examples + warning.examples)[: WarningCollector.EXAMPLES]

    def place_warning(self, check: Check, warning: FileWarning) -> None:
        """A warning worked out over the whole file, at the place of its check."""
        self._warnings[check] = warning

    def warnings(self) -> list[FileWarning]:
        ranked = sorted(self._warnings.items(), key=lambda item: self._warning_order.rank(item[0]))
        return [warning for _check, warning in ranked]

    def rejects(self) -> pd.DataFrame:
        ranked = sorted(self._rejects.items(), key=lambda item: self._reject_order.rank(item[0]))
        parts = [part for _check, found in ranked for part in found]
        if not parts:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(parts, ignore_index=True)


REPEATED_ID_CHECK: Check = (("repeated-id", "id"), 0)
"""Where the repeated-id warning sits among a batch's checks."""


class RepeatedIds:
    """``separate_repeated_ids`` over a file read a batch at a time. Lines are told apart by a
    64-bit hash of their id and of their values (a whole-file read numbers distinct rows
    instead); ids by a hash too, so what is kept between batches is a few numbers a line
    (36 bytes of arrays, sorted by hash and merged in place of a re-sort each batch)."""

    def __init__(self) -> None:
        self._pairs = np.empty(0, dtype=np.uint64)  # sorted hashes of (id, values)
        self._pair_rows = np.empty(0, dtype=np.int32)  # the row each was first seen on
        self._ids = np.empty(0, dtype=np.uint64)  # sorted hashes of ids
        self._lines = np.empty(0, dtype=np.int32)  # distinct lines of each id
        self._pence = np.empty(0, dtype=np.int64)  # their amounts
        self._first_rows = np.empty(0, dtype=np.int32)  # each id's first line
        # An id's first line's id, quoted, only where it is not the quoted id its hash was
        # made of (stripped text): every other one is written again from a later line's id.
        self._unlike: dict[int, str] = {}
        # The note's examples, (row, quoted id) of each repeated id's first line and of every
        # later one: only the first few by row are ever shown, so only they are kept.
        self._examples: list[tuple[int | None, str]] = []
        # The keys given to later lines of an id (``id~2`` …), hashed, and the row given each.
        # An id's first line is given the id itself, which ``_ids`` and ``_first_rows`` hold
        # already; a key found here was given first (a file that writes ``A~2`` after two
        # lines of ``A``), so it is looked up here before ``_ids``.
        self._later_keys = np.empty(0, dtype=np.uint64)
        self._later_key_rows = np.empty(0, dtype=np.int32)

    def separate(
        self,
        canonical: pd.DataFrame,
        raw: pd.DataFrame,
        checks: GrantChecks,
        eligible: pd.Series,
    ) -> pd.DataFrame:
        """One batch: exact repeats of an earlier line (in this batch or before) rejected,
        later lines of an id suffixed ``~2``, ``~3`` … as the whole-file read does. ``raw``
        is on ``canonical``'s index."""
        out = canonical.copy(deep=False)
        ids = text(out["id"])
        out["published_id"] = ids.astype(object)
        candidates = eligible.reindex(out.index, fill_value=False) & ids.notna()
        chosen = ids[candidates]
        taking = candidates.to_numpy()
        rows = raw[ROW].to_numpy(dtype=np.int64)[taking]
        id_hashes = _distinct_hashes(chosen.to_numpy(dtype=object))
        line_hashes = _line_hashes(raw.drop(columns=[ROW]), taking)
        pairs = pd.util.hash_pandas_object(
            pd.DataFrame({"id": id_hashes, "line": line_hashes}), index=False
        ).to_numpy(dtype=np.uint64)

        earlier_row = _lookup(self._pairs, self._pair_rows, pairs, missing=-1)
        first_here = pd.Series(rows).groupby(pairs, sort=False).transform("first").to_numpy()
        repeat_here = pd.Series(pairs).duplicated(keep="first").to_numpy()
        exact = (earlier_row >= 0) | repeat_here
        first_row = np.where(earlier_row >= 0, earlier_row, first_here)
        reason = pd.Series(
            [f"repeats row {row} exactly; the grant is loaded once" for row in first_row[exact]],
            index=chosen.index[exact],
            dtype=object,
        )
        # Made in every batch, even with nothing found, so that this check and the next one
        # keep their places among the checks when the batches' problems are merged.
        mask = pd.Series(exact, index=chosen.index)
        checks.reject(mask.reindex(out.index, fill_value=False), "id", reason.reindex(out.index))
        new_pairs = ~exact
        self._pairs, self._pair_rows = _merged(
            self._pairs, self._pair_rows, pairs[new_pairs], rows[new_pairs]
        )

        distinct = ~exact
        d_ids, d_rows = id_hashes[distinct], rows[distinct]
        before = _lookup(self._ids, self._lines, d_ids, missing=0)
        occurrence = before + pd.Series(d_ids).groupby(d_ids, sort=False).cumcount().to_numpy()
        later = occurrence > 0
        index = chosen.index[distinct]
        key_hashes = d_ids.copy()  # a first line's key is its id
        if later.any():
            suffixed = (
                chosen[index[later]]
                + "~"
                + pd.Series(occurrence[later] + 1, index=index[later]).astype("string")
            )
            out.loc[suffixed.index, "id"] = suffixed.astype(object)
            key_hashes[later] = _distinct_hashes(suffixed.to_numpy(dtype=object))
        self._reject_keys_taken(out, index, key_hashes, later, d_rows, checks)
        pence, _ = parse_money_pence(canonical.loc[index, AMOUNT])
        given = canonical.loc[index, "id"]
        self._count(d_ids, d_rows, pence.fillna(0).to_numpy(dtype=np.int64), given, chosen[index])
        if later.any():
            shown = quoted(given[later]).tolist()
            self._note_examples(list(zip(d_rows[later].tolist(), shown, strict=True)))
        checks.warnings.calls.log(REPEATED_ID_CHECK[0], 0)
        return out

    def _reject_keys_taken(
        self,
        out: pd.DataFrame,
        index: pd.Index,
        hashes: np.ndarray,
        later: np.ndarray,
        rows: np.ndarray,
        checks: GrantChecks,
    ) -> None:
        """Reject a line (at ``index``, its key hashed in ``hashes``) whose key an earlier line
        already has (``key_taken_reason``). Looked up before this batch's ids are counted."""
        given_later = _lookup(self._later_keys, self._later_key_rows, hashes, missing=-1)
        given_first = _lookup(self._ids, self._first_rows, hashes, missing=-1)
        earlier_row = np.where(given_later >= 0, given_later, given_first)
        first_here = pd.Series(rows).groupby(hashes, sort=False).transform("first").to_numpy()
        taken = (earlier_row >= 0) | pd.Series(hashes).duplicated(keep="first").to_numpy()
        first_row = pd.Series(np.where(earlier_row >= 0, earlier_row, first_here), index=index)
        mask = pd.Series(taken, index=index)
        keys = text(out.loc[index[taken], "id"])
        reason = key_taken_reason(keys, first_row[mask])
        checks.reject(mask.reindex(out.index, fill_value=False), "id", reason.reindex(out.index))
        kept_later = later & ~taken
        self._later_keys, self._later_key_rows = _merged(
            self._later_keys, self._later_key_rows, hashes[kept_later], rows[kept_later]
        )

    def _count(
        self,
        ids: np.ndarray,
        rows: np.ndarray,
        pence: np.ndarray,
        given: pd.Series,
        plain: pd.Series,
    ) -> None:
        """Count this batch's distinct lines to their ids; an id's first line becomes one of
        the note's examples when a second line of it appears. ``given`` are the lines' ids as
        written, ``plain`` as stripped; only the few that are shown are quoted."""
        frame = pd.DataFrame(
            {"id": ids, "lines": 1, "pence": pence, "row": rows, "at": np.arange(len(ids))}
        )
        per_id = frame.groupby("id", sort=False).agg(
            lines=("lines", "sum"),
            pence=("pence", "sum"),
            row=("row", "first"),
            at=("at", "first"),
        )
        keys = per_id.index.to_numpy(dtype=np.uint64)
        lines = per_id["lines"].to_numpy()
        first_at = per_id["at"].to_numpy()
        found = _positions(self._ids, keys)
        known = found >= 0
        at = found[known]
        before = np.zeros(len(keys), dtype=np.int64)
        before[known] = self._lines[at]
        self._lines[at] += lines[known]
        self._pence[at] += per_id["pence"].to_numpy()[known]

        # First lines of ids that have just become repeated: of an earlier batch, or this one.
        earlier = known & (before == 1)
        firsts = [
            (int(row), self._unlike.pop(int(key), text_id))
            for key, row, text_id in zip(
                keys[earlier],
                self._first_rows[found[earlier]],
                quoted(plain.iloc[first_at[earlier]]).tolist(),
                strict=True,
            )
        ]
        here = ~known & (lines > 1)
        rows_here = per_id["row"].to_numpy()[here]
        shown_here = quoted(given.iloc[first_at[here]]).tolist()
        firsts += list(zip(rows_here.tolist(), shown_here, strict=True))
        self._note_examples(firsts)

        fresh = ~known
        single = fresh & (lines == 1)
        maybe = _written_otherwise(given, plain)[first_at[single]]
        if maybe.any():
            maybe_at = first_at[single][maybe]
            shown = quoted(given.iloc[maybe_at]).to_numpy(dtype=object)
            unlike = shown != quoted(plain.iloc[maybe_at]).to_numpy(dtype=object)
            unlike_ids = keys[single][maybe][unlike]
            self._unlike.update(zip(unlike_ids.tolist(), shown[unlike].tolist(), strict=True))
        new = keys[fresh]
        order = np.argsort(new, kind="stable")
        slots = np.searchsorted(self._ids, new[order])
        self._ids = np.insert(self._ids, slots, new[order])
        self._lines = np.insert(self._lines, slots, lines[fresh][order])
        self._pence = np.insert(self._pence, slots, per_id["pence"].to_numpy()[fresh][order])
        self._first_rows = _inserted(
            self._first_rows, slots, per_id["row"].to_numpy()[fresh][order]
        )

    def _note_examples(self, found: Sequence[tuple[int | None, str]]) -> None:
        if found:
            self._examples = sorted([*self._examples, *found])[: WarningCollector.EXAMPLES]

    def note(self, title: str) -> FileWarning | None:
        """The whole file's warning about lines that share an id but differ, or None."""
        repeated = self._lines > 1
        if not repeated.any():
            return None
        lines = int(self._lines[repeated].sum())
        return FileWarning(
            "repeated-id",
            title,
            repeated_id_note(lines, int(self._pence[repeated].sum()), int(repeated.sum())),
            lines,
            list(self._examples),
        )


def _written_otherwise(given: pd.Series, plain: pd.Series) -> np.ndarray:
    """Where an id as written is not the very text of its stripped form (everywhere, when the
    ids are not all text): only there can the two, quoted, differ."""
    written, stripped = arrow_text(given), arrow_text(plain)
    if written is None or stripped is None:
        return np.ones(len(given), dtype=bool)
    return ~np.asarray(pc.fill_null(pc.equal(written, stripped), False), dtype=bool)


def _line_hashes(values: pd.DataFrame, taking: np.ndarray) -> np.ndarray:
    """A 64-bit hash of the values of each row ``taking`` picks."""
    arrays = [arrow_text(values[c]) for c in values.columns]
    if not arrays or any(a is None or a.null_count for a in arrays):
        chosen = values[taking].astype("string")
        return pd.util.hash_pandas_object(chosen, index=False).to_numpy()
    # The unit separator cannot occur in a value: the reader removes control characters.
    # Joined first and picked after: one column copied, not every column of the batch.
    joined = pc.binary_join_element_wise(*arrays, "\x1f").filter(pa.array(taking))
    return _distinct_hashes(joined.to_numpy(zero_copy_only=False))


def _distinct_hashes(values: np.ndarray) -> np.ndarray:
    """``pd.util.hash_array`` of text values none of which is missing, without its first step
    (factorizing, to hash each distinct value once), which ids and lines, nearly all
    distinct, only pay for: without missing values the hashes are the same."""
    return pd.util.hash_array(values, categorize=False)


def _positions(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each of ``keys`` is in ``sorted_keys``, or -1."""
    # Searched in order, each search goes on from where the last one ended, which a million
    # keys' cache rewards: measured, 1.7 times as fast as searching the hashes as they come.
    order = np.argsort(keys)
    at = np.empty(len(keys), dtype=np.intp)
    at[order] = np.searchsorted(sorted_keys, keys[order])
    inside = at < len(sorted_keys)
    found = np.zeros(len(keys), dtype=bool)
    found[inside] = sorted_keys[at[inside]] == keys[inside]
    return np.where(found, at, -1)


def _lookup(
    sorted_keys: np.ndarray, values: np.ndarray, keys: np.ndarray, missing: int
) -> np.ndarray:
    at = _positions(sorted_keys, keys)
    return np.where(at >= 0, values[np.maximum(at, 0)] if len(values) else missing, missing)


def _merged(
    keys: np.ndarray, values: np.ndarray, new_keys: np.ndarray, new_values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``keys`` and their ``values`` with ``new_keys`` (none of them in ``keys``, none
    twice) and theirs put in order: one copy of each array, not a concatenation and a sort."""
    order = np.argsort(new_keys, kind="stable")
    slots = np.searchsorted(keys, new_keys[order])
    return np.insert(keys, slots, new_keys[order]), _inserted(values, slots, new_values[order])


def _inserted(values: np.ndarray, slots: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert``, made wider first if ``new`` does not fit ``values``' type (row numbers
    are kept as int32 until a file has more than 2**31 rows)."""
    # Not np.min_scalar_type: it gives row 65,536 an unsigned type, which int32 "cannot hold",
    # and so widened every file of more rows than that.
    held = np.iinfo(values.dtype)
    if len(new) and (int(new.min()) < held.min or int(new.max()) > held.max):
        values = values.astype(np.int64)
    return np.insert(values, slots, new)
