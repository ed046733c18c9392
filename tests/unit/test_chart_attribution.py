"""Whose grants a chart shows, in the words of its card and downloads (figures.provenance):
up to three publishers named with their licences, more counted by licence, files loaded by
hand named as such, and a chart of no named publisher left as it was."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from figures.provenance import (
    ChartProvenance,
    attribution,
    csv_with_provenance,
    provenance_rows,
    short_licence,
)

CC_BY = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
OGL = "Open Government Licence 3.0 (United Kingdom)"


def publishers(*rows: tuple[str | None, str | None, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["publisher", "licence", "grants"])


@pytest.mark.parametrize(
    ("given", "short"),
    [
        (CC_BY, "CC BY 4.0"),
        ("Creative Commons Attribution 4.0", "CC BY 4.0"),
        ("Creative Commons Attribution Share-Alike 4.0", "CC BY-SA 4.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
        (OGL, "OGL v3.0"),
        ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "OGL v3.0"),
        (
            "Open Data Commons Public Domain Dedication and Licence 1.0",
            "Open Data Commons Public Domain Dedication and Licence 1.0",
        ),
        (None, "licence not stated"),
    ],
)
def test_a_licence_is_shortened_only_to_its_usual_short_form(given: str | None, short: str) -> None:
    assert short_licence(given) == short


def test_up_to_three_publishers_are_named_with_their_licences() -> None:
    credit = attribution(
        "360Giving grants",
        publishers(
            ("Trafford Metropolitan Borough Council", OGL, 555),
            ("Power to Change", CC_BY, 3),
            (None, "Open Government Licence v3.0", 2),
        ),
    )
    assert credit.source == (
        "360Giving grants: Trafford Metropolitan Borough Council (OGL v3.0); "
        "Power to Change (CC BY 4.0); files loaded by hand (OGL v3.0)"
    )
    assert credit.licence == "OGL v3.0; CC BY 4.0"
    assert credit.publishers == (
        f"Trafford Metropolitan Borough Council: {OGL}; Power to Change: {CC_BY}; "
        "files loaded by hand: Open Government Licence v3.0"
    )


def test_more_publishers_are_counted_by_licence_and_every_one_named_in_the_csv() -> None:
    many = publishers(
        *((f"Trust {n}", CC_BY, 10 - n) for n in range(3)),
        *((f"Council {n}", OGL, 5 - n) for n in range(2)),
    )
    credit = attribution("360Giving grants", many)
    assert credit.source == (
        "360Giving grants of 5 publishers (licences: CC BY 4.0 for 3, OGL v3.0 for 2)"
    )
    provenance = ChartProvenance(
        title="Grants by year",
        units="£",
        source=credit.source,
        licence=credit.licence,
        period=None,
        loaded=datetime(2026, 12, 7, 1, 0),
        url="https://observatory.example/funding",
        publishers=credit.publishers,
    )
    rows = provenance_rows(csv_with_provenance(provenance, pd.DataFrame({"grants": [1]})))
    assert rows["Source"] == credit.source
    assert rows["Licence"] == "CC BY 4.0; OGL v3.0"
    for n in range(3):
        assert f"Trust {n}: {CC_BY}" in rows["Publishers"]
    for n in range(2):
        assert f"Council {n}: {OGL}" in rows["Publishers"]
    assert "Source: 360Giving grants of 5 publishers" in provenance.footer()


def test_files_loaded_by_hand_take_the_site_licence_when_it_is_known() -> None:
    mixed = publishers(("Power to Change", CC_BY, 3), (None, None, 2))
    assert attribution("360Giving grants", mixed).source == (
        "360Giving grants: Power to Change (CC BY 4.0); files loaded by hand"
    )
    credit = attribution("360Giving grants", mixed, "Open Government Licence v3.0")
    assert credit.source == (
        "360Giving grants: Power to Change (CC BY 4.0); files loaded by hand (OGL v3.0)"
    )
    assert credit.publishers.endswith("files loaded by hand: Open Government Licence v3.0")


def test_with_no_publisher_named_the_chart_keeps_its_own_source() -> None:
    credit = attribution("360Giving grants", publishers((None, "Open Government Licence v3.0", 9)))
    assert (credit.source, credit.licence, credit.publishers) == ("360Giving grants", None, "")
    assert attribution("360Giving grants", publishers()).source == "360Giving grants"
