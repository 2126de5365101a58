"""The study-tour term plan (研学计划表) as PDF.

The application fills `TermPlan` and `PlanRow` from its queries; this module only lays them out.
School, town, activity and instructor names and slot labels are data and are printed as given;
the words around them come from the message catalog.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from calendars import TZ, is_provisional, today
from programs.directory.models import School
from programs.i18n import N_, gettext, translate
from programs.study_tours import queries, services
from programs.study_tours.models import SESSION_KINDS, VISIT_STATUSES
from programs.study_tours.terms import TERMS, Term
from reports.pdf import render_html, write_pdf
from reports.registry import ReportType, register

# About one accompanying teacher per 20 students is common practice (DOMAIN.md).
STUDENTS_PER_TEACHER = 20
PLAN_STATUSES = {k: VISIT_STATUSES[k] for k in ("draft", "published")}
DEFAULT_TITLE = N_("Study-tour term plan")
PROVISIONAL_WARNING = N_(
    "The holiday arrangement for {years} has not been published; dates in it may change."
)


@dataclass(frozen=True)
class PlanRow:
    """One school's group at one session: a line of the plan."""

    on: date
    weekday: int  # 0 = Monday; must agree with `on`
    slot: str  # as the reader says it: "上午 09:00–11:30"
    kind: str  # "base" | "touring"
    school: str
    town: str
    grade: int
    classes: int
    students: int
    teachers: int
    activities: tuple[str, ...] = ()
    instructors: tuple[str, ...] = ()
    status: str = "draft"  # "draft" | "published"
    provisional: bool = False  # the holiday arrangement for on.year is not published yet

    def __post_init__(self) -> None:
        if self.weekday != self.on.weekday():
            raise ValueError(f"{self.on} is weekday {self.on.weekday()}, not {self.weekday}")
        if self.kind not in SESSION_KINDS:
            raise ValueError(f"unknown session kind {self.kind!r}")
        if self.status not in PLAN_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        object.__setattr__(self, "activities", tuple(self.activities))
        object.__setattr__(self, "instructors", tuple(self.instructors))

    @property
    def teachers_needed(self) -> int:
        """Accompanying teachers the group should bring (one per 20 students, at least one)."""
        return max(1, math.ceil(self.students / STUDENTS_PER_TEACHER))

    @property
    def few_teachers(self) -> bool:
        """Whether the group brings fewer teachers than the usual ratio asks."""
        return self.teachers < self.teachers_needed


@dataclass(frozen=True)
class PlanTotals:
    """What the plan adds up to."""

    visits: int
    students: int
    teachers: int
    schools: int  # schools covered
    towns: int
    base_sessions: int
    touring_sessions: int
    drafts: int


@dataclass(frozen=True)
class TermPlan:
    """One term's study-tour plan, city-wide or for one school (`school` set).

    `title` is a message id, translated when the PDF is rendered (text that is not in the
    catalog, such as a title the caller has already localised, is printed unchanged).
    Rows are printed by date; the rows of one day keep the order they come in (slots first, as
    the caller knows them).
    """

    city: str
    base: str
    school_year: int  # the year the school year starts: 2026 = 2026–2027
    term: str  # "autumn" | "spring"
    starts_on: date
    ends_on: date
    rows: tuple[PlanRow, ...]
    generated_on: date
    provisional_years: tuple[int, ...] = ()
    school: str | None = None
    title: str = DEFAULT_TITLE

    def __post_init__(self) -> None:
        if self.term not in TERMS:
            raise ValueError(f"unknown term {self.term!r}")
        rows = sorted(self.rows, key=lambda r: r.on)  # stable: a day's rows keep their order
        object.__setattr__(self, "rows", tuple(rows))
        object.__setattr__(self, "provisional_years", tuple(sorted(set(self.provisional_years))))

    @property
    def totals(self) -> PlanTotals:
        """Visits, students, teachers, schools and towns covered, sessions, drafts."""
        rows = self.rows
        return PlanTotals(
            visits=len(rows),
            students=sum(r.students for r in rows),
            teachers=sum(r.teachers for r in rows),
            schools=len({r.school for r in rows}),
            towns=len({r.town for r in rows}),
            base_sessions=len({(r.on, r.slot) for r in rows if r.kind == "base"}),
            touring_sessions=len({(r.on, r.slot, r.school) for r in rows if r.kind == "touring"}),
            drafts=sum(r.status == "draft" for r in rows),
        )

    @property
    def warning_years(self) -> tuple[int, ...]:
        """Years whose holiday arrangement is unknown: those given, and those of provisional rows."""
        years = set(self.provisional_years) | {r.on.year for r in self.rows if r.provisional}
        return tuple(sorted(years))

    @property
    def months(self) -> list[tuple[date, list[PlanRow]]]:
        """The rows grouped by month: (first day of the month, rows)."""
        grouped = itertools.groupby(self.rows, key=lambda r: r.on.replace(day=1))
        return [(month, list(rows)) for month, rows in grouped]

    @property
    def code(self) -> str:
        """The term as the CLI names it: 2026-autumn, 2027-spring (the spring of 2026–2027)."""
        year = self.school_year if self.term == "autumn" else self.school_year + 1
        return f"{year}-{self.term}"


def term_plan_pdf(plan: TermPlan, locale: str = "zh_Hans") -> bytes:
    """The term plan as PDF: city-wide on A4 landscape, one table per month; for one school a
    shorter portrait list of its visits with a reminder of what the school must do."""
    return write_pdf(term_plan_html(plan, locale))


def term_plan_html(plan: TermPlan, locale: str = "zh_Hans") -> str:
    """The HTML `term_plan_pdf` lays out (open it in a browser to work on the template)."""
    years = plan.warning_years
    sep = "、" if locale != "en" else ", "
    context = {
        "plan": plan,
        "totals": plan.totals,
        "months": plan.months,
        "generated_on": plan.generated_on,
        "landscape": not plan.school,
        "kinds": SESSION_KINDS,
        "statuses": PLAN_STATUSES,
        "term_name": TERMS[plan.term],
        "students_per_teacher": STUDENTS_PER_TEACHER,
        "warning": (
            translate(PROVISIONAL_WARNING, locale, {"years": sep.join(map(str, years))})
            if years
            else None
        ),
    }
    template = "study_tours/school_plan.html" if plan.school else "study_tours/term_plan.html"
    return render_html(template, context, locale=locale, title=gettext(locale, plan.title))


@register
class StudyTourPlanReport(ReportType):
    """The study-tour term plan, city-wide or for one school."""

    name = "study_tour_plan"
    title = N_("Study-tour term plan")

    def render(self, data: TermPlan, locale: str) -> tuple[str, str, bytes]:
        """`data` is a `TermPlan`; the file is named after the term (and "school" for one school)."""
        if not isinstance(data, TermPlan):
            raise TypeError(f"{self.name} renders a TermPlan, not {type(data).__name__}")
        suffix = "-school" if data.school else ""
        filename = f"study-tour-plan-{data.code}{suffix}.pdf"
        return filename, "application/pdf", term_plan_pdf(data, locale)


def term_plan_for(
    session: Session, term: Term, *, locale: str, school_id: int | None = None
) -> tuple[str, str, bytes]:
    """The term plan of the whole city (or of one school) as the PDF to serve.

    Built from what `programs.study_tours.queries` returns, never from pages or forms.
    """
    from programs.demo import CITY

    base = services.the_base(session)
    visits = queries.term_visits(session, term, school_id)
    rows = []
    for visit in visits:
        row = visit.session
        starts = row.starts_at.astimezone(TZ).strftime("%H:%M")
        ends = row.ends_at.astimezone(TZ).strftime("%H:%M")
        half = translate(N_("Morning") if row.slot == "am" else N_("Afternoon"), locale)
        rows.append(
            PlanRow(
                on=row.on,
                weekday=row.on.weekday(),
                slot=f"{half} {starts}–{ends}",
                kind=row.kind,
                school=visit.school.name,
                town=visit.school.town.name,
                grade=visit.grade,
                classes=visit.classes,
                students=visit.students,
                teachers=visit.teachers,
                activities=tuple(a.name for a in visit.activities),
                instructors=tuple(i.name for i in row.instructors),
                status=visit.status,
                provisional=is_provisional(row.on.year),
            )
        )
    school = session.get(School, school_id) if school_id else None
    plan = TermPlan(
        city=CITY,
        base=base.name,
        school_year=term.school_year,
        term=term.name,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        rows=tuple(rows),
        generated_on=today(),
        provisional_years=tuple(
            y for y in sorted({term.starts_on.year, term.ends_on.year}) if is_provisional(y)
        ),
        school=school.name if school else None,
    )
    return StudyTourPlanReport().render(plan, locale)
