"""The survey pages through the test client: who may open what on every route, the builder
with and without htmx (add, edit with errors beside the fields, duplicate, move, delete), the
preview, answering page by page with errors kept, a draft resumed, one submission, the thank-you
page, results and text answers for the officer and leaders only, and the exports."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.surveys import Survey, SurveyAnswer, SurveyDraft, SurveyQuestion, SurveyResponse
from app.surveys import answering, services
from tests.conftest import csrf_token, post, sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.survey_helpers import EVERY_KIND, answer_all, by_text, make_survey, question

HX = {"HX-Request": "true"}


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def people(campaign):
    unit, other = make_unit(name="Phòng Tổng hợp"), make_unit(name="Phòng Kinh tế")
    return {
        "officer": make_officer(full_name="Nguyễn Thị Thu Hằng"),
        "leader": make_user(roles=("leader",)),
        "admin": make_user(roles=("admin",)),
        "staff": make_user(unit=unit, full_name="Phạm Thị Mai Anh"),
        "outsider": make_user(unit=other),
        "unit": unit,
    }


def switch(client, user) -> None:
    post(client, "/logout")
    assert sign_in(client, user.username).status_code == 303


@pytest.fixture
def surveys(campaign, people):
    only_unit = {"is_open_to_all": False, "unit_ids": [people["unit"].id]}
    draft = make_survey(campaign, people["officer"], publish=False)
    open_ = make_survey(campaign, people["officer"], **only_unit)
    answer_all(
        open_,
        make_user(unit=people["unit"]),
        {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146", "Lĩnh vực sáng kiến": "Số hóa"},
    )
    earlier = make_survey(campaign, people["officer"], title="Khảo sát lần 1")
    return {"draft": draft, "open": services.load(open_.id), "earlier": earlier}


ROUTES = {
    "surveys.index": ("GET", "/surveys/", "open"),
    "surveys.new": ("GET", "/surveys/new", "open"),
    "surveys.from_template": ("POST", "/surveys/from-template", "open"),
    "surveys.build": ("GET", "/surveys/{s}/build", "draft"),
    "surveys.edit": ("GET", "/surveys/{s}/edit", "draft"),
    "surveys.delete": ("POST", "/surveys/{s}/delete", "draft"),
    "surveys.add_section": ("POST", "/surveys/{s}/sections", "draft"),
    "surveys.edit_section": ("GET", "/surveys/{s}/sections/{sec}/edit", "draft"),
    "surveys.delete_section": ("POST", "/surveys/{s}/sections/{sec}/delete", "draft"),
    "surveys.new_question": (
        "GET",
        "/surveys/{s}/sections/{sec}/questions/new?kind=single",
        "draft",
    ),
    "surveys.edit_question": ("GET", "/surveys/{s}/questions/{q}/edit", "draft"),
    "surveys.duplicate_question": ("POST", "/surveys/{s}/questions/{q}/duplicate", "draft"),
    "surveys.move_question": ("POST", "/surveys/{s}/questions/{q}/move", "draft"),
    "surveys.delete_question": ("POST", "/surveys/{s}/questions/{q}/delete", "draft"),
    "surveys.preview": ("GET", "/surveys/{s}/preview", "draft"),
    "surveys.publish": ("POST", "/surveys/{s}/publish", "draft"),
    "surveys.close": ("POST", "/surveys/{s}/close", "open"),
    "surveys.duplicate": ("POST", "/surveys/{s}/duplicate", "open"),
    "surveys.answer": ("GET", "/surveys/{s}/answer", "open"),
    "surveys.thanks": ("GET", "/surveys/{s}/thanks", "open"),
    "surveys.results_page": ("GET", "/surveys/{s}/results", "open"),
    "surveys.texts": ("GET", "/surveys/{s}/questions/{text}/answers", "open"),
    "surveys.export_csv": ("GET", "/surveys/{s}/responses.csv", "open"),
    "surveys.export_xlsx": ("GET", "/surveys/{s}/responses.xlsx", "open"),
    "surveys.summary_docx": ("GET", "/surveys/{s}/summary.docx", "open"),
    "surveys.compare": ("GET", "/surveys/{s}/compare", "open"),
}
EVERYONE = {"officer", "leader", "admin", "staff", "outsider"}
BUILD = {"officer"}
READ = {"officer", "leader"}
MATRIX = {
    **{endpoint: BUILD for endpoint in ROUTES},
    "surveys.index": EVERYONE,
    "surveys.answer": {"staff"},
    "surveys.thanks": {"staff"},
    "surveys.results_page": READ,
    "surveys.texts": READ,
    "surveys.export_csv": READ,
    "surveys.export_xlsx": READ,
    "surveys.summary_docx": READ,
    "surveys.compare": READ,
}


def test_the_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("surveys.")} == set(ROUTES) == set(MATRIX)


@pytest.mark.parametrize("who", sorted(EVERYONE))
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_role_matrix(client, people, surveys, who, endpoint):
    method, pattern, which = ROUTES[endpoint]
    survey = surveys[which]
    text_question = by_text(survey)["Lĩnh vực sáng kiến"].id
    url = pattern.format(
        s=survey.id, sec=survey.sections[0].id, q=survey.questions[0].id, text=text_question
    )
    assert sign_in(client, people[who].username).status_code == 303
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/"), "direction": "up"})
    response.close()
    if who in MATRIX[endpoint]:
        assert response.status_code in (200, 303), (who, endpoint, response.status_code)
    else:
        assert response.status_code == 403, (who, endpoint, response.status_code)


def test_unknown_survey_is_404(client, login, people):
    login(people["officer"])
    for url in ("/surveys/999/build", "/surveys/999/results", "/surveys/999/answer"):
        assert client.get(url).status_code == 404


# Building ---------------------------------------------------------------------------------------


def test_officer_creates_a_survey_with_errors_then_right(client, login, people, campaign):
    login(people["officer"])
    bad = post(
        client,
        "/surveys/new",
        {
            "title": "",
            "opens_at": "2027-01-05T08:00",
            "closes_at": "2027-01-01T08:00",
            "audience": "all",
            "is_anonymous": "y",
        },
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'id="title-error"' in page and 'id="closes_at-error"' in page
    assert db.session.scalar(select(func.count(Survey.id))) == 0
    good = post(
        client,
        "/surveys/new",
        {
            "title": "Khảo sát lần 1",
            "opens_at": "2027-01-05T08:00",
            "closes_at": "2027-01-20T17:00",
            "audience": "all",
            "is_anonymous": "y",
        },
    )
    assert good.status_code == 303
    survey = db.session.scalar(select(Survey))
    assert good.headers["Location"].endswith(f"/surveys/{survey.id}/build")
    assert survey.is_anonymous and survey.title == "Khảo sát lần 1"


def _question_form(text, options=(), correct=(), **fields) -> dict:
    data = {"text": text, "option_count": str(len(options) + 2), **fields}
    for index, option in enumerate(options):
        data[f"option-{index}-text"] = option
        if option in correct:
            data[f"option-{index}-correct"] = "1"
    return data


@pytest.mark.parametrize("htmx", [False, True])
def test_questions_are_added_edited_and_refused_beside_their_fields(
    client, login, people, campaign, htmx
):
    survey = make_survey(campaign, people["officer"], questions=(), publish=False)
    section = survey.sections[0].id
    login(people["officer"])
    headers = HX if htmx else {}
    form = client.get(
        f"/surveys/{survey.id}/sections/{section}/questions/new?kind=single", headers=headers
    )
    assert form.status_code == 200 and ("<html" in form.get_data(as_text=True)) != htmx
    url = f"/surveys/{survey.id}/sections/{section}/questions/new?kind=single"
    refused = post(
        client,
        url,
        {"kind": "single", **_question_form("Câu hỏi một lựa chọn", ("Chỉ một",))},
        headers=headers,
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "-options-error" in body and 'value="Chỉ một"' in body and "Câu hỏi một lựa chọn" in body
    more = post(
        client,
        url,
        {"kind": "single", "more": "1", **_question_form("Câu hỏi", ("A", "B"))},
        headers=headers,
    )
    assert (
        more.get_data(as_text=True).count('class="row g-2 align-items-center mb-2 option-row"')
        == 4 + 3
    )
    saved = post(
        client,
        url,
        {
            "kind": "single",
            "is_knowledge": "y",
            "is_required": "y",
            **_question_form("Kế hoạch nào?", ("Kế hoạch 146", "Chỉ thị 27"), ("Kế hoạch 146",)),
        },
        headers=headers,
    )
    if htmx:
        assert saved.status_code == 200 and saved.headers["HX-Retarget"] == "#questions"
        assert saved.get_data(as_text=True).lstrip().startswith('<div id="questions"')
    else:
        assert saved.status_code == 303
    created = db.session.scalar(select(SurveyQuestion))
    assert (
        created.is_knowledge
        and created.is_required
        and [o.is_correct for o in services.load(survey.id).questions[0].options] == [True, False]
    )
    edit_url = f"/surveys/{survey.id}/questions/{created.id}/edit"
    assert "Kế hoạch nào?" in client.get(edit_url, headers=headers).get_data(as_text=True)
    options = services.load(survey.id).questions[0].options
    edited = post(
        client,
        edit_url,
        {
            "kind": "single",
            "text": "Kế hoạch nào được thực hiện?",
            "option_count": "2",
            "option-0-text": options[0].text,
            "option-0-id": str(options[0].id),
            "option-0-correct": "1",
            "option-1-text": "Chỉ thị 27/CT-UBND",
            "option-1-id": str(options[1].id),
            "is_knowledge": "y",
        },
        headers=headers,
    )
    assert edited.status_code in (200, 303)
    stored = services.load(survey.id).questions[0]
    assert (
        stored.text == "Kế hoạch nào được thực hiện?"
        and stored.options[1].text == "Chỉ thị 27/CT-UBND"
    )
    assert [o.id for o in stored.options] == [o.id for o in options]


def test_builder_actions_with_htmx_return_the_questions(client, login, people, campaign):
    survey = make_survey(campaign, people["officer"], publish=False)
    first, second = services.ordered_questions(survey)[:2]
    login(people["officer"])
    moved = post(
        client, f"/surveys/{survey.id}/questions/{second.id}/move", {"direction": "up"}, headers=HX
    )
    assert moved.status_code == 200 and moved.get_data(as_text=True).lstrip().startswith(
        '<div id="questions"'
    )
    assert services.ordered_questions(services.load(survey.id))[0].id == second.id
    assert post(client, f"/surveys/{survey.id}/questions/{first.id}/duplicate").status_code == 303
    assert services.count_questions(survey.id) == 11
    assert (
        post(client, f"/surveys/{survey.id}/questions/{first.id}/delete", headers=HX).status_code
        == 200
    )
    assert services.count_questions(survey.id) == 10
    assert post(client, f"/surveys/{survey.id}/sections", {"title": "Phần hai"}).status_code == 303
    assert len(services.load(survey.id).sections) == 2
    page = client.get(f"/surveys/{survey.id}/build").get_data(as_text=True)
    assert "Phần hai" in page and "Công bố khảo sát" in page


def test_preview_shows_every_kind_as_staff_see_it(client, login, people, campaign):
    survey = make_survey(campaign, people["officer"], publish=False)
    login(people["officer"])
    page = client.get(f"/surveys/{survey.id}/preview").get_data(as_text=True)
    for data in EVERY_KIND:
        assert data.text in page
    assert 'class="likert"' in page and 'type="date"' in page and "Xem trước" in page
    assert 'method="get"' in page  # nothing is saved


# Answering --------------------------------------------------------------------------------------


def _two_pages(campaign, officer, first_page) -> Survey:
    """A named survey: `first_page`, then a section "Phần hai" with the question "Đề xuất"."""
    survey = make_survey(campaign, officer, questions=first_page, is_anonymous=False)
    loaded = services.load(survey.id)
    services.add_section(_seen(officer), loaded, {"title": "Phần hai"})
    loaded = services.load(survey.id)
    services.add_question(
        _seen(officer), loaded, loaded.sections[1], question("long_text", "Đề xuất")
    )
    return services.load(survey.id)


def test_answering_errors_keep_the_answers_then_a_draft_resumes_and_submits(
    client, login, people, campaign
):
    first_page = (
        question("single", "Đồng chí ở khối nào?", ("Phòng", "Trung tâm"), is_required=True),
        question("number", "Số lớp tập huấn", number_min=0, number_max=10),
    )
    survey = _two_pages(campaign, people["officer"], first_page)
    q = by_text(survey)
    choice = str(q["Đồng chí ở khối nào?"].options[1].id)  # before a request expires it
    login(people["staff"])
    url = f"/surveys/{survey.id}/answer"
    bad = post(
        client,
        url,
        {"page": "0", "action": "next", answering.field_name(q["Số lớp tập huấn"]): "99"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert (
        "Nhập số từ 0 đến 10." in page
        and 'value="99"' in page
        and "Câu hỏi này cần được trả lời." in page
    )
    good = post(
        client,
        url,
        {
            "page": "0",
            "action": "save",
            answering.field_name(q["Đồng chí ở khối nào?"]): choice,
            answering.field_name(q["Số lớp tập huấn"]): "3",
        },
    )
    assert good.status_code == 303
    # Later, elsewhere: the draft is there.
    switch(client, people["staff"])
    assert "Tiếp tục" in client.get("/surveys/").get_data(as_text=True)
    resumed = client.get(url + "?page=0").get_data(as_text=True)
    assert f'value="{choice}" checked' in resumed and 'value="3"' in resumed
    assert (
        post(
            client,
            url,
            {
                "page": "0",
                "action": "next",
                answering.field_name(q["Đồng chí ở khối nào?"]): choice,
            },
        )
        .headers["Location"]
        .endswith("page=1")
    )
    done = post(
        client,
        url,
        {
            "page": "1",
            "action": "submit",
            answering.field_name(q["Đề xuất"]): "Tăng cường tập huấn.",
        },
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(
        f"/surveys/{survey.id}/thanks"
    )
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "KS-" in thanks and "Cảm ơn" in thanks
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    again = client.get(url)
    assert again.status_code == 303 and "/surveys/" in again.headers["Location"]


def test_the_last_page_submits_without_reading_the_survey_and_the_person_again(
    client, login, people, campaign, count_queries
):
    """The last page and the submission are one transaction: it works from the survey, its
    questions, the person and the draft as read for the page, and asks none of them again."""
    first_page = (
        question("single", "Đồng chí ở khối nào?", ("Phòng", "Trung tâm"), is_required=True),
    )
    survey = _two_pages(campaign, people["officer"], first_page)
    q = by_text(survey)
    choice = str(q["Đồng chí ở khối nào?"].options[0].id)
    login(people["staff"])
    url = f"/surveys/{survey.id}/answer"
    first = {"page": "0", "action": "next", answering.field_name(q["Đồng chí ở khối nào?"]): choice}
    assert post(client, url, first).headers["Location"].endswith("page=1")
    token = csrf_token(client, url + "?page=1")
    last = {"csrf_token": token, "page": "1", "action": "submit"}
    last[answering.field_name(q["Đề xuất"])] = "Số hóa hồ sơ."
    with count_queries() as statements:
        done = client.post(url, data=last)
    assert done.headers["Location"].endswith(f"/surveys/{survey.id}/thanks")
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert sum("surveys.is_anonymous" in s for s in selects) == 1
    # The questions as the process keeps them since the first page (app/surveys/structure.py).
    assert sum("survey_questions.kind" in s for s in selects) == 0
    assert sum("users.password_hash" in s for s in selects) == 1
    # Whether the person has answered, and their draft: asked once, by the page. The last
    # page's answers go with the submission, not into the draft first, in one transaction.
    assert sum("FROM survey_participations" in s for s in selects) == 1
    assert sum("FROM survey_drafts" in s for s in selects) == 1
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE SURVEY_DRAFTS")]
    stored = db.session.scalars(select(SurveyAnswer.text_value)).all()
    assert "Số hóa hồ sơ." in stored and len(stored) == 2
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_submitting_with_an_earlier_page_unanswered_keeps_the_last_page_and_sends_back(
    client, login, people, campaign
):
    """The last page is sent straight away (its address typed) with the first page's required
    question unanswered: nothing is submitted, the last page's answers wait in the draft, and
    the person is sent to the first page with the reason."""
    first_page = (
        question("single", "Đồng chí ở khối nào?", ("Phòng", "Trung tâm"), is_required=True),
    )
    survey = _two_pages(campaign, people["officer"], first_page)
    q = by_text(survey)
    proposal = answering.field_name(q["Đề xuất"])
    login(people["staff"])
    url = f"/surveys/{survey.id}/answer"
    token = csrf_token(client, url + "?page=1")
    sent = client.post(
        url, data={"csrf_token": token, "page": "1", "action": "submit", proposal: "Ký số."}
    )
    assert sent.status_code == 303 and sent.headers["Location"].endswith("page=0")
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    first = client.get(url + "?page=0").get_data(as_text=True)
    assert "Còn câu hỏi bắt buộc chưa được trả lời." in first
    assert "Ký số." in client.get(url + "?page=1").get_data(as_text=True)


def _seen(user):
    from tests.review_helpers import seen

    return seen(user)


def _structure_reads(statements) -> int:
    return sum(
        "FROM survey_questions" in s or "FROM survey_sections" in s or "FROM survey_options" in s
        for s in statements
        if s.lstrip().upper().startswith("SELECT")
    )


def test_the_answering_pages_keep_a_published_survey_s_structure_until_it_changes(
    client, login, people, campaign, count_queries
):
    """The sections, questions and options are read by the first answering page only; any
    change to them through the ORM gives the survey a new key, and the next page reads and
    shows the changed structure (app/surveys/structure.py)."""
    first_page = (question("single", "Đồng chí ở khối nào?", ("Phòng", "Trung tâm")),)
    survey = make_survey(campaign, people["officer"], questions=first_page)
    survey_id, key = survey.id, survey.structure_key
    login(people["staff"])
    url = f"/surveys/{survey_id}/answer"

    def page() -> tuple[str, int]:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return response.get_data(as_text=True), _structure_reads(statements)

    assert page()[1] == 3
    body, reads = page()
    assert reads == 0 and "Đồng chí ở khối nào?" in body and "Trung tâm" in body

    asked = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id))
    asked.text = "Đồng chí công tác ở khối nào?"
    db.session.commit()
    changed = db.session.get(Survey, survey_id).structure_key
    assert changed != key
    body, reads = page()
    assert reads == 3 and "Đồng chí công tác ở khối nào?" in body

    services.load(survey_id).questions[0].options[1].text = "Trung tâm Công nghệ"
    db.session.commit()
    assert db.session.get(Survey, survey_id).structure_key != changed
    assert "Trung tâm Công nghệ" in page()[0]

    loaded = services.load(survey_id)
    services.add_section(_seen(people["officer"]), loaded, {"title": "Phần hai"})
    loaded = services.load(survey_id)
    services.add_question(
        _seen(people["officer"]), loaded, loaded.sections[1], question("long_text", "Đề xuất")
    )
    body, reads = page()
    assert reads == 3 and "Trang 1/2" in body
    # A change to the survey itself (its title, its dates) is read with its row every time.
    db.session.get(Survey, survey_id).title = "Khảo sát đã đổi tên"
    db.session.commit()
    body, reads = page()
    assert reads == 0 and "Khảo sát đã đổi tên" in body


def test_a_survey_gets_a_new_structure_key_on_any_change_to_its_parts(people, campaign):
    survey = make_survey(campaign, people["officer"], questions=EVERY_KIND[:2])
    other = make_survey(campaign, people["officer"], questions=EVERY_KIND[:1])
    keys = [survey.structure_key]

    def key_changed() -> bool:
        db.session.commit()
        db.session.expire_all()
        key = db.session.get(Survey, survey.id).structure_key
        fresh = key not in keys
        keys.append(key)
        return fresh

    other_key = other.structure_key
    loaded = services.load(survey.id)
    first = loaded.questions[0]
    first.help_text = "Chọn một."
    assert key_changed()
    loaded = services.load(survey.id)
    loaded.questions[0].options[0].is_correct = True
    assert key_changed()
    loaded = services.load(survey.id)
    db.session.delete(loaded.questions[0].options[-1])
    assert key_changed()
    loaded = services.load(survey.id)
    loaded.sections[0].title = "Phần một"
    assert key_changed()
    loaded = services.load(survey.id)
    db.session.delete(loaded.questions[1])
    assert key_changed()
    loaded = services.load(survey.id)
    loaded.title = "Chỉ đổi tên"
    assert not key_changed()
    assert db.session.get(Survey, other.id).structure_key == other_key


def test_staff_outside_the_audience_cannot_answer_nor_read_results(client, login, people, surveys):
    login(people["outsider"])
    survey = surveys["open"]
    assert client.get(f"/surveys/{survey.id}/answer").status_code == 403
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403
    assert survey.title not in client.get("/surveys/").get_data(as_text=True)


# Results and exports ------------------------------------------------------------------------------


def test_results_and_text_answers_for_the_officer(client, login, people, surveys):
    survey = surveys["open"]
    login(people["officer"])
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert 'id="responses">1<' in page and "&lt; 5" in page and "Kế hoạch 146" in page
    text_q = by_text(survey)["Lĩnh vực sáng kiến"].id
    found = client.get(
        f"/surveys/{survey.id}/questions/{text_q}/answers?q=hóa", headers=HX
    ).get_data(as_text=True)
    assert found.lstrip().startswith('<div id="answers">') and "Số hóa" in found
    none = client.get(f"/surveys/{survey.id}/questions/{text_q}/answers?q=zzz").get_data(
        as_text=True
    )
    assert "Số hóa" not in none


def test_exports_read_back_with_their_diacritics(client, login, people, surveys):
    survey = surveys["open"]
    login(people["leader"])
    response = client.get(f"/surveys/{survey.id}/responses.csv")
    data = response.get_data()
    response.close()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "STT" and any("Kế hoạch thực hiện văn bản nào?" in h for h in rows[0])
    assert "Số hóa" in rows[1] and "Họ và tên" not in rows[0]
    response = client.get(f"/surveys/{survey.id}/responses.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    response.close()
    assert (
        book.active.cell(2, rows[0].index(next(h for h in rows[0] if "Lĩnh vực" in h)) + 1).value
        == "Số hóa"
    )
