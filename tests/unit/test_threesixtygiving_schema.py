"""Column titles and validation rules come from the vendored 360Giving schema."""

from __future__ import annotations

import pytest

from data_pipeline.formats.threesixtygiving_json import grant_problems
from data_pipeline.formats.threesixtygiving_schema import (
    currency_codes,
    field_for_title,
    required_rules,
)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Grant Programme:Title", "grantProgramme/0/title"),
        ("Grant Programme: Title", "grantProgramme/0/title"),
        ("grant programme:title", "grantProgramme/0/title"),
        ("GRANT PROGRAMME : TITLE", "grantProgramme/0/title"),
        ("From an open call?", "fromOpenCall"),
        ("From An Open Call?", "fromOpenCall"),
        ("Last modified", "dateModified"),
        ("Amount Awarded", "amountAwarded"),
        ("Recipient Org:Identifier", "recipientOrganization/0/id"),
        ("Recipient Ind:Name", "recipientIndividual/name"),
        ("Beneficiary Location:Geographic Code", "beneficiaryLocation/0/geoCode"),
        ("Beneficiary Location:Geographic Code Type", "beneficiaryLocation/0/geoCodeType"),
        ("Funding Org:Identifier", "fundingOrganization/0/id"),
        ("Classifications:Code", "classifications/0/code"),
        ("Funding Type:Title", "fundingType/0/title"),
        ("Planned Dates:Duration (months)", "plannedDates/0/duration"),
        ("Related Document:0:Title", "relatedDocument/0/title"),
        ("Related Document:1:Title", "relatedDocument/1/title"),
        ("Classifications:2:Vocabulary", "classifications/2/vocabulary"),
        ("Recipient Org:Location:Geographic Code", "recipientOrganization/0/location/0/geoCode"),
        ("recipientOrganization/0/id", "recipientOrganization/0/id"),
        ("amountAwarded", "amountAwarded"),
    ],
)
def test_titles_match_ignoring_case_and_spaces_as_flattentool_does(title: str, key: str) -> None:
    found = field_for_title(title)
    assert found is not None
    assert found.key == key


@pytest.mark.parametrize(
    "title", ["Grant number", "School / Building", "Website: Decision Notes", ""]
)
def test_columns_the_standard_does_not_name_are_extra_columns(title: str) -> None:
    assert field_for_title(title) is None


def test_a_title_naming_a_group_of_fields_is_a_group() -> None:
    planned = field_for_title("Planned Dates")
    assert planned is not None and planned.is_group
    duration = field_for_title("Planned Dates:Duration (months)")
    assert duration is not None and not duration.is_group


def test_required_fields_are_read_from_the_schema() -> None:
    rules = required_rules()
    assert rules.always == (
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "fundingOrganization/0/id",
        "fundingOrganization/0/name",
    )
    assert rules.exactly_one_of == (
        ("recipientOrganization/0/id", "recipientOrganization/0/name"),
        ("recipientIndividual/id", "recipientIndividual/name"),
    )


def test_currencies_are_the_schema_enum() -> None:
    codes = currency_codes()
    assert {"GBP", "EUR", "USD"} <= codes
    assert "GPB" not in codes
    assert len(codes) == 301


VALID_GRANT = {
    "id": "360G-example-1",
    "title": "Community research grant",
    "description": "Peer researchers study access to services",
    "currency": "GBP",
    "amountAwarded": 1000,
    "awardDate": "2024-06-19",
    "recipientOrganization": [{"id": "GB-CHC-1164883", "name": "A charity"}],
    "fundingOrganization": [{"id": "GB-LAE-ZZZ", "name": "A council"}],
    "dateModified": "2024-08-02T12:29:00Z",
}


def test_a_valid_grant_has_no_problems() -> None:
    # The format checker must be on: without it "2024-06-19" matches both branches of
    # awardDate's oneOf and every valid grant fails.
    assert grant_problems(VALID_GRANT) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"description": None}, ("description", "is required but missing")),
        (
            {"awardDate": "24/07/2014"},
            (
                "awardDate",
                "'24/07/2014' is not YYYY-MM-DD or a date-time such as 2024-06-19T09:30:00Z",
            ),
        ),
        ({"amountAwarded": "1,000"}, ("amountAwarded", "must be a number, not the text '1,000'")),
        ({"currency": "GPB"}, ("currency", "'GPB' is not a code the 360Giving standard allows")),
        ({"fromOpenCall": "Y"}, ("fromOpenCall", "'Y' is not one of: Yes, No")),
        ({"fundingOrganization": []}, ("fundingOrganization", "must not be empty")),
        (
            {"recipientOrganization": [{"name": "A charity"}]},
            ("recipientOrganization/0/id", "is required but missing"),
        ),
        (
            {"recipientIndividual": {"id": "360G-example-IND-1", "name": "Individual 1"}},
            (
                "recipientIndividual",
                "a grant has one recipient: give recipientOrganization, or "
                "recipientIndividual, not both",
            ),
        ),
        (
            {"recipientOrganization": None},
            ("recipientOrganization", "is required but missing (or recipientIndividual)"),
        ),
        (
            {"dateModified": "2015-03-14"},
            ("dateModified", "'2015-03-14' is not a date-time such as 2024-06-19T09:30:00Z"),
        ),
    ],
)
def test_schema_errors_read_as_plain_reasons_on_the_json_path(
    change: dict[str, object], problem: tuple[str, str]
) -> None:
    grant = {**VALID_GRANT, **change}
    grant = {key: value for key, value in grant.items() if value is not None}
    assert grant_problems(grant) == [problem]
