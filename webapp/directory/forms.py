"""Forms of the directory pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from programs.directory.models import INDUSTRIES, PROBLEM_CATEGORIES
from webapp.forms import TownField, choices
from webapp.study.forms import MultiCheckboxField


class EnterpriseProfileForm(FlaskForm):
    """What a firm (or a coordinator) keeps current about the firm."""

    industry = SelectField(_l("Industry"))
    sector = StringField(_l("Line of business"), validators=[Optional(), Length(max=60)])
    employee_count = IntegerField(
        _l("Number of employees"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0 to 1,000,000.")),
        ],
    )
    exports = BooleanField(_l("Exports goods or services"))
    holds_ip = BooleanField(_l("Holds trademarks, patents or other IP"))
    processes_personal_data = BooleanField(_l("Processes personal information of customers"))
    personal_data_subjects = IntegerField(
        _l("About how many people's personal information"),
        validators=[
            Optional(),
            NumberRange(min=0, max=2_000_000_000, message=_l("Enter a number of 0 or more.")),
        ],
        description=_l("Leave empty if unknown. Some duties apply only above a threshold."),
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=40)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])

    def load(self) -> EnterpriseProfileForm:
        self.industry.choices = choices(INDUSTRIES)
        return self


class ImportForm(FlaskForm):
    """A CSV file of enterprises or consultants, to be checked and shown before anything changes."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])


class ConfirmImportForm(FlaskForm):
    """Apply the file just checked: which held file, and what the coordinator was shown."""

    token = HiddenField(validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{32}$")])
    fingerprint = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{64}$")])


class ConsultantForm(FlaskForm):
    """A consultant's record."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=40)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=120)])
    home_town_id = TownField(_l("Home town"))
    visits_per_friday = IntegerField(
        _l("Visits per Friday"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=1, max=10, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    active = BooleanField(_l("On duty"))
    expertise = MultiCheckboxField(_l("Expertise"))

    def load(self) -> ConsultantForm:
        self.home_town_id.load()
        self.expertise.choices = choices(PROBLEM_CATEGORIES)
        return self
