"""Reports: the officer writes and keeps them; the officer and the leaders read and download
them. Each service checks the actor, the rules, writes the audit entry and commits once."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import audit
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Role, User
from app.models.reports import Report, ReportKind

FIELDS = (
    "kind",
    "period_start",
    "period_end",
    "number",
    "issued_on",
    "subject",
    "organisation",
    "strengths",
    "weaknesses",
    "lessons",
    "next_steps",
    "proposals",
    "recipients",
    "signer_title",
    "signer_name",
)


def can_write(user: User) -> bool:
    return user.has_role(Role.OFFICER)


def can_read(user: User) -> bool:
    return user.has_role(Role.OFFICER, Role.LEADER)


def _require_writer(actor: User) -> None:
    if not can_write(actor):
        raise NotAllowed(_("Only the emulation officer writes reports."))


def default_period(kind: str, campaign: Campaign, today: date) -> tuple[date, date]:
    """A final report covers the whole campaign; an interim one its start until today."""
    if kind == ReportKind.FINAL:
        return campaign.starts_on, campaign.ends_on
    return campaign.starts_on, max(campaign.starts_on, min(today, campaign.ends_on))


def _errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.get("kind") not in tuple(ReportKind):
        errors["kind"] = [_("Choose the kind of report.")]
    start, end = data.get("period_start"), data.get("period_end")
    if start is None:
        errors["period_start"] = [_("Enter the first day of the period.")]
    if end is None:
        errors["period_end"] = [_("Enter the last day of the period.")]
    elif start is not None and end < start:
        errors["period_end"] = [_("The period must end on or after its first day.")]
    if not (data.get("subject") or "").strip():
        errors["subject"] = [_("Enter the subject of the report.")]
    return errors


def _apply(report: Report, data: dict) -> None:
    errors = _errors(data)
    if errors:
        raise ValidationFailed(errors)
    for name in FIELDS:
        value = data.get(name)
        setattr(report, name, value if value is not None or name == "issued_on" else "")


def create_report(actor: User, campaign: Campaign, data: dict) -> Report:
    _require_writer(actor)
    report = Report(campaign_id=campaign.id, created_by_id=actor.id)
    _apply(report, data)
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "report.created", report, label=report.subject)
    db.session.commit()
    return report


def update_report(actor: User, report: Report, data: dict) -> Report:
    _require_writer(actor)
    _apply(report, data)
    audit.record(actor, "report.updated", report, label=report.subject)
    db.session.commit()
    return report


def delete_report(actor: User, report: Report) -> None:
    _require_writer(actor)
    audit.record(actor, "report.deleted", report, label=report.subject)
    db.session.delete(report)
    db.session.commit()


def record_download(actor: User, report: Report, kind: str) -> None:
    """Downloads are audited: a report carries the office's figures."""
    audit.record(actor, "report.exported", report, label=report.subject, format=kind)
    db.session.commit()


def load(report_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.id == report_id).options(joinedload(Report.campaign))
    )


def listing(page: int, per_page: int):
    """Every report, newest first (a Pagination)."""
    return db.paginate(
        select(Report)
        .options(joinedload(Report.campaign))
        .order_by(Report.created_at.desc(), Report.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
