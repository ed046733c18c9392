"""Finding research in the pages of a decision paper: ids, titles through line breaks and
case, near-titles with a slip, organisations and their acronyms; never a neighbouring title
that differs in its ward; the snippet and page of each mention."""

from __future__ import annotations

from data_pipeline.papers.mentions import Target, find_mentions, initials

NORTHGATE = Target(
    "project",
    "PCR-2024-001",
    "Food insecurity in Northgate: residents' own research",
    "PCR-2024-001",
    ids=("PCR-2024-001",),
)
SOUTHGATE = Target(
    "project",
    "PCR-2024-002",
    "Food insecurity in Southgate: residents' own research",
    "PCR-2024-002",
    ids=("PCR-2024-002",),
)
PANEL = Target(
    "organisation", "GB-COH-1", "Peer Evidence Network (PEN)", "PCR-2024-001", acronyms=("PEN",)
)
TARGETS = [NORTHGATE, SOUTHGATE, PANEL]


def _found(*pages: str) -> dict[str, tuple[str, int, float]]:
    return {
        m.target.target_id: (m.match_kind, m.page, m.score) for m in find_mentions(pages, TARGETS)
    }


def test_an_id_is_found_as_a_whole_word_with_its_page_and_sentence() -> None:
    mentions = find_mentions(
        ["Agenda.", "Budget first. The plan draws on PCR-2024-001 findings. Next item."], TARGETS
    )
    assert [(m.target.target_id, m.match_kind, m.page) for m in mentions] == [
        ("PCR-2024-001", "id", 2)
    ]
    assert mentions[0].snippet == "The plan draws on PCR-2024-001 findings."
    assert _found("See PCR-2024-0019 and XPCR-2024-001.") == {}


def test_a_title_broken_over_lines_in_capitals_is_found() -> None:
    found = _found(
        "The board read FOOD INSECURITY IN\nNORTHGATE: RESIDENTS’ OWN\nRESEARCH closely."
    )
    assert found == {"PCR-2024-001": ("title", 1, 0.95)}


def test_a_title_with_a_slip_is_a_near_title() -> None:
    kind, _, score = _found("Officers cited Food insecurity in Northgate: residents own reseach.")[
        "PCR-2024-001"
    ]
    assert kind == "near-title" and 0.8 <= score < 0.95


def test_a_title_that_names_another_ward_is_not_a_mention() -> None:
    assert (
        _found("A study of Food insecurity in Eastwick: residents' own research is planned.") == {}
    )
    # The Southgate title is the exact match; the Northgate one, a letter away, is not counted.
    assert set(_found("We used Food insecurity in Southgate: residents' own research.")) == {
        "PCR-2024-002"
    }


def test_organisations_by_name_and_by_their_own_acronym() -> None:
    assert _found("Fieldwork by the Peer Evidence Network.")["GB-COH-1"][0] == "title"
    assert _found("As PEN reported to the board in May.")["GB-COH-1"][:2] == ("acronym", 1)
    # A paper that spells PEN out as something else does not mean the network.
    assert _found("The Parish Engagement Notice (PEN) was issued. PEN closes in May.") == {}


def test_initials_of_names_of_three_words_or_more() -> None:
    assert initials("Civic Insight Research") == "CIR"
    assert initials("Harbourline Research Co-operative") == "HRC"
    assert initials("University of Marrowfield") is None


def test_a_title_several_projects_share_makes_a_weaker_candidate_of_each() -> None:
    twin = Target("project", "PCR-2025-009", NORTHGATE.label, "PCR-2025-009")
    mentions = find_mentions(["We read " + NORTHGATE.label + "."], [NORTHGATE, twin])
    assert {m.target.target_id for m in mentions} == {"PCR-2024-001", "PCR-2025-009"}
    assert all(0.6 <= m.score < 0.95 for m in mentions)
