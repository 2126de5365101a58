"""The documents of a mediated dispute as PDF: the people's mediation agreement (人民调解协议书)
and the parties' joint application for its judicial confirmation (司法确认申请书).

`agreement_document` and `confirmation_application` read a `DisputeCase` once and fill plain
dataclasses; the layout code takes only those. Both documents name the workers who are parties
(personal data): serve them to the case's own staff and coordinators only, as
`agreement_for` and `confirmation_application_for` do (`services.can_see_personal_data`).

The application follows Civil Procedure Law art. 205: both parties apply together, within 30 days
of the agreement taking effect, to the basic people's court where the mediation organisation is.
The last day is counted by calendars.periods (start day not counted; a last day off moves to the
next working day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from calendars import periods
from programs.accounts.models import User
from programs.directory.models import Enterprise
from programs.disputes import services
from programs.disputes.models import PARTY_KINDS, PARTY_SIDES, CaseTransition, DisputeCase
from programs.errors import DomainError, NotFound
from programs.i18n import N_, gettext, translate
from reports.pdf import render_html, write_pdf
from reports.registry import ReportType, register
from rules.disputes import DISPUTE_TYPES, SUBJECT_NAMES, TYPE_NAMES
from rules.statutes import CPL_JUDICIAL_CONFIRMATION

AGREEMENT_TITLE = N_("People's mediation agreement")
APPLICATION_TITLE = N_("Application for judicial confirmation")
# Translators: the mediation organisation, e.g. 烟庄镇一站式矛盾纠纷调解中心; {town} is its name.
CENTRE_NAME = N_("{town} one-stop dispute mediation centre")
# Translators: the court an application goes to, e.g. 烟庄镇所在地基层人民法院.
COURT_NAME = N_("The basic people's court where {town} lies")
NO_AGREEMENT = N_("The mediation agreement is drawn up once the case has reached an agreement.")
NO_TERMS = N_(
    "The case has no agreed terms; record the terms of the agreement before drawing it up."
)
ONE_SIDED = N_(
    "A mediation agreement needs a party on each side; name the workers or the other party on "
    "the case first."
)
SIDES = ("applicant", "respondent")  # the parties who sign; joined authorities do not


# --- Amounts --------------------------------------------------------------------------------------

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAPITAL_UNITS = ("仟", "佰", "拾", "")
_CAPITAL_GROUPS = ("", "万", "亿", "万亿")
CAPITAL_LIMIT = Decimal(10) ** 16  # 壹万亿 groups go no higher


def capital_yuan(amount: Decimal | int | str) -> str:
    """An amount of yuan in Chinese capital numerals (大写), as contracts and bills write it:
    80000 → 捌万元整, 1680.32 → 壹仟陆佰捌拾元零叁角贰分, 0 → 零元整.

    Follows the People's Bank's rules for filling in bills (正确填写票据和结算凭证的基本规定):
    整 after 元 when there are no jiao or fen; one 零 for a run of zeros inside the number, and
    between 元 and 角 when the yuan end in zero; 壹拾 for a leading ten. ValueError for a negative
    amount, more than two decimals, or 10^16 yuan and over.
    """
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite() or value < 0 or value >= CAPITAL_LIMIT:
        raise ValueError(f"not an amount of yuan from 0 to 10^16: {amount!r}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {amount!r}")
    yuan, rest = divmod(int(cents), 100)
    jiao, fen = divmod(rest, 10)
    if not rest:
        return (_capital_integer(yuan) if yuan else "零") + "元整"
    out = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        if yuan and yuan % 10 == 0:
            out += "零"
        out += _CAPITAL_DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            out += "零"
        out += _CAPITAL_DIGITS[fen] + "分"
    return out


def _capital_integer(number: int) -> str:
    """A whole number from 1 in capital numerals, by groups of four digits (万, 亿)."""
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    out, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(out)  # a group of zeros between two that are not: one 零
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _capital_group(group) + _CAPITAL_GROUPS[index]
        gap = False
    return out


def _capital_group(group: int) -> str:
    """1..9999; zeros inside become one 零, trailing zeros nothing."""
    out, zero = "", False
    for digit, unit in zip(f"{group:04d}", _CAPITAL_UNITS, strict=True):
        if digit == "0":
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _CAPITAL_DIGITS[int(digit)] + unit
    return out


def format_yuan(amount: Decimal) -> str:
    """Yuan with two decimals and thousands separators: 80,000.00."""
    return f"{Decimal(amount):,.2f}"


# --- The plain data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A party who signs: a firm (with its credit code and address when the directory has it),
    a worker or another person (name and contact only)."""

    side: str  # "applicant" | "respondent"
    kind: str  # PARTY_KINDS
    name: str
    contact: str = ""
    credit_code: str = ""
    address: str = ""

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"a signing party is an applicant or a respondent, not {self.side!r}")
        if self.kind not in PARTY_KINDS:
            raise ValueError(f"unknown party kind {self.kind!r}")


@dataclass(frozen=True)
class AgreementDocument:
    """What the mediation agreement shows: the case, the parties on both sides, the mediation
    organisation and mediator, the dispute, the terms agreed and the day they were agreed."""

    number: str
    case_type: str  # "labour" | "commercial"
    subject: str  # SUBJECT_NAMES
    town: str
    parties: tuple[Party, ...]
    summary: str
    amount_claimed: Decimal
    terms: str
    agreed_amount: Decimal
    agreed_on: date
    mediator: str = ""  # the assignee's name; blank for a hand-written one

    def __post_init__(self) -> None:
        if self.case_type not in DISPUTE_TYPES:
            raise ValueError(f"only a dispute has a mediation agreement, not {self.case_type!r}")
        if self.subject not in SUBJECT_NAMES:
            raise ValueError(f"unknown subject {self.subject!r}")
        if not self.terms.strip():
            raise ValueError("an agreement has terms")
        if not (self.applicants and self.respondents):
            raise ValueError("an agreement has a party on each side")
        object.__setattr__(self, "parties", tuple(self.parties))

    @property
    def applicants(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.side == "applicant")

    @property
    def respondents(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.side == "respondent")

    @property
    def copies(self) -> int:
        """One for each party and one kept by the mediation organisation."""
        return len(self.parties) + 1


@dataclass(frozen=True)
class ConfirmationApplication:
    """The joint application for judicial confirmation of an agreement, with the last day to
    file it (30 days from the agreement taking effect, Civil Procedure Law art. 205)."""

    agreement: AgreementDocument
    last_day: date
    last_day_moved: bool = False  # the 30th day was a day off: the next working day

    def __post_init__(self) -> None:
        if self.last_day <= self.agreement.agreed_on:
            raise ValueError("the last day to apply comes after the agreement")


# --- From a case ---------------------------------------------------------------------------------


def agreement_on(case: DisputeCase) -> date:
    """The day the case's standing agreement was reached: its latest move into "agreement",
    unless it went back to mediation afterwards (a rejected confirmation needs a new one)."""
    session = object_session(case)
    if session is None:
        moves = [m for m in case.transitions if m.to_stage in ("agreement", "mediation")]
        last = moves[-1] if moves else None
    else:
        # Asked of the database: services.move_case adds transitions without appending them to
        # `case.transitions`, so a collection loaded before a move would miss it.
        last = session.scalar(
            select(CaseTransition)
            .where(
                CaseTransition.case_id == case.id,
                CaseTransition.to_stage.in_(("agreement", "mediation")),
            )
            .order_by(CaseTransition.id.desc())
            .limit(1)
        )
    if last is None or last.to_stage != "agreement":
        raise DomainError(NO_AGREEMENT)
    return last.on


def agreement_document(case: DisputeCase) -> AgreementDocument:
    """The mediation agreement of a case that has reached one (DomainError otherwise)."""
    if case.case_type not in DISPUTE_TYPES:
        raise DomainError(NO_AGREEMENT)
    agreed_on = agreement_on(case)
    if not case.agreement_terms.strip():
        raise DomainError(NO_TERMS)
    firms = {f.id: f for f in (case.enterprise, case.counterparty) if f is not None}
    parties = tuple(
        _party(p.side, p.kind, p.name, p.contact, firms.get(p.enterprise_id))
        for p in case.parties
        if p.side in SIDES
    )
    if not all(any(p.side == side for p in parties) for side in SIDES):
        raise DomainError(ONE_SIDED)
    return AgreementDocument(
        number=case.number,
        case_type=case.case_type,
        subject=case.subject,
        town=case.town.name,
        parties=parties,
        summary=case.summary,
        amount_claimed=case.amount_claimed or Decimal(0),
        terms=case.agreement_terms.strip(),
        agreed_amount=case.agreed_amount or Decimal(0),
        agreed_on=agreed_on,
        mediator=case.assignee.display_name if case.assignee is not None else "",
    )


def _party(side: str, kind: str, name: str, contact: str, firm: Enterprise | None) -> Party:
    if firm is None:
        return Party(side=side, kind=kind, name=name, contact=contact)
    return Party(
        side=side,
        kind=kind,
        name=name,
        contact=contact or firm.contact_phone,
        credit_code=firm.credit_code,
        address=firm.address,
    )


def confirmation_application(case: DisputeCase) -> ConfirmationApplication:
    """The joint application for judicial confirmation of the case's agreement."""
    agreement = agreement_document(case)
    deadline = periods.add_days(agreement.agreed_on, CPL_JUDICIAL_CONFIRMATION.amount)
    return ConfirmationApplication(
        agreement=agreement, last_day=deadline.due_on, last_day_moved=deadline.extended
    )


# --- Layout --------------------------------------------------------------------------------------


def centre_name(town: str, locale: str) -> str:
    """The mediation organisation: the town's one-stop dispute mediation centre."""
    return translate(CENTRE_NAME, locale, {"town": town})


def court_name(town: str, locale: str) -> str:
    """The court an application goes to: the basic people's court where the centre is."""
    return translate(COURT_NAME, locale, {"town": town})


def _citation(locale: str) -> str:
    period = CPL_JUDICIAL_CONFIRMATION
    if locale == "en":
        return f"{period.statute.name_en} {period.citation}"
    return period.citation_zh


def _context(agreement: AgreementDocument, locale: str) -> dict[str, object]:
    return {
        "doc": agreement,
        "centre": centre_name(agreement.town, locale),
        "sides": PARTY_SIDES,
        "kinds": PARTY_KINDS,
        "case_type": TYPE_NAMES[agreement.case_type],
        "subject": SUBJECT_NAMES[agreement.subject],
        "amount_claimed": format_yuan(agreement.amount_claimed),
        "amount_claimed_capital": capital_yuan(agreement.amount_claimed),
        "agreed_amount": format_yuan(agreement.agreed_amount),
        "agreed_amount_capital": capital_yuan(agreement.agreed_amount),
        "separator": ", " if locale == "en" else "、",
        "citation": _citation(locale),
        "confirmation_days": CPL_JUDICIAL_CONFIRMATION.amount,
        "running_note": agreement.number,
    }


def agreement_html(agreement: AgreementDocument, locale: str = "zh_Hans") -> str:
    """The HTML `agreement_pdf` lays out."""
    return render_html(
        "disputes/agreement.html",
        _context(agreement, locale),
        locale=locale,
        title=gettext(locale, AGREEMENT_TITLE),
    )


def confirmation_application_html(
    application: ConfirmationApplication, locale: str = "zh_Hans"
) -> str:
    """The HTML `confirmation_application_pdf` lays out."""
    context = {
        **_context(application.agreement, locale),
        "application": application,
        "court": court_name(application.agreement.town, locale),
    }
    return render_html(
        "disputes/confirmation_application.html",
        context,
        locale=locale,
        title=gettext(locale, APPLICATION_TITLE),
    )


def agreement_pdf(case: DisputeCase, locale: str = "zh_Hans") -> bytes:
    """The case's people's mediation agreement as PDF (DomainError before an agreement)."""
    return write_pdf(agreement_html(agreement_document(case), locale))


def confirmation_application_pdf(case: DisputeCase, locale: str = "zh_Hans") -> bytes:
    """The parties' joint application for judicial confirmation of the case's agreement, as
    PDF (DomainError before an agreement)."""
    return write_pdf(confirmation_application_html(confirmation_application(case), locale))


@register
class MediationAgreementReport(ReportType):
    """A case's people's mediation agreement."""

    name = "mediation_agreement"
    title = AGREEMENT_TITLE

    def render(self, data: AgreementDocument, locale: str) -> tuple[str, str, bytes]:
        """`data` is an `AgreementDocument`; the file is named after the case number."""
        if not isinstance(data, AgreementDocument):
            raise TypeError(f"{self.name} renders an AgreementDocument, not {type(data).__name__}")
        pdf = write_pdf(agreement_html(data, locale))
        return f"mediation-agreement-{data.number}.pdf", "application/pdf", pdf


@register
class ConfirmationApplicationReport(ReportType):
    """The joint application for judicial confirmation of a case's mediation agreement."""

    name = "judicial_confirmation_application"
    title = APPLICATION_TITLE

    def render(self, data: ConfirmationApplication, locale: str) -> tuple[str, str, bytes]:
        """`data` is a `ConfirmationApplication`; the file is named after the case number."""
        if not isinstance(data, ConfirmationApplication):
            raise TypeError(
                f"{self.name} renders a ConfirmationApplication, not {type(data).__name__}"
            )
        pdf = write_pdf(confirmation_application_html(data, locale))
        filename = f"judicial-confirmation-application-{data.agreement.number}.pdf"
        return filename, "application/pdf", pdf


def _for_staff(session: Session, actor: User, case_id: int) -> DisputeCase:
    """The case, if the actor may see the workers the documents name (its staff, coordinators);
    to anyone else it does not exist."""
    case = services.get_case(session, actor, case_id)
    if not services.can_see_personal_data(session, actor, case):
        raise NotFound(N_("The page you asked for does not exist."))
    return case


def agreement_for(
    session: Session, actor: User, case_id: int, *, locale: str
) -> tuple[str, str, bytes]:
    """The case's mediation agreement as the file to serve, for its staff and coordinators."""
    case = _for_staff(session, actor, case_id)
    return MediationAgreementReport().render(agreement_document(case), locale)


def confirmation_application_for(
    session: Session, actor: User, case_id: int, *, locale: str
) -> tuple[str, str, bytes]:
    """The case's application for judicial confirmation as the file to serve, for its staff
    and coordinators."""
    case = _for_staff(session, actor, case_id)
    return ConfirmationApplicationReport().render(confirmation_application(case), locale)
