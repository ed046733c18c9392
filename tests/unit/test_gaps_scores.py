"""The gap score, need percentiles and the concentration index on hand-made inputs whose answers
are known."""

from __future__ import annotations

import math

import pytest

from warehouse.gap_scores import (
    concentration_index,
    concentration_sentence,
    gap_score,
    need_percentiles,
)


def test_need_percentiles_put_the_neediest_at_100_in_either_direction() -> None:
    assert need_percentiles([10.0, 30.0, 20.0], higher_is_more_need=True) == [0.0, 100.0, 50.0]
    # IMD deciles: 1 is the most deprived, so the lowest decile is the neediest.
    assert need_percentiles([1.0, 5.0, 10.0], higher_is_more_need=False) == [100.0, 50.0, 0.0]


def test_tied_needs_share_the_lower_rank_and_missing_needs_stay_missing() -> None:
    result = need_percentiles([5.0, 5.0, 1.0, None], higher_is_more_need=True)
    assert result[:3] == [50.0, 50.0, 0.0]
    assert math.isnan(result[3])
    assert need_percentiles([7.0], higher_is_more_need=True) == [100.0]
    assert all(math.isnan(v) for v in need_percentiles([None, None], higher_is_more_need=True))


@pytest.mark.parametrize(
    ("percentile", "projects", "score"),
    [
        (100.0, 0, 100.0),  # the neediest column with no research
        (100.0, 1, 50.0),  # one project halves it
        (100.0, 2, 100 / 3),
        (50.0, 0, 50.0),
        (0.0, 0, 0.0),  # the least needy column scores 0 even when empty
        (None, 0, 100.0),  # no area indicator (population groups): coverage alone
        (float("nan"), 3, 25.0),
        (80.0, -1, 80.0),  # a negative count is never a bonus
    ],
)
def test_gap_score(percentile: float | None, projects: int, score: float) -> None:
    assert gap_score(percentile, projects) == pytest.approx(score)


def test_equal_funding_per_head_has_index_zero() -> None:
    assert concentration_index([100, 100, 100], [50, 50, 50], [3, 2, 1]) == pytest.approx(0.0)
    # Unequal populations, funding in proportion to them: still an even spread per head.
    assert concentration_index([100, 300, 600], [10, 30, 60], [9, 5, 1]) == pytest.approx(0.0)


def test_all_funding_in_the_most_deprived_of_n_equal_wards_is_one_over_n_minus_one() -> None:
    # Wards given least deprived first: the index orders them by deprivation itself.
    assert concentration_index([1, 1, 1, 1], [0, 0, 0, 80], [1, 2, 3, 4]) == pytest.approx(-0.75)
    assert concentration_index([1, 1, 1, 1], [80, 0, 0, 0], [1, 2, 3, 4]) == pytest.approx(0.75)


def test_unequal_populations_use_population_weighted_fractional_ranks() -> None:
    # Most deprived ward has 1 of 4 residents: R = 0.5 / 4, so CI = 2 R - 1 = -0.75.
    assert concentration_index([1, 3], [10, 0], [2, 1]) == pytest.approx(-0.75)
    # Funding per head 2 and 1 over wards of 1 and 3 residents: mu = 5/4,
    # R = 1/8 and 5/8, CI = 2 (1/4 * 2 * 1/8 + 3/4 * 1 * 5/8) / (5/4) - 1 = 68/80 - 1 = -0.15.
    assert concentration_index([1, 3], [2, 3], [2, 1]) == pytest.approx(-0.15)


def test_no_people_or_no_funding_has_no_index() -> None:
    assert concentration_index([], [], []) is None
    assert concentration_index([10, 20], [0, 0], [1, 2]) is None
    assert concentration_index([0, 0], [5, 5], [1, 2]) is None


def test_the_sentence_says_which_way_funding_leans() -> None:
    assert "leans towards the more deprived wards" in concentration_sentence(-0.21)
    assert concentration_sentence(-0.21).startswith("Concentration index -0.21")
    assert "leans towards the less deprived wards" in concentration_sentence(0.3)
    assert "about evenly" in concentration_sentence(0.01)
    assert "0 would be an even spread" in concentration_sentence(0.01)
    assert "no ward-level" in concentration_sentence(None)
