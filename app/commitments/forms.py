"""The owner's forms: an item of the commitment, the details (title, criterion, unit criteria
answers) and signing.

The services check everything again; these forms parse, and mirror the services' limits so that
every error shows at once beside its field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.models.commitments import ANSWER_MAX, ITEM_TARGET_MAX, ITEM_TEXT_MAX
from app.text import clean

# <input type="date"> sends yyyy-mm-dd; a browser without it lets people type dd/mm/yyyy.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_TOO_LONG = _l("At most %(max)d characters.")


def optional_int(value) -> int | None:
    """A select's value: '' (no choice) becomes None; anything else not a number too."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ItemForm(FlaskForm):
    """One item. Several sit on one page, each with its own prefix (new-<area>, item-<id>)."""

    class Meta:
        # CSRFProtect checks the page's token on every POST; a prefixed form would look for
        # its own "<prefix>-csrf_token" instead.
        csrf = False

    text = TextAreaField(
        _l("Commitment"),
        filters=[clean],
        description=_l("What you will do, concretely. At most 2,000 characters."),
        # No maxlength: a browser would cut a pasted text short without a word; the error
        # beside the field says what is too long.
        render_kw={"rows": 2, "maxlength": False},
        validators=[
            DataRequired(_l("Write what you commit to.")),
            Length(max=ITEM_TEXT_MAX, message=_TOO_LONG),
        ],
    )
    target = StringField(
        _l("Target"),
        filters=[clean],
        description=_l("A measurable result, e.g. every file digitised. Optional."),
        render_kw={"maxlength": False},
        validators=[Optional(), Length(max=ITEM_TARGET_MAX, message=_TOO_LONG)],
    )
    due_on = DateField(
        _l("Completion deadline"),
        format=DATE_FORMATS,
        description=_l("Optional (dd/mm/yyyy)."),
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[Optional()],
    )


class EditItemForm(ItemForm):
    """Editing an item also lets it move to another content area."""

    content_area_id = SelectField(_l("Content area"), coerce=optional_int, validate_choice=False)


def item_form(purpose: str, **kwargs) -> ItemForm:
    """The add form of an area (purpose "new-<area id>") or the edit form of an item
    ("item-<item id>"); the prefix keeps the field ids of the forms on one page apart."""
    form_class = EditItemForm if purpose.startswith("item-") else ItemForm
    return form_class(prefix=purpose, **kwargs)


class DetailsForm(FlaskForm):
    """The registered title and, for a person, the individual criterion acknowledged; a unit's
    answers are added per criterion by details_form()."""

    title_id = SelectField(
        _l("Registered emulation title"), coerce=optional_int, validate_choice=False
    )
    is_criterion_acknowledged = BooleanField(
        _l("I have read the criteria for individuals and commit to striving to meet them.")
    )


def details_form(version, titles, unit_criteria=(), submitted: bool = False) -> DetailsForm:
    """The details form of a draft: its title choices and, for a unit, one answer field per
    unit criterion, named answer_<criterion id> as the service names its errors. Only the
    submitted form reads the request; the others show what the draft holds."""

    class Form(DetailsForm):
        pass

    answers = {answer.criterion_id: answer.text for answer in version.answers}
    for criterion in unit_criteria:
        setattr(
            Form,
            f"answer_{criterion.id}",
            TextAreaField(
                criterion.text,
                filters=[clean],
                default=answers.get(criterion.id, ""),
                render_kw={"rows": 3, "maxlength": False},
                validators=[Length(max=ANSWER_MAX, message=_TOO_LONG)],
            ),
        )
    extra = {} if submitted else {"formdata": None}
    form = Form(
        title_id=version.title_id,
        is_criterion_acknowledged=version.is_criterion_acknowledged,
        **extra,
    )
    form.title_id.choices = [("", _l("— Choose a title —"))] + [
        (title.id, title.name) for title in titles
    ]
    return form


def answer_fields(form: DetailsForm) -> list:
    """The answer fields of a unit's details form, in the order of the criteria."""
    return [field for field in form if field.name.startswith("answer_")]


def answers_of(form: DetailsForm) -> dict[int, str]:
    return {int(field.name.removeprefix("answer_")): field.data for field in answer_fields(form)}


class SignForm(FlaskForm):
    """The password again and the statement; the service says what is wrong with them."""

    password = PasswordField(_l("Your password"))
    statement = BooleanField(_l("I undertake to carry out in full everything I have registered."))
