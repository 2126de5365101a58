"""The seasonal analysis finds a pattern planted in the data, and none in flat data of the same
volume; it needs its minimum years of history, and a one-off spike is not a season."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest

from programs.prevention import seasonal

TOWNS = [f"镇{i}" for i in range(16)]
CATEGORIES = ["wage_arrears", "injury", "contract", "dismissal"]
YEARS = (2023, 2024, 2025)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _records(rng, mean_of, years=YEARS):
    """(day, town, category) records: a Poisson count for each town, category and month."""
    records = []
    for year in years:
        for month in range(1, 13):
            for town in TOWNS:
                for category in CATEGORIES:
                    for _ in range(_poisson(rng, mean_of(town, category, month))):
                        records.append((date(year, month, rng.randint(1, 28)), town, category))
    return records


PLANTED = ("镇3", "wage_arrears", 1)  # wage arrears before the Spring Festival


def _planted(town, category, month):
    if (town, category, month) == PLANTED:
        return 12.0  # four times the town's usual month
    return 3.0


def _flat_of_the_same_volume(town, category, month):
    return 3.0 + 9.0 / (12 * len(TOWNS) * len(CATEGORIES))  # the planted records spread evenly


@pytest.mark.parametrize("seed", range(5))
def test_a_planted_season_is_found_and_nothing_else(seed):
    found = seasonal.analyse(_records(random.Random(seed), _planted), YEARS)
    assert found.enough_history
    assert [(p.town, p.category, p.month) for p in found.patterns] == [PLANTED]
    (pattern,) = found.patterns
    assert set(pattern.counts) == set(YEARS)
    assert pattern.years_above >= 2 and pattern.chance < seasonal.CHANCE
    assert pattern.rise > seasonal.RATIO
    # The evidence is every month's count, per year, as the page shows it.
    months = found.evidence[PLANTED[:2]]
    assert sum(sum(by_year.values()) for by_year in months.values()) == sum(
        1
        for _day, town, category in _records(random.Random(seed), _planted)
        if (town, category) == PLANTED[:2]
    )


@pytest.mark.parametrize("seed", range(5))
def test_flat_data_of_the_same_volume_has_no_season(seed):
    flat = _records(random.Random(100 + seed), _flat_of_the_same_volume)
    planted = _records(random.Random(100 + seed), _planted)
    assert abs(len(flat) - len(planted)) < 0.05 * len(planted)
    assert seasonal.analyse(flat, YEARS).patterns == ()


def test_too_little_history_finds_nothing_and_says_so():
    records = _records(random.Random(7), _planted, years=YEARS[-2:])
    found = seasonal.analyse(records, YEARS[-2:])
    assert not found.enough_history and found.patterns == ()
    assert seasonal.analyse(records, YEARS[-2:], min_years=2).patterns != ()


def test_a_one_off_spike_is_not_a_season():
    """Thirty records in one January and none in the others: a rise in one year of three."""
    records = [(date(2024, 1, 5), "镇1", "injury")] * 30
    records += [(date(y, m, 10), "镇1", "injury") for y in YEARS for m in range(1, 13)]
    assert seasonal.analyse(records, YEARS).patterns == ()
    every_year = records + [(date(y, 1, 6), "镇1", "injury") for y in YEARS for _ in range(10)]
    assert [p.month for p in seasonal.analyse(every_year, YEARS).patterns] == [1]


def test_a_quiet_category_with_one_busy_month_is_a_season():
    records = [(date(y, 12, d), "镇2", "wage_arrears") for y in YEARS for d in range(1, 6)]
    (pattern,) = seasonal.analyse(records, YEARS).patterns
    assert pattern.month == 12 and pattern.normal == pytest.approx(15 / 36)


def test_poisson_tail_matches_the_sum_of_its_terms():
    for k, mean in ((0, 2.0), (1, 0.5), (5, 2.0), (24, 12.0), (40, 10.0)):
        below = sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))
        assert seasonal.poisson_tail(k, mean) == pytest.approx(1 - below, rel=1e-9, abs=1e-15)
    assert 0 < seasonal.poisson_tail(3000, 2000) < 1e-50  # no underflow to 0 or 1


def test_whole_years_of_history():
    assert seasonal.history_years(date(2021, 1, 1), date(2026, 11, 29)) == (
        2021,
        2022,
        2023,
        2024,
        2025,
    )
    assert seasonal.history_years(date(2021, 3, 5), date(2026, 11, 29), 3) == (2023, 2024, 2025)
    assert seasonal.history_years(date(2021, 3, 5), date(2026, 11, 29))[0] == 2022
