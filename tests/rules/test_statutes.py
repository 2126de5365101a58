"""Statutory periods are in code, each with its statute, article and summary."""

from __future__ import annotations

import pytest

from rules import statutes
from rules.statutes import (
    ALL_LIMITS,
    ALL_PERIODS,
    CPL_JUDICIAL_CONFIRMATION,
    LCL_PROBATION_TABLE,
    LCL_WRITTEN_CONTRACT,
    LDMAL_ACCEPTANCE,
    LDMAL_AWARD,
    LDMAL_AWARD_EXTENSION,
    LDMAL_FINAL_AWARD_LIMIT,
    LDMAL_LIMITATION,
    LDMAL_MEDIATION,
    SIL_REGISTRATION,
    max_probation_months,
)


@pytest.mark.parametrize(
    ("period", "amount", "unit", "statute", "article"),
    [
        (LDMAL_MEDIATION, 15, "days", "中华人民共和国劳动争议调解仲裁法", 14),
        (LDMAL_ACCEPTANCE, 5, "days", "中华人民共和国劳动争议调解仲裁法", 29),
        (LDMAL_AWARD, 45, "days", "中华人民共和国劳动争议调解仲裁法", 43),
        (LDMAL_AWARD_EXTENSION, 15, "days", "中华人民共和国劳动争议调解仲裁法", 43),
        (LDMAL_LIMITATION, 1, "years", "中华人民共和国劳动争议调解仲裁法", 27),
        (
            LDMAL_FINAL_AWARD_LIMIT,
            12,
            "minimum_wage_months",
            "中华人民共和国劳动争议调解仲裁法",
            47,
        ),
        (CPL_JUDICIAL_CONFIRMATION, 30, "days", "中华人民共和国民事诉讼法", 205),
        (LCL_WRITTEN_CONTRACT, 1, "months", "中华人民共和国劳动合同法", 10),
        (SIL_REGISTRATION, 30, "days", "中华人民共和国社会保险法", 58),
    ],
)
def test_the_periods_the_programs_rely_on(period, amount, unit, statute, article):
    assert (period.amount, period.unit) == (amount, unit)
    assert period.statute.name_zh == statute
    assert period.article == article


def test_every_constant_cites_statute_article_and_summary():
    for item in ALL_PERIODS + ALL_LIMITS:
        assert item.statute.name_zh.startswith("中华人民共和国")
        assert item.statute.edition and item.statute.name_en
        assert item.article > 0 and item.amount > 0
        assert len(item.summary) > 30 and item.summary.endswith(".")
        assert item.citation_zh.startswith("《") and "条" in item.citation_zh
        assert item.citation.startswith("art. ")
    assert len({id(p) for p in ALL_PERIODS}) == len(ALL_PERIODS)
    assert all(hasattr(statutes, name) for name in statutes.__all__)


def test_citations_in_chinese_numerals():
    assert LDMAL_MEDIATION.citation_zh == "《中华人民共和国劳动争议调解仲裁法》第十四条第三款"
    assert LDMAL_ACCEPTANCE.citation_zh == "《中华人民共和国劳动争议调解仲裁法》第二十九条"
    assert CPL_JUDICIAL_CONFIRMATION.citation_zh == "《中华人民共和国民事诉讼法》第二百零五条"
    assert LCL_WRITTEN_CONTRACT.citation_zh.endswith("第十条第二款")
    assert LDMAL_AWARD.citation == "art. 43(1)"


@pytest.mark.parametrize(
    ("term", "limit"),
    [(0, 0), (2, 0), (3, 1), (11, 1), (12, 2), (35, 2), (36, 6), (120, 6)],
)
def test_probation_limits_follow_article_19(term: int, limit: int):
    assert max_probation_months(term) == limit


def test_probation_special_cases():
    assert max_probation_months(None, open_ended=True) == 6
    assert max_probation_months(24, task_based=True) == 0
    assert [band.max_probation_months for band in LCL_PROBATION_TABLE] == [0, 1, 2, 6]
    with pytest.raises(ValueError):
        max_probation_months(None)
