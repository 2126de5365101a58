"""Statutory periods are in code, each with its statute, article and summary."""

from __future__ import annotations

import pytest

from rules import disputes, statutes
from rules.statutes import (
    ALL_ARTICLES,
    ALL_LIMITS,
    ALL_PERIODS,
    CAPITAL_REGISTRATION_PROVISIONS,
    CAPITAL_TRANSITION,
    CIVIL_CODE,
    CIVIL_CODE_CONTRACT_FORMATION,
    CIVIL_CODE_STANDARD_TERMS,
    COMPANY_CAPITAL_TRANSITION,
    CPL_JUDICIAL_CONFIRMATION,
    LABOUR_LAW_OVERTIME,
    LCL_DOUBLE_PAY,
    LCL_NON_COMPETE,
    LCL_PROBATION_TABLE,
    LCL_WRITTEN_CONTRACT,
    LDMAL_ACCEPTANCE,
    LDMAL_AWARD,
    LDMAL_AWARD_EXTENSION,
    LDMAL_FINAL_AWARD_LIMIT,
    LDMAL_LIMITATION,
    LDMAL_MEDIATION,
    PIPL_PROTECTION_OFFICER,
    SIL_REGISTRATION,
    TRADEMARK_RENEWAL,
    TRADEMARK_TERM,
    WORK_SAFETY_MANAGEMENT,
    WORKING_HOURS,
    Article,
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
        (LCL_NON_COMPETE, 2, "years", "中华人民共和国劳动合同法", 24),
        (TRADEMARK_TERM, 10, "years", "中华人民共和国商标法", 39),
        (TRADEMARK_RENEWAL, 12, "months", "中华人民共和国商标法", 40),
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


def test_every_article_cites_statute_and_summary():
    for item in ALL_ARTICLES:
        assert isinstance(item, Article)
        assert item.statute.edition and item.statute.name_en
        assert item.article > 0 and (item.paragraph is None or item.paragraph > 0)
        assert len(item.summary) > 30 and item.summary.endswith(".")
        assert item.citation_zh.startswith(f"《{item.statute.name_zh}》第")
        assert item.citation_zh.endswith(("条", "款"))
    assert len({id(a) for a in ALL_ARTICLES}) == len(ALL_ARTICLES)
    assert not set(map(id, ALL_ARTICLES)) & set(map(id, ALL_PERIODS + ALL_LIMITS))


@pytest.mark.parametrize(
    ("article", "citation"),
    [
        (CIVIL_CODE_STANDARD_TERMS, "《中华人民共和国民法典》第四百九十六条"),
        (CIVIL_CODE_CONTRACT_FORMATION, "《中华人民共和国民法典》第四百九十条第一款"),
        (COMPANY_CAPITAL_TRANSITION, "《中华人民共和国公司法》第二百六十六条第二款"),
        (LCL_DOUBLE_PAY, "《中华人民共和国劳动合同法》第八十二条第一款"),
        (LABOUR_LAW_OVERTIME, "《中华人民共和国劳动法》第四十一条"),
        (WORKING_HOURS, "《国务院关于职工工作时间的规定》第三条"),
        (PIPL_PROTECTION_OFFICER, "《中华人民共和国个人信息保护法》第五十二条第一款"),
        (WORK_SAFETY_MANAGEMENT, "《中华人民共和国安全生产法》第二十四条"),
        (TRADEMARK_RENEWAL, "《中华人民共和国商标法》第四十条第一款"),
    ],
)
def test_article_citations(article, citation):
    assert article.citation_zh == citation


def test_a_title_inside_a_title_keeps_its_angle_brackets():
    assert CAPITAL_TRANSITION.statute is CAPITAL_REGISTRATION_PROVISIONS
    assert CAPITAL_TRANSITION.citation_zh == (
        "《国务院关于实施〈中华人民共和国公司法〉注册资本登记管理制度的规定》第二条第一款"
    )
    assert CAPITAL_TRANSITION.citation == "art. 2(1)"
    assert "《" not in CAPITAL_REGISTRATION_PROVISIONS.name_zh[1:]


def test_the_civil_code_lives_in_statutes_and_disputes_re_exports_it():
    assert disputes.CIVIL_CODE is CIVIL_CODE
    assert disputes.CIVIL_CODE_LIMITATION.statute is CIVIL_CODE
    assert CIVIL_CODE.name_zh == "中华人民共和国民法典"


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
