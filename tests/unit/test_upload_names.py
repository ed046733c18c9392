"""The upload's file names and size messages (web/uploads.py)."""

from __future__ import annotations

import pytest

from web.uploads import size_text, stored_name


@pytest.mark.parametrize(
    ("original", "stored"),
    [
        ("researchers.csv", "researchers.csv"),
        ("My grants (2024).xlsx", "My_grants_2024.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\officer\\spend.csv", "spend.csv"),
        ("données.json", "donnees.json"),
        ("数据.csv", "upload.csv"),
        (".csv", "csv"),
        ("", "upload"),
    ],
)
def test_an_upload_keeps_its_name_made_safe(original: str, stored: str) -> None:
    assert stored_name(original) == stored


def test_sizes_read_as_people_say_them() -> None:
    assert size_text(200 * 1024 * 1024) == "200 MB"
    assert size_text(512 * 1024) == "512 kB"
    assert size_text(200) == "200 bytes"
