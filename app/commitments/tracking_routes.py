"""Tracking and printing on the commitments blueprint (see routes.py): the officer's and the
leaders' tracking table and its workbook, and the printable commitment as a page and as DOCX.

Tracking needs the officer or leader role; a printable version is for those services.can_view
lets see the commitment (the owner, the reviewer, the officer, the leaders), others get 403.
"""

from datetime import datetime

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.campaigns.services import campaign_query, current_campaign
from app.commitments import assessment, exports, services, tracking
from app.commitments.routes import bp, get_viewable
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.commitments import CommitmentVersion
from app.models.directory import Role
from app.web.access import role_required
from app.web.filters import local_today, local_zone
from app.web.htmx import render


def _tracking_args() -> tuple[int | None, str | None, str | None]:
    """The unit, status and sort of the tracking page's query string, unknown values dropped."""
    unit_id = request.args.get("unit", type=int)
    status = request.args.get("status")
    key, descending = tracking.parse_sort(request.args.get("sort"))
    return (
        unit_id or None,
        status if status in tracking.STATUSES else None,
        ("-" if descending else "") + key if key else None,
    )


def _report(campaign: Campaign, unit_id, status, sort) -> tracking.Report:
    return tracking.report(campaign, unit_id, status, sort, no_unit_label=_("People in no unit"))


def _assessments(campaign: Campaign, report: tracking.Report) -> dict:
    """The end-of-period assessment of the report's units, once its period is set or someone
    has assessed (two queries)."""
    figures = assessment.figures_by_unit(campaign)
    period = assessment.period_of(campaign)
    rows, totals = assessment.tracking_rows(report.rows, figures)
    shown = period is not None or any(f.self_assessed or f.assessed for f in figures.values())
    return {
        "assessment_period": period,
        "assessment_rows": rows if shown else [],
        "assessment_totals": totals,
    }


@bp.get("/tracking", endpoint="tracking")
@role_required(Role.OFFICER, Role.LEADER)
def tracking_page():
    """Per unit: staff, each status, % signed; the people not yet signed; filters and sort."""
    campaign = current_campaign()
    unit_id, status, sort = _tracking_args()
    report = _report(campaign, unit_id, status, sort) if campaign else None
    sort_key, descending = tracking.parse_sort(sort)
    return render(
        "commitments/tracking.html",
        block="tracking_results",
        campaign=campaign,
        report=report,
        **(_assessments(campaign, report) if campaign else {}),
        unit_id=unit_id,
        selected=status,
        sort=sort,
        sort_key=sort_key,
        descending=descending,
        statuses=tracking.STATUSES,
    )


@bp.get("/tracking.xlsx", endpoint="tracking_xlsx")
@role_required(Role.OFFICER, Role.LEADER)
def tracking_xlsx():
    """The tracking table and the list of names as a workbook, with the page's filters."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    unit_id, status, sort = _tracking_args()
    report = _report(campaign, unit_id, status, sort)
    assessed = _assessments(campaign, report)
    unit_ids = {row.unit_id for row in report.rows if row.unit_id is not None}
    people = assessment.assessed_people(campaign, unit_ids if unit_id else None)
    data = exports.export_tracking(
        current_user,
        campaign,
        report,
        status,
        unit_id,
        assessments=(assessed["assessment_rows"], assessed["assessment_totals"]),
        assessed_people=people,
    )
    day = local_today()
    response = Response(data, mimetype=exports.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = exports.content_disposition(
        f"Theo dõi đăng ký thi đua {day:%d-%m-%Y}.xlsx",
        f"theo-doi-dang-ky-thi-dua-{day:%Y-%m-%d}.xlsx",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _paper(commitment_id: int, number: int):
    """(commitment, version, paper form) of a version the current user may see."""
    commitment = get_viewable(commitment_id, with_owner=True)
    version_id = db.session.scalar(
        select(CommitmentVersion.id).where(
            CommitmentVersion.commitment_id == commitment.id, CommitmentVersion.number == number
        )
    )
    if version_id is None:
        abort(404)
    version = services.load_version(version_id)
    campaign = db.session.scalar(
        campaign_query(with_everything=True).where(Campaign.id == commitment.campaign_id)
    )
    seal_state = services.seal_state(commitment, version)
    form = exports.paper_form(
        commitment, version, campaign, seal_state, assessment.load(commitment)
    )
    return commitment, version, form


@bp.get("/<int:commitment_id>/versions/<int:number>/print", endpoint="print_version")
@login_required
def print_version(commitment_id: int, number: int):
    """The version laid out like the paper "Bản đăng ký thi đua", with its own print styles."""
    commitment, version, form = _paper(commitment_id, number)
    return render("commitments/print.html", commitment=commitment, version=version, form=form)


@bp.get("/<int:commitment_id>/versions/<int:number>/print.docx", endpoint="print_docx")
@login_required
def print_docx(commitment_id: int, number: int):
    """The same form as a DOCX laid out per Nghị định 30/2020/NĐ-CP."""
    commitment, version, form = _paper(commitment_id, number)
    data = exports.commitment_docx(form, datetime.now(local_zone()))
    name = exports.docx_name(commitment, version)
    response = Response(data, mimetype=exports.DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = exports.content_disposition(name, name)
    response.headers["Cache-Control"] = "no-store"
    return response
