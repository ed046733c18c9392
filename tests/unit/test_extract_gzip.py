"""A gzip-compressed source file reads exactly like the file it compresses."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source

CSV = "Identifier,Title\n360G-x-1,Café research\n".encode("utf-8-sig")


def test_a_gzipped_csv_reads_as_its_uncompressed_text(tmp_path: Path) -> None:
    plain = tmp_path / "grants.csv"
    plain.write_bytes(CSV)
    packed = tmp_path / "grants.csv.gz"
    packed.write_bytes(gzip.compress(CSV))

    assert Source.from_path(packed).text == Source.from_path(plain).text
    assert Source.from_path(packed).csv_header == ["Identifier", "Title"]


def test_a_truncated_gzip_file_is_rejected_with_its_name(tmp_path: Path) -> None:
    packed = tmp_path / "grants.csv.gz"
    packed.write_bytes(gzip.compress(CSV * 50)[:30])

    with pytest.raises(FileRejected) as caught:
        Source.from_path(packed)
    assert caught.value.problem.file_name == "grants.csv.gz"
    assert "damaged gzip file" in str(caught.value)
