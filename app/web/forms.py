"""Form helpers shared by the features."""

from flask_wtf import FlaskForm

from app.errors import ValidationFailed


def add_errors(form: FlaskForm, error: ValidationFailed) -> None:
    """Put a service's field errors beside the form's fields (unknown names go to the form)."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
