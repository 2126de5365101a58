"""Statutory periods and limits, as constants in code, each citing its statute and article.

These are the law, not policy: a coordinator cannot change them, so they are not rule parameters
(rules.parameters). When a statute is amended, change the constant, cite the new edition and bump
the version of every ruleset that uses it.

Each constant cites the statute by its official Chinese name (the authority; shown untranslated),
the edition in force, the article (and paragraph where it matters), and an English summary as a
message id for the UI to translate. How to count a period (start day not counted, a last day that
falls on a day off moves to the next working day, months end on the corresponding day) is
calendars/' business (Civil Procedure Law art. 85; Civil Code arts. 201-203).

Checked against the statute texts, which add to the short summaries in DOMAIN.md:
- LDMAL art. 27: wage arrears claimed while employment lasts are not bound by the one-year
  limitation; once employment ends, they must be claimed within one year of its end.
- LDMAL art. 47: final awards cover claims for pay, work-injury medical expenses, economic
  compensation or damages each not above 12 months of the local monthly minimum wage (not only
  "small wage claims"), plus disputes on working time, rest and leave and social insurance.
- Labour Contract Law art. 19: no probation at all for contracts under three months or for a
  defined task; "3 months to 1 year" means 3 months or more but under 1 year ("以上" includes the
  number, "不满" excludes it: Civil Code art. 1259). Art. 20: probation pay is at least the lowest
  wage for the same post or 80 % of the agreed wage, and never below the local minimum wage.

The articles the legal check-ups cite (rules.checkups) are `Article` constants: an article that
sets no single period or limit, with its summary. Checked against published texts of the statute:
Company Law art. 266(2) (companies registered before the law adjust contribution periods longer
than its own gradually; the State Council sets how); the State Council's Decree No. 784, art. 2(1)
(limited companies registered by 30 June 2024 whose remaining contribution period from 1 July
2027 exceeds five years shorten it to five years by 30 June 2027; promoters of a joint-stock
company pay for their shares in full by 30 June 2027); Export Control Law art. 12 (the licence);
the wording of Work Safety Law art. 24(1) ("运输单位" and "装卸" since the 2021 amendment).
Written from memory, not checked against the statute text here (*): Labour Law arts. 36, 41, 44,
50; the State Council Provisions on Working Hours art. 3; Labour Contract Law arts. 23-25 and 82;
Civil Code arts. 490, 496 and 509; Trademark Law arts. 39 and 40; PIPL arts. 38, 39, 51, 52 and
54; Export Control Law art. 14; the article numbers of Work Safety Law arts. 24 and 28 (arts. 21
and 25 before the 2021 amendment).

Two thresholds of the PIPL are set by the Cyberspace Administration, not by the law, and are
therefore rule parameters (rules.checkups), not constants: a personal-information protection
officer for handlers of the personal information of 1 million people or more (PIPL art. 52; the
CAC's 2025 notice on reporting the officer, with art. 12 of its Measures on Compliance Audits),
and a compliance audit at least every two years for handlers of more than 10 million people's
(art. 3 of those Measures, in force 2025-05-01).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules.messages import N_

__all__ = [
    "ALL_ARTICLES",
    "ALL_LIMITS",
    "ALL_PERIODS",
    "CAPITAL_REGISTRATION_PROVISIONS",
    "CAPITAL_TRANSITION",
    "CIVIL_CODE",
    "CIVIL_CODE_CONTRACT_FORMATION",
    "CIVIL_CODE_PERFORMANCE",
    "CIVIL_CODE_STANDARD_TERMS",
    "CIVIL_PROCEDURE_LAW",
    "COMPANY_CAPITAL_PAYMENT",
    "COMPANY_CAPITAL_TRANSITION",
    "COMPANY_LAW",
    "CPL_JUDICIAL_CONFIRMATION",
    "EXPORT_CONTROL_COMPLIANCE",
    "EXPORT_CONTROL_LAW",
    "EXPORT_CONTROL_LICENCE",
    "LABOUR_CONTRACT_LAW",
    "LABOUR_LAW",
    "LABOUR_LAW_HOURS",
    "LABOUR_LAW_OVERTIME",
    "LABOUR_LAW_OVERTIME_PAY",
    "LABOUR_LAW_WAGES",
    "LCL_CONFIDENTIALITY",
    "LCL_DEEMED_OPEN_ENDED",
    "LCL_DOUBLE_PAY",
    "LCL_NON_COMPETE",
    "LCL_PENALTIES",
    "LCL_PROBATION",
    "LCL_PROBATION_MIN_PAY",
    "LCL_WRITTEN_CONTRACT",
    "LDMAL",
    "LDMAL_ACCEPTANCE",
    "LDMAL_AWARD",
    "LDMAL_AWARD_EXTENSION",
    "LDMAL_EMPLOYER_SET_ASIDE",
    "LDMAL_FINAL_AWARD_DISPUTES",
    "LDMAL_FINAL_AWARD_LIMIT",
    "LDMAL_LIMITATION",
    "LDMAL_MEDIATION",
    "LDMAL_SUIT_AFTER_AWARD",
    "LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD",
    "PIPL",
    "PIPL_COMPLIANCE_AUDIT",
    "PIPL_CROSS_BORDER",
    "PIPL_CROSS_BORDER_CONSENT",
    "PIPL_INTERNAL_RULES",
    "PIPL_PROTECTION_OFFICER",
    "SIL_REGISTRATION",
    "SOCIAL_INSURANCE_LAW",
    "TRADEMARK_LAW",
    "TRADEMARK_RENEWAL",
    "TRADEMARK_TERM",
    "WORKING_HOURS",
    "WORKING_HOURS_PROVISIONS",
    "WORK_SAFETY_LAW",
    "WORK_SAFETY_MANAGEMENT",
    "WORK_SAFETY_TRAINING",
    "Article",
    "ProbationLimit",
    "Statute",
    "StatutoryLimit",
    "StatutoryPeriod",
    "max_probation_months",
]

_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..999 in Chinese numerals as statutes write article numbers (十四, 二百零五)."""
    if not 0 < n < 1000:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


@dataclass(frozen=True)
class Statute:
    """A statute: official Chinese name, the edition in force, and its English name (msgid)."""

    name_zh: str
    edition: str
    name_en: str


class _Citing:
    """Citation helpers shared by periods, limits and articles."""

    statute: Statute
    article: int
    paragraph: int | None

    @property
    def citation_zh(self) -> str:
        """The citation as Chinese documents write it: 《…》第十四条第二款 (a title inside the
        statute's name keeps its 〈〉)."""
        text = f"《{self.statute.name_zh}》第{_chinese_number(self.article)}条"
        if self.paragraph:
            text += f"第{_chinese_number(self.paragraph)}款"
        return text

    @property
    def citation(self) -> str:
        """Article and paragraph in English form ("art. 43(1)"), beside the statute's name."""
        return f"art. {self.article}" + (f"({self.paragraph})" if self.paragraph else "")


@dataclass(frozen=True)
class StatutoryPeriod(_Citing):
    """A period the law sets: how long, in what unit, where it is written, and what it means."""

    amount: int
    unit: Literal["days", "months", "years"]
    statute: Statute
    article: int
    summary: str  # message id
    paragraph: int | None = None


@dataclass(frozen=True)
class StatutoryLimit(_Citing):
    """A limit the law sets that is not a period (a multiple of the minimum wage, a percentage)."""

    amount: int
    unit: Literal["minimum_wage_months", "percent"]
    statute: Statute
    article: int
    summary: str  # message id
    paragraph: int | None = None


@dataclass(frozen=True)
class Article(_Citing):
    """An article the law sets that is neither a period nor a limit: what it requires."""

    statute: Statute
    article: int
    summary: str  # message id
    paragraph: int | None = None


LDMAL = Statute(
    "中华人民共和国劳动争议调解仲裁法",
    "2007 (in force 2008-05-01)",
    N_("Labour Dispute Mediation and Arbitration Law"),
)
CIVIL_PROCEDURE_LAW = Statute(
    "中华人民共和国民事诉讼法", "2023 revision (in force 2024-01-01)", N_("Civil Procedure Law")
)
LABOUR_CONTRACT_LAW = Statute(
    "中华人民共和国劳动合同法", "2012 amendment", N_("Labour Contract Law")
)
SOCIAL_INSURANCE_LAW = Statute(
    "中华人民共和国社会保险法", "2018 amendment", N_("Social Insurance Law")
)
COMPANY_LAW = Statute(
    "中华人民共和国公司法", "2023 revision (in force 2024-07-01)", N_("Company Law")
)
CIVIL_CODE = Statute("中华人民共和国民法典", "2020 (in force 2021-01-01)", N_("Civil Code"))
LABOUR_LAW = Statute("中华人民共和国劳动法", "2018 amendment", N_("Labour Law"))
WORKING_HOURS_PROVISIONS = Statute(
    "国务院关于职工工作时间的规定",
    "1995 revision (in force 1995-05-01)",
    N_("State Council Provisions on Employees' Working Hours"),
)
CAPITAL_REGISTRATION_PROVISIONS = Statute(
    "国务院关于实施〈中华人民共和国公司法〉注册资本登记管理制度的规定",
    "State Council Decree No. 784, 2024 (in force 2024-07-01)",
    N_(
        "State Council Provisions on Implementing the Registered Capital Registration System of "
        "the Company Law"
    ),
)
TRADEMARK_LAW = Statute(
    "中华人民共和国商标法", "2019 amendment (in force 2019-11-01)", N_("Trademark Law")
)
PIPL = Statute(
    "中华人民共和国个人信息保护法",
    "2021 (in force 2021-11-01)",
    N_("Personal Information Protection Law"),
)
EXPORT_CONTROL_LAW = Statute(
    "中华人民共和国出口管制法", "2020 (in force 2020-12-01)", N_("Export Control Law")
)
WORK_SAFETY_LAW = Statute(
    "中华人民共和国安全生产法", "2021 amendment (in force 2021-09-01)", N_("Work Safety Law")
)

# --- Labour Dispute Mediation and Arbitration Law -------------------------------------------

LDMAL_MEDIATION = StatutoryPeriod(
    amount=15,
    unit="days",
    statute=LDMAL,
    article=14,
    paragraph=3,
    summary=N_(
        "If no mediation agreement is reached within 15 days of the mediation organisation "
        "receiving the application, a party may apply for arbitration."
    ),
)
LDMAL_ACCEPTANCE = StatutoryPeriod(
    amount=5,
    unit="days",
    statute=LDMAL,
    article=29,
    summary=N_(
        "The arbitration commission decides within 5 days of receiving an application whether to "
        "accept it; if it refuses or does not decide in time, the applicant may sue in court."
    ),
)
LDMAL_AWARD = StatutoryPeriod(
    amount=45,
    unit="days",
    statute=LDMAL,
    article=43,
    paragraph=1,
    summary=N_(
        "The arbitral tribunal concludes the case within 45 days of the commission accepting it; "
        "if no award is made in time, a party may sue in court."
    ),
)
LDMAL_AWARD_EXTENSION = StatutoryPeriod(
    amount=15,
    unit="days",
    statute=LDMAL,
    article=43,
    paragraph=1,
    summary=N_(
        "A complex case may be extended, with the approval of the commission's director and "
        "written notice to the parties, by at most 15 days."
    ),
)
LDMAL_LIMITATION = StatutoryPeriod(
    amount=1,
    unit="years",
    statute=LDMAL,
    article=27,
    paragraph=1,
    summary=N_(
        "The limitation period for applying for arbitration is one year from the day the party "
        "knew or should have known of the infringement. Unpaid pay claimed while employment "
        "lasts is not bound by it, but must be claimed within one year of employment ending."
    ),
)
LDMAL_FINAL_AWARD_LIMIT = StatutoryLimit(
    amount=12,
    unit="minimum_wage_months",
    statute=LDMAL,
    article=47,
    summary=N_(
        "An award is final when made on claims for pay, work-injury medical expenses, economic "
        "compensation or damages not exceeding 12 months of the local monthly minimum wage."
    ),
)
# Art. 47(2): disputes over carrying out national labour standards are final at arbitration too.
LDMAL_FINAL_AWARD_DISPUTES: tuple[str, ...] = ("working_time", "rest_and_leave", "social_insurance")
LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD = StatutoryPeriod(
    amount=15,
    unit="days",
    statute=LDMAL,
    article=48,
    summary=N_("A worker who disagrees with a final award may sue within 15 days of receiving it."),
)
LDMAL_EMPLOYER_SET_ASIDE = StatutoryPeriod(
    amount=30,
    unit="days",
    statute=LDMAL,
    article=49,
    summary=N_(
        "An employer may apply to the intermediate people's court to set aside a final award "
        "within 30 days of receiving it, on the grounds the law lists."
    ),
)
LDMAL_SUIT_AFTER_AWARD = StatutoryPeriod(
    amount=15,
    unit="days",
    statute=LDMAL,
    article=50,
    summary=N_(
        "A party who disagrees with any other award may sue within 15 days of receiving it; "
        "otherwise the award takes legal effect."
    ),
)

# --- Civil Procedure Law -----------------------------------------------------------------------

# Art. 205 of the 2023 revision (art. 201 in the 2021 revision, art. 194 before that).
CPL_JUDICIAL_CONFIRMATION = StatutoryPeriod(
    amount=30,
    unit="days",
    statute=CIVIL_PROCEDURE_LAW,
    article=205,
    summary=N_(
        "Both parties to a mediation agreement reached through a lawfully established mediation "
        "organisation apply together for its judicial confirmation within 30 days of the "
        "agreement taking effect."
    ),
)

# --- Labour Contract Law -------------------------------------------------------------------------

LCL_WRITTEN_CONTRACT = StatutoryPeriod(
    amount=1,
    unit="months",
    statute=LABOUR_CONTRACT_LAW,
    article=10,
    paragraph=2,
    summary=N_(
        "Where employment has begun without a written labour contract, one must be signed within "
        "one month of the first day of work (art. 82: double pay for each month after that)."
    ),
)
LCL_DEEMED_OPEN_ENDED = StatutoryPeriod(
    amount=1,
    unit="years",
    statute=LABOUR_CONTRACT_LAW,
    article=14,
    paragraph=3,
    summary=N_(
        "An employer that has not signed a written contract one full year after employment "
        "began is deemed to have signed an open-ended contract."
    ),
)


@dataclass(frozen=True)
class ProbationLimit:
    """One line of the art. 19 table: a contract term band and its longest probation."""

    term_from_months: int  # inclusive ("以上")
    term_below_months: int | None  # exclusive ("不满"); None: no upper bound
    max_probation_months: int


LCL_PROBATION = StatutoryPeriod(
    amount=6,
    unit="months",
    statute=LABOUR_CONTRACT_LAW,
    article=19,
    summary=N_(
        "Probation may last at most 1 month for a contract of 3 months or more but under 1 year, "
        "2 months for 1 year or more but under 3 years, and 6 months for 3 years or more or an "
        "open-ended contract; none for a contract under 3 months or for a defined task; and only "
        "once between the same employer and worker."
    ),
)
LCL_PROBATION_TABLE: tuple[ProbationLimit, ...] = (
    ProbationLimit(0, 3, 0),
    ProbationLimit(3, 12, 1),
    ProbationLimit(12, 36, 2),
    ProbationLimit(36, None, 6),
)
LCL_PROBATION_MIN_PAY = StatutoryLimit(
    amount=80,
    unit="percent",
    statute=LABOUR_CONTRACT_LAW,
    article=20,
    summary=N_(
        "Probation pay is at least the lowest pay for the same post or 80% of the agreed pay, "
        "and never below the local minimum wage."
    ),
)


def max_probation_months(
    term_months: int | None, *, open_ended: bool = False, task_based: bool = False
) -> int:
    """The longest probation the law allows for a contract (Labour Contract Law art. 19)."""
    if task_based:
        return 0
    if open_ended:
        return LCL_PROBATION_TABLE[-1].max_probation_months
    if term_months is None or term_months < 0:
        raise ValueError("a fixed-term contract needs its term in months")
    for band in LCL_PROBATION_TABLE:
        if term_months >= band.term_from_months and (
            band.term_below_months is None or term_months < band.term_below_months
        ):
            return band.max_probation_months
    raise AssertionError("the table covers every term")


# --- Social Insurance Law, Company Law, the State Council's capital provisions -------------------

SIL_REGISTRATION = StatutoryPeriod(
    amount=30,
    unit="days",
    statute=SOCIAL_INSURANCE_LAW,
    article=58,
    paragraph=1,
    summary=N_(
        "An employer applies for social insurance registration for each employee within 30 days "
        "of the first day of work."
    ),
)
COMPANY_CAPITAL_PAYMENT = StatutoryPeriod(
    amount=5,
    unit="years",
    statute=COMPANY_LAW,
    article=47,
    paragraph=1,
    summary=N_(
        "Shareholders of a limited liability company pay in their subscribed capital in full "
        "within five years of incorporation (companies formed before 2024-07-01 follow the State "
        "Council's transition rules)."
    ),
)

COMPANY_CAPITAL_TRANSITION = Article(
    statute=COMPANY_LAW,
    article=266,
    paragraph=2,
    summary=N_(
        "A company registered before this law took effect whose contribution period is longer "
        "than the law allows adjusts it gradually to within the law's period; the registration "
        "authority may require a company with a clearly abnormal period or amount to adjust it."
    ),
)
CAPITAL_TRANSITION = Article(
    statute=CAPITAL_REGISTRATION_PROVISIONS,
    article=2,
    paragraph=1,
    summary=N_(
        "A limited liability company registered by 30 June 2024 whose remaining contribution "
        "period exceeds five years from 1 July 2027 shortens it to five years by 30 June 2027 "
        "and records it in its articles of association, so that the capital is paid in by 30 "
        "June 2032; the promoters of a joint-stock company pay for their shares in full by 30 "
        "June 2027."
    ),
)

# --- Labour Contract Law, Labour Law, working hours ----------------------------------------------

LCL_DOUBLE_PAY = Article(
    statute=LABOUR_CONTRACT_LAW,
    article=82,
    paragraph=1,
    summary=N_(
        "An employer that has not signed a written labour contract more than one month but less "
        "than one year after employment began pays the worker double wages for each month."
    ),
)
LCL_CONFIDENTIALITY = Article(
    statute=LABOUR_CONTRACT_LAW,
    article=23,
    summary=N_(
        "An employer and a worker may agree to keep the employer's trade secrets and "
        "intellectual-property matters confidential; with a worker bound to confidentiality they "
        "may agree a non-compete clause, for which the employer pays monthly compensation during "
        "the restricted period after the employment ends."
    ),
)
LCL_NON_COMPETE = StatutoryPeriod(
    amount=2,
    unit="years",
    statute=LABOUR_CONTRACT_LAW,
    article=24,
    summary=N_(
        "Non-compete clauses bind only senior managers, senior technical staff and others bound "
        "to confidentiality; the restricted period after the employment ends is at most two "
        "years."
    ),
)
LCL_PENALTIES = Article(
    statute=LABOUR_CONTRACT_LAW,
    article=25,
    summary=N_(
        "An employer may agree penalties payable by the worker only for breach of a training "
        "service period (art. 22) or of a non-compete clause (art. 23)."
    ),
)
WORKING_HOURS = Article(
    statute=WORKING_HOURS_PROVISIONS,
    article=3,
    summary=N_("Employees work 8 hours a day and 40 hours a week."),
)
LABOUR_LAW_HOURS = Article(
    statute=LABOUR_LAW,
    article=36,
    summary=N_(
        "Working time is at most 8 hours a day and on average 44 hours a week (the State Council "
        "Provisions on Working Hours since set 40 hours a week, which govern)."
    ),
)
LABOUR_LAW_OVERTIME = Article(
    statute=LABOUR_LAW,
    article=41,
    summary=N_(
        "After consulting the trade union and the workers, an employer may extend working time "
        "by generally at most one hour a day, or for special reasons at most three hours a day, "
        "and never more than 36 hours a month."
    ),
)
LABOUR_LAW_OVERTIME_PAY = Article(
    statute=LABOUR_LAW,
    article=44,
    summary=N_(
        "Overtime is paid at least 150% of the wage on working days, 200% on rest days when no "
        "time off is given in lieu, and 300% on statutory holidays."
    ),
)
LABOUR_LAW_WAGES = Article(
    statute=LABOUR_LAW,
    article=50,
    summary=N_(
        "Wages are paid to the worker in person, in money, every month; they may not be "
        "deducted or delayed without cause."
    ),
)

# --- Civil Code: contracts -----------------------------------------------------------------------

CIVIL_CODE_CONTRACT_FORMATION = Article(
    statute=CIVIL_CODE,
    article=490,
    paragraph=1,
    summary=N_(
        "A contract made in writing is formed when every party has signed, sealed or "
        "fingerprinted it; whoever holds the seal can bind the firm."
    ),
)
CIVIL_CODE_STANDARD_TERMS = Article(
    statute=CIVIL_CODE,
    article=496,
    summary=N_(
        "A party using standard terms draws the other party's attention to terms that exclude "
        "or limit its liability and explains them when asked; otherwise the other party may "
        "claim that they are not part of the contract."
    ),
)
CIVIL_CODE_PERFORMANCE = Article(
    statute=CIVIL_CODE,
    article=509,
    summary=N_("The parties perform their obligations fully, as agreed, and in good faith."),
)

# --- Trademark Law -------------------------------------------------------------------------------

TRADEMARK_TERM = StatutoryPeriod(
    amount=10,
    unit="years",
    statute=TRADEMARK_LAW,
    article=39,
    summary=N_("A trademark registration is valid for ten years from the day it was approved."),
)
TRADEMARK_RENEWAL = StatutoryPeriod(
    amount=12,
    unit="months",
    statute=TRADEMARK_LAW,
    article=40,
    paragraph=1,
    summary=N_(
        "A registration is renewed within the 12 months before it expires, or within a grace "
        "period of 6 months after; each renewal lasts ten years, and a registration not renewed "
        "is cancelled."
    ),
)

# --- Personal Information Protection Law ---------------------------------------------------------

PIPL_INTERNAL_RULES = Article(
    statute=PIPL,
    article=51,
    summary=N_(
        "A personal-information handler sets internal management rules and procedures, "
        "classifies the personal information it holds, protects it with encryption and other "
        "security measures, limits who may handle it, trains its staff in security, and keeps "
        "an incident response plan."
    ),
)
PIPL_PROTECTION_OFFICER = Article(
    statute=PIPL,
    article=52,
    paragraph=1,
    summary=N_(
        "A handler of personal information in the volume the Cyberspace Administration sets "
        "appoints a personal-information protection officer to supervise its handling and "
        "protective measures."
    ),
)
PIPL_COMPLIANCE_AUDIT = Article(
    statute=PIPL,
    article=54,
    summary=N_(
        "A personal-information handler regularly audits its compliance with the laws and "
        "administrative regulations in handling personal information."
    ),
)
PIPL_CROSS_BORDER = Article(
    statute=PIPL,
    article=38,
    paragraph=1,
    summary=N_(
        "Personal information is provided outside the PRC for business needs only after the "
        "Cyberspace Administration's security assessment, a certification, or a contract on its "
        "standard terms with the recipient, or as the law otherwise provides."
    ),
)
PIPL_CROSS_BORDER_CONSENT = Article(
    statute=PIPL,
    article=39,
    summary=N_(
        "Before personal information goes outside the PRC, the individual is told who receives "
        "it, how to reach them, why and how it is processed and how to exercise their rights, "
        "and gives separate consent."
    ),
)

# --- Export Control Law, Work Safety Law ---------------------------------------------------------

EXPORT_CONTROL_LICENCE = Article(
    statute=EXPORT_CONTROL_LAW,
    article=12,
    summary=N_(
        "Controlled items, on the control lists or temporarily controlled, are exported only "
        "under a licence; other goods, technology and services need one too where the exporter "
        "knows or is told of the risks the law lists."
    ),
)
EXPORT_CONTROL_COMPLIANCE = Article(
    statute=EXPORT_CONTROL_LAW,
    article=14,
    summary=N_(
        "An exporter that runs a sound internal export-control compliance system may be given "
        "facilitation such as general licences."
    ),
)
WORK_SAFETY_MANAGEMENT = Article(
    statute=WORK_SAFETY_LAW,
    article=24,
    summary=N_(
        "Mines, metal smelters, building construction, transport units and units producing, "
        "trading, storing or loading hazardous goods set up a safety management body or employ "
        "full-time safety officers whatever their size; other units do so above 100 employees, "
        "and with 100 or fewer employ full-time or part-time safety officers."
    ),
)
WORK_SAFETY_TRAINING = Article(
    statute=WORK_SAFETY_LAW,
    article=28,
    summary=N_(
        "A unit gives its employees safety education and training, so that they know the "
        "safety rules and operating procedures of their posts; no one works untrained."
    ),
)

ALL_PERIODS: tuple[StatutoryPeriod, ...] = (
    LDMAL_MEDIATION,
    LDMAL_ACCEPTANCE,
    LDMAL_AWARD,
    LDMAL_AWARD_EXTENSION,
    LDMAL_LIMITATION,
    LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD,
    LDMAL_EMPLOYER_SET_ASIDE,
    LDMAL_SUIT_AFTER_AWARD,
    CPL_JUDICIAL_CONFIRMATION,
    LCL_WRITTEN_CONTRACT,
    LCL_DEEMED_OPEN_ENDED,
    LCL_PROBATION,
    SIL_REGISTRATION,
    COMPANY_CAPITAL_PAYMENT,
    LCL_NON_COMPETE,
    TRADEMARK_TERM,
    TRADEMARK_RENEWAL,
)
ALL_LIMITS: tuple[StatutoryLimit, ...] = (LDMAL_FINAL_AWARD_LIMIT, LCL_PROBATION_MIN_PAY)
ALL_ARTICLES: tuple[Article, ...] = (
    COMPANY_CAPITAL_TRANSITION,
    CAPITAL_TRANSITION,
    LCL_DOUBLE_PAY,
    LCL_CONFIDENTIALITY,
    LCL_PENALTIES,
    WORKING_HOURS,
    LABOUR_LAW_HOURS,
    LABOUR_LAW_OVERTIME,
    LABOUR_LAW_OVERTIME_PAY,
    LABOUR_LAW_WAGES,
    CIVIL_CODE_CONTRACT_FORMATION,
    CIVIL_CODE_STANDARD_TERMS,
    CIVIL_CODE_PERFORMANCE,
    PIPL_INTERNAL_RULES,
    PIPL_PROTECTION_OFFICER,
    PIPL_COMPLIANCE_AUDIT,
    PIPL_CROSS_BORDER,
    PIPL_CROSS_BORDER_CONSENT,
    EXPORT_CONTROL_LICENCE,
    EXPORT_CONTROL_COMPLIANCE,
    WORK_SAFETY_MANAGEMENT,
    WORK_SAFETY_TRAINING,
)
