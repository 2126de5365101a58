"""Coordinator forms for accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from programs.accounts.models import ROLES
from programs.directory.models import Chamber, Consultant, Enterprise, School
from webapp.forms import choices, options
from webapp.requests import db_session

REQUIRED = _l("This field is required.")


class NewUserForm(FlaskForm):
    """A coordinator creates an account, bound to its organisation where the role has one."""

    role = SelectField(_l("Role"))
    username = StringField(
        _l("Username"), validators=[InputRequired(REQUIRED), Length(min=3, max=60)]
    )
    display_name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=80)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            Email(message=_l("Enter an e-mail address like name@example.com.")),
        ],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[InputRequired(REQUIRED), Length(min=8, message=_l("At least 8 characters."))],
    )
    enterprise_code = StringField(
        _l("Enterprise (unified social credit code)"),
        validators=[Optional()],
        description=_l("For an enterprise account."),
    )
    chamber_id = SelectField(_l("Chamber of commerce"), coerce=int, validators=[Optional()])
    school_id = SelectField(_l("School"), coerce=int, validators=[Optional()])
    consultant_id = SelectField(_l("Consultant"), coerce=int, validators=[Optional()])

    def load(self) -> NewUserForm:
        session = db_session()
        self.role.choices = choices(ROLES)
        self.chamber_id.choices = options(
            (c.id, c.name) for c in session.scalars(select(Chamber).order_by(Chamber.name))
        )
        self.school_id.choices = options(
            (s.id, f"{s.town.name} · {s.name}")
            for s in session.scalars(select(School).order_by(School.town_id, School.name))
        )
        self.consultant_id.choices = options(
            (c.id, c.name) for c in session.scalars(select(Consultant).order_by(Consultant.name))
        )
        return self

    def organisation_id(self) -> int | None:
        """The id of the organisation chosen for the role (checked by the validators below)."""
        role = self.role.data
        if role == "enterprise":
            code = (self.enterprise_code.data or "").strip().upper()
            return db_session().scalar(select(Enterprise.id).where(Enterprise.credit_code == code))
        field = {
            "chamber": self.chamber_id,
            "school": self.school_id,
            "consultant": self.consultant_id,
        }.get(role)
        return (field.data or None) if field is not None else None

    def validate_enterprise_code(self, field: StringField) -> None:
        if self.role.data == "enterprise" and self.organisation_id() is None:
            raise ValidationError(_l("No enterprise with this code is in the directory."))

    def validate_chamber_id(self, field: SelectField) -> None:
        if self.role.data == "chamber" and not field.data:
            raise ValidationError(_l("Choose the chamber this account belongs to."))

    def validate_school_id(self, field: SelectField) -> None:
        if self.role.data == "school" and not field.data:
            raise ValidationError(_l("Choose the school this account belongs to."))

    def validate_consultant_id(self, field: SelectField) -> None:
        if self.role.data == "consultant" and not field.data:
            raise ValidationError(_l("Choose the consultant this account belongs to."))


class RejectForm(FlaskForm):
    """Why a sign-up is turned down (sent to the applicant)."""

    reason = TextAreaField(
        _l("Reason for turning it down"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        description=_l("The applicant reads this."),
    )


class ActionForm(FlaskForm):
    """A button that changes something (carries only the CSRF token)."""


class AuditFilterForm(FlaskForm):
    """Narrow the audit trail (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Changed by"), validators=[Optional(), Length(max=60)])
    subject_type = SelectField(_l("Record kind"), validators=[Optional()])
    subject_id = IntegerField(
        _l("Record number"), validators=[Optional(), NumberRange(min=1, max=2_147_483_647)]
    )
    start_on = DateField(_l("From day"), validators=[Optional()])
    end_on = DateField(_l("To day"), validators=[Optional()])

    def validate_end_on(self, field: DateField) -> None:
        if field.data and self.start_on.data and field.data < self.start_on.data:
            raise ValidationError(_l("The last day comes before the first."))
