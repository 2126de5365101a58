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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules.messages import N_

__all__ = [
    "ALL_LIMITS",
    "ALL_PERIODS",
    "CIVIL_PROCEDURE_LAW",
    "COMPANY_CAPITAL_PAYMENT",
    "COMPANY_LAW",
    "CPL_JUDICIAL_CONFIRMATION",
    "LABOUR_CONTRACT_LAW",
    "LCL_DEEMED_OPEN_ENDED",
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
    "SIL_REGISTRATION",
    "SOCIAL_INSURANCE_LAW",
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
    """Citation helpers shared by periods and limits."""

    statute: Statute
    article: int
    paragraph: int | None

    @property
    def citation_zh(self) -> str:
        """The citation as Chinese documents write it: 《…》第十四条第二款."""
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


# --- Social Insurance Law, Company Law ----------------------------------------------------------

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
)
ALL_LIMITS: tuple[StatutoryLimit, ...] = (LDMAL_FINAL_AWARD_LIMIT, LCL_PROBATION_MIN_PAY)
