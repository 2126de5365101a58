"""The study base: overview, sessions, visits, schools' coverage, instructors, outputs."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from calendars import TZ
from calendars import today as shanghai_today
from programs.decisions import services as decisions
from programs.directory.models import School
from programs.errors import NotFound
from programs.i18n import N_
from programs.study_tours import queries, services
from programs.study_tours.models import (
    CHANGE_STATUSES,
    INSTRUCTOR_KINDS,
    SESSION_KINDS,
    TRANSPORT,
    VISIT_STATUSES,
    Activity,
    Instructor,
    StudySession,
    Visit,
)
from programs.study_tours.terms import TERMS, Term, school_year_of, term_of
from webapp.access import roles_required
from webapp.admin.forms import ActionForm
from webapp.extensions import t
from webapp.forms import options
from webapp.requests import attempt, db_session
from webapp.study.forms import (
    AnswerForm,
    AttendanceForm,
    CancelForm,
    ChangeForm,
    InstructorForm,
    InstructorsForm,
    MoveForm,
    OpenSessionsForm,
    PlanForm,
    RequestForm,
    SafetyForm,
    SwapForm,
    TouringForm,
)

bp = Blueprint("study", __name__, url_prefix="/study")
VOCAB = {
    "session_kinds": SESSION_KINDS,
    "visit_statuses": VISIT_STATUSES,
    "transport": TRANSPORT,
    "change_statuses": CHANGE_STATUSES,
    "instructor_kinds": INSTRUCTOR_KINDS,
    "terms": TERMS,
}


@bp.context_processor
def _vocab():
    return {"study": VOCAB}


def _term() -> Term:
    code = request.args.get("term")
    if code:
        try:
            return Term.parse(code)
        except Exception:
            abort(404)
    return term_of(shanghai_today())


def _or_404(func, *args):
    try:
        return func(*args)
    except NotFound:
        abort(404)


def _session_label(row: StudySession) -> str:
    left = row.seats - queries.seats_taken(row)
    kind = t(SESSION_KINDS[row.kind])
    where = f" · {row.touring_school.name}" if row.touring_school else ""
    return t(
        N_("{date} {time} ({kind}{where}) — {left} seats left"),
        {
            "date": row.on.isoformat(),
            "time": row.starts_at.astimezone(TZ).strftime("%H:%M"),
            "kind": kind,
            "where": where,
            "left": left,
        },
    )


# --- Coordinator overview -------------------------------------------------------------------


@bp.route("/")
@roles_required("coordinator")
def overview():
    session = db_session()
    term = _term()
    today = shanghai_today()
    return render_template(
        "study/overview.html",
        term=term,
        coverage=queries.coverage(session, term.school_year, today),
        drafts=queries.drafts(session, term.starts_on, term.ends_on),
        not_ready=queries.not_ready(session, today),
        changes=queries.open_changes(session),
        waitlist=queries.waitlist(session, today),
        action_form=ActionForm(),
        today=today,
    )


@bp.route("/publish", methods=["POST"])
@roles_required("coordinator")
def publish_all():
    term = _term()
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("visit_id") if v.isdigit()]
    if not ids:
        ids = [v.id for v in queries.drafts(db_session(), term.starts_on, term.ends_on)]
    with attempt() as failed:
        published = services.publish(db_session(), current_user, ids)
    if not failed:
        flash(
            t(
                N_("{count} visits published; schools and instructors were told."),
                {"count": len(published)},
            ),
            "success",
        )
    return redirect(url_for("study.overview", term=term.code))


# --- Sessions ----------------------------------------------------------------------------------


def _instructor_options():
    return options(
        ((i.id, i.name) for i in queries.instructors(db_session()) if i.active), blank=False
    )


def _sessions_forms(term: Term) -> tuple[OpenSessionsForm, TouringForm]:
    open_form = OpenSessionsForm(
        prefix="open", start_on=max(term.starts_on, shanghai_today()), end_on=term.ends_on
    )
    open_form.instructor_ids.choices = _instructor_options()
    touring_form = TouringForm(prefix="tour")
    touring_form.school_id.choices = options(_school_choices(), blank=False)
    touring_form.instructor_ids.choices = _instructor_options()
    return open_form, touring_form


@bp.route("/sessions", methods=["GET", "POST"])
@roles_required("coordinator", "instructor")
def sessions():
    """The term's sessions; coordinators also create base sessions and touring sessions here.

    A refused form is shown again on this page, filled in, with the reason beside its field.
    """
    session = db_session()
    term = _term()
    open_form, touring_form = _sessions_forms(term)
    status = 200
    if request.method == "POST":
        if current_user.role != "coordinator":
            abort(403)
        action = request.form.get("action")
        if action == "open" and open_form.validate_on_submit():
            with attempt(open_form) as failed:
                created = services.open_sessions(
                    session,
                    current_user,
                    open_form.start_on.data,
                    open_form.end_on.data,
                    open_form.instructor_ids.data,
                )
            if not failed:
                flash(
                    t(
                        N_("{count} sessions created on the base's open days."),
                        {"count": len(created)},
                    ),
                    "success",
                )
                return redirect(url_for("study.sessions", term=term.code))
        elif action == "touring" and touring_form.validate_on_submit():
            with attempt(touring_form) as failed:
                row = services.create_touring_session(
                    session,
                    current_user,
                    touring_form.school_id.data,
                    touring_form.on.data,
                    touring_form.slot.data,
                    touring_form.instructor_ids.data,
                )
            if not failed:
                flash(t(N_("Touring session created.")), "success")
                return redirect(url_for("study.session_page", session_id=row.id))
        status = 422
    rows = queries.sessions_between(session, term.starts_on, term.ends_on)
    return render_template(
        "study/sessions.html",
        term=term,
        rows=rows,
        open_form=open_form,
        touring_form=touring_form,
        seats_taken=queries.seats_taken,
    ), status


def _school_choices():
    schools = db_session().scalars(
        select(School).where(School.status == "active").order_by(School.town_id, School.name)
    )
    return [(s.id, f"{s.town.name} · {s.name}") for s in schools]


def _visit_form(row: StudySession) -> RequestForm:
    session = db_session()
    activities = session.scalars(select(Activity).where(Activity.active).order_by(Activity.code))
    form = RequestForm(session_id=row.id)
    form.load(
        [(row.id, _session_label(row))],
        [(a.id, f"{a.name}（{a.grade_min}–{a.grade_max}年级）") for a in activities],
        _school_choices(),
    )
    return form


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def session_page(session_id: int):
    session = db_session()
    row = _or_404(queries.session_for, session, current_user, session_id)
    instructors_form = InstructorsForm(prefix="ins", instructor_ids=[i.id for i in row.instructors])
    instructors_form.instructor_ids.choices = [
        (i.id, f"{i.name}（{t(INSTRUCTOR_KINDS[i.kind])}）")
        for i in queries.instructors(session)
        if i.active
    ]
    visit_form = _visit_form(row)
    status = 200
    if request.method == "POST" and current_user.role == "coordinator":
        if request.form.get("action") == "instructors" and instructors_form.validate_on_submit():
            with attempt(instructors_form) as failed:
                services.assign_instructors(
                    session, current_user, row.id, instructors_form.instructor_ids.data
                )
            if not failed:
                flash(t(N_("Saved.")), "success")
                return redirect(url_for("study.session_page", session_id=row.id))
            status = 422
        elif request.form.get("action") == "visit" and visit_form.validate_on_submit():
            with attempt(visit_form) as failed:
                visit = services.request_visit(
                    session, current_user, _visit_input(visit_form, visit_form.school_id.data)
                )
            if not failed:
                flash(t(N_("Visit added as a draft.")), "success")
                return redirect(url_for("study.visit_page", visit_id=visit.id))
            status = 422
        else:
            status = 422
    return render_template(
        "study/session.html",
        row=row,
        instructors_form=instructors_form,
        visit_form=visit_form,
        seats_taken=queries.seats_taken(row),
        attendance_form=AttendanceForm(),
        today=shanghai_today(),
    ), status


def _visit_input(form: RequestForm, school_id: int) -> services.VisitInput:
    return services.VisitInput(
        school_id=school_id,
        session_id=form.session_id.data,
        activity_ids=form.activity_ids.data,
        students=form.students.data,
        teachers=form.teachers.data,
        grade=form.grade.data,
        note=form.note.data or "",
    )


# --- A school asks for a date ---------------------------------------------------------------


@bp.route("/request", methods=["GET", "POST"])
@roles_required("school")
def request_visit():
    session = db_session()
    school = current_user.school
    today = shanghai_today()
    plan = services.plan_of(session, school, school_year_of(today))
    rows = queries.bookable_sessions(session, school, today, today + timedelta(days=240))
    activities = [
        a for a in session.scalars(select(Activity).where(Activity.active).order_by(Activity.code))
    ]
    form = RequestForm(
        grade=plan.grade, students=plan.students, teachers=max(1, -(-plan.students // 20))
    )
    form.load(
        [(r.id, _session_label(r)) for r in rows],
        [(a.id, f"{a.name}（{a.grade_min}–{a.grade_max}年级）") for a in activities],
    )
    waitlist_offer = False
    if form.validate_on_submit():
        data = _visit_input(form, school.id)
        if request.form.get("action") == "waitlist":
            with attempt(form) as failed:
                services.join_waitlist(session, current_user, data)
            if not failed:
                flash(
                    t(
                        N_(
                            "You are on the waiting list. A seat that frees up goes first to the school with the fewest visits."
                        )
                    ),
                    "success",
                )
                return redirect(url_for("home.school"))
        else:
            with attempt(form) as failed:
                visit = services.request_visit(session, current_user, data)
            if not failed:
                flash(
                    t(
                        N_(
                            "Your request was sent. The visit is a draft until the coordinator publishes it."
                        )
                    ),
                    "success",
                )
                return redirect(url_for("study.visit_page", visit_id=visit.id))
            waitlist_offer = bool(failed and getattr(failed[0], "full", False))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "study/request.html", form=form, plan=plan, waitlist_offer=waitlist_offer
    ), status


# --- One visit --------------------------------------------------------------------------------


def _visit(visit_id: int) -> Visit:
    return _or_404(queries.visit_for, db_session(), current_user, visit_id)


def _move_choices(visit: Visit):
    rows = queries.sessions_between(
        db_session(), shanghai_today(), visit.session.on + timedelta(days=120)
    )
    return [
        (r.id, _session_label(r)) for r in rows if r.id != visit.session_id and r.status == "open"
    ]


# Who may do what on a visit page.
VISIT_ACTIONS = {
    "publish": ("coordinator",),
    "move": ("coordinator",),
    "swap": ("coordinator",),
    "cancel": ("coordinator", "school"),
    "safety": ("coordinator", "school"),
    "attendance": ("coordinator", "instructor"),
    "change": ("school",),
}


class _VisitForms:
    """Every form of the visit page, filled from the visit or, after a refusal, from the post."""

    def __init__(self, visit: Visit) -> None:
        self.safety_form = SafetyForm(
            prefix="safety",
            obj=visit.safety_plan,
            accompanying_teachers=(
                visit.safety_plan.accompanying_teachers if visit.safety_plan else visit.teachers
            ),
        ).load()
        self.move_form = MoveForm(prefix="move")
        self.swap_form = SwapForm(prefix="swap")
        self.cancel_form = CancelForm(prefix="cancel")
        self.change_form = ChangeForm(prefix="change")
        self.attendance_form = AttendanceForm(prefix="attendance", obj=visit)
        session = db_session()
        today = shanghai_today()
        horizon = visit.session.on + timedelta(days=120)
        if current_user.role == "coordinator":
            self.move_form.session_id.choices = options(_move_choices(visit))
            others = queries.drafts(session, today, horizon) + [
                v
                for r in queries.sessions_between(session, today, horizon)
                for v in r.visits
                if v.status == "published"
            ]
            self.swap_form.other_id.choices = options(
                sorted(
                    {
                        (v.id, f"{v.session.on.isoformat()} · {v.school.name}")
                        for v in others
                        if v.id != visit.id and v.session_id != visit.session_id
                    },
                    key=lambda c: c[1],
                ),
                blank=False,
            )
        if current_user.role == "school":
            self.change_form.proposed_session_id.choices = options(_move_choices(visit))

    def render(self, visit: Visit, status: int = 200):
        return render_template(
            "study/visit.html",
            visit=visit,
            safety_form=self.safety_form,
            move_form=self.move_form,
            swap_form=self.swap_form,
            cancel_form=self.cancel_form,
            change_form=self.change_form,
            attendance_form=self.attendance_form,
            action_form=ActionForm(),
            decisions=decisions.decisions_about(db_session(), "visits", visit.id),
            today=shanghai_today(),
        ), status


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit_page(visit_id: int):
    """A visit: why it stands where it stands, and what each role may do with it.

    Each action posts here with its own form; a refused action comes back filled in (422).
    """
    visit = _visit(visit_id)
    forms = _VisitForms(visit)
    if request.method == "GET":
        return forms.render(visit)
    session = db_session()
    role = current_user.role
    action = request.form.get("action", "")
    if action not in VISIT_ACTIONS:
        abort(400)
    if role not in VISIT_ACTIONS[action]:
        abort(403)
    done = None
    if action == "publish" and ActionForm().validate_on_submit():
        with attempt() as failed:
            services.publish(session, current_user, [visit_id])
        done = None if failed else N_("Published; the school and the instructors were told.")
    elif action == "move" and forms.move_form.validate_on_submit():
        f = forms.move_form
        with attempt(f) as failed:
            if f.on.data:
                services.move_visit_to_date(session, current_user, visit_id, f.on.data, f.slot.data)
            else:
                services.move_visit(session, current_user, visit_id, f.session_id.data)
        done = None if failed else N_("Moved. Every rule was checked again.")
    elif action == "swap" and forms.swap_form.validate_on_submit():
        with attempt(forms.swap_form) as failed:
            services.swap_visits(session, current_user, visit_id, forms.swap_form.other_id.data)
        done = (
            None if failed else N_("Swapped. Both visits passed every rule in their new sessions.")
        )
    elif action == "cancel" and forms.cancel_form.validate_on_submit():
        with attempt(forms.cancel_form) as failed:
            services.cancel_visit(session, current_user, visit_id, forms.cancel_form.reason.data)
        done = None if failed else N_("The visit was cancelled.")
    elif action == "safety" and forms.safety_form.validate_on_submit():
        f = forms.safety_form
        with attempt(f) as failed:
            services.save_safety_plan(
                session,
                current_user,
                visit_id,
                services.SafetyInput(
                    accompanying_teachers=f.accompanying_teachers.data,
                    transport=f.transport.data,
                    emergency_contact=f.emergency_contact.data,
                    emergency_phone=f.emergency_phone.data,
                    special_needs_count=f.special_needs_count.data,
                    notes=f.notes.data or "",
                ),
            )
        done = None if failed else N_("Safety plan saved. Thank you.")
    elif action == "attendance" and forms.attendance_form.validate_on_submit():
        f = forms.attendance_form
        with attempt(f) as failed:
            services.record_attendance(
                session, current_user, visit_id, f.actual_students.data, f.actual_teachers.data
            )
        done = None if failed else N_("Attendance recorded.")
    elif action == "change" and forms.change_form.validate_on_submit():
        f = forms.change_form
        with attempt(f) as failed:
            services.request_change(
                session,
                current_user,
                visit_id,
                proposed_session_id=f.proposed_session_id.data or None,
                cancel=f.cancel.data,
                reason=f.reason.data,
            )
        done = None if failed else N_("Your request went to the coordinator.")
    if done:
        flash(t(done), "success")
        return redirect(url_for("study.visit_page", visit_id=visit_id))
    return forms.render(visit, 422)


@bp.route("/changes", methods=["GET"])
@roles_required("coordinator")
def changes():
    return render_template(
        "study/changes.html", changes=queries.open_changes(db_session()), form=AnswerForm()
    )


@bp.route("/changes/<int:change_id>", methods=["POST"])
@roles_required("coordinator")
def answer_change(change_id: int):
    form = AnswerForm()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.answer_change(
                db_session(),
                current_user,
                change_id,
                accept=form.decision.data == "accept",
                answer=form.answer.data,
            )
        if not failed:
            flash(t(N_("Answered; the school was told.")), "success")
    else:
        flash(t(N_("Say why, for the school.")), "error")
    return redirect(url_for("study.changes"))


# --- Schools ------------------------------------------------------------------------------------


@bp.route("/schools")
@roles_required("coordinator", "instructor")
def schools():
    term = _term()
    return render_template(
        "study/schools.html",
        term=term,
        coverage=queries.coverage(db_session(), term.school_year, shanghai_today()),
    )


@bp.route("/schools/<int:school_id>/plan", methods=["GET", "POST"])
@roles_required("coordinator", "school")
def school_plan(school_id: int):
    if current_user.role == "school" and current_user.school_id != school_id:
        abort(404)
    session = db_session()
    school = session.get(School, school_id) or abort(404)
    year = school_year_of(shanghai_today())
    plan = services.plan_of(session, school, year)
    base = services.the_base(session)
    form = PlanForm(obj=plan).load([g.grade for g in school.grades], base.opening_weekdays)
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.save_plan(
                session,
                current_user,
                school_id,
                year,
                services.PlanInput(
                    grade=form.grade.data,
                    classes=form.classes.data,
                    students=form.students.data,
                    preferred_weekdays=form.preferred_weekdays.data,
                    preferred_months=form.preferred_months.data,
                    contact_name=form.contact_name.data or "",
                    contact_phone=form.contact_phone.data or "",
                    term=form.term.data or None,
                ),
            )
        if not failed:
            flash(t(N_("Saved.")), "success")
            return redirect(url_for("study.school_plan", school_id=school_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "study/plan.html",
        form=form,
        school=school,
        year=year,
        visits=queries.school_visits(session, school_id),
    ), status


# --- Instructors -------------------------------------------------------------------------------


@bp.route("/instructors")
@roles_required("coordinator")
def instructors():
    return render_template("study/instructors.html", instructors=queries.instructors(db_session()))


@bp.route("/instructors/new", methods=["GET", "POST"], defaults={"instructor_id": None})
@bp.route("/instructors/<int:instructor_id>", methods=["GET", "POST"])
@roles_required("coordinator")
def instructor(instructor_id: int | None):
    session = db_session()
    found = session.get(Instructor, instructor_id) if instructor_id else None
    if instructor_id and found is None:
        abort(404)
    activities = session.scalars(select(Activity).order_by(Activity.code))
    form = InstructorForm(
        obj=found, activity_ids=[a.id for a in found.activities] if found else []
    ).load([(a.id, a.name) for a in activities])
    if form.validate_on_submit():
        with attempt(form) as failed:
            saved = services.save_instructor(
                session,
                current_user,
                instructor_id,
                services.InstructorInput(
                    name=form.name.data,
                    kind=form.kind.data,
                    organisation=form.organisation.data or "",
                    phone=form.phone.data or "",
                    activity_ids=form.activity_ids.data,
                    active=form.active.data,
                ),
            )
        if not failed:
            flash(t(N_("Saved.")), "success")
            return redirect(url_for("study.instructor", instructor_id=saved.id))
    status = 422 if form.is_submitted() else 200
    return render_template("study/instructor.html", form=form, instructor=found), status


# --- Outputs ---------------------------------------------------------------------------------


@bp.route("/visits.csv")
@roles_required("coordinator")
def visits_csv():
    term = _term()
    body = queries.visits_csv(queries.term_visits(db_session(), term))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="study-visits-{term.code}.csv"'},
    )


@bp.route("/plan.pdf")
@roles_required("coordinator", "instructor")
def plan_pdf():
    from reports.study_tours import term_plan_for

    term = _term()
    filename, mimetype, body = term_plan_for(db_session(), term, locale=_locale(), school_id=None)
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


@bp.route("/schools/<int:school_id>/plan.pdf")
@roles_required("coordinator", "school")
def school_plan_pdf(school_id: int):
    from reports.study_tours import term_plan_for

    if current_user.role == "school" and current_user.school_id != school_id:
        abort(404)
    term = _term()
    filename, mimetype, body = term_plan_for(
        db_session(), term, locale=_locale(), school_id=school_id
    )
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


def _locale() -> str:
    from webapp.extensions import current_locale

    return current_locale()


# --- Set-up ----------------------------------------------------------------------------------


@bp.route("/setup", methods=["GET", "POST"])
@roles_required("coordinator")
def setup():
    from webapp.study.forms import BaseForm

    session = db_session()
    base = services.the_base(session)
    times = {t_["code"]: t_ for t_ in base.session_times}
    form = BaseForm(
        seats_per_session=base.seats_per_session,
        opening_weekdays=base.opening_weekdays,
        morning_starts=times["am"]["starts"],
        morning_ends=times["am"]["ends"],
        afternoon_starts=times["pm"]["starts"],
        afternoon_ends=times["pm"]["ends"],
    ).load()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.update_base(
                session,
                current_user,
                services.BaseInput(
                    seats_per_session=form.seats_per_session.data,
                    opening_weekdays=form.opening_weekdays.data,
                    morning=(form.morning_starts.data, form.morning_ends.data),
                    afternoon=(form.afternoon_starts.data, form.afternoon_ends.data),
                ),
            )
        if not failed:
            flash(t(N_("Saved. Sessions created from now on use these settings.")), "success")
            return redirect(url_for("study.setup"))
    status = 422 if form.is_submitted() else 200
    return render_template("study/setup.html", form=form, base=base), status


@bp.route("/activities/new", methods=["GET", "POST"], defaults={"activity_id": None})
@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@roles_required("coordinator")
def activity(activity_id: int | None):
    from webapp.study.forms import ActivityForm

    session = db_session()
    found = session.get(Activity, activity_id) if activity_id else None
    if activity_id and found is None:
        abort(404)
    form = ActivityForm(obj=found)
    if form.validate_on_submit():
        with attempt(form) as failed:
            saved = services.save_activity(
                session,
                current_user,
                activity_id,
                services.ActivityInput(
                    name=form.name.data,
                    description=form.description.data or "",
                    grade_min=form.grade_min.data,
                    grade_max=form.grade_max.data,
                    group_min=form.group_min.data,
                    group_max=form.group_max.data,
                    duration_minutes=form.duration_minutes.data,
                    room=form.room.data or "",
                    instructors_needed=form.instructors_needed.data,
                    tours_schools=form.tours_schools.data,
                    active=form.active.data,
                ),
            )
        if not failed:
            flash(t(N_("Saved.")), "success")
            return redirect(url_for("study.activity", activity_id=saved.id))
    status = 422 if form.is_submitted() else 200
    return render_template("study/activity.html", form=form, activity=found), status


@bp.route("/schools/import", methods=["GET", "POST"])
@roles_required("coordinator")
def import_schools():
    from programs.study_tours.school_import import import_schools as run_import
    from webapp.study.forms import ImportForm

    form = ImportForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read(2 * 1024 * 1024 + 1)
        result = run_import(
            db_session(), current_user, data, school_year=school_year_of(shanghai_today())
        )
        if not result.problems:
            flash(
                t(
                    N_("Imported: {created} new schools, {updated} updated, {grades} grades."),
                    {"created": result.created, "updated": result.updated, "grades": result.grades},
                ),
                "success",
            )
            return redirect(url_for("study.schools"))
    status = 422 if form.is_submitted() else 200
    return render_template("study/import.html", form=form, result=result), status


# --- The planner ----------------------------------------------------------------------------


@bp.route("/planner", methods=["GET", "POST"])
@roles_required("coordinator")
def planner_page():
    """Run the planner for a term, compare its draft with the current plan, apply it."""
    from programs.study_tours import planner

    session = db_session()
    term = _term()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action == "run":
            planner.run(session, current_user, term, shanghai_today())
            flash(
                t(
                    N_(
                        "The planner has made a draft. Nothing has changed yet: compare it below, then apply it."
                    )
                ),
                "success",
            )
        elif action == "apply":
            with attempt() as failed:
                applied = planner.apply(
                    session,
                    current_user,
                    request.form.get("draft_id", type=int) or 0,
                    shanghai_today(),
                )
            if not failed:
                flash(
                    t(
                        N_(
                            "{created} visits added as drafts ({replaced} earlier planner drafts replaced, {skipped} skipped). Review them, then publish."
                        ),
                        {
                            "created": applied.created,
                            "replaced": applied.replaced,
                            "skipped": len(applied.skipped),
                        },
                    ),
                    "success",
                )
                return redirect(url_for("study.overview", term=term.code))
        return redirect(url_for("study.planner_page", term=term.code))
    draft = planner.latest_draft(session, term)
    names = {s.id: s for s in session.scalars(select(School))}
    activities = {a.id: a.name for a in session.scalars(select(Activity))}
    instructors = {i.id: i.name for i in session.scalars(select(Instructor))}
    return render_template(
        "study/planner.html",
        term=term,
        draft=draft,
        schools=names,
        activity_names=activities,
        instructor_names=instructors,
        action_form=ActionForm(),
    )
