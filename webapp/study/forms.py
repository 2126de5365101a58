"""Forms of the study base pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from calendars.messages import WEEKDAY_NAMES
from programs.i18n import N_
from programs.study_tours.models import INSTRUCTOR_KINDS, TRANSPORT
from webapp.extensions import t
from webapp.forms import choices, options

REQUIRED = _l("This field is required.")


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes (easier by keyboard and on a phone than a list box)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _count(label, low, high, **kw):
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=low, max=high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
        **kw,
    )


class RequestForm(FlaskForm):
    """A school asks for a session (a coordinator uses it too, choosing the school)."""

    school_id = SelectField(_l("School"), coerce=int, validators=[Optional()])
    session_id = SelectField(_l("Session"), coerce=int)
    activity_ids = MultiCheckboxField(
        _l("Activities (one or two)"),
        coerce=int,
        description=_l("Only activities that suit the grade you bring can be booked."),
    )
    grade = IntegerField(_l("Grade"), validators=[Optional(), NumberRange(min=1, max=12)])
    students = _count(_l("Students"), 1, 1000)
    teachers = _count(
        _l("Accompanying teachers"),
        0,
        200,
        description=_l("At least one teacher for every 20 students."),
    )
    note = TextAreaField(_l("Note for the coordinator"), validators=[Optional(), Length(max=500)])

    def validate_session_id(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a session."))

    def validate_activity_ids(self, field) -> None:
        if not 1 <= len(field.data or []) <= 2:
            raise ValidationError(_l("Choose one or two activities."))

    def load(self, sessions, activities, schools=None) -> RequestForm:
        self.session_id.choices = options(sessions, blank=True)
        self.activity_ids.choices = options(activities, blank=False)
        self.school_id.choices = options(schools or [], blank=True)
        return self


class PlanForm(FlaskForm):
    """The group a school brings this year and its wishes (counts only)."""

    grade = SelectField(_l("Grade that comes"), coerce=int)
    classes = _count(_l("Classes"), 1, 10)
    students = _count(_l("Students"), 1, 1000)
    preferred_weekdays = MultiCheckboxField(_l("Preferred weekdays"), coerce=int)
    preferred_months = MultiCheckboxField(_l("Preferred months"), coerce=int)
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=40)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    term = SelectField(
        _l("Term of the visit"),
        choices=[
            SelectChoice("", _l("Either term (the planner splits the year evenly)")),
            SelectChoice("autumn", _l("Autumn term")),
            SelectChoice("spring", _l("Spring term")),
        ],
    )

    def load(self, grades: list[int], opening_weekdays: list[int]) -> PlanForm:
        self.grade.choices = options(
            ((g, t(N_("Grade {n}"), {"n": g})) for g in grades), blank=False
        )
        self.preferred_weekdays.choices = options(
            ((d, t(WEEKDAY_NAMES[d])) for d in opening_weekdays), blank=False
        )
        self.preferred_months.choices = options(
            ((m, t(N_("Month {n}"), {"n": m})) for m in (9, 10, 11, 12, 1, 3, 4, 5, 6)), blank=False
        )
        return self


class SafetyForm(FlaskForm):
    """The safety plan for one visit."""

    accompanying_teachers = _count(_l("Accompanying teachers"), 0, 200)
    transport = SelectField(_l("Transport"))
    emergency_contact = StringField(
        _l("Emergency contact on the day"), validators=[InputRequired(REQUIRED), Length(max=40)]
    )
    emergency_phone = StringField(
        _l("Emergency phone"), validators=[InputRequired(REQUIRED), Length(max=30)]
    )
    special_needs_count = _count(
        _l("Students with special needs (number only)"),
        0,
        1000,
        default=0,
        description=_l("No names: only how many, so the base can prepare."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=1000)])

    def load(self) -> SafetyForm:
        self.transport.choices = choices(TRANSPORT)
        return self


class MoveForm(FlaskForm):
    """Move a visit to another session, or to any day and half-day the coordinator names."""

    session_id = SelectField(_l("Move to session"), coerce=int, validators=[Optional()])
    on = DateField(
        _l("Or to this date"),
        validators=[Optional()],
        description=_l("Any day: the rules say at once if the base is closed then."),
    )
    slot = SelectField(
        _l("Half-day"),
        choices=[SelectChoice("am", _l("Morning")), SelectChoice("pm", _l("Afternoon"))],
    )

    def validate_session_id(self, field) -> None:
        if not field.data and not self.on.data:
            raise ValidationError(_l("Choose a session or a date."))


class SwapForm(FlaskForm):
    """Swap two visits' sessions."""

    other_id = SelectField(_l("Swap with the visit"), coerce=int)


class CancelForm(FlaskForm):
    """Cancel with a reason."""

    reason = StringField(
        _l("Why it is cancelled"), validators=[InputRequired(REQUIRED), Length(max=500)]
    )


class ChangeForm(FlaskForm):
    """A school's request to move or cancel a published visit."""

    proposed_session_id = SelectField(
        _l("Session you would rather have"), coerce=int, validators=[Optional()]
    )
    cancel = BooleanField(_l("Cancel the visit instead"))
    reason = TextAreaField(_l("Why"), validators=[InputRequired(REQUIRED), Length(max=1000)])


class AnswerForm(FlaskForm):
    """The coordinator's answer to a change request."""

    decision = SelectField(
        _l("Answer"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("refuse", _l("Refuse"))],
    )
    answer = TextAreaField(
        _l("Reason, for the school"), validators=[InputRequired(REQUIRED), Length(max=1000)]
    )


class AttendanceForm(FlaskForm):
    """Who actually came."""

    actual_students = _count(_l("Students who came"), 0, 1000)
    actual_teachers = _count(_l("Teachers who came"), 0, 200)


class OpenSessionsForm(FlaskForm):
    """Create the base's sessions for a period."""

    start_on = DateField(_l("From"), validators=[InputRequired(_l("Enter a date."))])
    end_on = DateField(_l("Until"), validators=[InputRequired(_l("Enter a date."))])
    instructor_ids = MultiCheckboxField(_l("Instructors for these sessions"), coerce=int)


class TouringForm(FlaskForm):
    """A touring session at a school."""

    school_id = SelectField(_l("School"), coerce=int)
    on = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    slot = SelectField(
        _l("Session"),
        choices=[SelectChoice("am", _l("Morning")), SelectChoice("pm", _l("Afternoon"))],
    )
    instructor_ids = MultiCheckboxField(_l("Instructors"), coerce=int)


class InstructorsForm(FlaskForm):
    """Who leads a session."""

    instructor_ids = MultiCheckboxField(_l("Instructors"), coerce=int)


class InstructorForm(FlaskForm):
    """An instructor and what they may lead."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=40)])
    kind = SelectField(_l("Kind"))
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    activity_ids = MultiCheckboxField(_l("May lead"), coerce=int)
    active = BooleanField(_l("Active"), default=True)

    def load(self, activities) -> InstructorForm:
        self.kind.choices = choices(INSTRUCTOR_KINDS)
        self.activity_ids.choices = options(activities, blank=False)
        return self


class ImportForm(FlaskForm):
    """A CSV of schools and their grades."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])


class BaseForm(FlaskForm):
    """The study base's settings."""

    seats_per_session = _count(_l("Seats per session"), 1, 1000)
    opening_weekdays = MultiCheckboxField(_l("Opening weekdays"), coerce=int)
    morning_starts = StringField(_l("Morning starts"), validators=[InputRequired(REQUIRED)])
    morning_ends = StringField(_l("Morning ends"), validators=[InputRequired(REQUIRED)])
    afternoon_starts = StringField(_l("Afternoon starts"), validators=[InputRequired(REQUIRED)])
    afternoon_ends = StringField(_l("Afternoon ends"), validators=[InputRequired(REQUIRED)])

    def load(self) -> BaseForm:
        self.opening_weekdays.choices = options(
            ((d, t(WEEKDAY_NAMES[d])) for d in range(7)), blank=False
        )
        return self


class ActivityForm(FlaskForm):
    """One activity and its limits."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    grade_min = _count(_l("Lowest grade"), 1, 12)
    grade_max = _count(_l("Highest grade"), 1, 12)
    group_min = _count(_l("Smallest group"), 1, 1000)
    group_max = _count(_l("Largest group"), 1, 1000)
    duration_minutes = _count(_l("Minutes"), 15, 240)
    room = StringField(_l("Room"), validators=[Optional(), Length(max=60)])
    instructors_needed = _count(_l("Instructors needed"), 1, 10)
    tours_schools = BooleanField(_l("Can tour the schools"))
    active = BooleanField(_l("Offered"), default=True)
