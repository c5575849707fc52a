"""The report's form: its kind, period, number and date, subject, the officer's words for each
section, the recipients and the signer. The service checks the rules again."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from app.campaigns.forms import DATE_FORMATS
from app.models.reports import (
    NUMBER_MAX,
    RECIPIENTS_MAX,
    SECTION_MAX,
    SIGNER_MAX,
    SUBJECT_MAX,
    ReportKind,
)
from app.text import clean, clean_paragraphs

_INVALID_DATE = _l("Enter a valid date (dd/mm/yyyy).")
_TOO_LONG = _l("At most %(max)d characters.")
SECTIONS = ("organisation", "strengths", "weaknesses", "lessons", "next_steps", "proposals")


def _section(label, description=None, rows=4):
    return TextAreaField(
        label,
        description=description,
        filters=[clean_paragraphs],
        render_kw={"rows": rows},
        validators=[Optional(), Length(max=SECTION_MAX, message=_TOO_LONG)],
    )


class ReportForm(FlaskForm):
    kind = RadioField(
        _l("Kind of report"),
        choices=[
            SelectChoice(ReportKind.INTERIM.value, _l("Interim report")),
            SelectChoice(ReportKind.FINAL.value, _l("Final report")),
        ],
        default=ReportKind.INTERIM.value,
        validators=[
            InputRequired(_l("Choose the kind of report.")),
            AnyOf([k.value for k in ReportKind], message=_l("Choose the kind of report.")),
        ],
    )
    period_start = DateField(
        _l("Period from"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        validators=[InputRequired(_l("Enter the first day of the period."))],
    )
    period_end = DateField(
        _l("Period to"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        validators=[InputRequired(_l("Enter the last day of the period."))],
    )
    number = StringField(
        _l("Document number"),
        filters=[clean],
        description=_l("E.g. 125/BC-VPUBND. Leave empty until the clerical office numbers it."),
        validators=[Optional(), Length(max=NUMBER_MAX, message=_TOO_LONG)],
    )
    issued_on = DateField(
        _l("Date of the report"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        description=_l("Optional: without it the date line is left blank for the signature."),
        validators=[Optional()],
    )
    subject = TextAreaField(
        _l("Subject (trích yếu)"),
        filters=[clean],
        render_kw={"rows": 2},
        validators=[
            InputRequired(_l("Enter the subject of the report.")),
            Length(max=SUBJECT_MAX, message=_TOO_LONG),
        ],
    )
    organisation = _section(
        _l("Direction and organisation"),
        _l("How the plan was passed on and organised. One paragraph per line."),
    )
    strengths = _section(_l("Strengths"))
    weaknesses = _section(_l("Shortcomings and their causes"))
    lessons = _section(_l("Lessons learned"), _l("Printed in a final report only."))
    next_steps = _section(_l("Directions and tasks ahead"))
    proposals = _section(_l("Proposals and recommendations"))
    recipients = TextAreaField(
        _l("Recipients (Nơi nhận)"),
        filters=[clean_paragraphs],
        description=_l("One recipient per line, as printed."),
        render_kw={"rows": 5},
        validators=[Optional(), Length(max=RECIPIENTS_MAX, message=_TOO_LONG)],
    )
    signer_title = TextAreaField(
        _l("Signing capacity"),
        filters=[clean_paragraphs],
        description=_l(
            "E.g. CHÁNH VĂN PHÒNG, or KT. CHÁNH VĂN PHÒNG and PHÓ CHÁNH VĂN PHÒNG on two lines."
        ),
        render_kw={"rows": 2},
        validators=[Optional(), Length(max=SIGNER_MAX, message=_TOO_LONG)],
    )
    signer_name = StringField(
        _l("Signer's name"),
        filters=[clean],
        validators=[Optional(), Length(max=SIGNER_MAX, message=_TOO_LONG)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.period_start.data, self.period_end.data
        if start and end and end < start:
            self.period_end.errors = [
                *self.period_end.errors,
                _l("The period must end on or after its first day."),
            ]
            return False
        return valid

    def service_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
