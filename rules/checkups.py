"""Enterprise legal check-ups (企业法治体检): the catalogue of items, the checklist, the grade.

A consultant examines a firm against a checklist of items (`CHECK_ITEMS`), each in one area of
the law (`AREAS`), with the question the consultant answers and the articles it rests on
(`CheckItem.bases`, each with its Chinese citation). Which items a firm's checklist holds is
decided from its profile ("checkup_checklist"); each item the consultant marks as a finding gets
a risk level, and the check-up as a whole a grade, red ("serious and urgent"), orange or green
("checkup_grade"). The articles are constants in rules.statutes.

Citations marked (*), and these, were written from memory, not checked against the statute
text: Labour Law arts. 36, 41, 44, 50; State Council Provisions on Working Hours art. 3; Labour
Contract Law arts. 23-25, 82; Civil Code arts. 490, 496, 509; Trademark Law arts. 39, 40; PIPL
arts. 38, 39, 51, 52, 54; Export Control Law art. 14; the numbers (not the wording) of Work
Safety Law arts. 24 and 28. Checked against a published text: Company Law art. 266(2), Decree
No. 784 art. 2, Export Control Law art. 12, and the CAC's two thresholds below.

"checkup_checklist": which items does this firm's check-up hold? One `profile` fact:

    {"kind": "profile", "employees": 80, "industry": "manufacturing", "legal_form": "limited",
     "exports": True, "holds_ip": False, "processes_personal_data": True,
     "personal_data_subjects": 25000, "incorporated_on": date(2019, 3, 12),
     "past_labour_disputes": 1, "past_commercial_disputes": 0}

    `industry` and `legal_form` are the codes of programs/directory (INDUSTRY_CODES,
    LEGAL_FORM_CODES mirror them: rules/ imports nothing of programs/). `personal_data_subjects`:
    how many people's personal information the firm handles, 0 when not known.
    `incorporated_on`: None when not known. `past_labour_disputes` / `past_commercial_disputes`:
    the firm's disputes opened within the last `past_dispute_days` (a parameter the program
    counts with). `incorporation` is NOT given by the caller: the schema derives it ("known" or
    "unknown") from `incorporated_on`, and every rule on the date tests it first, so a null date
    is never compared with 1 July 2024. (Measured here on durable_rules 2.0.28, a null date
    compares false with $lt, $lte, $gt, $gte and $neq alike; RULES-ENGINE.md reports that a
    missing field can compare true. The guard keeps the rules from depending on either.)

    Each rule that applies fires once, with `{"items": [codes]}` (`no_staff` with none: it says
    why the labour items are left out), then `checked` (always, `{"checked": True}`):
        every_firm_contracts, employs_staff, no_staff, non_compete_relevant,
        past_labour_disputes, past_commercial_disputes, capital_five_years, capital_transition,
        capital_date_unknown, holds_ip, processes_personal_data, large_personal_data,
        exports_goods, exports_personal_data, high_risk_safety, large_manufacturer_safety,
        small_manufacturer_safety; checked.
    `checklist(decision)` gives the codes, each once, in the order of CHECK_ITEMS.

"checkup_grade": how serious is what the consultant found? One `summary` fact and one
`finding` fact per finding (build them with `grade_facts`):

    {"kind": "summary", "items": 14, "findings": 3, "high": 1, "medium": 1, "low": 1}
    {"kind": "finding", "item": "written_contract", "area": "labour", "risk": "high",
     "urgent": True, "position": 1}

    Per finding: serious_and_urgent (red), red_labour_finding (a prevention task in the
    labour-dispute loop), serious_finding (orange); on the summary: medium_findings (orange),
    no_serious_risk (green), then checked. `grade_of(decision)` is the worst grade given,
    `needs_follow_up` / `needs_prevention` say what the program opens. The fix_days_* parameters
    are the days a finding is given to be fixed by default (the program proposes the due date).

Beware `any_of`: durable_rules fires a rule once for EVERY branch of a disjunction that holds,
so each `any_of` (and `one_of`) here has branches that exclude one another, and a test checks
that no rule fires twice on one fact.

The law behind the items, and where the rules part from a plain reading:
- Non-compete clauses (Labour Contract Law arts. 23-24) matter where there is something to
  protect: a firm that holds intellectual property, or one large enough (a parameter) to have
  senior managers and technical staff bound to confidentiality.
- Wages (Labour Law art. 50) and contract performance (Civil Code art. 509) are checked where
  past disputes point at them; every firm is checked on its standard terms and its seals.
- The five-year capital rule (Company Law art. 47) is for limited liability companies formed
  from 1 July 2024; one formed before follows the transition (art. 266(2) and the State
  Council's Decree No. 784 art. 2). A joint-stock company gets neither item: its promoters pay
  in full before it is formed (Company Law art. 98 (*)). Decree No. 784 art. 2 also has the
  promoters of one formed before 1 July 2024 pay in full by 30 June 2027; no item checks that
  yet.
- The officer (PIPL art. 52) and the biennial audit follow the Cyberspace Administration's
  thresholds, which are parameters: 1 million people and more for the officer; for the audit
  the CAC's Measures say "more than 10 million", taken here as "at least" the parameter, the
  safer side for a check-up.
- Work safety (Work Safety Law art. 24): construction and transport firms need a safety body or
  full-time officers whatever their size; a manufacturer needs them above 100 employees and a
  full-time or part-time officer at or below. A manufacturer that also produces, stores or
  handles hazardous goods falls under art. 24(1): the consultant judges that on the visit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules import registry
from rules.conditions import all_of, any_of, eq, gt, gte, lt, lte, one_of, param, when
from rules.decision import Decision
from rules.errors import FactError, FieldProblem, RulesetError
from rules.facts import FactKind, Facts, FactSchema, Field
from rules.messages import N_, Reason, nested
from rules.parameters import ParameterSpec
from rules.ruleset import Match, Outcome, Ruleset
from rules.statutes import (
    CAPITAL_TRANSITION,
    CIVIL_CODE_CONTRACT_FORMATION,
    CIVIL_CODE_PERFORMANCE,
    CIVIL_CODE_STANDARD_TERMS,
    COMPANY_CAPITAL_PAYMENT,
    COMPANY_CAPITAL_TRANSITION,
    EXPORT_CONTROL_COMPLIANCE,
    EXPORT_CONTROL_LICENCE,
    LABOUR_LAW_OVERTIME,
    LABOUR_LAW_OVERTIME_PAY,
    LABOUR_LAW_WAGES,
    LCL_CONFIDENTIALITY,
    LCL_DOUBLE_PAY,
    LCL_NON_COMPETE,
    LCL_PENALTIES,
    LCL_PROBATION,
    LCL_PROBATION_MIN_PAY,
    LCL_WRITTEN_CONTRACT,
    PIPL_COMPLIANCE_AUDIT,
    PIPL_CROSS_BORDER,
    PIPL_CROSS_BORDER_CONSENT,
    PIPL_INTERNAL_RULES,
    PIPL_PROTECTION_OFFICER,
    SIL_REGISTRATION,
    TRADEMARK_RENEWAL,
    TRADEMARK_TERM,
    WORK_SAFETY_MANAGEMENT,
    WORK_SAFETY_TRAINING,
    WORKING_HOURS,
    Article,
    StatutoryLimit,
    StatutoryPeriod,
)

__all__ = [
    "AREAS",
    "AREA_TOPICS",
    "CAPITAL_PAID_BY",
    "CAPITAL_RULES_FROM",
    "CAPITAL_TRANSITION_ENDS",
    "CHECK_ITEMS",
    "GRADES",
    "GRADE_ORDER",
    "INDUSTRY_CODES",
    "LEGAL_FORM_CODES",
    "MAX_FINDINGS",
    "RISK_LEVELS",
    "SAFETY_BODY_ABOVE",
    "CheckItem",
    "checklist",
    "checkup_checklist",
    "checkup_grade",
    "grade_facts",
    "grade_of",
    "needs_follow_up",
    "needs_prevention",
]

# --- The catalogue -------------------------------------------------------------------------------

AREAS: Mapping[str, str] = {
    "labour": N_("Labour and employment"),
    "contracts": N_("Contracts and seals"),
    "governance": N_("Company governance and capital"),
    "ip": N_("Trademarks and trade secrets"),
    "data": N_("Personal information"),
    "export": N_("Export compliance"),
    "safety": N_("Work safety"),
}
# The Friday problem category (programs/directory/categories.py) a follow-up visit on the area is
# about; plain codes, since rules/ imports nothing of programs/.
AREA_TOPICS: Mapping[str, str] = {
    "labour": "labour",
    "contracts": "contracts",
    "governance": "management",
    "ip": "intellectual_property",
    "data": "compliance",
    "export": "compliance",
    "safety": "compliance",
}
RISK_LEVELS: Mapping[str, str] = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
GRADES: Mapping[str, str] = {
    "red": N_("Red: serious and urgent"),
    "orange": N_("Orange: risks to fix"),
    "green": N_("Green: no significant risk"),
}
GRADE_ORDER = ("green", "orange", "red")  # from best to worst

# Mirror programs/directory/models.py (INDUSTRIES, LEGAL_FORMS); a test there keeps them equal.
INDUSTRY_CODES = (
    "manufacturing",
    "construction",
    "wholesale_retail",
    "logistics",
    "hospitality",
    "information_technology",
    "agriculture",
    "services",
    "other",
)
LEGAL_FORM_CODES = (
    "limited",
    "joint_stock",
    "partnership",
    "sole_proprietorship",
    "individual_business",
)

# Company Law (2023) in force: a limited company formed from this day pays in within five years
# (art. 47); one formed before follows the transition (art. 266(2); Decree No. 784 art. 2).
CAPITAL_RULES_FROM = date(2024, 7, 1)
CAPITAL_TRANSITION_ENDS = date(2027, 6, 30)  # the remaining period shortened by this day
CAPITAL_PAID_BY = date(2032, 6, 30)  # five years from 1 July 2027 at the latest
# Work Safety Law art. 24(2): above this many employees, a safety body or full-time officers.
SAFETY_BODY_ABOVE = 100

Basis = StatutoryPeriod | StatutoryLimit | Article


@dataclass(frozen=True)
class CheckItem:
    """One item of the check-up: its area, a short title, the consultant's question (message
    ids), and the articles it rests on."""

    code: str
    area: str
    title: str  # message id
    question: str  # message id
    bases: tuple[Basis, ...]

    @property
    def citations_zh(self) -> tuple[str, ...]:
        """Each basis as Chinese documents cite it: 《…》第十条第二款."""
        return tuple(basis.citation_zh for basis in self.bases)


def _items(*items: CheckItem) -> Mapping[str, CheckItem]:
    """The catalogue by code, in report order; each item's area known, each with a basis."""
    catalogue: dict[str, CheckItem] = {}
    for item in items:
        if item.code in catalogue:
            raise RulesetError(f"check item {item.code!r} is listed twice")
        if item.area not in AREAS:
            raise RulesetError(f"check item {item.code!r}: unknown area {item.area!r}")
        if not item.bases:
            raise RulesetError(f"check item {item.code!r} needs at least one legal basis")
        catalogue[item.code] = item
    return catalogue


CHECK_ITEMS: Mapping[str, CheckItem] = _items(
    CheckItem(
        "written_contract",
        "labour",
        N_("Written labour contracts"),
        N_("Does every employee have a written contract signed within one month of starting work?"),
        (LCL_WRITTEN_CONTRACT, LCL_DOUBLE_PAY),
    ),
    CheckItem(
        "probation",
        "labour",
        N_("Probation periods"),
        N_(
            "Does each probation period stay within the limit for the contract's term, happen "
            "only once per employee, and pay at least 80% of the agreed wage and never less "
            "than the local minimum wage?"
        ),
        (LCL_PROBATION, LCL_PROBATION_MIN_PAY),
    ),
    CheckItem(
        "social_insurance",
        "labour",
        N_("Social insurance registration"),
        N_("Is every employee registered for social insurance within 30 days of starting work?"),
        (SIL_REGISTRATION,),
    ),
    CheckItem(
        "working_hours",
        "labour",
        N_("Working hours and overtime"),
        N_(
            "Do working hours keep to 8 hours a day and 40 a week, and overtime to the legal "
            "limits, and is overtime paid at 150%, 200% or 300%?"
        ),
        (WORKING_HOURS, LABOUR_LAW_OVERTIME, LABOUR_LAW_OVERTIME_PAY),
    ),
    CheckItem(
        "wage_payment",
        "labour",
        N_("Payment of wages"),
        N_(
            "Are wages paid in money every month, in full and on time, with a payroll the "
            "employees sign or can see?"
        ),
        (LABOUR_LAW_WAGES,),
    ),
    CheckItem(
        "non_compete",
        "labour",
        N_("Non-compete and penalty clauses"),
        N_(
            "Do non-compete clauses bind only senior managers, senior technical staff and others "
            "bound to confidentiality, for at most two years with monthly compensation, and are "
            "penalties agreed only where the law allows them?"
        ),
        (LCL_CONFIDENTIALITY, LCL_NON_COMPETE, LCL_PENALTIES),
    ),
    CheckItem(
        "contract_templates",
        "contracts",
        N_("Standard contract terms"),
        N_(
            "Do the firm's standard terms draw the other party's attention to the clauses that "
            "exclude or limit its liability, and are they explained when asked?"
        ),
        (CIVIL_CODE_STANDARD_TERMS,),
    ),
    CheckItem(
        "seal_control",
        "contracts",
        N_("Seals and signatures"),
        N_(
            "Are the company and contract seals kept and used under written rules, with a log "
            "of what was sealed, by whom and on whose approval?"
        ),
        (CIVIL_CODE_CONTRACT_FORMATION,),
    ),
    CheckItem(
        "contract_performance",
        "contracts",
        N_("Performance of contracts"),
        N_(
            "Are contracts followed through in writing (deliveries, acceptance, invoices, "
            "payment reminders), so that a dispute over performance can be proved?"
        ),
        (CIVIL_CODE_PERFORMANCE,),
    ),
    CheckItem(
        "capital_contribution",
        "governance",
        N_("Capital contributions"),
        N_(
            "Do the articles of association have the shareholders pay in their subscribed "
            "capital within five years of incorporation, and are they on course to do so?"
        ),
        (COMPANY_CAPITAL_PAYMENT,),
    ),
    CheckItem(
        "capital_transition",
        "governance",
        N_("Adjusting the contribution period"),
        N_(
            "If more than five years of the contribution period remain on 1 July 2027, has the "
            "company shortened it to five years by 30 June 2027 and recorded it in its articles "
            "of association?"
        ),
        (COMPANY_CAPITAL_TRANSITION, CAPITAL_TRANSITION),
    ),
    CheckItem(
        "trademarks",
        "ip",
        N_("Registered trademarks"),
        N_(
            "Are the marks the firm uses registered in its own name for its goods and services, "
            "and is each renewal noted in time, within the year before the registration expires?"
        ),
        (TRADEMARK_TERM, TRADEMARK_RENEWAL),
    ),
    CheckItem(
        "trade_secrets",
        "ip",
        N_("Trade secrets"),
        N_(
            "Does the firm know what its trade secrets are, limit who can reach them, and bind "
            "the employees who know them by confidentiality clauses?"
        ),
        (LCL_CONFIDENTIALITY,),
    ),
    CheckItem(
        "pi_rules",
        "data",
        N_("Personal-information rules"),
        N_(
            "Does the firm have written rules for personal information, classify what it holds, "
            "protect it with security measures and train its staff?"
        ),
        (PIPL_INTERNAL_RULES,),
    ),
    CheckItem(
        "pi_audit",
        "data",
        N_("Personal-information compliance audits"),
        N_(
            "Does the firm audit its handling of personal information regularly, as often as its "
            "volume requires, and keep the reports?"
        ),
        (PIPL_COMPLIANCE_AUDIT,),
    ),
    CheckItem(
        "pi_officer",
        "data",
        N_("Personal-information protection officer"),
        N_(
            "Has the firm appointed a personal-information protection officer, published the "
            "contact details and reported them to the cyberspace authority?"
        ),
        (PIPL_PROTECTION_OFFICER,),
    ),
    CheckItem(
        "cross_border",
        "data",
        N_("Personal information sent abroad"),
        N_(
            "When personal information leaves mainland China, does the firm meet one of the "
            "legal conditions (a security assessment, a certification or the standard contract), "
            "tell the people concerned and obtain their separate consent?"
        ),
        (PIPL_CROSS_BORDER, PIPL_CROSS_BORDER_CONSENT),
    ),
    CheckItem(
        "export_control",
        "export",
        N_("Export control"),
        N_(
            "Does the firm screen its exports against the control lists, hold a licence for "
            "every controlled item, and run an internal compliance system?"
        ),
        (EXPORT_CONTROL_LICENCE, EXPORT_CONTROL_COMPLIANCE),
    ),
    CheckItem(
        "work_safety",
        "safety",
        N_("Work-safety management"),
        N_(
            "Does the firm have the safety management body or safety officers the law requires "
            "for its industry and size, and is every worker trained in safety before starting?"
        ),
        (WORK_SAFETY_MANAGEMENT, WORK_SAFETY_TRAINING),
    ),
)
_ORDER = {code: index for index, code in enumerate(CHECK_ITEMS)}


# --- checkup_checklist ---------------------------------------------------------------------------


def _check_profile(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """`incorporation` is derived from `incorporated_on`: the guard every date rule tests first."""
    derived = "unknown" if fact["incorporated_on"] is None else "known"
    if fact["incorporation"] not in ("", derived):
        yield (
            "incorporation",
            Reason(
                N_("{field} is derived from the date of incorporation; leave it out."),
                {"field": "incorporation"},
            ),
        )
    fact["incorporation"] = derived


checkup_checklist = Ruleset(
    "checkup_checklist",
    "2026.1",
    FactSchema(
        FactKind(
            "profile",
            Field("employees", int, min=0, max=10_000_000),
            Field("industry", str, choices=INDUSTRY_CODES),
            Field("legal_form", str, choices=LEGAL_FORM_CODES),
            Field("exports", bool),
            Field("holds_ip", bool),
            Field("processes_personal_data", bool),
            Field("personal_data_subjects", int, min=0, max=2_000_000_000),
            Field("incorporated_on", date, nullable=True),  # None: not known
            Field("past_labour_disputes", int, min=0, max=1_000_000),
            Field("past_commercial_disputes", int, min=0, max=1_000_000),
            # Derived by the schema (_check_profile): "known" or "unknown".
            Field(
                "incorporation",
                str,
                required=False,
                default="",
                choices=("", "known", "unknown"),
            ),
            check=_check_profile,
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "non_compete_min_employees",
            int,
            50,
            min=1,
            max=100_000,
            unit=N_("employees"),
            label=N_("Check non-compete clauses from"),
            help=N_(
                "A firm with at least this many employees is checked for non-compete and "
                "penalty clauses even if it holds no intellectual property: it is likely to have "
                "senior managers and technical staff bound to confidentiality."
            ),
        ),
        ParameterSpec(
            "pi_officer_subjects",
            int,
            1_000_000,
            min=1,
            max=2_000_000_000,
            unit=N_("people"),
            label=N_("Personal-information protection officer from"),
            help=N_(
                "A firm handling the personal information of at least this many people needs a "
                "personal-information protection officer (PIPL art. 52). One million is the "
                "number the Cyberspace Administration has set."
            ),
        ),
        ParameterSpec(
            "pi_audit_biennial_subjects",
            int,
            10_000_000,
            min=1,
            max=2_000_000_000,
            unit=N_("people"),
            label=N_("Compliance audit every two years from"),
            help=N_(
                "A firm handling the personal information of at least this many people audits "
                "its compliance at least every two years (PIPL art. 54; the Cyberspace "
                "Administration's measures on compliance audits set it for more than ten "
                "million people)."
            ),
        ),
        ParameterSpec(
            "past_dispute_days",
            int,
            1095,
            min=90,
            max=3650,
            unit=N_("days"),
            label=N_("Counting past disputes over"),
            help=N_(
                "A firm's labour and commercial disputes opened within this many days before "
                "the check-up is requested count as past disputes, which add the payment of "
                "wages and the performance of contracts to its checklist."
            ),
        ),
    ],
    description=N_("Choosing the items of a firm's legal check-up from its profile"),
)

_PROFILE: dict[str, Any] = {
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
}


def _items_outcome(codes: Sequence[str], msgid: str, params: Mapping[str, Any]) -> Outcome:
    return {"items": list(codes)}, Reason(msgid, params)


@checkup_checklist.rule(
    when("profile"),
    priority=10,
    examples=[_PROFILE, {**_PROFILE, "employees": 0, "legal_form": "individual_business"}],
)
def every_firm_contracts(match: Match) -> Outcome:
    """Every firm makes contracts: its standard terms (Civil Code art. 496) and the control of
    its seals, by which contracts are formed (art. 490), are checked."""
    return _items_outcome(
        ("contract_templates", "seal_control"),
        N_(
            "Every firm makes contracts: its standard terms and the control of its seals are "
            "checked."
        ),
        {},
    )


@checkup_checklist.rule(
    when("profile", gte("employees", 1)),
    priority=20,
    examples=[_PROFILE, {**_PROFILE, "employees": 1}],
)
def employs_staff(match: Match) -> Outcome:
    """A firm with employees is checked on the basics of employment: written contracts
    (Labour Contract Law arts. 10, 82), probation (arts. 19, 20), social insurance (Social
    Insurance Law art. 58) and working hours (State Council Provisions art. 3; Labour Law arts.
    41, 44)."""
    return _items_outcome(
        ("written_contract", "probation", "social_insurance", "working_hours"),
        N_(
            "The firm employs {employees} people: written contracts, probation, social "
            "insurance and working hours are checked."
        ),
        {"employees": match.fact["employees"]},
    )


@checkup_checklist.rule(
    when("profile", employees=0),
    priority=21,
    examples=[{**_PROFILE, "employees": 0}],
)
def no_staff(match: Match) -> Outcome:
    """A firm without employees has no labour contracts to check: the labour items are left
    out, and this says why."""
    return _items_outcome(
        (),
        N_(
            "The firm has no employees: written contracts, probation, social insurance and "
            "working hours are left out."
        ),
        {},
    )


@checkup_checklist.rule(
    when(
        "profile",
        gte("employees", 1),
        any_of(
            eq("holds_ip", True),
            all_of(eq("holds_ip", False), gte("employees", param("non_compete_min_employees"))),
        ),
    ),
    priority=30,
    examples=[
        {**_PROFILE, "holds_ip": True, "employees": 3},
        {**_PROFILE, "employees": 50},
    ],
)
def non_compete_relevant(match: Match) -> Outcome:
    """Non-compete and penalty clauses (Labour Contract Law arts. 23-25) are checked where there
    is something to protect: a firm with intellectual property, or one with enough employees
    (the parameter) to have senior and confidentiality-bound staff."""
    fact = match.fact
    if fact["holds_ip"]:
        return _items_outcome(
            ("non_compete",),
            N_(
                "The firm holds intellectual property and employs {employees} people: "
                "non-compete and penalty clauses are checked."
            ),
            {"employees": fact["employees"]},
        )
    return _items_outcome(
        ("non_compete",),
        N_(
            "The firm employs {employees} people, at least {min}: non-compete and penalty "
            "clauses are checked."
        ),
        {"employees": fact["employees"], "min": match.params["non_compete_min_employees"]},
    )


@checkup_checklist.rule(
    when("profile", gte("past_labour_disputes", 1), gte("employees", 1)),
    priority=40,
    examples=[{**_PROFILE, "past_labour_disputes": 1}],
)
def past_labour_disputes(match: Match) -> Outcome:
    """A firm that has had labour disputes lately (within the parameter's days) is checked on
    the payment of wages (Labour Law art. 50), the commonest cause of them."""
    return _items_outcome(
        ("wage_payment",),
        N_(
            "Labour disputes of the firm in the last {days} days: {count}. The payment of wages "
            "is checked."
        ),
        {"count": match.fact["past_labour_disputes"], "days": match.params["past_dispute_days"]},
    )


@checkup_checklist.rule(
    when("profile", gte("past_commercial_disputes", 1)),
    priority=50,
    examples=[{**_PROFILE, "past_commercial_disputes": 2}],
)
def past_commercial_disputes(match: Match) -> Outcome:
    """A firm that has had commercial disputes lately is checked on how it performs and
    documents its contracts (Civil Code art. 509)."""
    return _items_outcome(
        ("contract_performance",),
        N_(
            "Commercial disputes of the firm in the last {days} days: {count}. The performance "
            "of its contracts is checked."
        ),
        {
            "count": match.fact["past_commercial_disputes"],
            "days": match.params["past_dispute_days"],
        },
    )


def _capital_params(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": fact["incorporated_on"],
        "since": CAPITAL_RULES_FROM.isoformat(),
        "adjust_by": CAPITAL_TRANSITION_ENDS.isoformat(),
        "paid_by": CAPITAL_PAID_BY.isoformat(),
    }


@checkup_checklist.rule(
    when(
        "profile",
        gte("incorporated_on", CAPITAL_RULES_FROM),
        legal_form="limited",
        incorporation="known",
    ),
    priority=60,
    examples=[
        {**_PROFILE, "incorporated_on": CAPITAL_RULES_FROM},
        {**_PROFILE, "incorporated_on": date(2025, 9, 1)},
    ],
)
def capital_five_years(match: Match) -> Outcome:
    """A limited liability company formed from 1 July 2024 has its shareholders pay in their
    subscribed capital within five years of incorporation (Company Law art. 47)."""
    return _items_outcome(
        ("capital_contribution",),
        N_(
            "The company was incorporated on {date}, on or after {since}: its shareholders pay "
            "in their capital within five years of incorporation."
        ),
        _capital_params(match.fact),
    )


@checkup_checklist.rule(
    when(
        "profile",
        lt("incorporated_on", CAPITAL_RULES_FROM),
        legal_form="limited",
        incorporation="known",
    ),
    priority=61,
    examples=[_PROFILE, {**_PROFILE, "incorporated_on": date(2024, 6, 30)}],
)
def capital_transition(match: Match) -> Outcome:
    """A limited liability company formed before 1 July 2024 follows the transition: if more
    than five years of its contribution period remain on 1 July 2027, it shortens the period to
    five years by 30 June 2027 (Company Law art. 266(2); Decree No. 784 art. 2)."""
    return _items_outcome(
        ("capital_transition",),
        N_(
            "The company was incorporated on {date}, before {since}: a contribution period "
            "running beyond {paid_by} must be shortened by {adjust_by}."
        ),
        _capital_params(match.fact),
    )


@checkup_checklist.rule(
    when("profile", legal_form="limited", incorporation="unknown"),
    priority=62,
    examples=[{**_PROFILE, "incorporated_on": None}],
)
def capital_date_unknown(match: Match) -> Outcome:
    """A limited liability company whose date of incorporation is not known is checked under
    the five-year rule (Company Law art. 47), and the consultant is asked to confirm the date:
    a company formed before 1 July 2024 follows the transition rules instead."""
    return _items_outcome(
        ("capital_contribution",),
        N_(
            "The company's date of incorporation is not known: its capital contributions are "
            "checked under the five-year rule. Confirm the date: a company incorporated before "
            "{since} follows the transition rules instead."
        ),
        {"since": CAPITAL_RULES_FROM.isoformat()},
    )


@checkup_checklist.rule(
    when("profile", holds_ip=True),
    priority=70,
    examples=[{**_PROFILE, "holds_ip": True}],
)
def holds_ip(match: Match) -> Outcome:
    """A firm with intellectual property is checked on its trademark registrations and renewals
    (Trademark Law arts. 39, 40) and on how it keeps its trade secrets (Labour Contract Law
    art. 23)."""
    return _items_outcome(
        ("trademarks", "trade_secrets"),
        N_("The firm holds intellectual property: its trademarks and trade secrets are checked."),
        {},
    )


@checkup_checklist.rule(
    when("profile", processes_personal_data=True),
    priority=80,
    examples=[
        {**_PROFILE, "processes_personal_data": True},
        {**_PROFILE, "processes_personal_data": True, "personal_data_subjects": 10_000_000},
    ],
)
def processes_personal_data(match: Match) -> Outcome:
    """A firm that handles personal information is checked on its internal rules and security
    (PIPL art. 51) and its regular compliance audits (art. 54); from the parameter's number of
    people (the CAC's measures: more than ten million), the audit is due at least every two
    years."""
    fact, params = match.fact, match.params
    codes = ("pi_rules", "pi_audit")
    subjects = fact["personal_data_subjects"]
    if subjects >= params["pi_audit_biennial_subjects"]:
        return _items_outcome(
            codes,
            N_(
                "The firm handles the personal information of {subjects} people, at least "
                "{min}: its internal rules are checked, and its compliance audit must take "
                "place at least every two years."
            ),
            {"subjects": subjects, "min": params["pi_audit_biennial_subjects"]},
        )
    if subjects == 0:
        return _items_outcome(
            codes,
            N_(
                "The firm handles personal information (of how many people is not known): its "
                "internal rules and its regular compliance audits are checked."
            ),
            {},
        )
    return _items_outcome(
        codes,
        N_(
            "The firm handles the personal information of {subjects} people: its internal "
            "rules and its regular compliance audits are checked."
        ),
        {"subjects": subjects},
    )


@checkup_checklist.rule(
    when(
        "profile",
        gte("personal_data_subjects", param("pi_officer_subjects")),
        processes_personal_data=True,
    ),
    priority=81,
    examples=[
        {**_PROFILE, "processes_personal_data": True, "personal_data_subjects": 1_000_000},
    ],
)
def large_personal_data(match: Match) -> Outcome:
    """A firm handling the personal information of as many people as the Cyberspace
    Administration sets (the parameter, one million) needs a personal-information protection
    officer (PIPL art. 52)."""
    return _items_outcome(
        ("pi_officer",),
        N_(
            "The firm handles the personal information of {subjects} people, at least {min}: "
            "it needs a personal-information protection officer."
        ),
        {
            "subjects": match.fact["personal_data_subjects"],
            "min": match.params["pi_officer_subjects"],
        },
    )


@checkup_checklist.rule(
    when("profile", exports=True),
    priority=90,
    examples=[{**_PROFILE, "exports": True}],
)
def exports_goods(match: Match) -> Outcome:
    """An exporting firm is checked on export control: licences for controlled items (Export
    Control Law art. 12) and an internal compliance system (art. 14)."""
    return _items_outcome(
        ("export_control",),
        N_("The firm exports: its export-control screening and licences are checked."),
        {},
    )


@checkup_checklist.rule(
    when("profile", exports=True, processes_personal_data=True),
    priority=91,
    examples=[{**_PROFILE, "exports": True, "processes_personal_data": True}],
)
def exports_personal_data(match: Match) -> Outcome:
    """A firm that trades abroad and handles personal information is likely to send some of it
    abroad (customers, staff): the conditions and separate consent are checked (PIPL arts. 38,
    39)."""
    return _items_outcome(
        ("cross_border",),
        N_(
            "The firm exports and handles personal information: sending personal information "
            "abroad is checked."
        ),
        {},
    )


@checkup_checklist.rule(
    when("profile", one_of("industry", ("construction", "logistics")), gte("employees", 1)),
    priority=100,
    examples=[
        {**_PROFILE, "industry": "construction", "employees": 5},
        {**_PROFILE, "industry": "logistics", "employees": 1},
    ],
)
def high_risk_safety(match: Match) -> Outcome:
    """Construction and transport firms need a safety management body or full-time safety
    officers whatever their size (Work Safety Law art. 24(1)), and every worker is trained
    (art. 28)."""
    fact = match.fact
    if fact["industry"] == "construction":
        msgid = N_(
            "A construction firm with {employees} employees needs a safety management body or "
            "full-time safety officers whatever its size: work safety is checked."
        )
    else:
        msgid = N_(
            "A transport firm with {employees} employees needs a safety management body or "
            "full-time safety officers whatever its size: work safety is checked."
        )
    return _items_outcome(("work_safety",), msgid, {"employees": fact["employees"]})


@checkup_checklist.rule(
    when("profile", gt("employees", SAFETY_BODY_ABOVE), industry="manufacturing"),
    priority=101,
    examples=[{**_PROFILE, "industry": "manufacturing", "employees": 101}],
)
def large_manufacturer_safety(match: Match) -> Outcome:
    """A manufacturer with more than 100 employees needs a safety management body or full-time
    safety officers (Work Safety Law art. 24(2)), and trains every worker (art. 28)."""
    return _items_outcome(
        ("work_safety",),
        N_(
            "A manufacturer with {employees} employees, more than {max}, needs a safety "
            "management body or full-time safety officers: work safety is checked."
        ),
        {"employees": match.fact["employees"], "max": SAFETY_BODY_ABOVE},
    )


@checkup_checklist.rule(
    when(
        "profile",
        gte("employees", 1),
        lte("employees", SAFETY_BODY_ABOVE),
        industry="manufacturing",
    ),
    priority=102,
    examples=[
        {**_PROFILE, "industry": "manufacturing", "employees": 1},
        {**_PROFILE, "industry": "manufacturing", "employees": 100},
    ],
)
def small_manufacturer_safety(match: Match) -> Outcome:
    """A manufacturer with 100 employees or fewer needs at least a full-time or part-time
    safety officer (Work Safety Law art. 24(2)), and trains every worker (art. 28)."""
    return _items_outcome(
        ("work_safety",),
        N_(
            "A manufacturer with {employees} employees, {max} or fewer, needs a full-time or "
            "part-time safety officer: work safety is checked."
        ),
        {"employees": match.fact["employees"], "max": SAFETY_BODY_ABOVE},
    )


@checkup_checklist.rule(
    when("profile"),
    name="checked",
    priority=1000,
    examples=[_PROFILE, {**_PROFILE, "employees": 0, "incorporated_on": None}],
)
def checklist_checked(match: Match) -> Outcome:
    """Every profile is checked against the rules above; this records what was looked at. It
    fires for every firm."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "The checklist was chosen from the firm's profile: employees {employees}; disputes "
            "in the last {days} days: {labour} labour, {commercial} commercial."
        ),
        {
            "employees": fact["employees"],
            "labour": fact["past_labour_disputes"],
            "commercial": fact["past_commercial_disputes"],
            "days": match.params["past_dispute_days"],
        },
    )


registry.register(checkup_checklist)


def checklist(decision: Decision) -> list[str]:
    """The item codes the rules chose, each once, in the order of CHECK_ITEMS."""
    chosen = {code for codes in decision.outcomes("items") for code in codes}
    return sorted(chosen, key=_ORDER.__getitem__)


# --- checkup_grade -------------------------------------------------------------------------------

MAX_FINDINGS = 500  # one finding per item at most, well above the catalogue's size


def _check_finding(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The area is the item's own; only a high risk can be urgent."""
    if fact["area"] != CHECK_ITEMS[fact["item"]].area:
        yield (
            "area",
            Reason(
                N_("{field} is {value}, but the item {item} belongs to {area}."),
                {
                    "field": "area",
                    "value": fact["area"],
                    "item": fact["item"],
                    "area": CHECK_ITEMS[fact["item"]].area,
                },
            ),
        )
    if fact["urgent"] and fact["risk"] != "high":
        yield (
            "urgent",
            Reason(N_("{field}: only a high risk can be urgent."), {"field": "urgent"}),
        )


def _check_summary(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The risk counts add up to the findings, and no more findings than items checked."""
    if fact["high"] + fact["medium"] + fact["low"] != fact["findings"]:
        yield (
            "findings",
            Reason(
                N_("{field} must equal the high, medium and low findings added up."),
                {"field": "findings"},
            ),
        )
    if fact["findings"] > fact["items"]:
        yield (
            "findings",
            Reason(
                N_("{field} cannot exceed the items checked ({items})."),
                {"field": "findings", "items": fact["items"]},
            ),
        )


class _GradeSchema(FactSchema):
    """The grade's facts, checked as a whole as well: exactly one summary, whose counts are
    those of the findings given, and each finding at its own position. (A kind's `check` sees
    one fact; the grade rules trust the summary's counts, so they must be the findings'.)"""

    def normalise(self, facts: Facts) -> list[dict[str, Any]]:
        normalised = super().normalise(facts)
        single = isinstance(facts, Mapping)

        def at(fact: Mapping[str, Any] | None) -> int | None:
            return None if single or fact is None else fact["id"]

        summaries = [f for f in normalised if f["kind"] == "summary"]
        findings = [f for f in normalised if f["kind"] == "finding"]
        problems: list[FieldProblem] = []
        if len(summaries) != 1:
            problems.append(
                FieldProblem(
                    "",
                    at(summaries[1] if summaries else None),
                    Reason(
                        N_("A grade needs exactly one summary fact, not {count}."),
                        {"count": len(summaries)},
                    ),
                )
            )
        else:
            (summary,) = summaries
            counts = {
                "findings": len(findings),
                **{risk: sum(f["risk"] == risk for f in findings) for risk in RISK_LEVELS},
            }
            problems.extend(
                FieldProblem(
                    name,
                    at(summary),
                    Reason(
                        N_("{field} is {value}, but {count} such findings are given."),
                        {"field": name, "value": summary[name], "count": count},
                    ),
                )
                for name, count in counts.items()
                if summary[name] != count
            )
        seen: set[int] = set()
        for finding in findings:
            if finding["position"] in seen:
                problems.append(
                    FieldProblem(
                        "position",
                        at(finding),
                        Reason(
                            N_("{field} {value} is given to two findings."),
                            {"field": "position", "value": finding["position"]},
                        ),
                    )
                )
            seen.add(finding["position"])
        if problems:
            raise FactError(problems)
        return normalised


checkup_grade = Ruleset(
    "checkup_grade",
    "2026.1",
    _GradeSchema(
        FactKind(
            "finding",
            Field("item", str, choices=tuple(CHECK_ITEMS)),
            Field("area", str, choices=tuple(AREAS)),
            Field("risk", str, choices=tuple(RISK_LEVELS)),
            Field("urgent", bool),
            Field("position", int, min=1, max=MAX_FINDINGS),
            check=_check_finding,
        ),
        FactKind(
            "summary",
            Field("items", int, min=0, max=MAX_FINDINGS),
            Field("findings", int, min=0, max=MAX_FINDINGS),
            Field("high", int, min=0, max=MAX_FINDINGS),
            Field("medium", int, min=0, max=MAX_FINDINGS),
            Field("low", int, min=0, max=MAX_FINDINGS),
            check=_check_summary,
        ),
        max_facts=MAX_FINDINGS + 1,  # the summary and up to 500 findings
    ),
    parameters=[
        ParameterSpec(
            "orange_medium_min",
            int,
            1,
            min=1,
            max=100,
            unit=N_("findings"),
            label=N_("Orange from this many medium risks"),
            help=N_(
                "A check-up with at least this many medium-risk findings is graded orange (and "
                "gets a Friday follow-up visit) even without a high risk; with fewer, and no "
                "high risk, it is green."
            ),
        ),
        ParameterSpec(
            "fix_days_high",
            int,
            15,
            min=1,
            max=365,
            unit=N_("days"),
            label=N_("Days to fix a high risk"),
            help=N_(
                "A high-risk finding is to be fixed within this many days of the visit, unless "
                "the consultant sets another day."
            ),
        ),
        ParameterSpec(
            "fix_days_medium",
            int,
            30,
            min=1,
            max=365,
            unit=N_("days"),
            label=N_("Days to fix a medium risk"),
            help=N_(
                "A medium-risk finding is to be fixed within this many days of the visit, "
                "unless the consultant sets another day."
            ),
        ),
        ParameterSpec(
            "fix_days_low",
            int,
            90,
            min=1,
            max=365,
            unit=N_("days"),
            label=N_("Days to fix a low risk"),
            help=N_(
                "A low-risk finding is to be fixed within this many days of the visit, unless "
                "the consultant sets another day."
            ),
        ),
    ],
    description=N_("Grading a legal check-up red, orange or green from its findings"),
)


def grade_facts(findings: Sequence[Mapping[str, Any]], checked_items: int) -> list[dict[str, Any]]:
    """The summary and one finding fact per finding, from mappings with the keys item, risk,
    urgent and position (the area is the item's). An unknown item gets no area, which the schema
    refuses with the item named."""
    facts: list[dict[str, Any]] = [
        {
            "kind": "summary",
            "items": checked_items,
            "findings": len(findings),
            **{risk: sum(f["risk"] == risk for f in findings) for risk in RISK_LEVELS},
        }
    ]
    for finding in sorted(findings, key=lambda f: f["position"]):
        item = CHECK_ITEMS.get(finding["item"])
        facts.append(
            {
                "kind": "finding",
                "item": finding["item"],
                "area": item.area if item is not None else "",
                "risk": finding["risk"],
                "urgent": finding["urgent"],
                "position": finding["position"],
            }
        )
    return facts


_SUMMARY: dict[str, Any] = {
    "kind": "summary",
    "items": 12,
    "findings": 1,
    "high": 1,
    "medium": 0,
    "low": 0,
}
_FINDING: dict[str, Any] = {
    "kind": "finding",
    "item": "written_contract",
    "area": "labour",
    "risk": "high",
    "urgent": True,
    "position": 1,
}


def _finding_params(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {"position": fact["position"], "item": nested(CHECK_ITEMS[fact["item"]].title)}


@checkup_grade.rule(
    when("finding", risk="high", urgent=True),
    priority=10,
    examples=[
        [_SUMMARY, _FINDING],
        [_SUMMARY, {**_FINDING, "item": "seal_control", "area": "contracts", "position": 7}],
    ],
)
def serious_and_urgent(match: Match) -> Outcome:
    """A high risk that is urgent makes the check-up red ("serious and urgent"), and the
    consultant comes back on a Friday follow-up visit to see it fixed."""
    return {"grade": "red", "follow_up": True}, Reason(
        N_(
            "Finding {position} ({item}) is a high risk and urgent: the check-up is graded red "
            "and a Friday follow-up visit is arranged."
        ),
        _finding_params(match.fact),
    )


@checkup_grade.rule(
    when("finding", risk="high", urgent=True, area="labour"),
    priority=20,
    examples=[[_SUMMARY, _FINDING], [_SUMMARY, {**_FINDING, "item": "working_hours"}]],
)
def red_labour_finding(match: Match) -> Outcome:
    """An urgent labour risk is where labour disputes come from: a prevention task is opened for
    the firm in the labour-dispute loop (三端闭环, the prevention end)."""
    return {"prevention": True, "topic": AREA_TOPICS["labour"]}, Reason(
        N_(
            "Finding {position} ({item}) is an urgent labour risk: a prevention task is opened "
            "in the labour-dispute loop."
        ),
        _finding_params(match.fact),
    )


@checkup_grade.rule(
    when("finding", risk="high", urgent=False),
    priority=30,
    examples=[[_SUMMARY, {**_FINDING, "urgent": False}]],
)
def serious_finding(match: Match) -> Outcome:
    """A high risk that is not urgent makes the check-up at least orange, with a Friday
    follow-up visit."""
    return {"grade": "orange", "follow_up": True}, Reason(
        N_(
            "Finding {position} ({item}) is a high risk: the check-up is graded at least orange "
            "and a Friday follow-up visit is arranged."
        ),
        _finding_params(match.fact),
    )


_MEDIUM = {**_FINDING, "risk": "medium", "urgent": False}


@checkup_grade.rule(
    when("summary", gte("medium", param("orange_medium_min"))),
    priority=40,
    examples=[[{**_SUMMARY, "high": 0, "medium": 1}, _MEDIUM]],
)
def medium_findings(match: Match) -> Outcome:
    """Medium risks, as many as the parameter (one by default), make the check-up at least
    orange, with a Friday follow-up visit."""
    return {"grade": "orange", "follow_up": True}, Reason(
        N_(
            "Medium-risk findings: {count}, at least {min}. The check-up is graded at least "
            "orange and a Friday follow-up visit is arranged."
        ),
        {"count": match.fact["medium"], "min": match.params["orange_medium_min"]},
    )


@checkup_grade.rule(
    when("summary", lt("medium", param("orange_medium_min")), high=0),
    priority=50,
    examples=[
        {**_SUMMARY, "findings": 0, "high": 0},
        [{**_SUMMARY, "high": 0, "low": 1}, {**_FINDING, "risk": "low", "urgent": False}],
    ],
)
def no_serious_risk(match: Match) -> Outcome:
    """No high risk and fewer medium risks than the parameter: the check-up is green; its
    findings, if any, are still followed until fixed."""
    fact = match.fact
    return {"grade": "green"}, Reason(
        N_(
            "No high-risk finding; medium-risk findings: {medium}, fewer than {min}; findings "
            "in all: {findings}. The check-up is graded green."
        ),
        {
            "medium": fact["medium"],
            "min": match.params["orange_medium_min"],
            "findings": fact["findings"],
        },
    )


@checkup_grade.rule(
    when("summary"),
    name="checked",
    priority=1000,
    examples=[{**_SUMMARY, "findings": 0, "high": 0}],
)
def grade_checked(match: Match) -> Outcome:
    """Every check-up's findings are graded by the rules above; this records what was graded."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "Items checked: {items}; findings: {findings} ({high} high, {medium} medium, {low} "
            "low risk)."
        ),
        {key: fact[key] for key in ("findings", "items", "high", "medium", "low")},
    )


registry.register(checkup_grade)


def grade_of(decision: Decision) -> str:
    """The worst grade the rules gave (GRADE_ORDER); green when none did."""
    grades = decision.outcomes("grade")
    return max(grades, key=GRADE_ORDER.index, default="green")


def needs_follow_up(decision: Decision) -> bool:
    """A rule asked for a Friday follow-up visit (a red or orange grade)."""
    return any(value is True for value in decision.outcomes("follow_up"))


def needs_prevention(decision: Decision) -> bool:
    """A rule asked for a prevention task in the labour-dispute loop (an urgent labour risk)."""
    return any(value is True for value in decision.outcomes("prevention"))
