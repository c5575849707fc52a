"""The council's forms: its details, a member and a member's role, the criteria, a judgement,
and the one-button forms (open, close, remove, delete).

The services check everything again with the same messages; these forms parse and mirror the
services' limits, so each error shows at once beside its field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from app.commitments.forms import DATE_FORMATS, optional_int
from app.councils.services import COMMENT_MAX, FRACTIONS, TEXT_MAX, CriterionRow
from app.models.councils import NAME_MAX, MemberRole
from app.text import clean
from app.web.labels import COUNCIL_ROLE_LABELS

_TOO_LONG = _l("At most %(max)d characters.")
FRACTION_LABELS = {
    (1, 2): _l("At least half of the members who judge"),
    (2, 3): _l("At least two thirds of the members who judge"),
    (3, 4): _l("At least three quarters of the members who judge"),
    (1, 1): _l("Every member who judges"),
}


def fraction_value(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}"


def parse_fraction(value: str | None) -> tuple[int, int] | None:
    """ "2/3" -> (2, 3); anything not offered -> None."""
    for fraction in FRACTIONS:
        if value == fraction_value(*fraction):
            return fraction
    return None


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, COUNCIL_ROLE_LABELS[role.value]) for role in MemberRole]


class WholeNumberField(IntegerField):
    """A whole number; empty is no answer (None) rather than an error, and what was typed is
    shown again when it is not a number."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class CouncilForm(FlaskForm):
    name = StringField(
        _l("Name of the council"),
        filters=[clean],
        description=_l("As in the decision that sets it up."),
        render_kw={"maxlength": False},
        validators=[
            InputRequired(_l("Enter the name of the council.")),
            Length(max=NAME_MAX, message=_TOO_LONG),
        ],
    )
    decision_reference = StringField(
        _l("Decision setting it up"),
        filters=[clean],
        description=_l("Number and date, e.g. Quyết định số 125/QĐ-VPUBND ngày 10/11/2026."),
        render_kw={"maxlength": False},
        validators=[Optional(), Length(max=TEXT_MAX, message=_TOO_LONG)],
    )
    meeting_on = DateField(
        _l("Meeting date"),
        format=DATE_FORMATS,
        description=_l("dd/mm/yyyy."),
        invalid_value_message=_l("Enter a valid date (dd/mm/yyyy)."),
        validators=[Optional()],
    )
    meeting_place = StringField(
        _l("Meeting place"),
        filters=[clean],
        render_kw={"maxlength": False},
        validators=[Optional(), Length(max=TEXT_MAX, message=_TOO_LONG)],
    )
    approval = SelectField(
        _l("Approvals needed to recognize an initiative"),
        description=_l(
            "Authors who sit on the council do not judge their own initiative and are not counted."
        ),
        choices=[SelectChoice(fraction_value(*f), FRACTION_LABELS[f]) for f in FRACTIONS],
        default="2/3",
    )

    def service_data(self) -> dict:
        return {
            "name": self.name.data,
            "decision_reference": self.decision_reference.data,
            "meeting_on": self.meeting_on.data,
            "meeting_place": self.meeting_place.data,
            "approval": parse_fraction(self.approval.data),
        }


class MemberForm(FlaskForm):
    """Seat a person chosen with the person picker, with a role."""

    user_id = RadioField(
        _l("Person"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a person from the directory."))],
    )
    role = SelectField(_l("Role"), default=MemberRole.MEMBER.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    """A member's role; one per row, each with its own prefix (member-<id>)."""

    class Meta:
        # CSRFProtect checks the page's token on every POST; a prefixed form would look for
        # its own "<prefix>-csrf_token" instead.
        csrf = False

    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class CriterionRowForm(Form):
    id = HiddenField()
    name = StringField(_l("Criterion"), filters=[clean], render_kw={"maxlength": False})
    weight = WholeNumberField(
        _l("Maximum points"), render_kw={"min": 1, "max": 100, "inputmode": "numeric"}
    )
    remove = BooleanField(_l("Remove"))


class CriteriaForm(FlaskForm):
    """Every criterion at once (their maximum points must add up to 100), plus an empty row to
    add one. Parsing only: services.criteria_errors says what is wrong, row by row."""

    class Meta:
        csrf = False  # CSRFProtect checks the page's token

    rows = FieldList(FormField(CriterionRowForm))

    def parsed(self) -> list[tuple[CriterionRowForm, "CriterionRow"]]:
        """The rows for the service, each with its form; the empty row left empty is dropped."""
        rows = []
        for entry in self.rows:
            row = entry.form
            is_new = not row.id.data
            typed = row.weight.raw_data and row.weight.raw_data[0].strip()
            if is_new and not row.name.data and not typed:
                continue
            rows.append(
                (
                    row,
                    CriterionRow(
                        id=None if is_new else optional_int(row.id.data),
                        name=row.name.data,
                        weight=row.weight.data,
                        remove=bool(row.remove.data) and not is_new,
                    ),
                )
            )
        return rows

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's "row-<i>-<field>" errors beside the fields of the i-th row it was
        given, and the others ("criteria") on the form."""
        forms = [row for row, _criterion in self.parsed()]
        for key, messages in errors.items():
            if key.startswith("row-"):
                _prefix, index, name = key.split("-", 2)
                forms[int(index)][name].errors = list(messages)
            else:
                self.form_errors.extend(messages)


def criteria_form(criteria, formdata=None) -> CriteriaForm:
    """The criteria form: the submitted rows, or the council's criteria and an empty row."""
    if formdata is not None:
        return CriteriaForm(formdata=formdata)
    data = [{"id": str(c.id), "name": c.name, "weight": c.weight} for c in criteria]
    return CriteriaForm(formdata=None, data={"rows": [*data, {}]})


class JudgementForm(FlaskForm):
    approves = RadioField(
        _l("Your opinion"),
        choices=[
            SelectChoice("yes", _l("I approve recognizing this initiative")),
            SelectChoice("no", _l("I do not approve recognizing it")),
        ],
        validate_choice=False,
        validators=[InputRequired(_l("Choose whether you approve recognizing it."))],
    )
    comment = TextAreaField(
        _l("Remarks"),
        description=_l("Optional. Read by the council in the results and the minutes."),
        render_kw={"rows": 3, "maxlength": False},
        validators=[Optional(), Length(max=COMMENT_MAX, message=_TOO_LONG)],
    )

    def validate_approves(self, field):
        if field.data not in ("yes", "no"):
            raise StopValidation(_l("Choose whether you approve recognizing it."))

    def point_fields(self) -> list:
        return [field for field in self if field.name.startswith("criterion_")]

    def points(self) -> dict[int, int | None]:
        return {
            int(field.name.removeprefix("criterion_")): field.data for field in self.point_fields()
        }

    def service_data(self) -> tuple:
        """(points, approves, comment) as services.judge takes them."""
        return self.points(), {"yes": True, "no": False}.get(self.approves.data), self.comment.data


def judgement_form(criteria, judgement=None, submitted: bool = False) -> JudgementForm:
    """A judgement form with one points field per criterion (criterion_<id>, as the service
    names its errors), filled from the member's judgement when there is one."""

    class Form(JudgementForm):
        pass

    scores = {score.criterion_id: score.points for score in judgement.scores} if judgement else {}
    for criterion in criteria:
        message = _l("Enter a whole number from 0 to %(max)d.", max=criterion.weight)
        setattr(
            Form,
            f"criterion_{criterion.id}",
            WholeNumberField(
                criterion.name,
                default=scores.get(criterion.id),
                description=_l("From 0 to %(max)d points.", max=criterion.weight),
                invalid_value_message=message,
                render_kw={"min": 0, "max": criterion.weight, "inputmode": "numeric"},
                validators=[
                    InputRequired(_l("Enter the points.")),
                    NumberRange(min=0, max=criterion.weight, message=message),
                ],
            ),
        )
    extra = {} if submitted else {"formdata": None}
    defaults = {}
    if judgement is not None:
        defaults = {
            "approves": "yes" if judgement.approves else "no",
            "comment": judgement.comment,
        }
    return Form(**defaults, **extra)


class ButtonForm(FlaskForm):
    """A one-button POST (open, close, remove, delete): only the token."""
