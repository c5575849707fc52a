"""The initiative forms: the application, a co-author, the shares, an attachment, the review.

The services check everything again; these forms parse and mirror the services' limits so every
error shows at once beside its field. The labels follow the application form of Thông tư
18/2013/TT-BKHCN, Phụ lục I.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.commitments.forms import DATE_FORMATS, optional_int
from app.models.initiatives import COMMENT_MAX, FIELD_MAX, TITLE_MAX
from app.text import clean

_TOO_LONG = _l("At most %(max)d characters.")
_LONG = {"rows": 4, "maxlength": False}


def _text(label, description=None, rows=4):
    return TextAreaField(
        label,
        description=description,
        render_kw={**_LONG, "rows": rows},
        validators=[Optional(), Length(max=FIELD_MAX, message=_TOO_LONG)],
    )


class ApplicationForm(FlaskForm):
    title = StringField(
        _l("Name of the initiative"),
        filters=[clean],
        render_kw={"maxlength": False},
        validators=[
            InputRequired(_l("Enter the name of the initiative.")),
            Length(max=TITLE_MAX, message=_TOO_LONG),
        ],
    )
    content_area_id = SelectField(
        _l("Field of application"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("The content area of the movement the initiative serves."),
    )
    first_applied_on = DateField(
        _l("Date first applied or trialled"),
        format=DATE_FORMATS,
        description=_l("dd/mm/yyyy; not later than today."),
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[Optional()],
    )
    current_situation = _text(
        _l("Current situation"),
        _l("How the work is done today and what is wrong with it."),
    )
    solution = _text(_l("Content of the solution"), _l("What the initiative changes."), rows=6)
    steps = _text(_l("Steps of implementation"))
    novelty = _text(
        _l("What is new compared with known solutions"),
        _l("The novelty (tính mới): what no one in the office had done before."),
    )
    confidential_info = _text(
        _l("Information to be kept confidential"),
        _l("Optional. Shown only to the reviewers and the initiative council."),
        rows=2,
    )
    conditions = _text(_l("Conditions needed to apply it"), rows=3)
    applicability = _text(
        _l("Applicability"), _l("Where and by whom else it can be applied."), rows=3
    )
    benefits_author = _text(
        _l("Benefits, as the authors assess them"),
        _l("Time, money or paper saved; quality improved; figures where you have them."),
    )
    benefits_trial = _text(
        _l("Benefits, as those who trialled it assess them"), _l("Optional."), rows=3
    )
    trial_participants = _text(
        _l("People who took part in the trial"),
        _l("Optional: full name, position and unit, one per line."),
        rows=3,
    )

    def service_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class AuthorForm(FlaskForm):
    """Add a co-author chosen with the person picker; their share comes from the main author."""

    user_id = RadioField(
        _l("Person"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a person from the directory."))],
    )
    share = IntegerField(
        _l("Contribution (%)"),
        description=_l("Taken from the main author's share."),
        validators=[
            InputRequired(_l("Enter the contribution of the co-author.")),
            NumberRange(
                min=1, max=99, message=_l("Enter a contribution between %(min)d and %(max)d%%.")
            ),
        ],
    )


class CommentForm(FlaskForm):
    """The officer's comment when returning, rejecting or accepting."""

    comment = TextAreaField(
        _l("Comment"),
        render_kw={"rows": 3, "maxlength": False},
        validators=[Optional(), Length(max=COMMENT_MAX, message=_TOO_LONG)],
    )


class EndorseForm(FlaskForm):
    note = TextAreaField(
        _l("The unit's opinion"),
        description=_l("Optional: why the unit puts this initiative forward."),
        render_kw={"rows": 2, "maxlength": False},
        validators=[Optional(), Length(max=COMMENT_MAX, message=_TOO_LONG)],
    )


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("File"),
        render_kw={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"},
    )
