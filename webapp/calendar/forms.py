"""Forms for closures and their import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from programs.calendar.models import CLOSURE_KINDS, CLOSURE_SCOPES
from programs.directory.models import Consultant, School
from programs.study_tours.models import Instructor, StudyBase
from webapp.forms import choices, options
from webapp.requests import db_session

REQUIRED = _l("This field is required.")


class _Scope:
    """The "what is closed" pair of fields, limited to what the user may close."""

    def load_scope(self, user) -> None:
        session = db_session()
        if user.role == "coordinator":
            self.scope.choices = choices(CLOSURE_SCOPES)
            targets = [
                *((f"base:{b.id}", b.name) for b in session.scalars(select(StudyBase))),
                *(
                    (f"school:{s.id}", f"{s.town.name} · {s.name}")
                    for s in session.scalars(select(School).order_by(School.town_id, School.name))
                ),
                *(
                    (f"consultant:{c.id}", c.name)
                    for c in session.scalars(select(Consultant).order_by(Consultant.name))
                ),
                *(
                    (f"instructor:{i.id}", i.name)
                    for i in session.scalars(select(Instructor).order_by(Instructor.name))
                ),
            ]
        elif user.role == "instructor" and user.instructor_id:
            self.scope.choices = choices({"instructor": CLOSURE_SCOPES["instructor"]})
            targets = [(f"instructor:{user.instructor_id}", user.instructor.name)]
        elif user.role == "consultant":
            self.scope.choices = choices({"consultant": CLOSURE_SCOPES["consultant"]})
            targets = [(f"consultant:{user.consultant_id}", user.consultant.name)]
        else:
            self.scope.choices = choices({"school": CLOSURE_SCOPES["school"]})
            targets = [(f"school:{user.school_id}", user.school.name)]
        self.target.choices = options(targets, blank=user.role == "coordinator")

    def scope_id(self) -> int | None:
        """The id of the closed thing, when the chosen target matches the chosen scope."""
        scope, _, ident = str(self.target.data or "").partition(":")
        if scope == self.scope.data and ident.isdigit():
            return int(ident)
        return None

    def validate_target(self, field) -> None:
        if self.scope.data != "all_schools" and self.scope_id() is None:
            raise ValidationError(
                _l("Choose which one is closed (it must match “what is closed”).")
            )


class ClosureForm(_Scope, FlaskForm):
    """One closure."""

    scope = SelectField(_l("What is closed"))
    target = SelectField(_l("Which one"), description=_l("Not needed when all schools are closed."))
    kind = SelectField(_l("Kind"))
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter a date."))])
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        description=_l("People whose bookings fall on these days will read it."),
    )

    def load(self, user) -> ClosureForm:
        self.load_scope(user)
        self.kind.choices = choices(CLOSURE_KINDS)
        return self


class ImportForm(_Scope, FlaskForm):
    """An .ics file of closures (a school district's calendar, say)."""

    scope = SelectField(_l("What is closed"))
    target = SelectField(_l("Which one"), description=_l("Not needed when all schools are closed."))
    file = FileField(
        _l("Calendar file (.ics)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("Nothing is closed until you have seen the preview and confirmed it."),
    )

    def load(self, user) -> ImportForm:
        self.load_scope(user)
        return self


class ResolveForm(FlaskForm):
    """What was done about a flag."""

    note = StringField(_l("What was done"), validators=[InputRequired(REQUIRED), Length(max=500)])
