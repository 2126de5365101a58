"""Forms of the check-up pages. The examination form has one group of fields per checklist item,
named `<part>_<item id>`, so that a refusal lands beside the field of the item it is about."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from programs.checkups.models import RESULTS, CheckupItem
from rules.checkups import RISK_LEVELS
from webapp.forms import choices
from webapp.friday.forms import friday_choices
from webapp.study.forms import MultiCheckboxField


class RequestForm(FlaskForm):
    """A firm asks for a check-up (a coordinator chooses the firm)."""

    enterprise_id = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
    note = TextAreaField(
        _l("What should the consultant look at? (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: new employment contracts, a personal-data system."),
    )
    preferred_fridays = MultiCheckboxField(_l("Preferred Fridays (up to four; none means any)"))

    def load(self, today: date) -> RequestForm:
        """Fill the Fridays (the view fills the firms)."""
        self.preferred_fridays.choices = friday_choices(today)
        return self


class ExamForm(FlaskForm):
    """The examination: the visit, each item's result, the overall opinion."""

    visit_id = SelectField(_l("Friday visit of the examination"), coerce=int)
    summary = TextAreaField(
        _l("Overall opinion"),
        validators=[Optional(), Length(max=2000)],
        description=_l("A few sentences for the firm, printed on the report's summary page."),
    )

    item_ids: list[int]


def exam_form(items: list[CheckupItem], **kwargs) -> ExamForm:
    """An examination form with the fields of these items."""

    class Form(ExamForm):
        pass

    for item in items:
        setattr(Form, f"result_{item.id}", RadioField(_l("Result"), default="pending"))
        setattr(Form, f"risk_{item.id}", SelectField(_l("Risk"), validators=[Optional()]))
        setattr(Form, f"urgent_{item.id}", BooleanField(_l("Serious and urgent")))
        setattr(
            Form,
            f"finding_{item.id}",
            TextAreaField(_l("What was found"), validators=[Optional(), Length(max=2000)]),
        )
        setattr(
            Form,
            f"recommendation_{item.id}",
            TextAreaField(_l("Recommendation"), validators=[Optional(), Length(max=2000)]),
        )
        setattr(
            Form,
            f"due_{item.id}",
            DateField(
                _l("Fix by"),
                validators=[Optional()],
                description=_l("Empty: the default period for its risk."),
            ),
        )
    form = Form(**kwargs)
    form.item_ids = [item.id for item in items]
    for item in items:
        getattr(form, f"result_{item.id}").choices = choices(RESULTS)
        getattr(form, f"risk_{item.id}").choices = [SelectChoice("", "—"), *choices(RISK_LEVELS)]
    return form


class FixForm(FlaskForm):
    """The firm says a finding is fixed."""

    note = TextAreaField(
        _l("What was done"),
        validators=[Optional(), Length(max=2000)],
        description=_l("A note, a document, or both."),
    )
    document = FileField(
        _l("Document (PDF, JPEG or PNG, up to 5 MB)"),
        description=_l("For example the new contract template or the signed policy."),
    )


class AcceptForm(FlaskForm):
    """The firm accepts a finding's risk in writing."""

    statement = TextAreaField(
        _l("The firm's written statement"),
        validators=[InputRequired(_l("Write the statement.")), Length(max=2000)],
        description=_l(
            "For example: the firm has been told of this risk and of the advice to fix it; having "
            "considered it, the firm will not fix it for now and bears the legal risk itself."
        ),
    )
    signer = StringField(
        _l("Signed for the firm by (name and post)"),
        validators=[InputRequired(_l("Enter who signs for the firm.")), Length(max=80)],
    )


class VerifyForm(FlaskForm):
    """The consultant checks a fix at a return visit."""

    outcome = RadioField(
        _l("At the return visit"),
        choices=[
            SelectChoice("verified", _l("The fix is verified")),
            SelectChoice("returned", _l("Not fixed yet: send it back")),
        ],
        default="verified",
        validators=[InputRequired(_l("Choose one."))],
    )
    visited_on = DateField(
        _l("Day of the return visit"), validators=[InputRequired(_l("Enter the day."))]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class CancelForm(FlaskForm):
    """Withdraw a check-up."""

    reason = StringField(
        _l("Why"), validators=[InputRequired(_l("Say why, in a few words.")), Length(max=200)]
    )
