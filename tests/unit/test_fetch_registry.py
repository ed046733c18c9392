"""The 360Giving registry client on the real registry files: every publisher's file is read,
a configured subset selected, and a file whose licence is not known to be open is listed with
the reason rather than loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_pipeline.fetch.registry import RegistryError, parse_registry, select_files

REGISTRY = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "360giving" / "registry"
STATUS = REGISTRY / "datagetter_status_2019-02-28_147files_insights-fixture.json"
DATA_ALL = REGISTRY / "datagetter_data_all_sample.json"


def test_the_datagetter_status_lists_147_files_of_99_publishers() -> None:
    files = parse_registry(STATUS.read_bytes())
    assert len(files) == 147
    assert len({f.prefix for f in files}) == 99
    abct = next(f for f in files if f.prefix == "360G-ABCT")
    assert abct.publisher == "A B Charitable Trust"
    assert abct.url == "http://abcharitabletrust.org.uk/data/abct-data-february-2018.xlsx"
    assert abct.acceptable_license is True
    assert abct.grants == 381
    assert (abct.min_award_date, abct.max_award_date) == ("2013-01-22", "2018-01-23")
    assert abct.file_type == "xlsx"


def test_data_json_without_aggregates_is_read_too() -> None:
    files = parse_registry(DATA_ALL.read_bytes())
    assert [f.prefix for f in files] == ["360G-ABCT", "360G-ALWF"]
    assert files[1].licence == "https://creativecommons.org/licenses/by/4.0/"
    assert files[1].grants is None


def test_a_subset_by_publisher_prefix_case_ignored() -> None:
    files = parse_registry(STATUS.read_bytes())
    decisions = select_files(files, ["360g-wolfson", "360G-ocf"])
    assert {d.file.prefix for d in decisions} == {"360G-wolfson", "360G-ocf"}
    assert len(decisions) == 8  # three Wolfson files and five OCF files
    assert all(d.fetch for d in decisions)


def test_all_selects_every_file_and_a_licence_not_marked_acceptable_is_skipped_with_why() -> None:
    decisions = select_files(parse_registry(STATUS.read_bytes()), ["all"])
    assert len(decisions) == 147
    skipped = [d for d in decisions if not d.fetch]
    assert [d.file.publisher for d in skipped] == ["Zing"]
    assert "Public Domain Dedication" in (skipped[0].reason or "")
    assert "[registry] licences" in (skipped[0].reason or "")


def test_a_licence_on_the_allow_list_is_loaded_whatever_the_registry_says() -> None:
    files = parse_registry(STATUS.read_bytes())
    allowed = ["HTTP://www.opendefinition.org/licenses/odc-pddl/"]
    zing = [d for d in select_files(files, ["360G-zing"], allowed)]
    assert [d.fetch for d in zing] == [True]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"<html>", "is not JSON"), (b'{"a": 1}', "is not a list"), (b"[1, 2]", "lists nothing")],
)
def test_what_is_not_a_registry_says_so(content: bytes, reason: str) -> None:
    with pytest.raises(RegistryError, match=reason):
        parse_registry(content)
