"""Reports under /reports/: the list, a new report drafted from the data, its page (the document
as it will print, with today's figures), editing, the DOCX and the data workbook. The officer
writes; the officer and the leaders read and download."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.campaigns.services import current_campaign
from app.documents import DOCX_MIMETYPE, XLSX_MIMETYPE, content_disposition, place_date
from app.errors import ValidationFailed
from app.models.directory import Role
from app.models.reports import Report, ReportKind
from app.reports import figures as report_figures
from app.reports import services, texts
from app.reports.document import report_docx
from app.reports.forms import ReportForm
from app.reports.workbook import report_workbook
from app.text import fold
from app.voting.services import now_utc
from app.web.access import role_required
from app.web.filters import local_today
from app.web.forms import add_errors
from app.web.htmx import render
from app.web.labels import REPORT_KIND_LABELS

bp = Blueprint("reports", __name__)


@bp.app_template_filter("report_kind")
def report_kind(value: str) -> str:
    return str(REPORT_KIND_LABELS.get(value, value))


bp.add_app_template_filter(place_date, "place_date")


def get_report(report_id: int) -> Report:
    """The report with its campaign; 404 when there is none (the routes check the role)."""
    report = services.load(report_id)
    if report is None:
        abort(404)
    return report


def _figures(report: Report):
    return report_figures.gather(
        report.campaign, report.period_start, report.period_end, now_utc(), local_today()
    )


@bp.get("/")
@role_required(Role.OFFICER, Role.LEADER)
def index():
    """The reports made, newest first."""
    page = request.args.get("page", 1, type=int)
    return render(
        "reports/index.html",
        reports=services.listing(page, current_app.config["PAGE_SIZE"]),
        campaign=current_campaign(),
        can_write=services.can_write(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """A new report of the current campaign, its words drafted from the plan and the data."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    form = ReportForm()
    if not form.is_submitted():
        kind = request.args.get("kind", ReportKind.INTERIM)
        kind = kind if kind in tuple(ReportKind) else ReportKind.INTERIM
        start, end = services.default_period(kind, campaign, local_today())
        drafted = report_figures.gather(campaign, start, end, now_utc(), local_today())
        form.process(
            data={"kind": kind, "period_start": start, "period_end": end}
            | texts.drafts(kind, campaign, drafted)
        )
    elif form.validate():
        try:
            report = services.create_report(current_user, campaign, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The report has been saved."), "success")
            return redirect(url_for("reports.show", report_id=report.id), 303)
    status = 422 if form.is_submitted() else 200
    return render("reports/edit.html", form=form, report=None, campaign=campaign, status=status)


@bp.get("/<int:report_id>")
@role_required(Role.OFFICER, Role.LEADER)
def show(report_id: int):
    """The report as it will print, with the figures of today."""
    report = get_report(report_id)
    return render(
        "reports/show.html",
        report=report,
        figures=_figures(report),
        texts=texts,
        can_write=services.can_write(current_user),
    )


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit(report_id: int):
    """Change the report's words, period, number or signer."""
    report = get_report(report_id)
    form = ReportForm(obj=report)
    if form.validate_on_submit():
        try:
            services.update_report(current_user, report, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("reports.show", report_id=report.id), 303)
    status = 422 if form.is_submitted() else 200
    return render(
        "reports/edit.html", form=form, report=report, campaign=report.campaign, status=status
    )


@bp.post("/<int:report_id>/delete")
@role_required(Role.OFFICER)
def delete(report_id: int):
    """Delete a report (the page asks first)."""
    services.delete_report(current_user, get_report(report_id))
    flash(_("The report has been deleted."), "success")
    return redirect(url_for("reports.index"), 303)


def _download(report: Report, content: bytes, mimetype: str, extension: str):
    """The file, named after the report's kind and number in the list."""
    services.record_download(current_user, report, extension)
    word = texts.KIND_WORD[report.kind]
    if extension == "xlsx":
        word = f"số liệu {word}"
    vietnamese = f"Báo cáo {word} {report.id:03d}.{extension}"
    ascii_name = f"bao-cao-{fold(word).replace(' ', '-')}-{report.id:03d}.{extension}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(vietnamese, ascii_name)},
    )


@bp.get("/<int:report_id>/report.docx")
@role_required(Role.OFFICER, Role.LEADER)
def docx(report_id: int):
    report = get_report(report_id)
    return _download(report, report_docx(report, _figures(report)), DOCX_MIMETYPE, "docx")


@bp.get("/<int:report_id>/data.xlsx")
@role_required(Role.OFFICER, Role.LEADER)
def xlsx(report_id: int):
    report = get_report(report_id)
    by_area = report_figures.initiatives_by_area(report.campaign)
    return _download(
        report, report_workbook(report, _figures(report), by_area), XLSX_MIMETYPE, "xlsx"
    )
