"""Form pieces shared by the blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from programs.directory import queries
from webapp.extensions import t
from webapp.requests import db_session


def choices(vocabulary: dict[str, str]) -> list[SelectChoice]:
    """Options with translated labels for a vocabulary of message ids."""
    return [SelectChoice(code, t(label)) for code, label in vocabulary.items()]


def options(pairs, blank: bool = True) -> list[SelectChoice]:
    """Options from (value, label) pairs, after a "—" option meaning "none chosen"."""
    head = [SelectChoice(0, "—")] if blank else []
    return head + [SelectChoice(value, label) for value, label in pairs]


class TownField(SelectField):
    """A town chosen from the directory, stored as its id."""

    def __init__(self, label: str | None = None, **kwargs):
        kwargs.setdefault("validators", [InputRequired(message=_l("Choose a town."))])
        super().__init__(label or _l("Town"), coerce=int, **kwargs)

    def load(self) -> TownField:
        """Fill the choices from the database (call in the view, after the form is built)."""
        self.choices = options((town.id, town.name) for town in queries.towns(db_session()))
        return self

    def pre_validate(self, form) -> None:
        # A ValidationError is shown beside the field; WTForms lets a plain ValueError through (500).
        if not self.data:
            raise ValidationError(_l("Choose a town."))
        super().pre_validate(form)
