"""The ready-made awareness survey (khảo sát nhận thức) of the office's plan: its wording, drawn
from the plan's text (purpose, the five contents, the individuals' criterion, who does what), and
the one use case that seeds it as a draft the officer can publish on the first day.

The template is data: every question goes through the builder's own checks before anything is
written, so a wrong template fails loudly instead of reaching staff.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app import audit
from app.errors import NotAllowed
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Role, User
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveySection,
    SurveyStatus,
)
from app.surveys.services import OptionRow, QuestionData, _condition, _kind_fields, question_errors

K = QuestionKind

TITLE = (
    "Khảo sát nhận thức về Phong trào thi đua “Đổi mới sáng tạo, phát triển khoa học, "
    "công nghệ, chuyển đổi số, chuyển đổi xanh”"
)

INTRODUCTION = "\n\n".join(
    (
        "Thực hiện mục IV.2 Kế hoạch triển khai Phong trào thi đua “Đổi mới sáng tạo, phát "
        "triển khoa học, công nghệ, chuyển đổi số, chuyển đổi xanh” tại cơ quan Văn phòng "
        "UBND tỉnh, Văn phòng tổ chức khảo sát nhằm đánh giá mức độ hiểu biết, nhận thức và "
        "sự tham gia của công chức, viên chức, người lao động đối với Phong trào trước và sau "
        "khi triển khai công tác truyền thông; kết quả khảo sát là căn cứ để điều chỉnh nội "
        "dung, hình thức tuyên truyền cho phù hợp, thiết thực.",
        "Phiếu khảo sát được thực hiện ẩn danh: câu trả lời không gắn với họ tên người trả lời "
        "và chỉ được tổng hợp chung toàn cơ quan. Thời gian trả lời khoảng 5 phút.",
        "Đề nghị anh/chị trả lời đầy đủ, khách quan theo hiểu biết của mình. Trân trọng cảm ơn!",
    )
)


def _right(text: str) -> OptionRow:
    """A correct option of a knowledge question."""
    return OptionRow(text, is_correct=True)


def _wrong(text: str) -> OptionRow:
    return OptionRow(text)


def _plain(*texts: str) -> list[OptionRow]:
    """Options (or Likert statements) with no right answer."""
    return [OptionRow(text) for text in texts]


@dataclass(frozen=True)
class Item:
    """A question of the template; `key` names it for a later question's condition, which
    `shown_if` gives as (key, positions of the options that show it, from 0)."""

    data: QuestionData
    key: str = ""
    shown_if: tuple[str, tuple[int, ...]] | None = None


SECTIONS: tuple[tuple[str, str, tuple[Item, ...]], ...] = (
    (
        "Hiểu biết về Phong trào",
        "Các câu hỏi về nội dung Kế hoạch triển khai Phong trào thi đua của Văn phòng UBND "
        "tỉnh. Anh/chị trả lời theo hiểu biết của mình, không cần tra cứu tài liệu.",
        (
            Item(
                QuestionData(
                    kind=K.SINGLE,
                    text=(
                        "Kế hoạch triển khai Phong trào thi đua tại cơ quan Văn phòng UBND "
                        "tỉnh được ban hành để thực hiện văn bản nào của UBND tỉnh?"
                    ),
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _wrong("Quyết định số 146/QĐ-UBND ngày 27/4/2026 của UBND tỉnh"),
                        _right("Kế hoạch số 146/KH-UBND ngày 27/4/2026 của UBND tỉnh"),
                        _wrong("Kế hoạch số 164/KH-UBND ngày 14/6/2026 của UBND tỉnh"),
                        _wrong("Chỉ thị số 27/CT-UBND ngày 14/4/2026 của Chủ tịch UBND tỉnh"),
                    ],
                )
            ),
            Item(
                QuestionData(
                    kind=K.DROPDOWN,
                    text=(
                        "Theo Kế hoạch, việc triển khai Phong trào tại cơ quan gắn với phong "
                        "trào thi đua nào do Thủ tướng Chính phủ đã phát động?"
                    ),
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _wrong("“Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở”"),
                        _wrong(
                            "“Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau”"
                        ),
                        _right("“Cả nước thi đua đổi mới sáng tạo và chuyển đổi số”"),
                    ],
                )
            ),
            Item(
                QuestionData(
                    kind=K.MULTIPLE,
                    text=("Những nội dung nào dưới đây thuộc 5 nội dung của Phong trào thi đua?"),
                    help_text="Chọn tất cả các nội dung đúng.",
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _right("Thi đua tạo đột phá trong tư duy, nhận thức và hành động"),
                        _wrong(
                            "Thi đua thực hành tiết kiệm, chống lãng phí trong sử dụng kinh phí "
                            "chi thường xuyên"
                        ),
                        _right(
                            "Thi đua phát triển hạ tầng số, hạ tầng xanh hiện đại, đồng bộ, "
                            "an ninh, an toàn, hiệu quả"
                        ),
                        _right(
                            "Thi đua đổi mới sáng tạo, ứng dụng mạnh mẽ chuyển đổi số, chuyển "
                            "đổi xanh trong mọi hoạt động và trong hợp tác quốc tế"
                        ),
                        _wrong(
                            "Thi đua hoàn thành sắp xếp tổ chức bộ máy tinh gọn, hoạt động "
                            "hiệu lực, hiệu quả"
                        ),
                        _right(
                            "Thi đua chuyển đổi xanh, chống biến đổi khí hậu trong phát triển "
                            "kinh tế nhanh và bền vững"
                        ),
                        _wrong("Thi đua xây dựng nông thôn mới, đô thị văn minh"),
                    ],
                )
            ),
            Item(
                QuestionData(
                    kind=K.SINGLE,
                    text=(
                        "Nội dung thi đua phát triển kinh tế số, xã hội số, Chính phủ số, "
                        "chính quyền số, công dân số gắn với phong trào “Bình dân học vụ số” "
                        "hướng tới mục tiêu “3 an”. “3 an” là gì?"
                    ),
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _wrong("An ninh, an toàn và an sinh"),
                        _wrong("An toàn, an tâm và an dân"),
                        _right("An ninh, an toàn và an dân"),
                        _wrong("An ninh, an sinh và an cư"),
                    ],
                )
            ),
            Item(
                QuestionData(
                    kind=K.SINGLE,
                    text=(
                        "Theo Kế hoạch, tiêu chí thi đua đối với cá nhân công chức, viên chức, "
                        "người lao động là gì?"
                    ),
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _wrong(
                            "Hoàn thành chương trình bồi dưỡng kỹ năng số theo kế hoạch đào tạo "
                            "hằng năm của cơ quan"
                        ),
                        _right(
                            "Có sáng kiến, giải pháp sáng tạo về phát triển khoa học, công "
                            "nghệ, đổi mới sáng tạo, chuyển đổi số, chuyển đổi xanh trong cơ "
                            "quan Văn phòng, góp phần thực hiện hiệu quả Phong trào thi đua"
                        ),
                        _wrong(
                            "Có bài viết tuyên truyền về Phong trào được đăng trên Cổng thông "
                            "tin điện tử tỉnh"
                        ),
                        _wrong("Xử lý 100% hồ sơ công việc trên môi trường mạng, không để trễ hạn"),
                    ],
                )
            ),
            Item(
                QuestionData(
                    kind=K.SINGLE,
                    text=(
                        "Phòng, đơn vị nào được giao chủ trì theo dõi, đôn đốc việc triển khai "
                        "thực hiện Phong trào; tham mưu khen thưởng và thực hiện chế độ thông "
                        "tin, báo cáo, sơ kết, tổng kết?"
                    ),
                    is_required=True,
                    is_knowledge=True,
                    options=[
                        _wrong("Phòng Tổng hợp"),
                        _wrong("Trung tâm Công nghệ và Cổng thông tin điện tử tỉnh"),
                        _right("Phòng Hành chính - Quản trị"),
                        _wrong("Sở Khoa học và Công nghệ"),
                    ],
                )
            ),
        ),
    ),
    (
        "Nhận thức và thái độ",
        "Ý kiến của anh/chị về ý nghĩa của Phong trào và công tác tuyên truyền tại cơ quan.",
        (
            Item(
                QuestionData(
                    kind=K.RATING,
                    text=(
                        "Anh/chị tự đánh giá mức độ hiểu biết của mình về mục đích, nội dung "
                        "của Phong trào thi đua như thế nào?"
                    ),
                    help_text="1 điểm: chưa nắm được; 5 điểm: nắm rõ, đầy đủ.",
                    is_required=True,
                    scale_max=5,
                )
            ),
            Item(
                QuestionData(
                    kind=K.LIKERT,
                    text="Anh/chị đồng ý ở mức độ nào với các nhận định sau?",
                    help_text="1: hoàn toàn không đồng ý; 5: hoàn toàn đồng ý.",
                    is_required=True,
                    options=_plain(
                        "Khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số, chuyển đổi xanh "
                        "là động lực then chốt để nâng cao hiệu quả công tác của cơ quan.",
                        "Phong trào thi đua gắn trực tiếp với nhiệm vụ chuyên môn hằng ngày "
                        "của tôi.",
                        "Mỗi công chức, viên chức, người lao động đều có thể có sáng kiến, giải "
                        "pháp sáng tạo trong công việc được giao.",
                        "Tôi sẵn sàng thay đổi cách làm việc để ứng dụng công nghệ số và thực "
                        "hành tiết kiệm điện, giấy in, hạn chế rác thải nhựa tại cơ quan.",
                    ),
                )
            ),
            Item(
                QuestionData(
                    kind=K.YES_NO,
                    text=(
                        "Anh/chị có được quán triệt, phổ biến Kế hoạch triển khai Phong trào "
                        "thi đua tại phòng, đơn vị mình không?"
                    ),
                    is_required=True,
                )
            ),
            Item(
                QuestionData(
                    kind=K.MULTIPLE,
                    text=(
                        "Anh/chị tiếp nhận thông tin về Phong trào thi đua chủ yếu qua những "
                        "kênh nào?"
                    ),
                    help_text="Chọn tối đa 3 kênh.",
                    is_required=True,
                    max_choices=3,
                    options=_plain(
                        "Hội nghị, cuộc họp quán triệt của cơ quan, phòng, đơn vị",
                        "Văn bản chỉ đạo trên hệ thống quản lý văn bản và điều hành",
                        "Cổng thông tin điện tử tỉnh",
                        "Trang thông tin điện tử cơ quan Văn phòng",
                        "Các nền tảng mạng xã hội",
                        "Trao đổi với lãnh đạo phòng, đồng nghiệp",
                    ),
                )
            ),
        ),
    ),
    (
        "Tham gia và đề xuất",
        "Việc tham gia Phong trào của cá nhân anh/chị và các đề xuất để Phong trào được triển "
        "khai hiệu quả hơn.",
        (
            Item(
                QuestionData(
                    kind=K.SINGLE,
                    text=(
                        "Anh/chị đã có hoặc dự định đăng ký sáng kiến, giải pháp sáng tạo "
                        "tham gia Phong trào thi đua chưa?"
                    ),
                    is_required=True,
                    options=_plain(
                        "Đã có sáng kiến, giải pháp đang áp dụng trong công việc",
                        "Đang có ý tưởng và dự định đăng ký",
                        "Chưa có dự định",
                    ),
                ),
                key="initiative",
            ),
            Item(
                QuestionData(
                    kind=K.SHORT_TEXT,
                    text="Sáng kiến, giải pháp của anh/chị thuộc lĩnh vực nào?",
                    help_text=(
                        "Ví dụ: số hóa hồ sơ, tự động hóa báo cáo, tiết kiệm năng lượng. "
                        "Chỉ nêu khái quát, không ghi tên người thực hiện."
                    ),
                ),
                shown_if=("initiative", (0, 1)),
            ),
            Item(
                QuestionData(
                    kind=K.NUMBER,
                    text=(
                        "Trong năm nay, anh/chị đã tham gia bao nhiêu lớp tập huấn, bồi dưỡng "
                        "về chuyển đổi số?"
                    ),
                    help_text=(
                        "Tính cả các lớp trực tuyến và chương trình “Bình dân học vụ số”; "
                        "ghi 0 nếu chưa tham gia."
                    ),
                    is_required=True,
                    number_min=0,
                    number_max=100,
                )
            ),
            Item(
                QuestionData(
                    kind=K.MULTIPLE,
                    text=(
                        "Để tham gia Phong trào hiệu quả hơn, anh/chị cần được hỗ trợ những "
                        "nội dung nào?"
                    ),
                    help_text="Chọn tối đa 3 nội dung.",
                    is_required=True,
                    max_choices=3,
                    options=_plain(
                        "Tập huấn kỹ năng số, sử dụng các nền tảng số",
                        "Hướng dẫn xây dựng, đăng ký sáng kiến, giải pháp",
                        "Trang thiết bị, phần mềm phục vụ công việc",
                        "Chia sẻ, nhân rộng cách làm hay, điển hình tiên tiến",
                        "Biểu dương, khen thưởng kịp thời",
                    ),
                )
            ),
            Item(
                QuestionData(
                    kind=K.LONG_TEXT,
                    text=(
                        "Anh/chị có đề xuất, kiến nghị gì để Phong trào thi đua được triển "
                        "khai tại cơ quan thiết thực, hiệu quả hơn?"
                    ),
                    help_text="Có thể nêu cách làm, giải pháp cụ thể ở phòng, đơn vị mình.",
                )
            ),
        ),
    ),
)


def template_errors() -> list[str]:
    """Every problem the builder would find in the template's questions."""
    problems = []
    for _title, _description, items in SECTIONS:
        for item in items:
            for field_name, messages in question_errors(item.data).items():
                problems.append(f"{item.data.text[:60]} ({field_name}): {'; '.join(messages)}")
    return problems


def seed_awareness_survey(
    actor: User, campaign: Campaign, opens_at: datetime, closes_at: datetime
) -> Survey:
    """The template as a draft survey of the campaign, anonymous and for all staff, in one
    transaction."""
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer builds surveys."))
    problems = template_errors()
    if problems:
        raise ValueError("The awareness survey template is invalid: " + " | ".join(problems))
    survey = Survey(
        campaign_id=campaign.id,
        created_by_id=actor.id,
        title=TITLE,
        introduction=INTRODUCTION,
        opens_at=opens_at,
        closes_at=closes_at,
        is_anonymous=True,
        is_open_to_all=True,
        status=SurveyStatus.DRAFT,
    )
    survey.sections = [
        SurveySection(position=number, title=title, description=description)
        for number, (title, description, _items) in enumerate(SECTIONS, 1)
    ]
    survey.questions = []
    db.session.add(survey)
    db.session.flush()  # the sections' ids, which the questions keep
    keyed: dict[str, SurveyQuestion] = {}
    conditions: list[tuple[SurveyQuestion, str, tuple[int, ...]]] = []
    position = 0
    for section, (_title, _description, items) in zip(survey.sections, SECTIONS, strict=True):
        for item in items:
            position += 1
            question = SurveyQuestion(
                section_id=section.id, position=position, **_kind_fields(item.data)
            )
            question.options = [
                SurveyOption(
                    position=at, text=row.text, is_correct=row.is_correct and question.is_knowledge
                )
                for at, row in enumerate(item.data.options, 1)
            ]
            survey.questions.append(question)
            if item.key:
                keyed[item.key] = question
            if item.shown_if:
                conditions.append((question, *item.shown_if))
    db.session.flush()  # ids for the conditions
    for question, key, chosen in conditions:
        options = [keyed[key].options[at].id for at in chosen]
        source_id, option_ids, errors = _condition(survey, question, question.section_id, options)
        if errors:
            db.session.rollback()
            raise ValueError(f"The condition of “{question.text}” is invalid: {errors}")
        question.condition_question_id = source_id
        question.condition_option_ids = option_ids
    audit.record(actor, "survey.created", survey, label=survey.title)
    db.session.commit()
    return survey
