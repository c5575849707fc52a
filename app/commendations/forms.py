"""The commendation forms: a proposal, the achievement, declining, the decision, a form's
eligibility rule, and the one-button forms (approve, withdraw).

The services check everything again with the same messages; these forms parse, and mirror the
services' limits so each error shows at once beside its field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, StopValidation

from app.commitments.forms import DATE_FORMATS, optional_int
from app.models.commendations import (
    ACHIEVEMENT_MAX,
    DECISION_NUMBER_MAX,
    REASON_MAX,
    RULE_LIMIT,
)
from app.text import clean

_TOO_LONG = _l("At most %(max)d characters.")
_WHOLE = _l("Enter a whole number from 0 to %(max)d.")


class ButtonForm(FlaskForm):
    """A one-button POST: only the token (and where to go back to)."""

    next = HiddenField()


def _achievement_field():
    return TextAreaField(
        _l("Achievement"),
        description=_l(
            "Drafted from the data (assessment, recognized initiatives, votes); edit it as the "
            "list should read."
        ),
        validators=[
            InputRequired(_l("Write the achievement.")),
            Length(max=ACHIEVEMENT_MAX, message=_TOO_LONG),
        ],
        render_kw={"rows": 7, "maxlength": ACHIEVEMENT_MAX},
    )


class ProposalForm(FlaskForm):
    """One proposal: the form of commendation, the nominee, the achievement."""

    form_id = SelectField(_l("Form of commendation"), coerce=optional_int, validate_choice=False)
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validate_choice=False)
    achievement = _achievement_field()


class AchievementForm(FlaskForm):
    achievement = _achievement_field()


class DeclineForm(FlaskForm):
    next = HiddenField()
    reason = TextAreaField(
        _l("Reason for declining"),
        validators=[
            InputRequired(_l("Write why the proposal is declined.")),
            Length(max=REASON_MAX, message=_TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class DecisionForm(FlaskForm):
    number = StringField(
        _l("Decision number"),
        filters=[clean],
        description=_l("As written on the decision, e.g. 125/QĐ-VPUBND."),
        validators=[
            InputRequired(_l("Enter the number of the decision.")),
            Length(max=DECISION_NUMBER_MAX, message=_TOO_LONG),
        ],
        render_kw={"maxlength": DECISION_NUMBER_MAX},
    )
    day = DateField(
        _l("Date of the decision"),
        format=DATE_FORMATS,
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[InputRequired(_l("Enter the date of the decision."))],
    )


class CountField(IntegerField):
    """A whole number from 0 to RULE_LIMIT; empty is 0, and anything else one clear message
    with what was typed shown again."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        if not raw:
            self.data = 0
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(str(_WHOLE) % {"max": RULE_LIMIT}) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is not None and not 0 <= self.data <= RULE_LIMIT:
            raise StopValidation(str(_WHOLE) % {"max": RULE_LIMIT})


class RuleForm(FlaskForm):
    min_initiatives = CountField(
        _l("Recognized initiatives, at least"),
        description=_l("Initiatives (co-)authored, or of the unit, recognized by the council."),
        render_kw={"min": 0, "max": RULE_LIMIT},
    )
    requires_fulfilled = BooleanField(_l("The commitment is assessed as fulfilled"))
    min_votes = CountField(
        _l("Votes received, at least"),
        description=_l("In voting rounds whose results are published."),
        render_kw={"min": 0, "max": RULE_LIMIT},
    )
