"""Forms of the Friday Law Service Day pages."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from calendars import day_info, working_fridays
from programs.directory.models import PROBLEM_CATEGORIES
from programs.friday.models import REQUEST_KINDS, VENUE_KINDS
from webapp.forms import choices
from webapp.study.forms import MultiCheckboxField

PROBLEM_ROWS = 5


def friday_choices(today: date, weeks: int = 12) -> list[SelectChoice]:
    """The coming Fridays as checkboxes: working ones to choose, holidays named and left out."""
    found = []
    for on in working_fridays(today + timedelta(days=1), today + timedelta(weeks=weeks)):
        found.append(SelectChoice(on.isoformat(), format_date(on, "MMMd")))
    return found


def holiday_fridays(today: date, weeks: int = 12) -> list[tuple[date, str]]:
    """Fridays in the coming weeks that are days off, with the holiday's name."""
    out = []
    on = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    while on <= today + timedelta(weeks=weeks):
        info = day_info(on)
        if not info.working:
            out.append((on, info.holiday_name_zh or info.holiday_name_en or ""))
        on += timedelta(days=7)
    return out


class RequestForm(FlaskForm):
    """A Friday request. A firm or a chamber asks for itself; a coordinator for anyone."""

    kind = SelectField(_l("What is asked for"), validators=[Optional()])
    enterprise_id = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
    chamber_id = SelectField(_l("Chamber of commerce"), coerce=int, validators=[Optional()])
    town_id = SelectField(_l("Town"), coerce=int, validators=[Optional()])
    place = StringField(_l("Village or community"), validators=[Optional(), Length(max=120)])
    venue_kind = SelectField(_l("Where"), validators=[Optional()], default="premises")
    studio_id = SelectField(_l("Studio"), coerce=int, validators=[Optional()])
    topics = MultiCheckboxField(
        _l("Topics"),
        description=_l("A consultant whose expertise covers every topic is sent."),
    )
    description = TextAreaField(
        _l("What is the matter? (a few sentences)"), validators=[Optional(), Length(max=500)]
    )
    preferred_fridays = MultiCheckboxField(
        _l("Preferred Fridays (up to four; none means any)"),
    )
    headcount = IntegerField(
        _l("How many people will come (group sessions)"),
        validators=[Optional(), NumberRange(min=1, max=2000)],
    )
    counterparty = StringField(
        _l("The other party, if the matter is a dispute"),
        validators=[Optional(), Length(max=120)],
        description=_l("So that no consultant with a conflict of interest is sent."),
    )

    def load(self, today: date) -> RequestForm:
        """Fill the fixed choices (the view fills firms, chambers, towns and studios)."""
        self.kind.choices = choices(REQUEST_KINDS)
        self.venue_kind.choices = choices(VENUE_KINDS)
        self.topics.choices = choices(PROBLEM_CATEGORIES)
        self.preferred_fridays.choices = friday_choices(today)
        return self


class BookForm(FlaskForm):
    """A coordinator (or the consultant) puts a request on a Friday."""

    consultant_id = SelectField(_l("Consultant"), coerce=int)
    on = DateField(_l("Friday"), validators=[InputRequired(_l("Choose a Friday."))])


class MoveForm(FlaskForm):
    """Move a visit to another Friday (a coordinator may also change the consultant)."""

    on = DateField(_l("To Friday"), validators=[InputRequired(_l("Choose a Friday."))])
    consultant_id = SelectField(_l("Consultant"), coerce=int, validators=[Optional()])


class CancelForm(FlaskForm):
    """Cancel with a reason."""

    reason = StringField(
        _l("The reason"), validators=[InputRequired(_l("Say why.")), Length(max=200)]
    )


class ProblemForm(Form):
    """One problem found on a visit (a row of the record form; empty rows are skipped)."""

    category = SelectField(_l("Category"), validators=[Optional()])
    description = StringField(_l("Problem"), validators=[Optional(), Length(max=500)])
    solved = BooleanField(_l("Solved on the spot"))
    follow_up = BooleanField(_l("Needs a follow-up visit"))


class RecordForm(FlaskForm):
    """What the consultant records after the visit."""

    met = StringField(
        _l("Whom you met"),
        validators=[InputRequired(_l("Enter whom you met.")), Length(max=200)],
        description=_l("Roles are enough, e.g. the manager and HR."),
    )
    minutes = IntegerField(
        _l("Time spent (minutes)"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=5, max=600, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    problems = FieldList(FormField(ProblemForm), min_entries=PROBLEM_ROWS, max_entries=20)

    def load(self) -> RecordForm:
        """Fill the category choices of every problem row."""
        for row in self.problems:
            row.form.category.choices = [SelectChoice("", "—"), *choices(PROBLEM_CATEGORIES)]
        return self


class OfficeHoursForm(FlaskForm):
    """A consultant (or a coordinator for them) holds office hours at a studio."""

    studio_id = SelectField(_l("Studio"), coerce=int)
    consultant_id = SelectField(_l("Consultant"), coerce=int, validators=[Optional()])
    on = DateField(_l("Friday"), validators=[InputRequired(_l("Choose a Friday."))])
    starts = TimeField(_l("From"), validators=[InputRequired()], default=time(9, 0))
    ends = TimeField(_l("Until"), validators=[InputRequired()], default=time(11, 30))


class SlotForm(FlaskForm):
    """A firm books a half-hour (a coordinator for a firm)."""

    office_hours_id = IntegerField(validators=[InputRequired()])
    starts = TimeField(validators=[InputRequired()])
    topic = SelectField(_l("Topic"))
    enterprise_id = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
    note = StringField(_l("Your question in a few words"), validators=[Optional(), Length(max=200)])


class ConflictForm(FlaskForm):
    """A consultant declares a conflict of interest (a coordinator may for them)."""

    consultant_id = SelectField(_l("Consultant"), coerce=int, validators=[Optional()])
    enterprise_id = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
    counterparty = StringField(
        _l("Or the other party, by name"), validators=[Optional(), Length(max=120)]
    )
    reason = StringField(_l("Why"), validators=[Optional(), Length(max=200)])
