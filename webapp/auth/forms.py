"""Forms for logging in, signing up and the account page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email as EmailValidator
from wtforms.validators import (
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from programs.directory import credit_code
from programs.directory.models import INDUSTRIES, SCHOOL_LEVELS
from webapp.extensions import t
from webapp.forms import TownField, choices

REQUIRED = _l("This field is required.")


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[InputRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])


class _AccountFields(FlaskForm):
    contact_name = StringField(
        _l("Contact person"), validators=[InputRequired(REQUIRED), Length(max=40)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            EmailValidator(message=_l("Enter an e-mail address like name@example.com.")),
        ],
        description=_l(
            "Optional. We send approval and other notices here as well as to your inbox."
        ),
    )
    username = StringField(
        _l("Username"),
        validators=[InputRequired(REQUIRED), Length(min=3, max=60)],
        description=_l("Lower-case letters, digits, dots, hyphens or underscores."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(REQUIRED), Length(min=8, message=_l("At least 8 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )


class EnterpriseSignupForm(_AccountFields):
    """A firm signs up by its unified social credit code."""

    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[InputRequired(REQUIRED)],
        description=_l("18 characters, as printed on the business licence."),
    )
    name = StringField(_l("Enterprise name"), validators=[InputRequired(REQUIRED), Length(max=120)])
    town_id = TownField()
    industry = SelectField(_l("Industry"))
    employee_count = IntegerField(
        _l("Number of employees"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0 to 1,000,000.")),
        ],
    )

    def validate_credit_code(self, field: StringField) -> None:
        try:
            field.data = credit_code.validate(field.data or "")
        except credit_code.CreditCodeError as exc:
            raise ValidationError(t(exc.reason)) from None

    def load(self) -> EnterpriseSignupForm:
        self.town_id.load()
        self.industry.choices = choices(INDUSTRIES)
        return self


class SchoolSignupForm(_AccountFields):
    """A school signs up by its name and town."""

    name = StringField(
        _l("School name"), validators=[InputRequired(REQUIRED), Length(min=2, max=120)]
    )
    town_id = TownField()
    level = SelectField(_l("Kind of school"))

    def load(self) -> SchoolSignupForm:
        self.town_id.load()
        self.level.choices = choices(SCHOOL_LEVELS)
        return self


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(_l("Current password"), validators=[InputRequired(REQUIRED)])
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(REQUIRED), Length(min=8, message=_l("At least 8 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class LanguageForm(FlaskForm):
    """Choose the language of the pages and of e-mails."""

    locale = SelectField(
        _l("Language"),
        choices=[  # each language named in itself, marked as such for readers and screen readers
            SelectChoice("zh_Hans", "简体中文", {"lang": "zh-Hans"}),
            SelectChoice("en", "English", {"lang": "en"}),
        ],
    )


class TokenForm(FlaskForm):
    """Make an API token, named after the system that will use it."""

    name = StringField(
        _l("Name of the token"),
        validators=[InputRequired(REQUIRED), Length(max=80)],
        description=_l("The system that will use it, such as the city hotline."),
    )
