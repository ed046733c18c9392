"""What a 360Giving file read in batches keeps from batch to batch stays small: its repeated-id
state holds row numbers in four bytes until a file has more rows than that holds (at a million
grants, 36 MB of state rather than 60)."""

from __future__ import annotations

import numpy as np

from data_pipeline.formats.threesixtygiving_stream import _inserted


def test_row_numbers_stay_four_bytes_until_they_need_eight() -> None:
    rows = _inserted(np.empty(0, dtype=np.int32), np.array([0, 0]), np.array([65_536, 2**31 - 1]))
    assert rows.dtype == np.int32
    assert rows.tolist() == [65_536, 2**31 - 1]
    wider = _inserted(rows, np.array([2]), np.array([2**31]))
    assert wider.dtype == np.int64
    assert wider.tolist() == [65_536, 2**31 - 1, 2**31]
