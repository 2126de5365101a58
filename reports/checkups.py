"""The enterprise legal check-up report (企业法治体检报告) as PDF.

What the firm receives after its check-up: a cover with the grade, a summary with the reasons the
rules gave for it and the counts, the findings, a recommendation with its legal basis for each,
the items found compliant, where each fix stands, and the consultant's signature.

The application fills `CheckupReport` and `ReportItem` from its queries; this module only lays
them out. Area, item, question and industry names are message ids (translated here); the
consultant's and the firm's own words (finding, recommendation, opinion, fix note) and the
Chinese citations of the legal basis are printed as given, escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from programs.accounts.models import User
from programs.checkups import services
from programs.checkups.models import CHECKUP_STATUSES, Checkup
from programs.checkups.models import FIX_STATUSES as MODEL_FIX_STATUSES
from programs.checkups.models import RESULTS as ITEM_RESULTS
from programs.directory.models import INDUSTRIES
from programs.errors import DomainError
from programs.i18n import N_, gettext, translate
from reports.cache import Cache
from reports.pdf import render_html, write_pdf
from reports.registry import ReportType, register
from rules.checkups import AREAS, CHECK_ITEMS, RISK_LEVELS
from rules.checkups import GRADES as RULE_GRADES

TITLE = N_("Enterprise legal check-up report")
# Translators: who issues the report, on the cover and in the footer (星期五法治服务日 · 企业法治体检).
ISSUER = N_("Friday Law Service Day · legal check-up")
# The vocabularies are the program's own; a report prints the firm's and the rules' words.
GRADES = RULE_GRADES
RISKS = RISK_LEVELS
RESULTS = {code: name for code, name in ITEM_RESULTS.items() if code != "pending"}
FIX_STATUSES = MODEL_FIX_STATUSES
STATUSES = CHECKUP_STATUSES


@dataclass(frozen=True)
class ReportItem:
    """One item of the checklist as the report shows it: what was checked, on which legal
    basis, the result, and for a finding the risk, the recommendation and where its fix stands."""

    position: int  # 1-based, report order
    code: str  # item code, e.g. "written_contract"
    area: str  # message id of the area name
    title: str  # message id of the item title
    question: str  # message id: what was checked
    bases: tuple[str, ...]  # Chinese citations: 《中华人民共和国劳动合同法》第十条第二款
    result: str  # RESULTS
    risk: str | None = None  # RISKS, for a finding
    urgent: bool = False
    finding: str = ""  # the consultant's own words
    recommendation: str = ""
    fix_due_on: date | None = None
    fix_status: str | None = None  # FIX_STATUSES, for a finding
    fixed_on: date | None = None
    fix_note: str = ""  # the firm's note on the fix
    verified_on: date | None = None
    accepted_on: date | None = None  # accepted as a risk by the firm in writing
    overdue: bool = False  # open and past its due date on the day of the report

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"item {self.position}: unknown result {self.result!r}")
        if self.result == "finding":
            if self.risk not in RISKS:
                raise ValueError(f"item {self.position}: a finding has a risk, not {self.risk!r}")
            if self.fix_status not in FIX_STATUSES:
                raise ValueError(
                    f"item {self.position}: a finding has a fix status, not {self.fix_status!r}"
                )
        object.__setattr__(self, "bases", tuple(self.bases))

    @property
    def is_finding(self) -> bool:
        return self.result == "finding"


@dataclass(frozen=True)
class ReportCounts:
    """What the report adds up to: items by result, findings by risk, fixes by status."""

    checked: int
    compliant: int
    findings: int
    not_applicable: int
    high: int
    medium: int
    low: int
    urgent: int
    fixed: int  # fixed, awaiting verification
    verified: int
    accepted: int
    open: int
    overdue: int  # open and past the due date (counted among `open` too)


@dataclass(frozen=True)
class CheckupReport:
    """One firm's check-up, examined and graded: everything its report shows."""

    number: str  # TJ-2026-0007
    enterprise_name: str
    credit_code: str
    town: str
    industry: str  # message id of the industry name
    employees: int
    address: str
    consultant_name: str
    consultant_title: str  # 律师
    consultant_organisation: str  # 江苏某某律师事务所
    requested_on: date
    examined_on: date
    grade: str  # GRADES
    grade_reasons: tuple[tuple[str, Mapping[str, Any]], ...]  # (msgid, params), in order
    summary: str  # the consultant's overall opinion
    items: tuple[ReportItem, ...]
    status: str  # "reported" | "closed" (others are printed by their label or code)
    closed_on: date | None
    generated_on: date

    def __post_init__(self) -> None:
        if self.grade not in GRADES:
            raise ValueError(f"unknown grade {self.grade!r}")
        object.__setattr__(self, "items", tuple(sorted(self.items, key=lambda i: i.position)))
        object.__setattr__(self, "grade_reasons", tuple(self.grade_reasons))

    @property
    def findings(self) -> tuple[ReportItem, ...]:
        return tuple(i for i in self.items if i.result == "finding")

    @property
    def compliant_items(self) -> tuple[ReportItem, ...]:
        return tuple(i for i in self.items if i.result == "compliant")

    @property
    def not_applicable_items(self) -> tuple[ReportItem, ...]:
        return tuple(i for i in self.items if i.result == "not_applicable")

    @property
    def counts(self) -> ReportCounts:
        """Items by result, findings by risk and urgency, fixes by status."""
        findings = self.findings
        by_fix = [f.fix_status for f in findings]
        by_risk = [f.risk for f in findings]
        return ReportCounts(
            checked=len(self.items),
            compliant=len(self.compliant_items),
            findings=len(findings),
            not_applicable=len(self.not_applicable_items),
            high=by_risk.count("high"),
            medium=by_risk.count("medium"),
            low=by_risk.count("low"),
            urgent=sum(f.urgent for f in findings),
            fixed=by_fix.count("fixed"),
            verified=by_fix.count("verified"),
            accepted=by_fix.count("accepted"),
            open=by_fix.count("open"),
            overdue=sum(f.overdue and f.fix_status == "open" for f in findings),
        )


def _context(report: CheckupReport, locale: str) -> dict[str, Any]:
    # Message ids held in the data are translated here rather than with the template's _():
    # Jinja's new-style gettext %-formats every string it returns and marks it safe, so an
    # item title with a "%" would break the page and a translation would skip escaping.
    msg: Callable[[str], str] = partial(gettext, locale)
    return {
        "report": report,
        "counts": report.counts,
        "msg": msg,
        "grade_name": msg(GRADES[report.grade]),
        "reasons": [translate(msgid, locale, params) for msgid, params in report.grade_reasons],
        "status_name": msg(STATUSES[report.status]) if report.status in STATUSES else report.status,
        "issuer": msg(ISSUER),
        "risks": RISKS,
        "results": RESULTS,
        "fix_statuses": FIX_STATUSES,
        "generated_on": report.generated_on,
        "running_note": f"{report.enterprise_name} · {report.number}",
        "colon": ": " if locale == "en" else "：",
        "separator": "; " if locale == "en" else "；",
    }


def checkup_report_html(report: CheckupReport, locale: str = "zh_Hans") -> str:
    """The HTML `checkup_report_pdf` lays out (open it in a browser to work on the template)."""
    return render_html(
        "checkups/report.html",
        _context(report, locale),
        locale=locale,
        title=gettext(locale, TITLE),
    )


# Reports laid out, by everything they show: the same report asked for again (the firm downloads
# it twice, a coordinator opens it after the consultant) is served without a second layout,
# which is most of its cost (about a second of WeasyPrint). Any change to what the report shows,
# and a new day (its date), is another key. Per process; about 100 KB each.
_LAID_OUT = Cache(size=64)


def checkup_report_pdf(report: CheckupReport, locale: str = "zh_Hans") -> bytes:
    """The check-up report as PDF: A4 portrait, a cover and then the report itself."""
    key = hashlib.sha256(repr((report, locale)).encode()).hexdigest()
    return _LAID_OUT.held(key, lambda: write_pdf(checkup_report_html(report, locale)))


@register
class CheckupReportType(ReportType):
    """The enterprise legal check-up report a firm receives."""

    name = "checkup_report"
    title = TITLE

    def render(self, data: CheckupReport, locale: str) -> tuple[str, str, bytes]:
        """`data` is a `CheckupReport`; the file is named after the check-up number."""
        if not isinstance(data, CheckupReport):
            raise TypeError(f"{self.name} renders a CheckupReport, not {type(data).__name__}")
        return (
            f"checkup-report-{data.number}.pdf",
            "application/pdf",
            checkup_report_pdf(data, locale),
        )


# --- From the database ----------------------------------------------------------------------------


def report_document(checkup: Checkup, today: date) -> CheckupReport:
    """The report's plain data, read once from a check-up (DomainError before it is graded)."""
    if checkup.status not in ("reported", "closed") or checkup.grade is None:
        raise DomainError(
            N_("The report is drawn up once the consultant has finished the examination.")
        )
    firm = checkup.enterprise
    consultant = checkup.consultant
    record = checkup.grade_decision
    reasons: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    if record is not None:
        reasons = tuple(
            (fired["reason"]["msgid"], fired["reason"].get("params", {}))
            for fired in record.record.get("fired", [])
            if fired.get("rule") != "checked"
        )
    items = []
    for item in checkup.items:
        spec = CHECK_ITEMS[item.code]
        items.append(
            ReportItem(
                position=item.position,
                code=item.code,
                area=AREAS[spec.area],
                title=spec.title,
                question=spec.question,
                bases=spec.citations_zh,
                result=item.result,
                risk=item.risk,
                urgent=item.urgent,
                finding=item.finding,
                recommendation=item.recommendation,
                fix_due_on=item.fix_due_on,
                fix_status=item.fix_status,
                fixed_on=item.fixed_on,
                fix_note=item.fix_note,
                verified_on=item.verified_on,
                accepted_on=item.accepted_on,
                overdue=item.overdue(today),
            )
        )
    return CheckupReport(
        number=checkup.number,
        enterprise_name=firm.name,
        credit_code=firm.credit_code,
        town=firm.town.name,
        industry=INDUSTRIES.get(firm.industry, firm.industry),
        employees=firm.employee_count,
        address=firm.address,
        consultant_name=consultant.name if consultant else "",
        consultant_title=consultant.title if consultant else "",
        consultant_organisation=consultant.organisation if consultant else "",
        requested_on=checkup.requested_on,
        examined_on=checkup.examined_on or checkup.requested_on,
        grade=checkup.grade,
        grade_reasons=reasons,
        summary=checkup.summary,
        items=tuple(items),
        status=checkup.status,
        closed_on=checkup.closed_on,
        generated_on=today,
    )


def report_for(
    session: Session, actor: User, checkup_id: int, *, locale: str, today: date
) -> tuple[str, str, bytes]:
    """The check-up's report as the file to serve: to the firm, its consultant, coordinators."""
    checkup = services.get_checkup(session, actor, checkup_id)
    return CheckupReportType().render(report_document(checkup, today), locale)
