"""The upload's file names and size messages (web/uploads.py)."""

from __future__ import annotations

import re

import pytest

from web.uploads import display_name, size_text, stored_name


@pytest.mark.parametrize(
    ("original", "shown", "suffix"),
    [
        ("researchers.csv", "researchers.csv", ".csv"),
        ("My grants (2024).xlsx", "My grants (2024).xlsx", ".xlsx"),
        ("../../etc/passwd.csv", "passwd.csv", ".csv"),
        ("..\\x.csv", "x.csv", ".csv"),
        ("C:\\Users\\officer\\spend.csv", "spend.csv", ".csv"),
        ("données.json", "données.json", ".json"),
        ("数据.csv", "数据.csv", ".csv"),
        ("grants\x00.csv", "grants.csv", ".csv"),
        ("a\r\nb\x1b\u202e.csv.gz", "ab.csv.gz", ".csv.gz"),
        ("x.c;sv", "x.c;sv", ""),
        ("", "upload", ""),
        ("../", "upload", ""),
    ],
)
def test_an_upload_is_stored_under_a_server_name_and_shown_by_its_own(
    original: str, shown: str, suffix: str
) -> None:
    assert display_name(original) == shown
    stored = stored_name(original)
    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(suffix), stored), stored
    assert stored != stored_name(original)  # a fresh name each time


def test_a_very_long_name_is_shortened_keeping_its_suffix() -> None:
    shown = display_name("a" * 5000 + ".xlsx")
    assert len(shown) == 200 and shown.endswith(".xlsx")


def test_sizes_read_as_people_say_them() -> None:
    assert size_text(200 * 1024 * 1024) == "200 MB"
    assert size_text(512 * 1024) == "512 kB"
    assert size_text(200) == "200 bytes"
