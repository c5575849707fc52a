"""The survey forms: a survey's details, a section, a question (its options read as rows from
the form), and the one-button forms. Answers are read by answering.read_page, not WTForms:
their fields are the survey's own questions.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.models.surveys import INTRO_MAX, TITLE_MAX, QuestionKind
from app.surveys.services import OptionRow, QuestionData
from app.text import clean, clean_paragraphs
from app.voting.forms import AUDIENCE_ALL, AUDIENCE_UNITS, DATETIME_FORMATS, to_utc

_TOO_LONG = _l("At most %(max)d characters.")
K = QuestionKind

KIND_LABELS = {
    K.SINGLE: _l("Single choice"),
    K.MULTIPLE: _l("Multiple choice"),
    K.DROPDOWN: _l("Drop-down list"),
    K.LIKERT: _l("Likert matrix (agree – disagree)"),
    K.RATING: _l("Rating"),
    K.YES_NO: _l("Yes / no"),
    K.SHORT_TEXT: _l("Short text"),
    K.LONG_TEXT: _l("Long text"),
    K.NUMBER: _l("Numeric answer"),
    K.DATE: _l("Date"),
}
LIKERT_LABELS = (
    _l("Strongly disagree"),
    _l("Disagree"),
    _l("Neither agree nor disagree"),
    _l("Agree"),
    _l("Strongly agree"),
)


class SurveyForm(FlaskForm):
    title = StringField(
        _l("Title of the survey"),
        filters=[clean],
        render_kw={"maxlength": False},
        validators=[
            InputRequired(_l("Enter the title of the survey.")),
            Length(max=TITLE_MAX, message=_TOO_LONG),
        ],
    )
    introduction = TextAreaField(
        _l("Introduction"),
        description=_l("What respondents read first: the purpose, how long it takes."),
        filters=[clean_paragraphs],
        render_kw={"rows": 4},
        validators=[Optional(), Length(max=INTRO_MAX, message=_TOO_LONG)],
    )
    opens_at = DateTimeLocalField(
        _l("Opens"),
        format=DATETIME_FORMATS,
        description=_l("Local time (dd/mm/yyyy hh:mm)."),
        invalid_value_message=_l("Enter a valid date and time (dd/mm/yyyy hh:mm)."),
        validators=[InputRequired(_l("Enter when the survey opens."))],
    )
    closes_at = DateTimeLocalField(
        _l("Closes"),
        format=DATETIME_FORMATS,
        description=_l("Local time (dd/mm/yyyy hh:mm)."),
        invalid_value_message=_l("Enter a valid date and time (dd/mm/yyyy hh:mm)."),
        validators=[InputRequired(_l("Enter when the survey closes."))],
    )
    is_anonymous = BooleanField(
        _l("Anonymous"),
        default=True,
        description=_l(
            "Responses are stored without the person's name or time; results never show a "
            "group of fewer than 5 respondents."
        ),
    )
    audience = RadioField(
        _l("Who answers"),
        choices=[
            SelectChoice(AUDIENCE_ALL, _l("All active staff")),
            SelectChoice(AUDIENCE_UNITS, _l("Staff of the chosen units")),
        ],
        default=AUDIENCE_ALL,
    )
    unit_ids = SelectMultipleField(
        _l("Units whose staff answer"), coerce=int, validate_choice=False
    )

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The survey must close after it opens."))

    def validate_unit_ids(self, field) -> None:
        if self.audience.data == AUDIENCE_UNITS and not field.data:
            raise ValidationError(_l("Choose at least one unit whose staff answer."))

    def service_data(self) -> dict:
        return {
            "title": self.title.data,
            "introduction": self.introduction.data,
            "opens_at": to_utc(self.opens_at.data),
            "closes_at": to_utc(self.closes_at.data),
            "is_anonymous": self.is_anonymous.data,
            "is_open_to_all": self.audience.data != AUDIENCE_UNITS,
            "unit_ids": self.unit_ids.data or [],
        }


class SectionForm(FlaskForm):
    title = StringField(
        _l("Title of the section"),
        filters=[clean],
        render_kw={"maxlength": False},
        validators=[Optional(), Length(max=TITLE_MAX, message=_TOO_LONG)],
    )
    description = TextAreaField(
        _l("Text shown above its questions"),
        filters=[clean_paragraphs],
        render_kw={"rows": 2},
        validators=[Optional(), Length(max=INTRO_MAX, message=_TOO_LONG)],
    )


class ButtonForm(FlaskForm):
    """A one-button POST (publish, close, duplicate, delete, move): only the token."""


# The question form, read by hand: its option rows vary in number ---------------------------------

OPTION_ROWS_MIN = 4


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _float(value) -> tuple[float | None, bool]:
    """(number, whether the text was a number or empty)."""
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None, True
    try:
        return float(text), True
    except ValueError:
        return None, False


def read_question(form, kind: str) -> tuple[QuestionData, dict[str, list[str]]]:
    """The question's data from a POSTed form, and the errors of what is not even a number."""
    errors: dict[str, list[str]] = {}
    rows = []
    for index in range(_int(form.get("option_count")) or 0):
        text = clean(form.get(f"option-{index}-text"))
        rows.append(
            OptionRow(
                text=text,
                is_correct=form.get(f"option-{index}-correct") == "1",
                id=_int(form.get(f"option-{index}-id")),
            )
        )
    low, low_ok = _float(form.get("number_min"))
    high, high_ok = _float(form.get("number_max"))
    if not low_ok:
        errors["number_min"] = [str(_l("Enter a number."))]
    if not high_ok:
        errors["number_max"] = [str(_l("Enter a number."))]
    picks = {}
    for name in ("min_choices", "max_choices"):
        raw = (form.get(name) or "").strip()
        picks[name] = _int(raw)
        if raw and picks[name] is None:
            errors[name] = [str(_l("Enter a whole number."))]
    data = QuestionData(
        kind=kind,
        text=clean(form.get("text")),
        help_text=clean(form.get("help_text")),
        is_required=form.get("is_required") == "y",
        is_knowledge=form.get("is_knowledge") == "y",
        options=rows,
        min_choices=picks["min_choices"],
        max_choices=picks["max_choices"],
        scale_max=_int(form.get("scale_max")),
        number_min=low,
        number_max=high,
        condition_option_ids=[
            v for v in (_int(x) for x in form.getlist("condition_option_ids")) if v is not None
        ],
    )
    return data, errors


def data_of(question) -> QuestionData:
    """A stored question as the form's data."""
    return QuestionData(
        kind=question.kind,
        text=question.text,
        help_text=question.help_text,
        is_required=question.is_required,
        is_knowledge=question.is_knowledge,
        options=[OptionRow(o.text, o.is_correct, o.id) for o in question.options],
        min_choices=question.min_choices,
        max_choices=question.max_choices,
        scale_max=question.scale_max,
        number_min=question.number_min,
        number_max=question.number_max,
        condition_option_ids=list(question.condition_option_ids or []),
    )


def with_blank_rows(data: QuestionData, more: int = 0) -> list[OptionRow]:
    """The option rows the form shows: those given, then blanks up to a minimum (and `more`)."""
    rows = [row for row in data.options if row.text or row.id]
    blanks = max(OPTION_ROWS_MIN - len(rows), 2) + more
    return rows + [OptionRow("") for _ in range(blanks)]
