"""Issue 9, part 2: requests no browser sends. Bytes that are not UTF-8 in a form, a query or a
path; a field of several megabytes; control characters and decomposed Vietnamese; photo and
static names that climb out of their folder. Each gets a clear answer, never a 500, and nothing
is stored from it."""

import unicodedata

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.initiatives import Initiative
from tests.conftest import csrf_token, sign_in
from tests.factories import make_campaign, make_user
from tests.story_helpers import make_story, png_bytes


@pytest.fixture
def staff_client(app, client):
    make_campaign()
    user = make_user()
    assert sign_in(client, user.username).status_code == 303
    return client


def _form(client, path: str, body: bytes):
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def test_bytes_that_are_not_utf8_get_a_clear_answer(app, client):
    make_user(username="nhanvien")
    token = csrf_token(client, "/login")
    body = b"csrf_token=" + token.encode() + b"&username=%ff%fe%fd&password=%c3%28"
    response = _form(client, "/login", body)
    assert response.status_code == 422
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert sign_in(client, "nhanvien").status_code == 303
    for path in ("/directory/?q=%ff%fe", "/initiatives/?q=%c3%28", "/directory/%ff"):
        assert client.get(path).status_code in (200, 404), path


def test_a_field_of_several_megabytes_is_refused_before_it_is_read(app, staff_client):
    token = csrf_token(staff_client, "/initiatives/new")
    body = b"csrf_token=" + token.encode() + b"&title=" + b"A" * (17 * 1024 * 1024)
    response = _form(staff_client, "/initiatives/new", body)
    assert response.status_code == 413
    assert "Dữ liệu bạn gửi vượt quá dung lượng cho phép" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_control_characters_are_dropped_and_decomposed_text_composed(app, staff_client):
    token = csrf_token(staff_client, "/initiatives/new")
    decomposed = "Số hóa hồ sơ\u0000\u0007 một cửa\u202e"
    title = unicodedata.normalize("NFD", decomposed)
    response = staff_client.post(
        "/initiatives/new", data={"csrf_token": token, "title": title, "area_id": ""}
    )
    assert response.status_code < 500
    stored = db.session.scalars(select(Initiative.title)).all()
    assert stored, response.status_code
    for text in stored:
        assert text == unicodedata.normalize("NFC", text)
        assert not any(ch in text for ch in "\u0000\u0007\u202e")


@pytest.mark.parametrize(
    "name",
    ["..%2F..%2Fwsgi.py", "..%2f..%2finstance%2fconfig.py", "%2e%2e%2fMakefile", "anh.png%00.py"],
)
def test_a_photo_name_cannot_climb_out_of_its_folder(app, client, name):
    comms = make_user(roles=("comms",))
    story = make_story(comms, publish=True)
    from app.showcase import services as showcase
    from tests.initiative_helpers import upload
    from tests.review_helpers import seen

    story = showcase.set_photo(seen(comms), story, upload(png_bytes(), "anh.png"), "Ảnh")
    for path, status in (
        (f"/showcase/{story.id}/photo/{story.photo_name}", 200),
        (f"/showcase/{story.id}/photo/{name}", 404),
    ):
        response = client.get(path)
        response.close()  # a file sent is closed at once
        assert response.status_code == status, path


@pytest.mark.parametrize(
    "path", ["/static/../app/config.py", "/static/..%2fwsgi.py", "/static/%2e%2e/Makefile"]
)
def test_static_files_stay_in_their_folder(client, path):
    assert client.get(path).status_code == 404
