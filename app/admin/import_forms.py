"""Forms of the user import: the upload, and the token carried by confirm and cancel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from app.auth.services import password_problems


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet file (XLSX or CSV)"),
        validators=[FileRequired(_l("Choose the file to import."))],
    )
    initial_password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(_l("Enter the initial password of the new accounts."))],
    )

    def validate_initial_password(self, field):
        problems = password_problems(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))


class ImportTokenForm(FlaskForm):
    """Confirm or cancel a pending import: the CSRF token and the import's token."""

    token = HiddenField(validators=[DataRequired()])
