"""The sentences of a report: those written from its figures (the same on the page and in the
DOCX) and the drafts a new report starts from, for the officer to edit.

They are Vietnamese whatever the interface language: they are the document's words.
"""

from datetime import date

from app.documents import number_text
from app.models.campaigns import Campaign
from app.models.initiatives import InitiativeStatus
from app.models.reports import Report, ReportKind
from app.reports.figures import Figures
from app.web.filters import format_date

# Not numbered yet: the clerical office writes the number in the blank.
UNNUMBERED = "\u00a0" * 6 + "/BC-VPUBND"
NO_UNIT = "Không thuộc phòng, đơn vị nào"
KIND_WORD = {ReportKind.INTERIM: "sơ kết", ReportKind.FINAL: "tổng kết"}
RECIPIENTS = (
    "- UBND tỉnh (để báo cáo);\n"
    "- Ban Thi đua - Khen thưởng (Sở Nội vụ);\n"
    "- Lãnh đạo Văn phòng;\n"
    "- Các phòng, đơn vị thuộc Văn phòng;\n"
    "- Lưu: VT, HCQT."
)
SIGNER = "CHÁNH VĂN PHÒNG"


def _share(done: int, of: int) -> str:
    return f"{number_text(100 * done / of, 1)}%" if of else "—"


def period(start: date, end: date) -> str:
    return f"từ ngày {format_date(start)} đến ngày {format_date(end)}"


def movement(campaign: Campaign) -> str:
    """The campaign as a sentence names it: its name says "Phong trào thi đua “…”" already
    when seeded from the plan."""
    name = campaign.name
    return name if name.lower().startswith("phong trào") else f"Phong trào thi đua “{name}”"


def authors(initiative) -> str:
    return ", ".join(author.user.full_name for author in initiative.authors)


def subject(kind: str, campaign: Campaign, start: date, end: date) -> str:
    word = KIND_WORD[ReportKind(kind)].capitalize()
    return f"{word} {movement(campaign)} ({period(start, end)})"


def opening(report: Report) -> str:
    plan = report.campaign.plan_reference or "Kế hoạch của Văn phòng UBND tỉnh"
    return (
        f"Thực hiện {plan} về triển khai {movement(report.campaign)} tại cơ "
        f"quan Văn phòng UBND tỉnh, Văn phòng UBND tỉnh báo cáo {KIND_WORD[report.kind]} kết "
        f"quả thực hiện {period(report.period_start, report.period_end)} như sau:"
    )


def ending(report: Report) -> str:
    return (
        f"Trên đây là Báo cáo {KIND_WORD[report.kind]} {movement(report.campaign)} "
        "của Văn phòng UBND tỉnh./."
    )


def next_heading(report: Report) -> str:
    return "III. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG THỜI GIAN TỚI"


def commitment_lines(figures: Figures) -> list[str]:
    total = figures.board.totals
    assessed = assessment_line(figures)
    return [
        f"Tính đến ngày lập báo cáo, {number_text(total.signed)}/{number_text(total.staff)} "
        "công chức, viên chức, người lao động đã ký bản đăng ký thi đua (đạt "
        f"{_share(total.signed, total.staff)}), trong đó {number_text(total.confirmed)} bản đã "
        f"được xác nhận; {number_text(figures.units_signed)}/{number_text(figures.units)} "
        "phòng, đơn vị đã ký bản đăng ký thi đua của tập thể.",
        f"Trong kỳ báo cáo ({period(figures.start, figures.end)}) có "
        f"{number_text(figures.signed_in_period)} cá nhân và "
        f"{number_text(figures.units_signed_in_period)} tập thể ký bản đăng ký thi đua.",
        *([assessed] if assessed else []),
    ]


def assessment_line(figures: Figures) -> str | None:
    """The end-of-period assessment, once any commitment has been self-assessed."""
    people = figures.assessed.get("individual")
    units = figures.assessed.get("unit")
    if people is None and units is None:
        return None
    parts = []
    for what, counted in (("cá nhân", people), ("tập thể", units)):
        if counted is not None:
            parts.append(
                f"{number_text(counted.self_assessed)} bản đăng ký của {what} đã tự đánh giá, "
                f"{number_text(counted.assessed)} bản đã được đánh giá, trong đó "
                f"{number_text(counted.fulfilled)} bản hoàn thành"
            )
    return "Đánh giá kết quả thực hiện cuối kỳ: " + "; ".join(parts) + "."


def commendation_line(figures: Figures) -> str:
    counts = figures.commendations
    if not counts:
        return "Chưa có đề nghị khen thưởng nào."
    proposed = sum(counts.values())
    return (
        f"Phòng Hành chính - Quản trị đã đề nghị khen thưởng {number_text(proposed)} trường hợp; "
        f"Lãnh đạo Văn phòng đã duyệt {number_text(counts.get('approved', 0))}, không duyệt "
        f"{number_text(counts.get('declined', 0))}, "
        f"{number_text(counts.get('proposed', 0))} trường hợp đang chờ duyệt."
    )


def nominee(commendation) -> str:
    """ "Name, position, unit" as the list for a decision writes a nominee."""
    parts = [commendation.nominee_name, commendation.nominee_position, commendation.nominee_unit]
    return ", ".join(part for part in parts if part)


def decision(commendation) -> str:
    if not commendation.decision_number:
        return "Chưa có quyết định"
    return (
        f"Quyết định số {commendation.decision_number} ngày "
        f"{format_date(commendation.decision_date)}"
    )


def initiative_lines(figures: Figures) -> list[str]:
    count = figures.statuses.get
    s = InitiativeStatus
    return [
        f"Toàn cơ quan có {number_text(figures.submitted)} sáng kiến, giải pháp đã nộp (trong "
        f"kỳ báo cáo: {number_text(figures.submitted_in_period)}), trong đó: "
        f"{number_text(figures.accepted)} sáng kiến được chấp nhận đưa ra Hội đồng sáng kiến "
        f"thẩm định, {number_text(count(s.RECOGNIZED, 0))} sáng kiến được công nhận, "
        f"{number_text(count(s.NOT_RECOGNIZED, 0))} sáng kiến không được công nhận; "
        f"{number_text(count(s.SUBMITTED, 0))} sáng kiến đang chờ xem xét, "
        f"{number_text(count(s.RETURNED, 0))} sáng kiến được trả lại để hoàn thiện, "
        f"{number_text(count(s.REJECTED, 0))} sáng kiến không được chấp nhận."
    ]


def round_lines(figures: Figures) -> list[str]:
    lines = []
    for line in figures.rounds:
        round_ = line.round
        text = (
            f"Đợt bình chọn “{round_.title}” ({period(round_.opens_at, round_.closes_at)}): "
            f"{number_text(line.voted)}/{number_text(line.eligible)} người tham gia bình chọn "
            f"(đạt {_share(line.voted, line.eligible)})."
        )
        if line.leaders:
            best = ", ".join(
                f"“{title}” ({number_text(votes)} phiếu)" for title, votes in line.leaders
            )
            text += f" Các sáng kiến có số phiếu cao nhất: {best}."
        lines.append(text)
    return lines


def reminder_line(figures: Figures) -> str:
    if not figures.reminders:
        return "Trong kỳ báo cáo không có lượt nhắc nhở, đôn đốc nào."
    return (
        f"Trong kỳ báo cáo, Phòng Hành chính - Quản trị đã gửi "
        f"{number_text(figures.reminders)} lượt nhắc nhở, đôn đốc đến "
        f"{number_text(figures.reminded_people)} người chưa ký bản đăng ký thi đua, chưa bình "
        "chọn hoặc chưa trả lời khảo sát."
    )


def drafts(kind: str, campaign: Campaign, figures: Figures) -> dict[str, str]:
    """The words a new report starts from: each section drafted from the plan and the data."""
    total = figures.board.totals
    plan = campaign.plan_reference or "Kế hoạch triển khai phong trào thi đua"
    recognized = figures.statuses.get(InitiativeStatus.RECOGNIZED, 0)
    return {
        "subject": subject(kind, campaign, figures.start, figures.end),
        "organisation": (
            f"Văn phòng UBND tỉnh đã ban hành {plan}; tổ chức quán triệt, phổ biến nội dung "
            "phong trào thi đua đến toàn thể công chức, viên chức, người lao động; các phòng, "
            "đơn vị tổ chức đăng ký thi đua, đăng ký sáng kiến và triển khai thực hiện.\n"
            "Việc đăng ký, theo dõi, bình chọn và khảo sát được thực hiện trên ứng dụng Thi đua "
            "của cơ quan."
        ),
        "strengths": (
            "Phong trào được triển khai kịp thời, đồng bộ; tỷ lệ công chức, viên chức, người lao "
            f"động ký bản đăng ký thi đua đạt {_share(total.signed, total.staff)}; "
            f"có {number_text(figures.submitted)} sáng kiến, giải pháp được đăng ký, trong đó "
            f"{number_text(recognized)} sáng kiến được công nhận."
        ),
        "weaknesses": "",
        "lessons": "",
        "next_steps": (
            "Tiếp tục đôn đốc các phòng, đơn vị và cá nhân thực hiện các nội dung đã đăng ký; "
            "khuyến khích đăng ký và áp dụng sáng kiến; nhân rộng các gương điển hình tiên tiến."
        ),
        "proposals": "",
        "recipients": RECIPIENTS,
        "signer_title": SIGNER,
    }
