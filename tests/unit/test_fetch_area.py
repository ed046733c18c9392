"""Which grants reached the area: each rule places a grant, the first that holds is named,
grants by none are elsewhere, and rows and pence are conserved."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from data_pipeline.fetch.area import Area, GrantLocations, place_grants
from data_pipeline.fetch.locations import json_locations
from data_pipeline.fetch.postcodes import read_postcode_lookup

HOME = "GB-LAE-XDB"
AREA = Area.of(["E08000009", "E05000820", "E01006095"], ["M33 7ZZ"])


def _grants() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "grant_id": ["home", "lsoa", "district", "recipient", "postcode", "none", "none2"],
            "published_id": ["home", "lsoa", "district", "recipient", "postcode", "none", "none2"],
            "funder_org_id": [
                HOME,
                "GB-CHC-1",
                "GB-CHC-1",
                "GB-CHC-1",
                "GB-CHC-1",
                "GB-CHC-1",
                "X",
            ],
            "recipient_org_id": [
                "GB-CHC-9",
                "GB-CHC-2",
                "GB-CHC-3",
                "GB-CHC-4",
                "GB-CHC-5",
                "GB-CHC-6",
                None,
            ],
            "beneficiary_geo_code": [
                None,
                "e01006095",
                "E08000009",
                "E08000035",
                None,
                "E08000035",
                None,
            ],
            "recipient_postal_code": [None, None, None, None, "m33  7zz", "LS3 1HH", None],
            "amount_awarded_pence": [100, 200, 300, 400, 500, 600, 700],
        }
    )


def test_each_rule_places_a_grant_and_the_rest_are_elsewhere() -> None:
    locations = GrantLocations(
        recipient_codes={"recipient": ("E05000820",), "none": ("E05001429",)}
    )
    placement = place_grants(_grants(), AREA, [HOME.lower()], locations)
    assert placement.rule.tolist() == [
        "home organisation",
        "beneficiary location",
        "beneficiary location",
        "recipient location",
        "recipient postcode",
        pd.NA,
        pd.NA,
    ]
    assert placement.by_rule == {
        "home organisation": 1,
        "beneficiary location": 2,
        "recipient location": 1,
        "recipient postcode": 1,
    }
    assert (placement.rows_read, placement.rows_in_area, placement.rows_elsewhere) == (7, 5, 2)
    assert placement.pence_elsewhere == 1300
    assert placement.summary() == (
        "7 read, 5 in the area, 2 elsewhere (1 by home organisation, 2 by beneficiary location, "
        "1 by recipient location, 1 by recipient postcode)"
    )


def test_any_beneficiary_location_counts_not_only_the_first() -> None:
    locations = GrantLocations(beneficiary_codes={"none": ("E06000001", "E01006095")})
    placement = place_grants(_grants(), AREA, [], locations)
    assert placement.rule[5] == "beneficiary location"


def test_the_home_rule_wins_over_the_location_rules() -> None:
    grants = _grants()
    grants.loc[1, "recipient_org_id"] = HOME
    assert place_grants(grants, AREA, [HOME]).rule[1] == "home organisation"


def test_with_no_area_only_home_grants_are_kept() -> None:
    placement = place_grants(_grants(), Area.of([]), [HOME])
    assert placement.rows_in_area == 1


def test_grantnav_enrichment_and_every_beneficiary_location_are_read_from_json() -> None:
    package = {
        "grants": [
            {
                "id": "g1",
                "beneficiaryLocation": [{"geoCode": "E01000001"}, {"geoCode": "E08000009"}],
                "recipientDistrictGeoCode": "E08000035",
                "recipientWardNameGeoCode": "E05001429",
            },
            {"id": "g2", "additional_data": {"locationLookup": [{"ladcd": "E08000009"}]}},
        ]
    }
    locations = json_locations(json.dumps(package).encode())
    assert locations.beneficiary_codes == {"g1": ("E01000001", "E08000009")}
    assert locations.recipient_codes == {"g1": ("E08000035", "E05001429"), "g2": ("E08000009",)}
    assert json_locations(b"Identifier,Title\n") == GrantLocations()


def test_the_postcode_lookup_gives_the_districts_postcodes_and_finer_codes(tmp_path: Path) -> None:
    lookup = tmp_path / "nspl_area.csv"
    lookup.write_text(
        "pcds,laua,osward,lsoa21\n"
        "M33 7ZZ,E08000009,E05000820,E01006095\n"
        "M1 1AA,E08000003,E05011368,E01033653\n"
        "WA14 2ZZ,E08000009,E05000821,E01006100\n"
    )
    postcodes, codes = read_postcode_lookup(lookup, ["E08000009"])
    assert postcodes == {"M337ZZ", "WA142ZZ"}
    assert codes == {"E08000009", "E05000820", "E01006095", "E05000821", "E01006100"}
    # A ward's postcodes do not bring in its whole district.
    postcodes, codes = read_postcode_lookup(lookup, ["E05000820"])
    assert postcodes == {"M337ZZ"} and "E08000009" not in codes
