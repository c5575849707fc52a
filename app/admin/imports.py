"""Import users from XLSX or CSV: upload, preview with each row's errors, confirm."""

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import import_service
from app.admin.import_forms import ImportTokenForm, ImportUploadForm
from app.admin.routes import bp
from app.errors import ValidationFailed
from app.web.forms import add_errors
from app.web.htmx import render


def _store() -> Path:
    """Where pending imports wait between preview and confirmation."""
    return Path(current_app.instance_path) / "imports"


def _token_form() -> ImportTokenForm:
    form = ImportTokenForm()
    if not form.validate_on_submit():
        abort(400)
    return form


def _summary(result: import_service.ImportResult) -> str:
    if result.skipped:
        return _(
            "Imported %(imported)d users; skipped %(skipped)d rows with errors.",
            imported=result.imported,
            skipped=result.skipped,
        )
    return _("Imported %(imported)d users.", imported=result.imported)


@bp.errorhandler(import_service.ImportExpired)
def import_expired(error):
    flash(error.message, "warning")
    return redirect(url_for("admin.import_users"), code=303)


@bp.route("/import/", methods=["GET", "POST"])
def import_users():
    """Upload a spreadsheet of users with their initial password."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            token = import_service.start_import(
                upload.stream,
                upload.filename,
                form.initial_password.data,
                current_user,
                _store(),
                current_app.config["IMPORT_MAX_BYTES"],
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return redirect(url_for("admin.import_preview", token=token), code=303)
    return render(
        "admin/import_upload.html",
        form=form,
        headers=import_service.TEMPLATE_HEADERS,
        max_size=import_service.size_label(current_app.config["IMPORT_MAX_BYTES"]),
        status=422 if form.is_submitted() else 200,
    )


@bp.get("/import/template.xlsx")
def import_template():
    """The XLSX template with the current units and the roles."""
    return send_file(
        io.BytesIO(import_service.template_workbook()),
        mimetype=import_service.XLSX_MIMETYPE,
        as_attachment=True,
        download_name="mau-nhap-nguoi-dung.xlsx",
    )


@bp.get("/import/preview/<token>")
def import_preview(token: str):
    """Every row of the uploaded file with its errors; nothing is written yet."""
    preview = import_service.preview_import(_store(), token, current_user)
    form = ImportTokenForm(token=token)
    return render("admin/import_preview.html", preview=preview, form=form)


@bp.post("/import/confirm")
def import_confirm():
    """Create the users of the valid rows, in one transaction."""
    token = _token_form().token.data
    try:
        result = import_service.confirm_import(_store(), token, current_user)
    except import_service.ImportFailed as error:
        flash(error.message, "danger")
        return redirect(url_for("admin.import_preview", token=token), code=303)
    flash(_summary(result), "success")
    return redirect(url_for("admin.import_users"), code=303)


@bp.post("/import/cancel")
def import_cancel():
    """Forget the uploaded file."""
    import_service.cancel_import(_store(), _token_form().token.data, current_user)
    flash(_("The import was cancelled; nothing was saved."), "info")
    return redirect(url_for("admin.import_users"), code=303)
