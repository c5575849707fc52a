"""The voting forms: a round's details and who votes, the candidates to add, a vote, a
receipt to check, and the one-button forms (publish, end, publish the results, delete).

The services check everything again; these forms parse (local times to UTC) and show each
error beside its field.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.councils.forms import WholeNumberField
from app.models.voting import DESCRIPTION_MAX, MAX_VOTES_LIMIT, TITLE_MAX, ResultsMode
from app.text import clean
from app.web.filters import local_zone

_TOO_LONG = _l("At most %(max)d characters.")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
AUDIENCE_ALL = "all"
AUDIENCE_UNITS = "units"


def to_utc(value: datetime | None) -> datetime | None:
    """A local wall-clock time (Asia/Ho_Chi_Minh) as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=local_zone()).astimezone(UTC)


def to_wall_clock(value: datetime | None) -> datetime | None:
    """A UTC time as the local wall-clock time the form shows."""
    if value is None:
        return None
    return value.astimezone(local_zone()).replace(tzinfo=None)


class RoundForm(FlaskForm):
    title = StringField(
        _l("Title of the round"),
        filters=[clean],
        description=_l("E.g. Bình chọn sáng kiến tiêu biểu năm 2026."),
        render_kw={"maxlength": False},
        validators=[
            InputRequired(_l("Enter the title of the round.")),
            Length(max=TITLE_MAX, message=_TOO_LONG),
        ],
    )
    description = TextAreaField(
        _l("Introduction for voters"),
        description=_l("Optional: the purpose of the round and how the results will be used."),
        render_kw={"rows": 3},
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_TOO_LONG)],
    )
    opens_at = DateTimeLocalField(
        _l("Voting opens"),
        format=DATETIME_FORMATS,
        description=_l("Local time (dd/mm/yyyy hh:mm)."),
        invalid_value_message=_l("Enter a valid date and time (dd/mm/yyyy hh:mm)."),
        validators=[InputRequired(_l("Enter when voting opens."))],
    )
    closes_at = DateTimeLocalField(
        _l("Voting closes"),
        format=DATETIME_FORMATS,
        description=_l("Local time (dd/mm/yyyy hh:mm)."),
        invalid_value_message=_l("Enter a valid date and time (dd/mm/yyyy hh:mm)."),
        validators=[InputRequired(_l("Enter when voting closes."))],
    )
    max_votes = WholeNumberField(
        _l("Votes per person (at most)"),
        default=3,
        description=_l("How many initiatives each person may choose."),
        render_kw={"inputmode": "numeric"},
    )
    min_votes = WholeNumberField(
        _l("Votes per person (at least)"),
        description=_l("Optional: a ballot with fewer votes is not counted."),
        render_kw={"inputmode": "numeric"},
        validators=[Optional()],
    )
    results_mode = RadioField(
        _l("Results"),
        choices=[
            SelectChoice(ResultsMode.AFTER_CLOSE.value, _l("Shown after the round closes")),
            SelectChoice(ResultsMode.LIVE.value, _l("Shown live while voting is open")),
        ],
        default=ResultsMode.AFTER_CLOSE.value,
    )
    audience = RadioField(
        _l("Who votes"),
        choices=[
            SelectChoice(AUDIENCE_ALL, _l("All active staff")),
            SelectChoice(AUDIENCE_UNITS, _l("Staff of the chosen units")),
        ],
        default=AUDIENCE_ALL,
    )
    unit_ids = SelectMultipleField(_l("Units whose staff vote"), coerce=int, validate_choice=False)

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Voting must close after it opens."))

    def validate_unit_ids(self, field) -> None:
        if self.audience.data == AUDIENCE_UNITS and not field.data:
            raise ValidationError(_l("Choose at least one unit whose staff vote."))

    def validate_max_votes(self, field) -> None:
        if field.data is None or not 1 <= field.data <= MAX_VOTES_LIMIT:
            raise ValidationError(
                _l("Enter a whole number from 1 to %(max)d.", max=MAX_VOTES_LIMIT)
            )

    def validate_min_votes(self, field) -> None:
        maximum = self.max_votes.data
        if field.data is not None and (field.data < 1 or (maximum and field.data > maximum)):
            raise ValidationError(_l("The minimum must be from 1 to the number of votes allowed."))

    def service_data(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data,
            "opens_at": to_utc(self.opens_at.data),
            "closes_at": to_utc(self.closes_at.data),
            "max_votes": self.max_votes.data,
            "min_votes": self.min_votes.data,
            "results_mode": self.results_mode.data,
            "is_open_to_all": self.audience.data != AUDIENCE_UNITS,
            "unit_ids": self.unit_ids.data or [],
        }


class CandidatesForm(FlaskForm):
    initiative_ids = SelectMultipleField(
        _l("Initiatives to put forward"), coerce=int, validate_choice=False
    )


class ReceiptForm(FlaskForm):
    code = StringField(
        _l("Receipt code"),
        filters=[clean],
        description=_l("The code shown after your last change, e.g. K7QM-2XDA-9RTF."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        validators=[InputRequired(_l("Enter the receipt code.")), Length(max=40)],
    )


class ButtonForm(FlaskForm):
    """A one-button POST (publish, end, publish the results, delete, remove): only the token."""
