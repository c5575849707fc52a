"""The officer's campaign form and the forms of the items of its four lists."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from app.campaigns.services import CODE_PATTERN, period_errors
from app.models.campaigns import AppliesTo
from app.text import clean
from app.web.labels import APPLIES_TO_LABELS

# <input type="date"> sends yyyy-mm-dd; a browser without it lets people type dd/mm/yyyy.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_INVALID_DATE = _l("Enter a valid date (dd/mm/yyyy).")
_TOO_LONG = _l("At most %(max)d characters.")


def _upper(value):
    return clean(value).upper() if value else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CampaignForm(FlaskForm):
    code = StringField(
        _l("Campaign code"),
        filters=[_upper],
        validators=[
            DataRequired(_l("Enter the campaign code.")),
            Length(max=40, message=_TOO_LONG),
            Regexp(
                CODE_PATTERN.pattern + r"\Z",
                message=_l(
                    "Use capital letters without accents, digits and hyphens, e.g. DMST-2026."
                ),
            ),
        ],
    )
    name = StringField(
        _l("Campaign name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter the campaign name.")),
            Length(max=300, message=_TOO_LONG),
        ],
    )
    plan_reference = StringField(
        _l("Plan document"),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_TOO_LONG)],
    )
    purpose = TextAreaField(_l("Purpose and requirements"), filters=[_strip], render_kw={"rows": 6})
    starts_on = DateField(
        _l("Start date"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        validators=[InputRequired(_l("Enter the start date."))],
    )
    ends_on = DateField(
        _l("End date"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        validators=[InputRequired(_l("Enter the end date."))],
    )
    registration_deadline = DateField(
        _l("Registration deadline"),
        format=DATE_FORMATS,
        invalid_value_message=_INVALID_DATE,
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        period = period_errors(
            self.starts_on.data, self.ends_on.data, self.registration_deadline.data
        )
        for name, messages in period.items():
            field = getattr(self, name)
            field.errors = [*field.errors, *messages]
        return valid and not period


class ItemForm(FlaskForm):
    """The forms of list items: several sit on one page, each with its own prefix."""

    class Meta:
        # CSRFProtect checks the page's token on every POST; a prefixed form would look for
        # its own "<prefix>-csrf_token" instead.
        csrf = False


def _applies_to():
    return SelectField(
        _l("Applies to"),
        choices=[SelectChoice(value.value, APPLIES_TO_LABELS[value.value]) for value in AppliesTo],
        validate_choice=False,
        validators=[
            AnyOf([value.value for value in AppliesTo], message=_l("Choose units or individuals."))
        ],
    )


def _code():
    return StringField(
        _l("Code"),
        filters=[_strip],
        description=_l("Its number in the plan, if any (e.g. II.1 or III.1.a)."),
        validators=[Optional(), Length(max=20, message=_TOO_LONG)],
    )


class ContentAreaForm(ItemForm):
    code = _code()
    title = TextAreaField(
        _l("Content area"),
        filters=[_strip],
        render_kw={"rows": 3},
        validators=[
            DataRequired(_l("Enter the content area.")),
            Length(max=500, message=_TOO_LONG),
        ],
    )
    description = TextAreaField(
        _l("Description"), filters=[_strip], render_kw={"rows": 2}, validators=[Optional()]
    )


class CriterionForm(ItemForm):
    applies_to = _applies_to()
    code = _code()
    text = TextAreaField(
        _l("Criterion"),
        filters=[_strip],
        render_kw={"rows": 3},
        validators=[DataRequired(_l("Enter the criterion."))],
    )


class TitleForm(ItemForm):
    applies_to = _applies_to()
    name = StringField(
        _l("Emulation title"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter the name of the title.")),
            Length(max=300, message=_TOO_LONG),
        ],
    )


class CommendationFormForm(ItemForm):
    applies_to = _applies_to()
    name = StringField(
        _l("Form of commendation"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter the form of commendation.")),
            Length(max=300, message=_TOO_LONG),
        ],
    )


ITEM_FORMS = {
    "content-area": ContentAreaForm,
    "criterion": CriterionForm,
    "title": TitleForm,
    "commendation-form": CommendationFormForm,
}


def item_form(kind: str, purpose: str, **kwargs) -> ItemForm:
    """The form of a `kind` item; `purpose` ("new" or "edit") keeps the field ids apart."""
    return ITEM_FORMS[kind](prefix=f"{kind}-{purpose}", **kwargs)
