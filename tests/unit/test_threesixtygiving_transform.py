"""Direction, route, the P&C research flag, geography and dates of 360Giving grants, on small
hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_pipeline.config import Config, HomeOrganisation
from data_pipeline.formats.threesixtygiving_flat import canonical_dates, canonical_from_wide
from data_pipeline.formats.threesixtygiving_transform import (
    CANONICAL_COLUMNS,
    direction_of,
    grants_frame,
    is_pc_research,
    organisations_frame,
    parse_event_dates,
    route_of,
)

CONFIG = Config(
    home_organisations=(
        HomeOrganisation("GB-LAE-XYZ", "Example Borough Council", "council"),
        HomeOrganisation("GB-NHS-QXX", "Example Integrated Care Board", "nhs"),
    ),
    pc_research_programme_codes=frozenset({"PCR"}),
    pc_research_classification_codes=frozenset({"peer-research", "hdrc:community-research"}),
    route_keywords={
        "participatory": ("participatory", "community-led"),
        "pooled": ("pool",),
    },
)


def test_direction_follows_the_home_organisations() -> None:
    funders = pd.Series(["GB-LAE-XYZ", "GB-CHC-1164883", "GB-CHC-1164883", "gb-nhs-qxx"])
    recipients = pd.Series(["GB-CHC-1", "GB-NHS-QXX", "GB-COH-07962245", "GB-LAE-XYZ"])
    direction, home = direction_of(funders, recipients, CONFIG)
    assert direction.tolist() == ["awarded", "received", "external", "awarded"]
    # Money between two home organisations counts as the funder's award.
    assert home.tolist() == ["GB-LAE-XYZ", "GB-NHS-QXX", pd.NA, "gb-nhs-qxx"]


def test_route_is_the_first_configured_route_whose_keyword_starts_a_word() -> None:
    programmes = pd.Series(
        [
            "Participatory Budgeting 2024",
            "Liverpool Fund",
            None,
            "Small grants",
            "Community-led pool",
        ]
    )
    funding_types = pd.Series([None, None, "Pooled budget", None, None])
    classification_titles = pd.Series([None, None, None, "Community-Led research", None])
    routes = route_of(programmes, funding_types, classification_titles, CONFIG.route_keywords)
    assert routes.tolist() == ["participatory", "grant", "pooled", "participatory", "participatory"]


def test_route_is_grant_without_configured_keywords() -> None:
    routes = route_of(pd.Series(["Participatory"]), pd.Series([None]), pd.Series([None]), {})
    assert routes.tolist() == ["grant"]


def test_pc_research_by_programme_code_or_classification_code() -> None:
    flags = is_pc_research(
        pd.Series(["PCR", "pcr", "VSG", None, None]),
        pd.Series([None, None, "community-research", "PEER-RESEARCH", "community-research"]),
        pd.Series([None, None, "other:community-research", None, "hdrc:community-research"]),
        CONFIG,
    )
    assert flags.tolist() == [True, True, False, True, True]


def _canonical(**columns: list[object]) -> pd.DataFrame:
    rows = len(next(iter(columns.values())))
    frame = pd.DataFrame({key: [None] * rows for key in CANONICAL_COLUMNS}, dtype=object)
    for key, values in columns.items():
        frame[key.replace("__", "/").replace("_0_", "/0/")] = values
    return frame


def _grant(**overrides: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "id": ["360G-x-1", "360G-x-2", "360G-x-3"],
        "title": ["A", "B", "C"],
        "description": ["a", "b", "c"],
        "currency": ["GBP", "GBP", "GBP"],
        "amountAwarded": ["1000.50", 250, "0"],
        "awardDate": ["2024-03-31", "2024-04-01", "2024-06-19T10:00:00+01:00"],
        "fundingOrganization_0_id": ["GB-LAE-XYZ", "GB-CHC-1015648", "GB-CHC-1015648"],
        "fundingOrganization_0_name": ["Example Borough Council", "A trust", "A trust"],
        "recipientOrganization_0_id": ["GB-CHC-1164883", "GB-LAE-XYZ", None],
        "recipientOrganization_0_name": ["A charity", "Example Borough Council", None],
        "recipientIndividual__name": [None, None, "Individual 7"],
        "recipientIndividual__id": [None, None, "360G-x-IND-7"],
        "beneficiaryLocation_0_geoCode": ["E01004108", "E05000819", "K02000001"],
        "beneficiaryLocation_0_geoCodeType": [None, "WD", None],
    }
    base.update(overrides)
    return _canonical(**base)


def test_grants_frame_derives_amounts_dates_geography_and_recipients() -> None:
    grants = grants_frame(_grant(), CONFIG)
    assert grants["amount_awarded_pence"].tolist() == [100050, 25000, 0]
    assert grants["award_date"].tolist() == [date(2024, 3, 31), date(2024, 4, 1), date(2024, 6, 19)]
    assert grants["financial_year"].tolist() == ["2023/24", "2024/25", "2024/25"]
    # The published type wins; a blank type is read from the ONS code prefix.
    assert grants["beneficiary_geo_type"].tolist() == ["LSOA", "WD", "UK"]
    assert grants["direction"].tolist() == ["awarded", "received", "external"]
    assert grants["recipient_type"].tolist() == ["charity", "council", "individual"]
    assert grants["recipient_is_individual"].tolist() == [False, False, True]
    assert grants["recipient_name"].tolist() == [
        "A charity",
        "Example Borough Council",
        "Individual 7",
    ]
    assert grants["recipient_org_id"].isna().tolist() == [False, False, True]


def test_organisations_are_one_per_id_with_the_last_name_and_home_flags() -> None:
    canonical = _grant(
        fundingOrganization_0_name=["Old council name", "A trust", "A trust (renamed)"],
        recipientOrganization_0_id=["GB-CHC-1164883", "GB-LAE-XYZ", "GB-COH-07962245"],
        recipientOrganization_0_name=["A charity", "Example Borough Council", "A company"],
    )
    orgs = organisations_frame(canonical, pd.Series([2, 3, 4]), CONFIG).set_index("org_id")
    assert sorted(orgs.index) == [
        "GB-CHC-1015648",
        "GB-CHC-1164883",
        "GB-COH-07962245",
        "GB-LAE-XYZ",
    ]
    assert orgs.loc["GB-CHC-1015648", "name"] == "A trust (renamed)"
    # Row 3 names the council as a recipient after row 2 named it as a funder: last wins.
    assert orgs.loc["GB-LAE-XYZ", "name"] == "Example Borough Council"
    assert orgs.loc["GB-LAE-XYZ", "is_home"]
    assert orgs.loc["GB-LAE-XYZ", "home_role"] == "council"
    assert not orgs.loc["GB-CHC-1164883", "is_home"]
    assert orgs.loc["GB-CHC-1164883", "charity_number"] == "1164883"
    assert orgs.loc["GB-COH-07962245", "company_number"] == "07962245"
    assert orgs.loc["GB-COH-07962245", "org_type"] == "company"


def test_planned_dates_may_be_a_year_or_a_month() -> None:
    values = pd.Series(["2020", "2021-02", "2022-05-17", "", "2023-13"])
    starts, invalid = parse_event_dates(values, end=False)
    ends, _ = parse_event_dates(values, end=True)
    assert starts.tolist() == [date(2020, 1, 1), date(2021, 2, 1), date(2022, 5, 17), None, None]
    assert ends.tolist() == [date(2020, 12, 31), date(2021, 2, 28), date(2022, 5, 17), None, None]
    assert invalid.tolist() == [False, False, False, False, True]


@pytest.mark.parametrize("first_start", ["", "2021-03-01"], ids=["some blank", "all given"])
def test_the_dates_read_ahead_for_the_slash_date_order_are_the_canonical_frame_s(
    first_start: str,
) -> None:
    """A CSV's slash-date order is read from its date columns alone, before its batches: the
    same first planned dates as the canonical frame, whether or not every grant has a first
    item."""
    wide = pd.DataFrame(
        {
            "awardDate": ["2021-04-01", "02/03/2021", ""],
            "plannedDates/0/startDate": [first_start, "2021-05-01", "2021-06-01"],
            "plannedDates/0/endDate": ["", "", "2022-06-01"],
            "plannedDates/1/startDate": ["2021-04-13", "", "13/04/2021"],
            "plannedDates/1/duration": ["12", "", ""],
        }
    )
    dates = canonical_dates(wide)
    pd.testing.assert_frame_equal(dates, canonical_from_wide(wide)[dates.columns])
    assert dates["plannedDates/0/startDate"].tolist() == [
        first_start or "2021-04-13",
        "2021-05-01",
        "2021-06-01",
    ]
    # A grant's first item is its first with any value: its duration, where it has none.
    assert dates["plannedDates/0/duration"].isna().tolist() == [bool(first_start), True, True]


def test_spreadsheet_first_item_skips_blank_items_and_lists_join_every_item() -> None:
    wide = pd.DataFrame(
        {
            "id": ["g1", "g2"],
            "beneficiaryLocation/0/name": ["", "Ward A"],
            "beneficiaryLocation/0/geoCode": ["", "E05000819"],
            "beneficiaryLocation/1/name": ["District B", "District C"],
            "beneficiaryLocation/1/geoCode": ["E08000009", "E08000003"],
            "classifications/0/vocabulary": ["hdrc", ""],
            "classifications/0/code": ["peer-research", ""],
            "classifications/0/title": ["Peer research", ""],
            "classifications/1/code": ["health", "housing"],
            "fundingType/0/title": ["Grant", ""],
            "fundingType/0/code": ["FT1", "FT2"],
        }
    )
    canonical = canonical_from_wide(wide)
    assert canonical["beneficiaryLocation/0/geoCode"].tolist() == ["E08000009", "E05000819"]
    assert canonical["beneficiaryLocation/0/name"].tolist() == ["District B", "Ward A"]
    assert canonical["classifications"].tolist() == ["hdrc:peer-research;health", "housing"]
    assert canonical["classificationTitles"].tolist() == ["Peer research", pd.NA]
    assert canonical["fundingType"].tolist() == ["Grant", "FT2"]
