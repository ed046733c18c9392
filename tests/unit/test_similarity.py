"""The similarity ranking on hand-made documents whose answers are known, and the way the
results panel shows them."""

from __future__ import annotations

import pandas as pd
import pytest
from dash import dcc, html

from components.views import similar_search
from warehouse import similarity
from warehouse.similarity import build_index, rank, terms_of

DOCUMENTS = pd.DataFrame(
    {
        "record_id": ["damp", "food", "park", "bus", "duplicate-source"],
        "text": [
            "Damp and mould in council flats\nTenants photographed damp in their homes.",
            "Food insecurity among older people\nPeer interviews about skipping meals.",
            "Green space and play\nChildren mapped the parks they use.",
            "Bus routes to the hospital\nRiders timed their journeys.",
            "Loneliness after bereavement\nWidowed residents talked about isolation.",
        ],
    }
)


@pytest.fixture(scope="module")
def index() -> similarity.SimilarityIndex:
    return build_index(DOCUMENTS)


def _ids(results: pd.DataFrame) -> list[str]:
    return list(results["record_id"])


def _terms(results: pd.DataFrame, record_id: str) -> dict[str, float]:
    row = results.set_index("record_id").loc[record_id]
    return dict(row["matched_terms"])


def test_an_exact_duplicate_ranks_first_with_a_score_of_one(
    index: similarity.SimilarityIndex,
) -> None:
    text = str(DOCUMENTS.loc[4, "text"])
    results = rank(index, text)
    assert _ids(results)[0] == "duplicate-source"
    assert results["score"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert (results["score"].iloc[1:] < 0.5).all()


def test_an_unrelated_document_scores_zero_and_is_left_out(
    index: similarity.SimilarityIndex,
) -> None:
    results = rank(index, "Mould in private rented flats")
    assert _ids(results) == ["damp"]
    everything = rank(index, "Mould in private rented flats", min_score=0.0)
    scores = dict(zip(everything["record_id"], everything["score"], strict=True))
    assert scores["damp"] > 0
    assert scores["bus"] == 0.0
    assert scores["park"] == 0.0


def test_matched_terms_are_the_words_both_texts_share(index: similarity.SimilarityIndex) -> None:
    results = rank(index, "Mould in private rented flats")
    # "damp", "council" and "tenants" are only in the document; "private" and "rented" only in
    # the query; "in" is a stop word; "mould in flats" and "council flats" make no shared pair.
    assert set(_terms(results, "damp")) == {"mould", "flats"}


def test_each_term_weighs_its_share_of_the_score_and_rare_words_weigh_more() -> None:
    documents = pd.DataFrame(
        {
            "record_id": ["a", "b", "c"],
            "text": ["housing damp", "housing food", "housing transport"],
        }
    )
    same = rank(build_index(documents), "housing damp")
    assert _ids(same)[0] == "a"
    assert same["score"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert list(_terms(same, "a")) == ["housing damp"]  # the pair stands for both words
    single = rank(build_index(documents), "housing, damp")  # a comma: no pair
    single_weights = _terms(single, "a")
    assert set(single_weights) == {"housing", "damp"}
    assert single_weights["damp"] > single_weights["housing"]
    assert sum(single_weights.values()) == pytest.approx(single["score"].iloc[0], abs=1e-3)


def test_a_pair_of_words_stands_for_its_single_words(index: similarity.SimilarityIndex) -> None:
    results = rank(index, "food insecurity")
    assert _ids(results) == ["food"]
    assert list(_terms(results, "food")) == ["food insecurity"]


def test_more_distinctive_words_in_common_rank_higher() -> None:
    documents = pd.DataFrame(
        {
            "record_id": ["one-word", "two-words", "three-words", "same-one-word"],
            "text": [
                "Walking groups",
                "Walking groups for carers",
                "Walking groups for carers of stroke survivors",
                "Walking groups",
            ],
        }
    )
    results = rank(build_index(documents), "Walking groups for carers of stroke survivors")
    assert _ids(results) == ["three-words", "two-words", "one-word", "same-one-word"]
    assert results["score"].is_monotonic_decreasing
    # Equal scores keep the documents' own order.
    assert results["score"].iloc[2] == results["score"].iloc[3]


def test_at_most_limit_results(index: similarity.SimilarityIndex) -> None:
    assert len(rank(index, "residents children tenants riders peer", min_score=0.0)) == 5
    assert len(rank(index, "residents children tenants riders peer", limit=2, min_score=0.0)) == 2


@pytest.mark.parametrize("query", ["", "   ", "the and of in", "zzzz qqqq"])
def test_a_query_without_known_words_finds_nothing(
    index: similarity.SimilarityIndex, query: str
) -> None:
    results = rank(index, query)
    assert results.empty
    assert list(results.columns) == ["record_id", "score", "matched_terms"]


def test_an_empty_library_finds_nothing() -> None:
    empty = build_index(DOCUMENTS.head(0))
    assert empty.size == 0
    assert rank(empty, "food insecurity").empty
    only_stop_words = build_index(pd.DataFrame({"record_id": ["x"], "text": ["the and of"]}))
    assert rank(only_stop_words, "the and of").empty


def test_terms_are_words_and_pairs_side_by_side_within_a_clause() -> None:
    assert terms_of("Older people in Kilnworth: peer interviews") == [
        "older",
        "people",
        "older people",
        "kilnworth",
        "peer",
        "interviews",
        "peer interviews",
    ]
    # Fields sit one to a line, so a title's last word and a summary's first make no pair.
    assert "kilnworth peer" not in terms_of("A study in Kilnworth\nPeer researchers")
    assert terms_of("Café CAFE cafe") == ["cafe", "cafe", "cafe cafe", "cafe", "cafe cafe"]


# --------------------------------------------------------------------------------------------
# The panel shows what the ranking means
# --------------------------------------------------------------------------------------------


def test_the_panel_explains_the_score_bands_the_ranking_uses() -> None:
    assert similar_search.MIN_SCORE == similarity.MIN_SCORE
    assert similar_search.STRONG_SCORE == similarity.STRONG_SCORE
    explanation = similar_search.SCORE_EXPLANATION
    assert f"{similarity.MIN_SCORE:.0%}" in explanation
    assert f"{similarity.STRONG_SCORE:.0%}" in explanation
    assert "cosine similarity" in explanation and "TF-IDF" in explanation


def test_a_score_is_judged_by_the_percentage_shown() -> None:
    assert similar_search.strength(0.4996) == "Strong match"  # shown as 50%
    assert similar_search.strength(0.494) == "Partial match"  # shown as 49%
    assert similar_search.strength(0.2) == "Partial match"
    assert similar_search.strength(0.194) == "Weak match"


def _texts(component: object) -> list[str]:
    """Every string in a Dash component tree."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, list | tuple):
        children = [children]
    return [text for child in children for text in _texts(child)]


def _links(component: object) -> list[str]:
    found = [component.href] if isinstance(component, dcc.Link) else []
    children = getattr(component, "children", None)
    if children is None:
        return found
    if not isinstance(children, list | tuple):
        children = [children]
    return found + [href for child in children for href in _links(child)]


def test_results_show_kind_score_details_link_and_words_in_common() -> None:
    rows = pd.DataFrame(
        [
            {
                "kind": "project",
                "record_id": "P 1",
                "title": "Food and older people",
                "status": "completed",
                "provider_name": "Food Collective",
                "funder_name": None,
                "financial_year": "2023/24",
                "amount_pence": None,
                "currency": None,
                "score": 0.624,
                "matched_terms": [("food insecurity", 0.2), ("older", 0.004)],
            },
            {
                "kind": "grant",
                "record_id": "360G-1",
                "title": "Peer research award",
                "status": None,
                "provider_name": None,
                "funder_name": "The Council",
                "financial_year": "2024/25",
                "amount_pence": 1_250_050,
                "currency": "GBP",
                "score": 0.12,
                "matched_terms": [("peer", 0.1)],
            },
        ]
    )
    shown = similar_search.similar_results(rows, projects=3, grants=1)
    text = " ".join(_texts(shown))
    assert "The 2 most similar of 3 published projects and 1 P&C research grant" in text
    assert "62%" in text and "Strong match" in text
    assert "12%" in text and "Weak match" in text
    assert "food insecurity" in text and "+20" in text and "+<1" in text
    assert "Funded by The Council" in text and "2024/25" in text and "£12,500.50" in text
    assert "Run by Food Collective" in text
    assert similar_search.SCORE_EXPLANATION in text
    assert _links(shown) == ["/research/P%201"]
    (ranked,) = [c for c in shown.children if isinstance(c, html.Ol)]
    assert [type(item) for item in ranked.children] == [html.Li, html.Li]


def test_no_results_and_an_empty_library_say_so() -> None:
    nothing = similar_search.similar_results(
        pd.DataFrame(columns=["kind", "record_id", "score"]), projects=5, grants=2
    )
    assert "Nothing similar found among 5 published projects and 2 P&C research grants" in (
        " ".join(_texts(nothing))
    )
    unloaded = similar_search.similar_results(pd.DataFrame(), projects=0, grants=0)
    assert "nothing to compare with" in " ".join(_texts(unloaded))
    assert "Type a title or a description" in " ".join(_texts(similar_search.empty_query_message()))
