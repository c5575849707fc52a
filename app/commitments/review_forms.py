"""Forms of the review pages: confirm, return with a comment, reopen registration, and the
officer's assessment period.

The services check everything again with messages a person can read; these forms only parse.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.commitments.forms import DATE_FORMATS
from app.commitments.review import REASON_MAX
from app.models.commitments import COMMENT_MAX

_TOO_LONG = _l("At most %(max)d characters.")


def optional_int(value) -> int | None:
    """A select's value: '' (no choice) becomes None."""
    if value in (None, ""):
        return None
    return int(value)


class ConfirmForm(FlaskForm):
    """One button; the version number says which version the reviewer read."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class ReturnForm(FlaskForm):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    comment = TextAreaField(
        _l("Comment when returning"),
        validators=[
            DataRequired(_l("Write why the commitment is returned.")),
            Length(max=COMMENT_MAX, message=_TOO_LONG),
        ],
        render_kw={"rows": 4, "maxlength": COMMENT_MAX},
    )


class ReopenForm(FlaskForm):
    q = HiddenField()
    user_id = SelectField(_l("Person"), coerce=optional_int, validate_choice=False)
    unit_id = SelectField(_l("Or a unit"), coerce=optional_int, validate_choice=False)
    open_until = DateField(
        _l("Registration open until (inclusive)"),
        format=["%Y-%m-%d", "%d/%m/%Y"],
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[InputRequired(_l("Enter the date until which registration stays open."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Write the reason for reopening.")),
            Length(max=REASON_MAX, message=_TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class PeriodForm(FlaskForm):
    """The assessment window; the service checks the order of the days."""

    opens_on = DateField(
        _l("First day of the assessment"),
        format=DATE_FORMATS,
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[InputRequired(_l("Enter the first day of the assessment."))],
    )
    closes_on = DateField(
        _l("Last day of the assessment (inclusive)"),
        format=DATE_FORMATS,
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[InputRequired(_l("Enter the last day of the assessment."))],
    )
