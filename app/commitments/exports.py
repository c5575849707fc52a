"""Documents made from commitments: the printable "Bản đăng ký thi đua" (one PaperForm drawn
both as a print-styled page and as DOCX laid out per Nghị định 30/2020/NĐ-CP) and the tracking
workbook (XLSX).

The fixed texts of the paper form and the workbook's headers are Vietnamese whatever the
interface language: they are the document's format, not the interface. The layout every DOCX
shares (page, header, paragraphs) is in app/documents.py.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app import audit
from app.commitments.seal import SealState
from app.commitments.tracking import STATUSES, Report
from app.documents import (
    CENTER,
    DOCX_MIMETYPE,  # noqa: F401  (the routes take it from here)
    XLSX_MIMETYPE,  # noqa: F401
    agency_header,
    content_disposition,  # noqa: F401
    data_table,
    labelled,
    new_document,
    para,
    place_date,
    safe_row,
    to_bytes,
    two_columns,
)
from app.extensions import db
from app.models.campaigns import AppliesTo, Campaign
from app.models.commitments import Commitment, CommitmentKind, CommitmentStatus, CommitmentVersion
from app.models.directory import User
from app.web.filters import short_seal, to_local

TITLE = "BẢN ĐĂNG KÝ THI ĐUA"
ASSESSMENT_TITLE = "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN"
SEAL_TEXT = {
    SealState.VALID: "Niêm phong hợp lệ",
    SealState.ALTERED: "Nội dung đã bị thay đổi sau khi ký",
    SealState.UNSIGNED: "Chưa ký",
}
STATUS_TEXT = {
    "none": "Chưa lập",
    "draft": "Bản nháp",
    "signed": "Đã ký",
    "confirmed": "Đã xác nhận",
    "returned": "Trả lại",
}
ROMAN = ("I", "II", "III", "IV", "V")
RATING_TEXT = {
    "done": "Đã hoàn thành",
    "partly": "Hoàn thành một phần",
    "not_done": "Chưa hoàn thành",
}
RESULT_TEXT = {"fulfilled": "Hoàn thành", "not_fulfilled": "Không hoàn thành"}


# The paper form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperItem:
    number: str
    text: str
    details: str = ""


@dataclass(frozen=True)
class PaperArea:
    number: int
    title: str
    items: list[PaperItem]


@dataclass(frozen=True)
class PaperSection:
    """A numbered part of the form: a heading, paragraphs, optionally the content areas."""

    heading: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    areas: list[PaperArea] = field(default_factory=list)


@dataclass(frozen=True)
class PaperRating:
    """One item's ratings at the end of the period ("" for the reviewer's until assessed)."""

    number: str
    text: str
    self_rating: str
    self_note: str
    rating: str = ""
    note: str = ""


@dataclass(frozen=True)
class PaperAssessment:
    """The end-of-period assessment as the form prints it."""

    rows: list[PaperRating]
    self_line: str
    self_note: str
    reviewer_caption: str
    result: str = ""
    assessor_name: str = ""
    assessed_line: str = ""
    comment: str = ""


@dataclass(frozen=True)
class PaperForm:
    """Everything the printed "Bản đăng ký thi đua" says, in reading order."""

    campaign_name: str
    plan_reference: str
    is_unit: bool
    owner_fields: list[tuple[str, str]]
    sections: list[PaperSection]
    statement: str
    notice: str
    place_date: str
    signer_caption: str
    signer_name: str
    e_signature: str
    seal_state: str
    seal_text: str
    reviewer_caption: str
    reviewer_name: str
    review_line: str
    version_number: int
    assessment: PaperAssessment | None = None


def _time(value: datetime) -> str:
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def e_signature(version: CommitmentVersion) -> str:
    """ "Đã ký điện tử lúc HH:MM dd/mm/yyyy · Niêm phong: XXXX XXXX XXXX XXXX"."""
    if version.signed_at is None:
        return ""
    return f"Đã ký điện tử lúc {_time(version.signed_at)} · Niêm phong: {short_seal(version.seal)}"


def _item_details(item) -> str:
    parts = []
    if item.target:
        parts.append(f"Chỉ tiêu: {item.target}")
    if item.due_on:
        parts.append(f"Thời hạn: {item.due_on.strftime('%d/%m/%Y')}")
    return "; ".join(parts)


def _areas(campaign: Campaign, version: CommitmentVersion) -> list[PaperArea]:
    """The content areas that have items, numbered 1, 2, … in the campaign's order."""
    areas = []
    for area in campaign.content_areas:
        items = [item for item in version.items if item.content_area_id == area.id]
        if not items:
            continue
        number = len(areas) + 1
        areas.append(
            PaperArea(
                number=number,
                title=area.title,
                items=[
                    PaperItem(f"{number}.{i}", item.text, _item_details(item))
                    for i, item in enumerate(items, start=1)
                ],
            )
        )
    return areas


def _owner(commitment: Commitment, version: CommitmentVersion):
    """(owner fields, signer's name): as signed when signed, as the directory reads otherwise.
    Needs commitment.user.unit or commitment.unit.head loaded."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        user = commitment.user
        name = version.signer_name or user.full_name
        position = version.signer_position if version.signed_at else user.position
        unit_name = user.unit.name if user.unit else ""
        return [("Họ và tên", name), ("Chức vụ", position), ("Đơn vị", unit_name)], name
    unit = commitment.unit
    head_name = version.signer_name or (unit.head.full_name if unit.head else "")
    return [("Tên đơn vị", unit.name), ("Thủ trưởng đơn vị", head_name)], head_name


def _assessment(campaign: Campaign, version: CommitmentVersion, assessment, is_unit: bool):
    """The assessment of `version` as printed, numbered as the form's items (1.1, 1.2, …)."""
    if assessment is None or assessment.version_id != version.id:
        return None
    ratings = {row.item_id: row for row in assessment.items}
    rows = []
    for area in _areas_with_items(campaign, version):
        number, items = area
        for i, item in enumerate(items, start=1):
            row = ratings.get(item.id)
            rows.append(
                PaperRating(
                    number=f"{number}.{i}",
                    text=item.text,
                    self_rating=RATING_TEXT.get(row.self_rating, "") if row else "",
                    self_note=row.self_note if row else "",
                    rating=RATING_TEXT.get(row.rating or "", "") if row else "",
                    note=row.note if row else "",
                )
            )
    assessed = assessment.status == "assessed"
    return PaperAssessment(
        rows=rows,
        self_line=f"Tự đánh giá lúc {_time(assessment.self_assessed_at)}",
        self_note=assessment.self_note,
        reviewer_caption="Đánh giá của Văn phòng" if is_unit else "Đánh giá của Thủ trưởng đơn vị",
        result=RESULT_TEXT.get(assessment.result or "", "") if assessed else "",
        assessor_name=assessment.assessor_name if assessed else "",
        assessed_line=f"Đánh giá lúc {_time(assessment.assessed_at)}" if assessed else "",
        comment=assessment.comment if assessed else "",
    )


def _areas_with_items(campaign: Campaign, version: CommitmentVersion):
    """[(number, items)] of the content areas that have items, as _areas numbers them."""
    numbered = []
    for area in campaign.content_areas:
        items = [item for item in version.items if item.content_area_id == area.id]
        if items:
            numbered.append((len(numbered) + 1, items))
    return numbered


def paper_form(
    commitment: Commitment,
    version: CommitmentVersion,
    campaign: Campaign,
    seal_state: str,
    assessment=None,
) -> PaperForm:
    """The form of one version (with its end-of-period `assessment`, when it assesses this
    version). Needs the version loaded (services.load_version), the commitment's user or
    unit, and the campaign with its content areas and criteria."""
    is_unit = commitment.kind == CommitmentKind.UNIT
    owner_fields, signer_name = _owner(commitment, version)
    title = (
        version.title_name
        if not version.is_draft
        else (version.title.name if version.title else "")
    )

    sections = [PaperSection("Danh hiệu thi đua đăng ký", [("", title or "(chưa chọn)")])]
    if is_unit:
        answers = {answer.criterion_id: answer.text for answer in version.answers}
        criteria = [c for c in campaign.criteria if c.applies_to == AppliesTo.UNIT]
        sections.append(
            PaperSection(
                "Cam kết thực hiện tiêu chí thi đua",
                [(c.text, answers.get(c.id) or "(chưa trả lời)") for c in criteria],
            )
        )
    else:
        criteria = [c.text for c in campaign.criteria if c.applies_to == AppliesTo.INDIVIDUAL]
        acknowledged = (
            "Tôi đã nắm rõ và cam kết thực hiện tiêu chí thi đua đối với cá nhân."
            if version.is_criterion_acknowledged
            else "(Chưa xác nhận tiêu chí thi đua đối với cá nhân.)"
        )
        sections.append(
            PaperSection(
                "Tiêu chí thi đua", [("", text) for text in criteria] + [("", acknowledged)]
            )
        )
    sections.append(PaperSection("Nội dung đăng ký thi đua", areas=_areas(campaign, version)))
    sections = [
        PaperSection(f"{ROMAN[i]}. {section.heading.upper()}", section.paragraphs, section.areas)
        for i, section in enumerate(sections)
    ]

    notice = ""
    if version.is_draft:
        notice = "BẢN NHÁP — chưa ký, chưa có giá trị"
    elif version.status == CommitmentStatus.RETURNED and version.reviewed_at:
        notice = f"Đã bị trả lại lúc {_time(version.reviewed_at)} để sửa đổi"
    confirmed = version.status == CommitmentStatus.CONFIRMED and version.reviewed_at
    return PaperForm(
        campaign_name=campaign.name,
        plan_reference=campaign.plan_reference,
        is_unit=is_unit,
        owner_fields=owner_fields,
        sections=sections,
        statement=(
            "Đơn vị cam kết thực hiện đầy đủ các nội dung đã đăng ký."
            if is_unit
            else "Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký."
        ),
        notice=notice,
        place_date=place_date(to_local(version.signed_at).date() if version.signed_at else None),
        signer_caption="THỦ TRƯỞNG ĐƠN VỊ" if is_unit else "NGƯỜI ĐĂNG KÝ",
        signer_name=signer_name,
        e_signature=e_signature(version),
        seal_state=str(seal_state),
        seal_text=SEAL_TEXT.get(seal_state, ""),
        reviewer_caption="NGƯỜI XÁC NHẬN" if confirmed else "",
        reviewer_name=version.reviewer_name if confirmed else "",
        review_line=f"Đã xác nhận lúc {_time(version.reviewed_at)}" if confirmed else "",
        version_number=version.number,
        assessment=_assessment(campaign, version, assessment, is_unit),
    )


def docx_name(commitment: Commitment, version: CommitmentVersion) -> str:
    """ban-dang-ky-thi-dua-<username or unit>-v<n>.docx, ASCII only."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        owner = commitment.user.username
    else:
        owner = f"don-vi-{(commitment.unit.code or str(commitment.unit.id)).lower()}"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in owner)
    return f"ban-dang-ky-thi-dua-{safe}-v{version.number}.docx"


# DOCX ----------------------------------------------------------------------------------------


def commitment_docx(form: PaperForm, checked_at: datetime) -> bytes:
    """The paper form as a DOCX laid out like an administrative document (NĐ 30/2020)."""
    document = new_document(f"{TITLE} — {form.owner_fields[0][1]}", form.signer_name)
    agency_header(document)

    para(document, space_after=6)
    para(document, TITLE, size=14, bold=True, align=CENTER, space_after=0)
    para(document, form.campaign_name, size=14, bold=True, align=CENTER, space_after=0)
    if form.plan_reference:
        para(document, f"(Thực hiện {form.plan_reference})", italic=True, align=CENTER)
    if form.notice:
        para(document, form.notice, size=13, bold=True, italic=True, align=CENTER)
    para(document, space_after=0)

    for label, value in form.owner_fields:
        labelled(document, label, value)
    for paper_section in form.sections:
        para(document, paper_section.heading, bold=True, keep_with_next=True, first_line_mm=10)
        for label, text in paper_section.paragraphs:
            if label:
                para(document, f"- {label}", italic=True, first_line_mm=10, space_after=2)
                para(document, text, first_line_mm=10)
            else:
                para(document, text, first_line_mm=10)
        for area in paper_section.areas:
            para(
                document,
                f"{area.number}. {area.title}",
                bold=True,
                first_line_mm=10,
                keep_with_next=True,
            )
            for item in area.items:
                paragraph = labelled(document, "", f"{item.number}. {item.text}")
                paragraph.paragraph_format.space_after = Pt(2 if item.details else 6)
                if item.details:
                    para(document, item.details, size=13, italic=True, first_line_mm=10)
    para(document, form.statement, first_line_mm=10)

    # The signature block: the reviewer on the left when confirmed, the signer on the right.
    _table, left, right = two_columns(document, 72)
    if form.reviewer_caption:
        para(left, "", space_after=0)
        para(left, form.reviewer_caption, bold=True, align=CENTER, space_after=0)
        para(left, "(Đã xác nhận điện tử)", size=13, italic=True, align=CENTER, space_after=12)
        para(left, form.reviewer_name, bold=True, align=CENTER, space_after=0)
        para(left, form.review_line, size=12, italic=True, align=CENTER, space_after=0)
    else:
        para(left, "", space_after=0)
    para(right, form.place_date, italic=True, align=CENTER, space_after=0)
    para(right, form.signer_caption, bold=True, align=CENTER, space_after=0)
    signed_note = "(Đã ký điện tử)" if form.e_signature else "(Ký và ghi rõ họ tên)"
    para(right, signed_note, size=13, italic=True, align=CENTER, space_after=36)
    para(right, form.signer_name, bold=True, align=CENTER, space_after=0)

    if form.e_signature:
        para(document, space_after=0)
        checked = checked_at.strftime("%H:%M %d/%m/%Y")
        para(
            document,
            f"{form.e_signature} · {form.seal_text} (kiểm tra lúc {checked})",
            size=12,
            italic=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
    if form.assessment is not None:
        _assessment_docx(document, form.assessment)
    return to_bytes(document)


def _assessment_docx(document, assessment: PaperAssessment) -> None:
    """The end-of-period assessment after the signed form: the ratings table and the result."""
    para(document, space_after=6)
    para(document, ASSESSMENT_TITLE, size=14, bold=True, align=CENTER, keep_with_next=True)
    rows = [
        [
            row.number,
            row.text,
            "\n".join(part for part in (row.self_rating, row.self_note) if part),
            "\n".join(part for part in (row.rating, row.note) if part),
        ]
        for row in assessment.rows
    ]
    data_table(
        document,
        ["STT", "Nội dung đăng ký", "Tự đánh giá", assessment.reviewer_caption],
        rows,
        [14, 71, 40, 40],
        aligns=[CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT],
    )
    para(document, space_after=0)
    line = assessment.self_line
    labelled(document, "Ý kiến tự đánh giá", assessment.self_note or "(không có)")
    para(document, line, size=12, italic=True, first_line_mm=10)
    if assessment.result:
        labelled(document, "Kết quả đánh giá", assessment.result).runs[-1].bold = True
        if assessment.comment:
            labelled(document, "Nhận xét", assessment.comment)
        para(
            document,
            f"{assessment.assessor_name} · {assessment.assessed_line}",
            size=12,
            italic=True,
            first_line_mm=10,
        )
    else:
        labelled(document, "Kết quả đánh giá", "(chưa đánh giá)")


# The tracking workbook ---------------------------------------------------------------------

TRACKING_HEADERS = (
    "Đơn vị",
    "Số công chức, viên chức",
    "Chưa lập",
    "Bản nháp",
    "Đã ký",
    "Đã xác nhận",
    "Trả lại",
    "Tỷ lệ đã ký (%)",
    "Bản đăng ký của tập thể",
)
PEOPLE_HEADERS = ("Họ và tên", "Chức vụ", "Đơn vị", "Trạng thái")
_WIDTHS = (48, 14, 11, 11, 11, 13, 11, 14, 22)
_PEOPLE_WIDTHS = (30, 34, 44, 14)


def _header_row(sheet, headers, widths) -> None:
    sheet.append(list(headers))
    for index, cell in enumerate(sheet[1]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = widths[index]
    sheet.freeze_panes = "A2"


ASSESSMENT_HEADERS = (
    "Đơn vị",
    "Đã xác nhận",
    "Chưa tự đánh giá",
    "Chờ đánh giá",
    "Hoàn thành",
    "Không hoàn thành",
    "Tỷ lệ đã đánh giá (%)",
)
ASSESSED_HEADERS = (
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Tự đánh giá: Đã hoàn thành",
    "Tự đánh giá: Hoàn thành một phần",
    "Tự đánh giá: Chưa hoàn thành",
    "Đánh giá: Đã hoàn thành",
    "Đánh giá: Hoàn thành một phần",
    "Đánh giá: Chưa hoàn thành",
    "Kết quả",
    "Người đánh giá",
    "Nhận xét",
)
_ASSESSMENT_WIDTHS = (48, 12, 14, 12, 12, 14, 14)
_ASSESSED_WIDTHS = (30, 30, 40, 12, 12, 12, 12, 12, 12, 18, 26, 50)


def _assessment_sheets(workbook, assessments, people, names: dict) -> None:
    """Sheet 3: the assessment per unit and the totals; sheet 4: each person with an
    assessment, their items' ratings counted and the result."""
    rows, totals = assessments
    sheet = workbook.create_sheet("Đánh giá cuối kỳ")
    _header_row(sheet, ASSESSMENT_HEADERS, _ASSESSMENT_WIDTHS)
    for row, figures in rows:
        sheet.append(
            safe_row(
                [
                    row.name,
                    figures.confirmed,
                    figures.not_started,
                    figures.self_assessed,
                    figures.fulfilled,
                    figures.not_fulfilled,
                    figures.percent,
                ]
            )
        )
        sheet.cell(sheet.max_row, 7).number_format = "0.0"
    sheet.append(
        safe_row(
            [
                "Tổng cộng",
                totals.confirmed,
                totals.not_started,
                totals.self_assessed,
                totals.fulfilled,
                totals.not_fulfilled,
                totals.percent,
            ]
        )
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.cell(sheet.max_row, 7).number_format = "0.0"

    results = workbook.create_sheet("Kết quả đánh giá")
    _header_row(results, ASSESSED_HEADERS, _ASSESSED_WIDTHS)
    for person in people:
        results.append(
            safe_row(
                [
                    person.full_name,
                    person.position,
                    names.get(person.unit_id, ""),
                    *(person.self_counts[r] for r in RATING_TEXT),
                    *((person.counts[r] for r in RATING_TEXT) if person.result else ("",) * 3),
                    RESULT_TEXT.get(person.result, "Chờ đánh giá"),
                    person.assessor_name,
                    person.comment,
                ]
            )
        )


def tracking_workbook(
    campaign: Campaign,
    report: Report,
    status: str | None,
    assessments=None,
    assessed_people=(),
    unit_names: dict | None = None,
) -> bytes:
    """Sheet 1: a row per unit and the totals; sheet 2: the people in `status` (by default
    those not yet signed) with their position, unit and status; with `assessments` (rows and
    totals from assessment.tracking_rows) two more sheets of the end-of-period assessment."""
    workbook = Workbook()
    workbook.properties.title = f"Theo dõi đăng ký thi đua — {campaign.name}"
    workbook.properties.language = "vi-VN"
    units = workbook.active
    units.title = "Theo đơn vị"
    _header_row(units, TRACKING_HEADERS, _WIDTHS)
    tree_order = all(
        a.depth <= b.depth + 1 for a, b in zip(report.rows, report.rows[1:], strict=False)
    )
    for row in report.rows:
        figures = row.figures
        units.append(
            safe_row(
                [
                    row.name,
                    figures.staff,
                    *(figures.counts[s] for s in STATUSES),
                    figures.percent,
                    STATUS_TEXT.get(row.collective_status, "") if row.unit_id else "",
                ]
            )
        )
        if tree_order and row.depth:
            units.cell(units.max_row, 1).alignment = Alignment(indent=row.depth)
        units.cell(units.max_row, 8).number_format = "0.0"
    totals = report.totals
    units.append(
        ["Tổng cộng", totals.staff, *(totals.counts[s] for s in STATUSES), totals.percent, ""]
    )
    for cell in units[units.max_row]:
        cell.font = Font(bold=True)
    units.cell(units.max_row, 8).number_format = "0.0"

    people = workbook.create_sheet("Chưa ký" if status is None else STATUS_TEXT[status])
    _header_row(people, PEOPLE_HEADERS, _PEOPLE_WIDTHS)
    for _row, persons in report.people_by_unit:
        for person in persons:
            people.append(
                safe_row(
                    [
                        person.full_name,
                        person.position,
                        person.unit_name,
                        STATUS_TEXT[person.status],
                    ]
                )
            )
    if assessments is not None and (assessments[0] or assessed_people):
        _assessment_sheets(workbook, assessments, assessed_people, unit_names or {})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_tracking(
    actor: User,
    campaign: Campaign,
    report: Report,
    status: str | None,
    unit_id: int | None,
    *,
    assessments=None,
    assessed_people=(),
) -> bytes:
    """The tracking workbook, audited as "commitments.exported"."""
    names = {unit.id: unit.name for unit, _depth in report.units}
    data = tracking_workbook(campaign, report, status, assessments, assessed_people, names)
    audit.record(
        actor,
        "commitments.exported",
        campaign,
        label=campaign.name,
        format="xlsx",
        unit=unit_id,
        status=status,
        rows=len(report.rows),
        people=report.people_count,
    )
    db.session.commit()
    return data


# The unit head's workbook ------------------------------------------------------------------

MEMBER_HEADERS = (
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Bản đăng ký",
    "Đánh giá cuối kỳ",
    *ASSESSED_HEADERS[3:10],
)
ASSESSMENT_STATUS_TEXT = {"self_assessed": "Đã tự đánh giá", "assessed": "Đã đánh giá"}
_MEMBER_WIDTHS = (30, 30, 40, 14, 18, 12, 12, 12, 12, 12, 12, 18)


def members_workbook(campaign: Campaign, rows, counts: dict) -> bytes:
    """The head's members: each one's commitment status and end-of-period assessment, with the
    items' ratings counted by the owner and by the head."""
    workbook = Workbook()
    workbook.properties.title = f"Bản đăng ký thi đua của công chức — {campaign.name}"
    workbook.properties.language = "vi-VN"
    sheet = workbook.active
    sheet.title = "Công chức"
    _header_row(sheet, MEMBER_HEADERS, _MEMBER_WIDTHS)
    for row in rows:
        mine, theirs = counts.get(row.commitment_id, ({}, {}))
        if row.status == "confirmed":
            assessed = ASSESSMENT_STATUS_TEXT.get(row.assessment, "Chưa tự đánh giá")
        else:
            assessed = ""
        sheet.append(
            safe_row(
                [
                    row.full_name,
                    row.position,
                    row.unit_name,
                    STATUS_TEXT[row.status],
                    assessed,
                    *(mine.get(r, "") for r in RATING_TEXT),
                    *((theirs.get(r, "") for r in RATING_TEXT) if row.result else ("",) * 3),
                    RESULT_TEXT.get(row.result, ""),
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_members(actor: User, campaign: Campaign, rows, counts: dict) -> bytes:
    """The head's workbook, audited as "commitments.exported"."""
    data = members_workbook(campaign, rows, counts)
    audit.record(
        actor,
        "commitments.exported",
        campaign,
        label=campaign.name,
        format="xlsx",
        unit=", ".join(sorted({row.unit_name for row in rows if row.unit_name})),
        people=len(rows),
    )
    db.session.commit()
    return data
