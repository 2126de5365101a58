"""Seasonal patterns (時令清單治未病): the months in which a town's disputes of one kind rise
above that town's normal level, year after year.

The method is meant to be read by a coordinator, and the page says it in these words:

1. Count the records (disputes, hotline calls, petitions) of one town and one category in each
   calendar month of the last `years` whole years (at least MIN_YEARS).
2. The town's *normal level* for the category is its average month over those years.
3. A month is a *peak* when, in at least PEAK_SHARE of the years, that month held at least
   RATIO times the normal level, and the month's total over the years is too high to be chance:
   if the month were a normal month, a total that high would happen less than once in
   1 / CHANCE tries (a Poisson tail, counted over the twelve months).

Everything is plain arithmetic over the counts it shows as evidence; nothing is learned or
hidden. The module holds no database code: counts in, patterns out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

MIN_YEARS = 3
RATIO = 1.5
PEAK_SHARE = 2 / 3
CHANCE = 0.001
MONTHS = range(1, 13)


@dataclass(frozen=True)
class Pattern:
    """One seasonal peak: a town, a category, a month, and the counts that show it."""

    town: str
    category: str
    month: int  # 1–12
    normal: float  # the town's average month for the category
    counts: Mapping[int, int]  # year → records in that month
    years_above: int  # years in which the month held at least RATIO × normal
    chance: float  # the chance of so many records in the month if it were a normal month

    @property
    def average(self) -> float:
        return sum(self.counts.values()) / len(self.counts)

    @property
    def rise(self) -> float:
        """How many times the normal level the month holds on average."""
        return self.average / self.normal


@dataclass(frozen=True)
class Analysis:
    """What the analysis looked at, what it needs, and what it found."""

    years: tuple[int, ...]
    enough_history: bool
    patterns: tuple[Pattern, ...]
    # (town, category) → month → year → count: the evidence, for every pair with records.
    evidence: Mapping[tuple[str, str], Mapping[int, Mapping[int, int]]]


def history_years(first: date, today: date, years: int | None = None) -> tuple[int, ...]:
    """The whole calendar years of history before `today` that the records reach into (the
    most recent `years` of them when given)."""
    whole = tuple(range(max(first.year, 1), today.year))
    if first > date(first.year, 1, 1) and whole and whole[0] == first.year:
        whole = whole[1:]  # the first year is not whole
    return whole[-years:] if years else whole


def analyse(
    records: Iterable[tuple[date, str, str]],
    years: Iterable[int],
    *,
    ratio: float = RATIO,
    chance: float = CHANCE,
    min_years: int = MIN_YEARS,
) -> Analysis:
    """Find the seasonal peaks in `records` — (day, town, category) — over whole `years`."""
    chosen = tuple(sorted(set(years)))
    counts: dict[tuple[str, str], dict[int, dict[int, int]]] = {}
    for day, town, category in records:
        if day.year not in chosen:
            continue
        months = counts.setdefault((town, category), {m: dict.fromkeys(chosen, 0) for m in MONTHS})
        months[day.month][day.year] += 1
    enough = len(chosen) >= min_years
    patterns: list[Pattern] = []
    if enough:
        for (town, category), months in sorted(counts.items()):
            patterns.extend(_peaks(town, category, months, chosen, ratio, chance))
    return Analysis(chosen, enough, tuple(patterns), counts)


def _peaks(
    town: str,
    category: str,
    months: Mapping[int, Mapping[int, int]],
    years: tuple[int, ...],
    ratio: float,
    chance: float,
) -> Iterable[Pattern]:
    total = sum(sum(by_year.values()) for by_year in months.values())
    normal = total / (12 * len(years))
    if total == 0:
        return
    needed_years = math.ceil(PEAK_SHARE * len(years))
    for month in MONTHS:
        by_year = months[month]
        above = sum(1 for n in by_year.values() if n >= ratio * normal and n > 0)
        if above < needed_years:
            continue
        observed = sum(by_year.values())
        # The month's tail, counted for the twelve months looked at (Bonferroni).
        p = min(1.0, 12 * poisson_tail(observed, normal * len(years)))
        if p < chance and observed >= ratio * normal * len(years):
            yield Pattern(town, category, month, normal, dict(by_year), above, p)


def poisson_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean): the terms from k upwards, in logarithms so that large
    counts neither underflow nor lose the tail to rounding."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_term = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total = 0.0
    i = k
    while True:
        term = math.exp(log_term)
        total += term
        i += 1
        log_term += math.log(mean) - math.log(i)
        if i > mean and term < 1e-17 * max(total, 1e-300):
            return min(1.0, total)
