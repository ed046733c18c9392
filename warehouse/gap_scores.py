"""The arithmetic of the gap map and the equity measures. Pure: numbers in, numbers out.

Rules, written once here and shown on the /gaps page:

- **Need percentile.** Columns (wards) are ranked by the chosen indicator, in the direction in
  which it means more need (a higher IMD score, a lower IMD decile, a worse Fingertips value, a
  higher share in bad health). The need percentile is ``100 x (rank - 1) / (columns - 1)`` with
  rank 1 the least needy column, so the neediest column scores 100 and the least needy 0; tied
  columns share the lower rank. A single column scores 100.
- **Gap score.** ``need percentile / (1 + projects in the cell)``. 100 is the neediest column with
  no research; one project halves the score, two divide it by three. Where no area indicator
  applies (population groups) every column counts as need 100, so the score is ``100 / (1 +
  projects)`` and ranks gaps by coverage alone.
- **Concentration index.** Wards are ordered from the most to the least deprived; each ward's
  fractional rank is the population-weighted mid-point of its place in that order,
  ``R_i = (people in more deprived wards + people_i / 2) / all people``. With ``y_i`` the funding
  per head of ward ``i`` and ``mu`` the population-weighted mean of ``y``,
  ``CI = (2 / mu) x sum_i(w_i x y_i x R_i) - 1`` where ``w_i`` is the ward's share of the people.
  It runs from -1 (all funding in the most deprived) to +1 (all in the least deprived); 0 is
  funding per head that does not lean either way.
"""

from __future__ import annotations

from collections.abc import Sequence

GAP_SCORE_TOP = 100.0


def need_percentiles(values: Sequence[float | None], *, higher_is_more_need: bool) -> list[float]:
    """The need percentile (0 to 100, 100 = neediest) of each value; missing values get NaN."""
    present = [v for v in values if v is not None and v == v]
    if not present:
        return [float("nan")] * len(values)
    ordered = sorted(present, reverse=not higher_is_more_need)
    # ordered[0] is the least needy value; index() gives tied values the lower rank.
    last = len(ordered) - 1
    result = []
    for value in values:
        if value is None or value != value:
            result.append(float("nan"))
        elif last == 0:
            result.append(GAP_SCORE_TOP)
        else:
            result.append(100.0 * ordered.index(value) / last)
    return result


def gap_score(need_percentile: float | None, projects: int) -> float:
    """``need percentile / (1 + projects)``; no need percentile (population groups) counts as
    100, so the score ranks by coverage alone."""
    missing = need_percentile is None or need_percentile != need_percentile
    need = GAP_SCORE_TOP if missing or need_percentile is None else need_percentile
    return need / (1 + max(int(projects), 0))


def concentration_index(
    population: Sequence[float], funding: Sequence[float], deprivation: Sequence[float]
) -> float | None:
    """The concentration index of funding per head over wards ranked from the most to the least
    deprived (higher ``deprivation`` = more deprived). None when there are no people or no
    funding, where the index is undefined."""
    rows = [
        (float(d), float(p), float(f))
        for p, f, d in zip(population, funding, deprivation, strict=True)
        if p and p > 0
    ]
    total_people = sum(p for _, p, _ in rows)
    total_funding = sum(f for _, _, f in rows)
    if total_people <= 0 or total_funding <= 0:
        return None
    rows.sort(key=lambda row: -row[0])
    mean_per_head = total_funding / total_people
    weighted = 0.0
    before = 0.0
    for _, people, money in rows:
        rank = (before + people / 2) / total_people
        weighted += (people / total_people) * (money / people) * rank
        before += people
    return 2 * weighted / mean_per_head - 1


def concentration_sentence(index: float | None) -> str:
    """What the index means, in a sentence a councillor can read."""
    if index is None:
        return "There is no ward-level P&C research funding to measure, so no index is shown."
    shown = f"{index:+.2f}".replace("+0.00", "0.00").replace("-0.00", "0.00")
    if abs(index) < 0.05:
        lean = "funding per head is spread about evenly across wards, whatever their deprivation"
    elif index < 0:
        lean = "funding per head leans towards the more deprived wards"
    else:
        lean = "funding per head leans towards the less deprived wards"
    return (
        f"Concentration index {shown}: {lean}. 0 would be an even spread; the nearer to -1, "
        "the more it sits in the most deprived wards, and the nearer to +1, in the least "
        "deprived."
    )
