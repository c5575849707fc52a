"""Biên bản họp Hội đồng sáng kiến: the minutes of a closed session as a DOCX laid out per
Nghị định 30/2020/NĐ-CP (app/documents.py): time and place, the composition with the members
who did not judge their own initiative, the criteria and the rule of recognition, each
initiative's table of scores, the conclusion and the secretary's and chair's signatures.

Its fixed texts are Vietnamese whatever the interface language: they are the document's format.
"""

from docx.enum.text import WD_ALIGN_PARAGRAPH

from app import audit
from app.councils.queries import InitiativeResult, ordered_members
from app.documents import (
    CENTER,
    agency_header,
    data_table,
    heading,
    labelled,
    new_document,
    para,
    place_date,
    to_bytes,
    two_columns,
)
from app.extensions import db
from app.models.councils import Council
from app.models.directory import User
from app.web.filters import to_local

TITLE = "BIÊN BẢN HỌP HỘI ĐỒNG SÁNG KIẾN"
ROLE_TEXT = {"chair": "Chủ tịch Hội đồng", "secretary": "Thư ký Hội đồng", "member": "Ủy viên"}
FRACTION_TEXT = {
    (1, 2): "một phần hai (1/2)",
    (2, 3): "hai phần ba (2/3)",
    (3, 4): "ba phần tư (3/4)",
    (1, 1): "toàn bộ (100%)",
}
EXCLUDED = "Không tham gia (tác giả)"
# Above this many criteria the per-initiative tables show only each member's total.
MAX_CRITERIA_COLUMNS = 4
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def _number(value: float | None) -> str:
    """Points as the minutes print them: 85 or 82,5 (Vietnamese decimal comma)."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _person(user: User) -> str:
    details = ", ".join(
        part for part in (user.position, user.unit.name if user.unit else "") if part
    )
    return f"{user.full_name} ({details})" if details else user.full_name


def _authors(initiative) -> str:
    return ", ".join(author.user.full_name for author in initiative.authors)


def _rule(council: Council) -> str:
    fraction = (council.approval_numerator, council.approval_denominator)
    share = FRACTION_TEXT.get(fraction, f"{fraction[0]}/{fraction[1]}")
    return (
        f"Sáng kiến được công nhận khi có từ {share} số thành viên Hội đồng tham gia chấm trở "
        "lên đồng ý công nhận; thành viên là tác giả, đồng tác giả của sáng kiến không tham gia "
        "chấm và không tính vào số thành viên tham gia chấm sáng kiến đó."
    )


def _time_lines(council: Council) -> list[tuple[str, str]]:
    lines = []
    if council.meeting_on:
        lines.append(("Thời gian", f"ngày {council.meeting_on:%d/%m/%Y}"))
    if council.opened_at and council.closed_at:
        opened, closed = to_local(council.opened_at), to_local(council.closed_at)
        lines.append(
            (
                "Phiên họp",
                f"mở lúc {opened:%H:%M} ngày {opened:%d/%m/%Y}, "
                f"kết thúc lúc {closed:%H:%M} ngày {closed:%d/%m/%Y}",
            )
        )
    lines.append(("Địa điểm", council.meeting_place or "…"))
    return lines


def _scores_table(document, council: Council, result: InitiativeResult) -> None:
    criteria = council.criteria if len(council.criteria) <= MAX_CRITERIA_COLUMNS else []
    criteria_mm = 20 * len(criteria)
    name_mm = 165 - 10 - 18 - 34 - criteria_mm
    headers = ["STT", "Thành viên", *(f"{c.name} ({c.weight})" for c in criteria)]
    headers += ["Tổng điểm", "Ý kiến"]
    rows = []
    for number, verdict in enumerate(result.verdicts, start=1):
        name = f"{verdict.member.user.full_name} – {ROLE_TEXT[verdict.member.role]}"
        if verdict.is_excluded:
            rows.append([str(number), name, *("—" for _c in criteria), "—", EXCLUDED])
        elif verdict.judgement is None:
            rows.append([str(number), name, *("—" for _c in criteria), "—", "Không có phiếu"])
        else:
            rows.append(
                [
                    str(number),
                    name,
                    *(_number(verdict.points(c.id)) for c in criteria),
                    str(verdict.judgement.total),
                    "Đồng ý" if verdict.judgement.approves else "Không đồng ý",
                ]
            )
    stored = result.result
    rows.append(
        ["", "Điểm trung bình", *("" for _c in criteria), _number(stored.average_total), ""]
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    data_table(
        document,
        headers,
        rows,
        [10, name_mm, *(20 for _c in criteria), 18, 34],
        aligns=[CENTER, LEFT, *(right for _c in criteria), right, LEFT],
        bold_last_row=True,
    )


def _initiative_section(document, council: Council, number: int, result: InitiativeResult):
    initiative, stored = result.initiative, result.result
    para(
        document,
        f"{number}. Sáng kiến “{initiative.title}”",
        bold=True,
        keep_with_next=True,
        first_line_mm=10,
    )
    unit = initiative.unit.name if initiative.unit else ""
    labelled(document, "Tác giả", _authors(initiative) + (f" – {unit}" if unit else ""))
    _scores_table(document, council, result)
    para(document, space_after=0)
    verdict = "Công nhận" if stored.is_recognized else "Không công nhận"
    labelled(
        document,
        "Kết quả",
        f"{stored.approvals}/{stored.eligible} thành viên tham gia chấm đồng ý "
        f"({stored.judged}/{stored.eligible} đã chấm); điểm trung bình "
        f"{_number(stored.average_total)}. {verdict}.",
    )
    comments = [
        (v.member.user.full_name, v.judgement.comment)
        for v in result.verdicts
        if v.judgement is not None and v.judgement.comment
    ]
    if comments:
        para(document, "Ý kiến nhận xét của thành viên:", italic=True, first_line_mm=10)
        for name, comment in comments:
            labelled(document, f"- {name}", comment)


def minutes_docx(council: Council, results: list[InitiativeResult]) -> bytes:
    """The minutes of a closed session. Needs the council from queries.load() and its
    queries.results()."""
    results = [result for result in results if result.result is not None]
    members = ordered_members(council)
    chair = next((m for m in members if m.role == "chair"), None)
    secretary = next((m for m in members if m.role == "secretary"), None)
    document = new_document(f"{TITLE} — {council.name}", chair.user.full_name if chair else "")
    agency_header(document)
    day = council.meeting_on or (to_local(council.closed_at).date() if council.closed_at else None)
    _table, _left, right = two_columns(document, 62)
    para(right, place_date(day), italic=True, align=CENTER, space_after=0)

    para(document, space_after=6)
    para(document, TITLE, bold=True, align=CENTER, space_after=0)
    para(document, council.name, bold=True, align=CENTER, space_after=0)
    if council.decision_reference:
        para(document, f"(Thành lập theo {council.decision_reference})", italic=True, align=CENTER)
    para(document, space_after=0)

    heading(document, "I. THỜI GIAN, ĐỊA ĐIỂM")
    for label, text in _time_lines(council):
        labelled(document, f"- {label}", text)

    heading(document, "II. THÀNH PHẦN")
    para(document, f"Hội đồng gồm {len(members)} thành viên:", first_line_mm=10)
    for number, member in enumerate(members, start=1):
        labelled(document, "", f"{number}. {_person(member.user)} – {ROLE_TEXT[member.role]}")
    excluded = [(m, r.initiative) for r in results for m in r.excluded]
    if excluded:
        para(
            document,
            "Thành viên không tham gia chấm sáng kiến do là tác giả, đồng tác giả:",
            first_line_mm=10,
        )
        for member, initiative in excluded:
            labelled(document, "", f"- {member.user.full_name}: sáng kiến “{initiative.title}”")
    else:
        para(
            document,
            "Không có thành viên nào là tác giả, đồng tác giả của sáng kiến được xem xét.",
            first_line_mm=10,
        )

    heading(document, "III. NỘI DUNG")
    para(
        document,
        f"1. Hội đồng xem xét, chấm điểm {len(results)} sáng kiến theo các tiêu chí sau "
        "(thang điểm 100):",
        first_line_mm=10,
    )
    for criterion in council.criteria:
        labelled(document, "", f"- {criterion.name}: tối đa {criterion.weight} điểm;")
    para(document, f"2. Nguyên tắc công nhận: {_rule(council)}", first_line_mm=10)

    heading(document, "IV. KẾT QUẢ CHẤM ĐIỂM")
    if not results:
        para(document, "Phiên họp không có sáng kiến nào được xem xét.", first_line_mm=10)
    for number, result in enumerate(results, start=1):
        _initiative_section(document, council, number, result)

    heading(document, "V. KẾT LUẬN")
    recognized = [r for r in results if r.result.is_recognized]
    para(
        document,
        f"Hội đồng thống nhất công nhận {len(recognized)} sáng kiến, không công nhận "
        f"{len(results) - len(recognized)} sáng kiến, cụ thể:",
        first_line_mm=10,
    )
    if results:
        data_table(
            document,
            ["STT", "Tên sáng kiến", "Tác giả", "Điểm TB", "Đồng ý", "Kết quả"],
            [
                [
                    str(number),
                    r.initiative.title,
                    _authors(r.initiative),
                    _number(r.result.average_total),
                    f"{r.result.approvals}/{r.result.eligible}",
                    "Công nhận" if r.result.is_recognized else "Không công nhận",
                ]
                for number, r in enumerate(results, start=1)
            ],
            [10, 55, 40, 17, 16, 27],
            aligns=[CENTER, LEFT, LEFT, WD_ALIGN_PARAGRAPH.RIGHT, CENTER, LEFT],
        )
        para(document, space_after=0)
    para(
        document,
        "Biên bản được lập và thông qua tại phiên họp; các thành viên Hội đồng nhất trí với "
        "nội dung biên bản./.",
        first_line_mm=10,
    )

    _table, left, right = two_columns(document, 82)
    for cell, caption, member in (
        (left, "THƯ KÝ HỘI ĐỒNG", secretary),
        (right, "CHỦ TỊCH HỘI ĐỒNG", chair),
    ):
        para(cell, caption, bold=True, align=CENTER, space_after=0)
        para(cell, "(Ký, ghi rõ họ tên)", size=13, italic=True, align=CENTER, space_after=48)
        para(cell, member.user.full_name if member else "", bold=True, align=CENTER, space_after=0)
    return to_bytes(document)


def export_minutes(actor: User, council: Council, results: list[InitiativeResult]) -> bytes:
    """The minutes, audited as "council.minutes_exported"."""
    data = minutes_docx(council, results)
    audit.record(actor, "council.minutes_exported", council, label=council.name)
    db.session.commit()
    return data


def file_name(council: Council) -> str:
    day = council.meeting_on or to_local(council.closed_at).date()
    return f"Biên bản họp Hội đồng sáng kiến {day:%d-%m-%Y}.docx"


def ascii_name(council: Council) -> str:
    day = council.meeting_on or to_local(council.closed_at).date()
    return f"bien-ban-hop-hoi-dong-sang-kien-{council.id}-{day:%Y-%m-%d}.docx"
