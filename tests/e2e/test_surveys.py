"""In a real browser with the demo office: `thidua` builds a survey with every kind of question,
two knowledge questions and a condition, previews and publishes it; `nhanvien` answers it on a
375 px screen, saves, comes back and submits; the results show the counts and the awareness
index; an anonymous survey's results show no unit under five; the CSV downloaded reads back
with its diacritics. axe on the builder, answering and results pages; screenshots."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.directory import User
from app.models.surveys import Survey
from tests.e2e.conftest import PHONE, assert_accessible, browser_sign_in, screenshot
from tests.survey_helpers import answer_all, make_survey

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"
TITLE = "Khảo sát nhận thức về Phong trào thi đua năm 2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    campaign, _created = seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    return campaign


def _add(page, kind: str, text: str, options=(), correct=(), **extra) -> None:
    """Add a question of `kind` (its label in the select) through the builder."""
    page.get_by_label("Loại câu hỏi").select_option(label=kind)
    page.get_by_role("button", name=re.compile("^Thêm câu hỏi")).click()
    form = page.locator(".question-form")
    expect(form).to_be_visible()
    form.locator('textarea[name="text"]').fill(text)
    for index, option in enumerate(options, 1):
        form.get_by_label(f"Phương án {index}", exact=True).fill(option)
        if option in correct:
            form.get_by_label(f"Đáp án đúng (Phương án {index})").check()
    if correct:
        form.get_by_label("Câu hỏi kiến thức (có chấm điểm)").check()
    if extra.get("required"):
        form.get_by_label("Bắt buộc trả lời").check()
    if "max" in extra:
        form.get_by_label("Giá trị lớn nhất").fill(extra["max"])
    if "condition" in extra:
        form.get_by_text("Chỉ hiện câu hỏi này khi…").click()
        form.get_by_label(extra["condition"], exact=True).check()
    form.get_by_role("button", name="Lưu câu hỏi").click()
    expect(page.locator(".question-form")).to_have_count(0)
    expect(page.locator(".question-card", has_text=text)).to_be_visible()


def test_a_survey_built_answered_on_a_phone_and_read(page, live_server, demo, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("link", name="Khảo sát", exact=True).click()
    page.get_by_role("link", name="Tạo khảo sát").click()
    page.get_by_label("Tên khảo sát").fill(TITLE)
    page.get_by_label("Thời điểm bắt đầu").fill("2026-01-01T08:00")
    page.get_by_label("Thời điểm kết thúc").fill("2030-12-31T17:00")
    page.get_by_label("Ẩn danh").uncheck()
    page.get_by_role("button", name="Tạo khảo sát").click()
    expect(page.get_by_text("Đã tạo khảo sát. Tiếp theo, hãy thêm câu hỏi.")).to_be_visible()

    _add(
        page,
        "Một lựa chọn",
        "Kế hoạch của Văn phòng thực hiện Kế hoạch nào của UBND tỉnh?",
        ("Kế hoạch số 146/KH-UBND", "Chỉ thị số 27/CT-UBND"),
        ("Kế hoạch số 146/KH-UBND",),
        required=True,
    )
    _add(
        page,
        "Nhiều lựa chọn",
        "Những nội dung nào thuộc Phong trào thi đua?",
        ("Phát triển hạ tầng số", "Chuyển đổi xanh", "Phát triển du lịch"),
        ("Phát triển hạ tầng số", "Chuyển đổi xanh"),
    )
    _add(
        page,
        "Danh sách thả xuống",
        "Anh/chị công tác ở khối nào?",
        ("Khối phòng", "Khối trung tâm"),
    )
    _add(
        page,
        "Ma trận mức độ đồng ý (Likert)",
        "Mức độ đồng ý với các nhận định",
        ("Phong trào thiết thực", "Khen thưởng kịp thời"),
    )
    _add(page, "Thang điểm", "Anh/chị đánh giá chung về Phong trào")
    _add(page, "Có / Không", "Anh/chị có sáng kiến tham gia Phong trào không?")
    _add(page, "Văn bản ngắn", "Tên sáng kiến của anh/chị", condition="Khối trung tâm")
    _add(page, "Văn bản dài", "Đề xuất, kiến nghị")
    _add(page, "Số", "Số lớp tập huấn về chuyển đổi số đã dự", max="50")
    _add(page, "Ngày", "Ngày đăng ký thi đua")
    expect(page.locator(".question-card")).to_have_count(10)
    expect(page.locator(".condition-note")).to_contain_text("Khối trung tâm")
    assert_accessible(page, "builder")
    screenshot(page, "survey-builder")

    page.get_by_role("link", name="Xem trước").click()
    expect(page.get_by_text("Xem trước: đây là nội dung")).to_be_visible()
    assert_accessible(page, "preview")
    screenshot(page, "survey-preview")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Công bố khảo sát").click()
    expect(page.get_by_text("Đã công bố khảo sát.")).to_be_visible()
    survey_id = db.session.scalar(select(Survey.id).where(Survey.title == TITLE))

    # nhanvien answers on a phone, saves, comes back and submits.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.get_by_role("link", name=re.compile(f"Trả lời khảo sát “{TITLE}”")).click()
    form = page.locator(".survey-form")
    hidden = page.locator(".survey-question", has_text="Tên sáng kiến của anh/chị")
    expect(hidden).to_be_hidden()  # until "Khối trung tâm" is chosen
    page.get_by_role("button", name="Gửi câu trả lời").click()
    expect(page.get_by_text("Câu hỏi này cần được trả lời.")).to_be_visible()
    form = page.locator(".survey-form")
    form.get_by_label("Kế hoạch số 146/KH-UBND").check()
    form.get_by_label("Phát triển hạ tầng số").check()
    form.get_by_label("Anh/chị công tác ở khối nào?").select_option(label="Khối trung tâm")
    expect(hidden).to_be_visible()
    form.get_by_label("Tên sáng kiến của anh/chị").fill("Số hóa hồ sơ lưu trữ")
    statement = form.locator(".likert-row", has_text="Phong trào thiết thực")
    statement.get_by_label("Đồng ý", exact=True).check()
    assert_accessible(page, "answering at 375 px")
    screenshot(page, "survey-answer")
    page.set_viewport_size(PHONE)  # screenshot() leaves the page at desktop width
    page.get_by_role("button", name="Lưu và hoàn thành sau").click()
    expect(page.get_by_text("Đã lưu câu trả lời")).to_be_visible()

    page.context.clear_cookies()
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.get_by_role("link", name=re.compile(f"Hoàn thành khảo sát “{TITLE}”")).click()
    form = page.locator(".survey-form")
    expect(form.get_by_label("Kế hoạch số 146/KH-UBND")).to_be_checked()
    expect(form.get_by_label("Tên sáng kiến của anh/chị")).to_have_value("Số hóa hồ sơ lưu trữ")
    form.get_by_label("5", exact=True).check()
    form.get_by_label("Số lớp tập huấn về chuyển đổi số đã dự").fill("3")
    page.get_by_role("button", name="Gửi câu trả lời").click()
    expect(page.get_by_role("heading", name="Cảm ơn bạn đã tham gia khảo sát")).to_be_visible()
    expect(page.locator("#survey-receipt")).to_have_text(
        re.compile(r"^KS-[0-9A-F]{4}-[0-9A-F]{4}$")
    )
    screenshot(page, "survey-thanks")

    # The officer reads the results.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/surveys/{survey_id}/results")
    expect(page.locator("#responses")).to_have_text("1")
    expect(page.locator("#awareness-index")).to_have_text("50%")  # 1 of the 2 knowledge questions
    first = page.locator(".question-result").first
    expect(
        first.locator("tr", has_text="Kế hoạch số 146/KH-UBND").locator(".option-count")
    ).to_have_text("1")
    assert_accessible(page, "results")
    screenshot(page, "survey-results")


def test_an_anonymous_survey_hides_small_units_and_exports_with_diacritics(
    page, live_server, demo, tmp_path
):
    officer = db.session.scalar(select(User).where(User.username == "thidua"))
    survey = make_survey(demo, officer)
    for username in ("nhanvien", "truongphong"):
        person = db.session.scalar(select(User).where(User.username == username))
        answer_all(
            survey,
            person,
            {
                "Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146",
                "Lĩnh vực sáng kiến": "Số hóa văn bản",
            },
        )
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/surveys/{survey.id}/results")
    rates = page.locator(".rates-table tbody")
    expect(rates).to_contain_text("< 5")
    for count in rates.locator("td:nth-child(3)").all_inner_texts():
        assert count.strip() == "< 5" or int(count) == 0 or int(count) >= 5
    assert_accessible(page, "anonymous results")
    screenshot(page, "survey-results-anonymous")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (CSV)").click()
    path = tmp_path / "answers.csv"
    download.value.save_as(path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert "Số hóa văn bản" in {cell for row in rows[1:] for cell in row}
    assert any("Kế hoạch thực hiện văn bản nào?" in header for header in rows[0])
    assert not any(header in ("Họ và tên", "Đơn vị") for header in rows[0])

    # A follow-up, answered differently, compared with the first survey.
    from datetime import timedelta

    from app.surveys import services
    from tests.review_helpers import seen

    copy = services.duplicate_survey(seen(officer), services.load(survey.id), "Khảo sát lần 2")
    copy = services.load(copy.id)
    copy.opens_at = services.now_utc() - timedelta(hours=1)
    db.session.commit()
    services.publish(seen(officer), services.load(copy.id))
    person = db.session.scalar(select(User).where(User.username == "nhanvien"))
    answer_all(copy, person, {"Kế hoạch thực hiện văn bản nào?": "Chỉ thị 27"})
    page.goto(f"{live_server}/surveys/{copy.id}/results")
    page.get_by_role("link", name="So sánh").click()
    expect(page.get_by_role("heading", name="So sánh hai đợt khảo sát")).to_be_visible()
    expect(page.get_by_text("Khảo sát lần 2").first).to_be_visible()
    assert_accessible(page, "comparison")
    screenshot(page, "survey-compare")


def test_a_survey_of_many_units_shows_the_lowest_rates_and_folds_the_table(page, live_server, demo):
    from datetime import date

    from app.models.surveys import SurveyParticipation
    from tests.factories import make_unit, make_user

    officer = db.session.scalar(select(User).where(User.username == "thidua"))
    survey = make_survey(demo, officer, is_anonymous=False)
    for number in range(1, 16):
        unit = make_unit(name=f"Phòng chuyên môn số {number:02d}")
        for n in range(4):
            person = make_user(unit=unit)
            if n < number % 5:
                db.session.add(
                    SurveyParticipation(
                        survey_id=survey.id, user_id=person.id, answered_on=date(2026, 12, 1)
                    )
                )
    db.session.commit()
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/surveys/{survey.id}/results")
    expect(
        page.get_by_role("heading", name="Các đơn vị có tỷ lệ tham gia thấp nhất")
    ).to_be_visible()
    expect(page.locator("#lagging-rates tbody tr")).to_have_count(5)
    whole = page.locator("#rates")
    expect(whole).to_be_hidden()
    assert_accessible(page, "results of many units")
    screenshot(page, "survey-results-many-units")
    page.get_by_text(re.compile(r"^Tỷ lệ tham gia của từng đơn vị \(\d+ đơn vị\)$")).click()
    expect(whole).to_be_visible()
    expect(whole.locator("tbody tr", has_text="Phòng chuyên môn số 15")).to_be_visible()
    screenshot(page, "survey-results-many-units-open")
