"""Admin forms: units, users, password reset and the audit log's filters.

Select fields take their choices in the route and do not check them: the services check the
chosen unit, head and roles, with messages a person can read.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from app.admin.services import USERNAME_PATTERN
from app.models.directory import GRANTABLE_ROLES
from app.web.labels import ROLE_LABELS

_TOO_LONG = _l("At most %(max)d characters.")


def optional_int(value) -> int | None:
    """Coerce a select's value: '' (no choice) becomes None."""
    if value in (None, ""):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def parse_day(value: str | None) -> date | None:
    """A date typed as yyyy-mm-dd (what <input type="date"> sends) or dd/mm/yyyy."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


class UnitForm(FlaskForm):
    name = StringField(
        _l("Unit name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the unit's name.")), Length(max=200, message=_TOO_LONG)],
    )
    code = StringField(
        _l("Code"),
        filters=[_strip],
        validators=[Optional(), Length(max=30, message=_TOO_LONG)],
    )


class NewUnitForm(UnitForm):
    parent_id = SelectField(_l("Parent unit"), coerce=optional_int, validate_choice=False)


class MoveUnitForm(FlaskForm):
    parent_id = SelectField(_l("Parent unit"), coerce=optional_int, validate_choice=False)


class UnitHeadForm(FlaskForm):
    head_id = SelectField(_l("Unit head"), coerce=optional_int, validate_choice=False)


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[_lower],
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=64, message=_TOO_LONG),
            Regexp(
                USERNAME_PATTERN,
                message=_l(
                    "Use only lowercase letters without diacritics, digits, dots, "
                    "underscores and hyphens."
                ),
            ),
        ],
    )
    full_name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the full name.")), Length(max=120, message=_TOO_LONG)],
    )
    position = StringField(
        _l("Position"), filters=[_strip], validators=[Length(max=120, message=_TOO_LONG)]
    )
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validate_choice=False)
    email = StringField(
        _l("E-mail"),
        filters=[_lower],
        validators=[
            Optional(),
            Length(max=254, message=_TOO_LONG),
            Email(_l("The e-mail address is not valid.")),
        ],
    )
    roles = SelectMultipleField(
        _l("Roles"),
        choices=[SelectChoice(role.value, ROLE_LABELS[role.value]) for role in GRANTABLE_ROLES],
        validate_choice=False,
    )


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(_l("Enter an initial password."))]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Enter a new password."))]
    )


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False)
    actor = StringField(_l("Performed by"), filters=[_strip])
    target = StringField(_l("Object"), filters=[_strip])
    date_from = StringField(_l("From date"))
    date_to = StringField(_l("To date"))

    def _day(self, field) -> None:
        try:
            parse_day(field.data)
        except ValueError:
            raise ValidationError(_l("Enter a date as dd/mm/yyyy.")) from None

    validate_date_from = _day
    validate_date_to = _day

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = parse_day(self.date_from.data), parse_day(self.date_to.data)
        if start and end and start > end:
            self.date_to.errors.append(_l("The end date must not be before the start date."))
            return False
        return True

    def day(self, name: str) -> date | None:
        """The date in the named field, or None when it is empty or not a date."""
        try:
            return parse_day(getattr(self, name).data)
        except ValueError:
            return None
