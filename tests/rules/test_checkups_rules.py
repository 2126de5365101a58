"""Legal check-ups: the catalogue, the checklist a profile gets, and the grade of the findings."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date
from typing import Any

import pytest

from rules import Decision, FactError, ParameterError, ParameterValues, decide, registry
from rules import validate_parameters as check_parameters
from rules.checkups import (
    AREA_TOPICS,
    AREAS,
    CAPITAL_RULES_FROM,
    CHECK_ITEMS,
    GRADE_ORDER,
    GRADES,
    INDUSTRY_CODES,
    LEGAL_FORM_CODES,
    RISK_LEVELS,
    checklist,
    grade_facts,
    grade_of,
    needs_follow_up,
    needs_prevention,
)
from rules.statutes import COMPANY_CAPITAL_PAYMENT, LCL_WRITTEN_CONTRACT, Article

LABOUR_BASICS = ["written_contract", "probation", "social_insurance", "working_hours"]
DATA_AND_EXPORT = {"pi_rules", "pi_audit", "pi_officer", "cross_border", "export_control"}


def profile(**fields: Any) -> dict[str, Any]:
    """A 20-person services company formed in 2020: no exports, IP, personal data or disputes."""
    return {
        "kind": "profile",
        "employees": 20,
        "industry": "services",
        "legal_form": "limited",
        "exports": False,
        "holds_ip": False,
        "processes_personal_data": False,
        "personal_data_subjects": 0,
        "incorporated_on": date(2020, 5, 18),
        "past_labour_disputes": 0,
        "past_commercial_disputes": 0,
        **fields,
    }


def run(ruleset: str, facts: Any, **params: Any) -> Decision:
    parameters = ParameterValues(1, params) if params else None
    return decide(ruleset, facts, parameters=parameters)


def choose(**fields: Any) -> Decision:
    return run("checkup_checklist", profile(**fields))


def items(**fields: Any) -> list[str]:
    return checklist(choose(**fields))


def grade(findings: list[dict[str, Any]], checked: int = 14, **params: Any) -> Decision:
    return run("checkup_grade", grade_facts(findings, checked), **params)


def finding(item: str, risk: str, urgent: bool = False, position: int = 1) -> dict[str, Any]:
    return {"item": item, "risk": risk, "urgent": urgent, "position": position}


# --- The catalogue -------------------------------------------------------------------------------


def test_the_catalogue_is_complete_and_cited():
    assert list(AREAS) == ["labour", "contracts", "governance", "ip", "data", "export", "safety"]
    assert set(AREA_TOPICS) == set(AREAS)
    assert set(AREA_TOPICS.values()) <= {
        "management",
        "contracts",
        "labour",
        "intellectual_property",
        "compliance",
    }
    assert list(GRADES) == ["red", "orange", "green"] and set(GRADE_ORDER) == set(GRADES)
    assert GRADE_ORDER[0] == "green" and GRADE_ORDER[-1] == "red"
    assert list(RISK_LEVELS) == ["high", "medium", "low"]
    assert list(CHECK_ITEMS) == [
        *LABOUR_BASICS,
        "wage_payment",
        "non_compete",
        "contract_templates",
        "seal_control",
        "contract_performance",
        "capital_contribution",
        "capital_transition",
        "trademarks",
        "trade_secrets",
        "pi_rules",
        "pi_audit",
        "pi_officer",
        "cross_border",
        "export_control",
        "work_safety",
    ]
    for code, item in CHECK_ITEMS.items():
        assert item.code == code and item.area in AREAS
        assert item.title and len(item.title) < 50, code
        assert item.question.endswith("?"), code
        assert item.citations_zh and any(c.startswith("《") for c in item.citations_zh), code
        assert all("》第" in c and "条" in c for c in item.citations_zh), code
        assert len(item.citations_zh) == len(item.bases)
    # Report order: the items of one area together, the areas in their own order.
    areas = [item.area for item in CHECK_ITEMS.values()]
    assert [area for area, _ in itertools.groupby(areas)] == list(AREAS)


def test_items_cite_the_articles_they_rest_on():
    cited = {code: item.citations_zh for code, item in CHECK_ITEMS.items()}
    assert cited["written_contract"] == (
        "《中华人民共和国劳动合同法》第十条第二款",
        "《中华人民共和国劳动合同法》第八十二条第一款",
    )
    assert cited["contract_templates"] == ("《中华人民共和国民法典》第四百九十六条",)
    assert cited["capital_transition"][1].startswith(
        "《国务院关于实施〈中华人民共和国公司法〉注册资本登记管理制度的规定》第二条"
    )
    assert cited["working_hours"][0] == "《国务院关于职工工作时间的规定》第三条"
    assert cited["work_safety"] == (
        "《中华人民共和国安全生产法》第二十四条",
        "《中华人民共和国安全生产法》第二十八条",
    )
    assert CHECK_ITEMS["written_contract"].bases[0] is LCL_WRITTEN_CONTRACT
    assert CHECK_ITEMS["capital_contribution"].bases == (COMPANY_CAPITAL_PAYMENT,)
    assert isinstance(CHECK_ITEMS["pi_officer"].bases[0], Article)


def test_codes_mirror_the_directory_without_importing_it():
    assert len(INDUSTRY_CODES) == len(set(INDUSTRY_CODES)) == 9
    assert {"manufacturing", "construction", "logistics", "services"} <= set(INDUSTRY_CODES)
    assert LEGAL_FORM_CODES[0] == "limited" and "partnership" in LEGAL_FORM_CODES


# --- checkup_checklist: what a profile gets -------------------------------------------------------


def test_an_exporter_handling_personal_data_gets_the_data_and_export_items():
    chosen = items(exports=True, processes_personal_data=True, personal_data_subjects=5000)
    assert {"export_control", "cross_border", "pi_rules", "pi_audit"} <= set(chosen)
    assert "pi_officer" not in chosen


def test_an_exporter_without_personal_data_sends_none_abroad():
    chosen = items(exports=True)
    assert "export_control" in chosen
    assert not {"cross_border", "pi_rules", "pi_audit"} & set(chosen)


def test_a_five_person_services_firm_gets_the_basics_only():
    decision = choose(employees=5)
    chosen = checklist(decision)
    assert chosen == [
        *LABOUR_BASICS,
        "contract_templates",
        "seal_control",
        "capital_transition",
    ]
    assert "work_safety" not in chosen and not DATA_AND_EXPORT & set(chosen)
    assert decision.rules == (
        "every_firm_contracts",
        "employs_staff",
        "capital_transition",
        "checked",
    )
    assert decision.fired_rule("employs_staff")[0].reason.render() == (
        "The firm employs 5 people: written contracts, probation, social insurance and "
        "working hours are checked."
    )


@pytest.mark.parametrize(
    ("employees", "rule", "other"),
    [
        (1, "small_manufacturer_safety", "large_manufacturer_safety"),
        (80, "small_manufacturer_safety", "large_manufacturer_safety"),
        (100, "small_manufacturer_safety", "large_manufacturer_safety"),
        (101, "large_manufacturer_safety", "small_manufacturer_safety"),
        (300, "large_manufacturer_safety", "small_manufacturer_safety"),
    ],
)
def test_manufacturers_safety_by_size(employees: int, rule: str, other: str):
    decision = choose(industry="manufacturing", employees=employees)
    assert rule in decision.rules and other not in decision.rules
    assert "high_risk_safety" not in decision.rules
    assert "work_safety" in checklist(decision)
    text = decision.fired_rule(rule)[0].reason.render()
    assert f"{employees} employees" in text
    assert ("part-time" in text) is (employees <= 100)


def test_a_manufacturer_without_staff_has_no_safety_item():
    decision = choose(industry="manufacturing", employees=0)
    assert "work_safety" not in checklist(decision)
    assert not {"small_manufacturer_safety", "large_manufacturer_safety"} & set(decision.rules)


@pytest.mark.parametrize("industry", ["construction", "logistics"])
def test_construction_and_transport_need_safety_whatever_the_size(industry: str):
    decision = choose(industry=industry, employees=5)
    assert "high_risk_safety" in decision.rules
    assert "work_safety" in checklist(decision)
    assert "whatever its size" in decision.fired_rule("high_risk_safety")[0].reason.render()
    assert "high_risk_safety" not in choose(industry=industry, employees=0).rules


@pytest.mark.parametrize("industry", ["services", "wholesale_retail", "hospitality", "other"])
def test_other_industries_have_no_safety_item(industry: str):
    assert "work_safety" not in items(industry=industry, employees=500)


def test_no_staff_leaves_the_labour_items_out_and_says_so():
    decision = choose(employees=0, holds_ip=True, past_labour_disputes=3)
    chosen = checklist(decision)
    assert not [code for code in chosen if CHECK_ITEMS[code].area == "labour"]
    assert "no_staff" in decision.rules and "employs_staff" not in decision.rules
    (fired,) = decision.fired_rule("no_staff")
    assert fired.outcome["items"] == ()
    assert "no employees" in fired.reason.render()
    assert "no_staff" not in choose(employees=1).rules


@pytest.mark.parametrize(
    ("incorporated_on", "rule", "item"),
    [
        (date(2019, 1, 1), "capital_transition", "capital_transition"),
        (date(2024, 6, 30), "capital_transition", "capital_transition"),
        (CAPITAL_RULES_FROM, "capital_five_years", "capital_contribution"),
        (date(2025, 3, 1), "capital_five_years", "capital_contribution"),
        (None, "capital_date_unknown", "capital_contribution"),
    ],
)
def test_capital_rules_by_date_of_incorporation(incorporated_on, rule, item):
    decision = choose(incorporated_on=incorporated_on)
    capital_rules = [r for r in decision.rules if r.startswith("capital_")]
    assert capital_rules == [rule]
    governance = [c for c in checklist(decision) if CHECK_ITEMS[c].area == "governance"]
    assert governance == [item]


def test_an_unknown_date_asks_the_consultant_to_confirm_it():
    decision = choose(incorporated_on=None)
    assert decision.facts[0]["incorporation"] == "unknown"
    text = decision.fired_rule("capital_date_unknown")[0].reason.render()
    assert "not known" in text and "2024-07-01" in text and "transition" in text
    assert choose().facts[0]["incorporation"] == "known"


def test_the_derived_guard_cannot_be_given_against_the_date():
    with pytest.raises(FactError) as caught:
        choose(incorporated_on=None, incorporation="known")
    assert caught.value.fields == ("incorporation",)
    # Given as what it would be derived to, it is accepted.
    assert "capital_date_unknown" in choose(incorporated_on=None, incorporation="unknown").rules


@pytest.mark.parametrize(
    "legal_form", ["partnership", "joint_stock", "sole_proprietorship", "individual_business"]
)
@pytest.mark.parametrize("incorporated_on", [date(2020, 1, 1), date(2025, 1, 1), None])
def test_only_a_limited_company_gets_a_capital_item(legal_form, incorporated_on):
    decision = choose(legal_form=legal_form, incorporated_on=incorporated_on)
    assert not [r for r in decision.rules if r.startswith("capital_")]
    assert not {"capital_contribution", "capital_transition"} & set(checklist(decision))


@pytest.mark.parametrize(
    ("subjects", "params", "officer"),
    [
        (1_000_000, {}, True),
        (999_999, {}, False),
        (0, {}, False),
        (500_000, {"pi_officer_subjects": 500_000}, True),
        (499_999, {"pi_officer_subjects": 500_000}, False),
    ],
)
def test_the_protection_officer_threshold(subjects: int, params: dict[str, Any], officer: bool):
    fact = profile(processes_personal_data=True, personal_data_subjects=subjects)
    decision = run("checkup_checklist", fact, **params)
    assert ("large_personal_data" in decision.rules) is officer
    assert ("pi_officer" in checklist(decision)) is officer
    if officer:
        assert decision.fired_rule("large_personal_data")[0].reason.params == {
            "subjects": subjects,
            "min": params.get("pi_officer_subjects", 1_000_000),
        }


def test_no_personal_data_no_officer_whatever_the_count():
    decision = choose(processes_personal_data=False, personal_data_subjects=5_000_000)
    assert not DATA_AND_EXPORT & set(checklist(decision))


@pytest.mark.parametrize(
    ("subjects", "params", "biennial"),
    [
        (10_000_000, {}, True),
        (9_999_999, {}, False),
        (2_000, {"pi_audit_biennial_subjects": 2_000}, True),
    ],
)
def test_the_audit_reason_says_when_it_is_biennial(subjects, params, biennial):
    fact = profile(processes_personal_data=True, personal_data_subjects=subjects)
    (fired,) = run("checkup_checklist", fact, **params).fired_rule("processes_personal_data")
    assert fired.outcome["items"] == ("pi_rules", "pi_audit")
    assert ("every two years" in fired.reason.render()) is biennial


def test_personal_data_of_unknown_volume():
    (fired,) = choose(processes_personal_data=True).fired_rule("processes_personal_data")
    assert "not known" in fired.reason.render()


@pytest.mark.parametrize(
    ("fields", "params", "by"),
    [
        ({"holds_ip": True, "employees": 2}, {}, "ip"),
        ({"employees": 50}, {}, "size"),
        ({"employees": 49}, {}, None),
        ({"employees": 49}, {"non_compete_min_employees": 49}, "size"),
        ({"employees": 120, "holds_ip": True}, {}, "ip"),
        ({"employees": 0, "holds_ip": True}, {}, None),
    ],
)
def test_non_compete_by_ip_or_size(fields: dict[str, Any], params: dict[str, Any], by):
    decision = run("checkup_checklist", profile(**fields), **params)
    fired = decision.fired_rule("non_compete_relevant")
    assert ("non_compete" in checklist(decision)) is (by is not None)
    if by is None:
        assert fired == ()
        return
    (once,) = fired  # a firm with IP and many employees still fires once
    text = once.reason.render()
    assert ("intellectual property" in text) is (by == "ip")
    assert ("at least" in text) is (by == "size")


def test_ip_brings_trademarks_and_trade_secrets():
    chosen = items(holds_ip=True)
    assert {"trademarks", "trade_secrets", "non_compete"} <= set(chosen)
    assert not {"trademarks", "trade_secrets"} & set(items())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"past_labour_disputes": 1}, {"wage_payment"}),
        ({"past_commercial_disputes": 1}, {"contract_performance"}),
        (
            {"past_labour_disputes": 2, "past_commercial_disputes": 4},
            {"wage_payment", "contract_performance"},
        ),
        ({"past_labour_disputes": 1, "employees": 0}, set()),
        ({"past_commercial_disputes": 1, "employees": 0}, {"contract_performance"}),
        ({}, set()),
    ],
)
def test_past_disputes(fields: dict[str, Any], expected: set[str]):
    chosen = set(items(**fields))
    assert chosen & {"wage_payment", "contract_performance"} == expected


def test_past_dispute_reasons_name_the_window():
    decision = run("checkup_checklist", profile(past_labour_disputes=3), past_dispute_days=365)
    assert decision.fired_rule("past_labour_disputes")[0].reason.render() == (
        "Labour disputes of the firm in the last 365 days: 3. The payment of wages is checked."
    )


def test_every_firm_is_checked_on_contracts_and_the_check_is_recorded():
    decision = choose(employees=0, legal_form="individual_business")
    assert checklist(decision) == ["contract_templates", "seal_control"]
    assert decision.rules[-1] == "checked" and decision.first("checked") is True


def test_every_item_is_reachable():
    profiles = [
        profile(
            employees=300,
            industry="manufacturing",
            exports=True,
            holds_ip=True,
            processes_personal_data=True,
            personal_data_subjects=20_000_000,
            incorporated_on=date(2025, 1, 1),
            past_labour_disputes=1,
            past_commercial_disputes=1,
        ),
        profile(incorporated_on=date(2010, 1, 1)),
    ]
    reached = {code for fact in profiles for code in checklist(run("checkup_checklist", fact))}
    assert reached == set(CHECK_ITEMS)


def test_the_checklist_keeps_catalogue_order_and_lists_each_item_once():
    order = list(CHECK_ITEMS)
    decision = choose(
        employees=300,
        industry="construction",
        exports=True,
        holds_ip=True,
        processes_personal_data=True,
        personal_data_subjects=3_000_000,
        past_labour_disputes=1,
        past_commercial_disputes=1,
    )
    chosen = checklist(decision)
    assert chosen == sorted(chosen, key=order.index)
    assert len(chosen) == len(set(chosen))
    assert chosen[:4] == LABOUR_BASICS and chosen[-1] == "work_safety"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"employees": "12"}, "employees"),
        ({"employees": 12.0}, "employees"),
        ({"employees": -1}, "employees"),
        ({"employees": True}, "employees"),
        ({"industry": "mining"}, "industry"),
        ({"legal_form": "llc"}, "legal_form"),
        ({"incorporated_on": "2024-13-01"}, "incorporated_on"),
        ({"personal_data_subjects": 2_000_000_001}, "personal_data_subjects"),
        ({"exports": "yes"}, "exports"),
        ({"turnover": 5}, "turnover"),
    ],
)
def test_bad_profiles_are_refused(fields: dict[str, Any], field: str):
    with pytest.raises(FactError) as caught:
        choose(**fields)
    assert caught.value.fields == (field,)


def test_a_missing_date_must_be_given_as_none():
    fact = profile()
    del fact["incorporated_on"]
    with pytest.raises(FactError) as caught:
        run("checkup_checklist", fact)
    assert caught.value.fields == ("incorporated_on",)


def test_one_profile_per_decision():
    with pytest.raises(FactError):
        run("checkup_checklist", [profile(), profile()])


# --- checkup_grade -------------------------------------------------------------------------------


def test_an_urgent_labour_risk_is_red_and_opens_prevention():
    decision = grade([finding("written_contract", "high", urgent=True, position=2)])
    assert decision.rules == ("serious_and_urgent", "red_labour_finding", "checked")
    assert grade_of(decision) == "red"
    assert needs_follow_up(decision) and needs_prevention(decision)
    assert decision.first("topic") == "labour"
    (red,) = decision.fired_rule("serious_and_urgent")
    assert red.reason.params["position"] == 2
    assert red.reason.params["item"]["msgid"] == "Written labour contracts"
    assert red.reason.render().startswith("Finding 2 (Written labour contracts) is a high risk")


@pytest.mark.parametrize("item", ["seal_control", "pi_officer", "work_safety", "trademarks"])
def test_an_urgent_risk_elsewhere_is_red_without_prevention(item: str):
    decision = grade([finding(item, "high", urgent=True)])
    assert grade_of(decision) == "red"
    assert needs_follow_up(decision) and not needs_prevention(decision)
    assert "red_labour_finding" not in decision.rules


def test_a_high_risk_that_is_not_urgent_is_orange():
    decision = grade([finding("written_contract", "high")])
    assert decision.rules == ("serious_finding", "checked")
    assert grade_of(decision) == "orange"
    assert needs_follow_up(decision) and not needs_prevention(decision)


@pytest.mark.parametrize(
    ("mediums", "params", "expected"),
    [
        (1, {}, "orange"),
        (0, {}, "green"),
        (3, {"orange_medium_min": 3}, "orange"),
        (2, {"orange_medium_min": 3}, "green"),
    ],
)
def test_medium_risks_at_the_threshold(mediums: int, params: dict[str, Any], expected: str):
    found = [finding("pi_rules", "medium", position=n) for n in range(1, mediums + 1)]
    found.append(finding("trademarks", "low", position=9))
    decision = grade(found, **params)
    assert grade_of(decision) == expected
    assert needs_follow_up(decision) is (expected == "orange")
    assert ("medium_findings" in decision.rules) is (expected == "orange")
    assert ("no_serious_risk" in decision.rules) is (expected == "green")


def test_only_low_risks_or_none_are_green():
    low = grade(
        [finding("seal_control", "low", position=1), finding("probation", "low", position=4)]
    )
    assert low.rules == ("no_serious_risk", "checked")
    assert grade_of(low) == "green" and not needs_follow_up(low) and not needs_prevention(low)
    none = grade([], checked=8)
    assert none.rules == ("no_serious_risk", "checked")
    assert grade_of(none) == "green"
    assert none.fired_rule("checked")[0].reason.render() == (
        "Items checked: 8; findings: 0 (0 high, 0 medium, 0 low risk)."
    )


def test_the_worst_grade_wins():
    decision = grade(
        [
            finding("probation", "medium", position=1),
            finding("working_hours", "high", position=2),
            finding("seal_control", "high", urgent=True, position=3),
            finding("pi_rules", "low", position=4),
        ]
    )
    assert grade_of(decision) == "red"
    assert set(decision.outcomes("grade")) == {"red", "orange"}
    assert not needs_prevention(decision)  # the urgent one is not a labour risk
    assert "no_serious_risk" not in decision.rules


def test_each_high_finding_fires_for_itself():
    decision = grade(
        [
            finding("written_contract", "high", urgent=True, position=1),
            finding("social_insurance", "high", urgent=True, position=2),
            finding("seal_control", "high", position=3),
        ]
    )
    assert Counter(decision.rules) == {
        "serious_and_urgent": 2,
        "red_labour_finding": 2,
        "serious_finding": 1,
        "checked": 1,
    }
    positions = [f.reason.params["position"] for f in decision.fired_rule("serious_and_urgent")]
    assert sorted(positions) == [1, 2]


def test_grade_facts_builds_the_summary_and_the_areas():
    facts = grade_facts(
        [finding("pi_audit", "medium", position=5), finding("written_contract", "high", True, 2)],
        11,
    )
    assert facts[0] == {
        "kind": "summary",
        "items": 11,
        "findings": 2,
        "high": 1,
        "medium": 1,
        "low": 0,
    }
    assert [(f["item"], f["area"], f["position"]) for f in facts[1:]] == [
        ("written_contract", "labour", 2),
        ("pi_audit", "data", 5),
    ]


def test_the_fix_periods_are_parameters():
    ruleset = registry.get("checkup_grade")
    assert ruleset.defaults == {
        "orange_medium_min": 1,
        "fix_days_high": 15,
        "fix_days_medium": 30,
        "fix_days_low": 90,
    }
    assert registry.get("checkup_checklist").defaults == {
        "non_compete_min_employees": 50,
        "pi_officer_subjects": 1_000_000,
        "pi_audit_biennial_subjects": 10_000_000,
        "past_dispute_days": 1095,
    }
    for name in ("checkup_checklist", "checkup_grade"):
        assert registry.get(name).description and registry.get(name).version == "2026.1"
        assert all(p.label and p.help and p.unit for p in registry.get(name).parameters)


@pytest.mark.parametrize(
    ("ruleset", "values"),
    [
        ("checkup_grade", {"orange_medium_min": 0}),
        ("checkup_grade", {"orange_medium_min": 101}),
        ("checkup_grade", {"fix_days_high": 0}),
        ("checkup_checklist", {"past_dispute_days": 89}),
        ("checkup_checklist", {"past_dispute_days": 3651}),
        ("checkup_checklist", {"non_compete_min_employees": 0}),
        ("checkup_checklist", {"pi_officer_subjects": 1.5}),
    ],
)
def test_parameter_bounds(ruleset: str, values: dict[str, Any]):
    with pytest.raises(ParameterError):
        check_parameters(ruleset, values)


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (grade_facts([finding("audit_everything", "high")], 5), "item"),
        (grade_facts([finding("probation", "severe")], 5), "risk"),
        (grade_facts([finding("probation", "medium", urgent=True)], 5), "urgent"),
        (grade_facts([finding("probation", "low", position=0)], 5), "position"),
        (grade_facts([finding("probation", "low")], 0), "findings"),
    ],
)
def test_bad_findings_are_refused(facts: list[dict[str, Any]], field: str):
    with pytest.raises(FactError) as caught:
        run("checkup_grade", facts)
    assert any(path.endswith(f".{field}") for path in caught.value.fields), caught.value.fields


def test_the_area_must_be_the_items():
    facts = grade_facts([finding("probation", "high", urgent=True)], 5)
    facts[1]["area"] = "contracts"
    with pytest.raises(FactError) as caught:
        run("checkup_grade", facts)
    assert caught.value.fields == ("facts[1].area",)


def test_the_summary_must_count_the_findings_given():
    facts = grade_facts(
        [finding("probation", "high"), finding("seal_control", "low", position=2)], 5
    )
    with pytest.raises(FactError) as caught:
        run("checkup_grade", facts[:2])  # the low finding left out
    assert set(caught.value.fields) == {"facts[0].findings", "facts[0].low"}
    summary = facts[0]
    with pytest.raises(FactError):
        run("checkup_grade", [summary, *facts[1:], dict(summary)])  # two summaries
    with pytest.raises(FactError):
        run("checkup_grade", facts[1:])  # none
    twice = grade_facts([finding("probation", "low"), finding("seal_control", "low")], 5)
    with pytest.raises(FactError) as caught:
        run("checkup_grade", twice)
    assert caught.value.fields == ("facts[2].position",)


def test_five_hundred_findings_fit_in_one_decision():
    codes = list(CHECK_ITEMS)
    found = [
        finding(codes[n % len(codes)], ("high", "medium", "low")[n % 3], n % 3 == 0, n + 1)
        for n in range(500)
    ]
    decision = grade(found, checked=500)
    assert grade_of(decision) == "red"
    assert len(decision.fired_rule("serious_and_urgent")) == 167
    with pytest.raises(FactError):
        grade([*found, finding("probation", "low", position=501)], checked=501)


# --- No rule fires twice on one fact ---------------------------------------------------------------


def test_no_rule_fires_twice_on_one_fact():
    rng = random.Random(20260701)
    dates = [None, date(2015, 3, 3), date(2024, 6, 30), CAPITAL_RULES_FROM, date(2026, 1, 5)]
    for _ in range(300):
        fact = profile(
            employees=rng.choice([0, 1, 5, 49, 50, 100, 101, 5000]),
            industry=rng.choice(INDUSTRY_CODES),
            legal_form=rng.choice(LEGAL_FORM_CODES),
            exports=rng.random() < 0.5,
            holds_ip=rng.random() < 0.5,
            processes_personal_data=rng.random() < 0.5,
            personal_data_subjects=rng.choice([0, 999_999, 1_000_000, 10_000_000]),
            incorporated_on=rng.choice(dates),
            past_labour_disputes=rng.choice([0, 1, 4]),
            past_commercial_disputes=rng.choice([0, 2]),
        )
        decision = run("checkup_checklist", fact)
        assert len(decision.rules) == len(set(decision.rules)), decision.rules
        assert decision.rules[-1] == "checked"
        assert ("employs_staff" in decision.rules) is not ("no_staff" in decision.rules)
        capital = [r for r in decision.rules if r.startswith("capital_")]
        assert len(capital) == (fact["legal_form"] == "limited")
        safety = {"high_risk_safety", "large_manufacturer_safety", "small_manufacturer_safety"}
        assert len(safety & set(decision.rules)) <= 1

        found = [
            finding(
                code,
                risk := rng.choice(list(RISK_LEVELS)),
                urgent=risk == "high" and rng.random() < 0.5,
                position=n,
            )
            for n, code in enumerate(rng.sample(list(CHECK_ITEMS), rng.randint(0, 6)), start=1)
        ]
        decision = grade(found)
        per_fact = Counter((f.rule, f.fact_ids) for f in decision.fired)
        assert max(per_fact.values()) == 1, per_fact
        assert decision.rules[-1] == "checked"
        worst = (
            "red"
            if any(f["urgent"] for f in found)
            else "orange"
            if any(f["risk"] in ("high", "medium") for f in found)
            else "green"
        )
        assert grade_of(decision) == worst
        assert ("no_serious_risk" in decision.rules) is (worst == "green")
