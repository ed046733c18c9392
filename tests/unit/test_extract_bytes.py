"""The CSV reader gets the file's text as UTF-8 bytes, and drops rows with every cell blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_pipeline.extract import ROW, Source, read_csv_frame

CASES = {
    "utf-8": b"id,name\nA-1,Caf\xc3\xa9\n",
    "utf-8 with a BOM": b"\xef\xbb\xbfid,name\nA-1,x\n",
    "utf-8 with a double-encoded BOM": b"\xc3\xaf\xc2\xbb\xc2\xbfid,name\nA-1,x\n",
    "utf-8 with two BOMs": b"\xef\xbb\xbf\xef\xbb\xbfid,name\nA-1,x\n",
    "cp1252": "id,name\nA-1,Caf\u00e9 \u20ac\n".encode("cp1252"),
}


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_utf8_is_the_decoded_text_encoded_again(content: bytes) -> None:
    source = Source(Path("grants.csv"), content)
    assert source.utf8() == source.text.encode("utf-8")
    frame = read_csv_frame(source)
    assert list(frame.columns) == ["id", "name", ROW]
    assert frame["id"].tolist() == ["A-1"]


def test_rows_with_every_cell_blank_are_dropped_and_row_numbers_kept() -> None:
    content = b"id,name,amount\nA-1,x,1\n,,\n,y,\nA-2,,2\n,,\n"
    frame = read_csv_frame(Source(Path("grants.csv"), content))
    assert frame["id"].tolist() == ["A-1", "", "A-2"]
    assert frame[ROW].tolist() == [2, 4, 5]
