"""Forms of the three-end loop's pages: intake, a move, the return visit, parties, documents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from programs.disputes.models import AUTHORITIES, DOCUMENT_KINDS
from rules.disputes import CASE_TYPES, SUBJECT_NAMES, TYPE_NAMES
from webapp.forms import choices

WORKER_ROWS = 3


class CaseForm(FlaskForm):
    """A new case: staff take any type in; a firm asks for mediation or a contract review."""

    case_type = SelectField(_l("Type of case"), validators=[InputRequired()])
    subject = SelectField(_l("What it is about"), validators=[InputRequired()])
    enterprise_id = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
    counterparty_id = SelectField(_l("Other firm (from the directory)"), coerce=int,
                                  validators=[Optional()])  # fmt: skip
    counterparty_name = StringField(_l("Other firm (if not in the directory)"),
                                    validators=[Optional(), Length(max=120)])  # fmt: skip
    summary = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=4000)])
    workers = IntegerField(
        _l("Workers claiming"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100000, message=_l("Enter 0 or more."))],
    )
    amount_claimed = DecimalField(
        _l("Amount claimed (yuan)"),
        places=2,
        default=0,
        validators=[Optional(), NumberRange(min=0, message=_l("Enter 0 or more."))],
    )
    knew_on = DateField(_l("Day the claimant learned of it"), validators=[Optional()])
    employment_continuing = BooleanField(_l("The workers are still employed"))
    arbitration_agreed = BooleanField(_l("The firms agreed to arbitrate"))
    contracts = IntegerField(_l("Contracts submitted"), default=0,
                             validators=[Optional(), NumberRange(min=0, max=1000)])  # fmt: skip
    worker_name_1 = StringField(_l("Worker 1: name"), validators=[Optional(), Length(max=120)])
    worker_contact_1 = StringField(_l("Worker 1: phone"), validators=[Optional(), Length(max=60)])
    worker_name_2 = StringField(_l("Worker 2: name"), validators=[Optional(), Length(max=120)])
    worker_contact_2 = StringField(_l("Worker 2: phone"), validators=[Optional(), Length(max=60)])
    worker_name_3 = StringField(_l("Worker 3: name"), validators=[Optional(), Length(max=120)])
    worker_contact_3 = StringField(_l("Worker 3: phone"), validators=[Optional(), Length(max=60)])
    documents = TextAreaField(
        _l("Documents received (one per line)"), validators=[Optional(), Length(max=4000)]
    )

    def load(self, *, firm_role: bool) -> CaseForm:
        types = ("labour", "commercial", "contract_review") if firm_role else CASE_TYPES
        self.case_type.choices = choices({t: TYPE_NAMES[t] for t in types})
        self.subject.choices = choices(SUBJECT_NAMES)
        return self


class MoveForm(FlaskForm):
    """Move the case to a stage the table allows, recording what happened and why."""

    to_stage = SelectField(_l("Move to"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(message=_l("Write down why the case moves.")), Length(max=2000)],
    )
    mediation_failed = BooleanField(_l("Mediation failed (a party withdrew or refused)"))
    acceptance_refused = BooleanField(_l("The arbitration commission refused the application"))
    award_final_eligible = BooleanField(_l("The award is final (LDMAL art. 47)"))
    period_extended = BooleanField(_l("The award period was extended by 15 days"))
    arbitration_agreed = BooleanField(_l("The firms agreed to arbitrate"))
    live_dispute = BooleanField(_l("The review found a live dispute"))
    opens = SelectField(_l("Open a dispute of type"), validators=[Optional()])
    agreement_terms = TextAreaField(_l("Terms agreed"), validators=[Optional(), Length(max=4000)])
    agreed_amount = DecimalField(_l("Amount agreed (yuan)"), places=2,
                                 validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=4000)])
    contracts_reviewed = IntegerField(_l("Contracts reviewed"),
                                      validators=[Optional(), NumberRange(min=0, max=10000)])  # fmt: skip
    loopholes_fixed = IntegerField(_l("Loopholes fixed"),
                                   validators=[Optional(), NumberRange(min=0, max=10000)])  # fmt: skip
    amount_recovered = DecimalField(_l("Loss recovered (yuan)"), places=2,
                                    validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    loss_avoided = DecimalField(_l("Loss avoided (yuan)"), places=2,
                                validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    loss_evidence = StringField(_l("Evidence of the loss recovered or avoided"),
                                validators=[Optional(), Length(max=2000)])  # fmt: skip
    activity_on = DateField(_l("Day of the visit or training"), validators=[Optional()])
    activity_note = StringField(_l("What was done"), validators=[Optional(), Length(max=2000)])

    def load(self) -> MoveForm:
        self.opens.choices = choices({t: TYPE_NAMES[t] for t in ("commercial", "labour")})
        return self


class FeedbackForm(FlaskForm):
    visited_on = DateField(_l("Day of the return visit"),
                           validators=[InputRequired(message=_l("Enter the day of the visit."))])  # fmt: skip
    satisfaction = SelectField(
        _l("Satisfaction"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in (5, 4, 3, 2, 1)],
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("What the parties said"), validators=[Optional(), Length(max=2000)])


class AuthorityForm(FlaskForm):
    authority = SelectField(_l("Join an authority"), validators=[InputRequired()])

    def load(self) -> AuthorityForm:
        self.authority.choices = choices(AUTHORITIES)
        return self


class WorkerForm(FlaskForm):
    name = StringField(_l("Worker's name"),
                       validators=[InputRequired(message=_l("Enter the worker's name.")),
                                   Length(max=120)])  # fmt: skip
    contact = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(message=_l("Give the document a title.")),
                                                 Length(max=200)])  # fmt: skip

    def load(self) -> DocumentForm:
        self.kind.choices = choices(DOCUMENT_KINDS)
        return self
