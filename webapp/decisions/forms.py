"""Forms for rule parameters and overrides."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.extensions import t

REQUIRED = _l("This field is required.")
MAX_REPLAY_DAYS = 731


def parameter_form(ruleset: Any, values: dict[str, Any], formdata: Any = None) -> FlaskForm:
    """A form with one field per parameter of `ruleset` (a rules.Ruleset), filled with `values`.

    The fields follow each ParameterSpec: its type, bounds, choices, label, help and unit. The
    rules check the values again when they are stored; the form only catches typing mistakes.
    """

    class ParameterForm(FlaskForm):
        note = TextAreaField(
            _l("Why the change"),
            validators=[InputRequired(REQUIRED), Length(max=500)],
            description=_l("Kept with the new version, for whoever reads the history."),
        )

    for spec in ruleset.parameters:
        label = t(spec.label) + (f"（{t(spec.unit)}）" if spec.unit else "")
        description = t(spec.help) if spec.help else ""
        if spec.choices is not None:
            field = SelectField(
                label,
                choices=[SelectChoice(str(c), str(c)) for c in spec.choices],
                description=description,
            )
        elif spec.type is bool:
            field = BooleanField(label, description=description)
        else:
            validators: list[Any] = [InputRequired(_l("Enter a number."))]
            if spec.type is str:
                validators = [Optional(), Length(max=200)]
            elif spec.min is not None or spec.max is not None:
                validators.append(
                    NumberRange(
                        min=spec.min,
                        max=spec.max,
                        message=_l("Enter a number from %(min)s to %(max)s."),
                    )
                )
            kind = {int: IntegerField, float: FloatField, str: StringField}[spec.type]
            field = kind(label, validators=validators, description=description)
        setattr(ParameterForm, f"p_{spec.name}", field)

    data = {f"p_{name}": value for name, value in values.items()}
    return ParameterForm(formdata=formdata, data=data)


def form_values(form: FlaskForm, ruleset: Any) -> dict[str, Any]:
    """The parameter values typed into a `parameter_form`, typed as the specs say."""
    values = {}
    for spec in ruleset.parameters:
        value = getattr(form, f"p_{spec.name}").data
        if spec.choices is not None:
            value = next((c for c in spec.choices if str(c) == value), value)
        values[spec.name] = value
    return values


class OverrideForm(FlaskForm):
    """Set a decision aside: the outcome wanted instead, and why."""

    outcome = SelectField(
        _l("New outcome"),
        choices=[
            SelectChoice("allow", _l("Allow what the rules refused")),
            SelectChoice("refuse", _l("Refuse what the rules allowed")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(REQUIRED), Length(min=4, max=1000)],
        description=_l("Required. It is logged with your name and shown beside the decision."),
    )


class ReplayPeriodForm(FlaskForm):
    """The period of history a draft is replayed over (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    start_on = DateField(
        _l("From day"), validators=[InputRequired(_l("Enter a date, for example 2025-12-01."))]
    )
    end_on = DateField(
        _l("To day"), validators=[InputRequired(_l("Enter a date, for example 2026-11-30."))]
    )

    def validate_end_on(self, field: DateField) -> None:
        if not (field.data and self.start_on.data):
            return
        if field.data < self.start_on.data:
            raise ValidationError(_l("The last day comes before the first."))
        if (field.data - self.start_on.data).days > MAX_REPLAY_DAYS:
            raise ValidationError(
                _l("Replay at most two years at a time; choose a shorter period.")
            )
