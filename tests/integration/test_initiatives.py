"""The initiative pages through the test client: the application with its authors and files,
bad input kept beside its field, the review, who may open what, the list and the export."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from app.extensions import db
from app.initiatives import services
from app.models.campaigns import ContentArea
from app.models.initiatives import (
    Initiative,
    InitiativeAttachment,
    InitiativeAuthor,
    InitiativeStatus,
)
from app.models.notifications import Notification
from app.web.filters import local_today
from tests.conftest import csrf_token, post, sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.review_helpers import seen

HX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def area_ids(campaign):
    return list(
        db.session.scalars(
            select(ContentArea.id)
            .where(ContentArea.campaign_id == campaign.id)
            .order_by(ContentArea.position)
        )
    )


@pytest.fixture
def office(campaign):
    """Phòng Tổng hợp with its head, an author and a colleague; an officer; another unit's
    head; a leader."""
    unit = make_unit(name="Phòng Tổng hợp")
    head = make_user(full_name="Lê Văn Thành", roles=("unit_head",), unit=unit)
    unit.head_id = head.id
    other_unit = make_unit(name="Phòng Kinh tế")
    other_head = make_user(full_name="Đỗ Văn Kiên", roles=("unit_head",), unit=other_unit)
    other_unit.head_id = other_head.id
    db.session.commit()
    return {
        "unit": unit,
        "head": head,
        "author": make_user(full_name="Phạm Thị Mai Anh", unit=unit),
        "coauthor": make_user(full_name="Ngô Đình Thiện", unit=unit),
        "colleague": make_user(full_name="Trần Văn Bình", unit=unit),
        "officer": make_user(full_name="Nguyễn Thị Thu Hằng", roles=("officer",)),
        "leader": make_user(full_name="Hoàng Minh Đức", roles=("leader",)),
        "other_head": other_head,
        "admin": make_user(roles=("admin",)),
    }


def _fields(area_id: int, **extra) -> dict:
    data = {
        "title": "Số hóa quy trình tiếp nhận văn bản đến",
        "content_area_id": area_id,
        "first_applied_on": (local_today() - timedelta(days=30)).isoformat(),
        "current_situation": "Văn bản đến được vào sổ bằng tay.",
        "solution": "Tiếp nhận và phân phối văn bản trên phần mềm quản lý văn bản.",
        "steps": "Bước 1: quét văn bản.\nBước 2: phân phối.",
        "novelty": "Chưa đơn vị nào trong Văn phòng áp dụng.",
        "confidential_info": "Mật khẩu tài khoản quản trị của phần mềm",
        "applicability": "Áp dụng được cho mọi phòng.",
        "benefits_author": "Tiết kiệm 2 giờ mỗi ngày.",
        "action": "save",
    }
    data.update(extra)
    return data


def _draft(campaign, author, area_id, **extra) -> Initiative:
    values = _fields(area_id, **extra)
    values["first_applied_on"] = local_today() - timedelta(days=30)
    return services.create(author, campaign, values, local_today())


def _submitted(campaign, office, area_id, with_coauthor=True) -> Initiative:
    initiative = _draft(campaign, office["author"], area_id)
    if with_coauthor:
        services.add_author(office["author"], initiative, office["coauthor"].id, 30)
    services.submit(office["author"], initiative)
    return initiative


def _status(initiative_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Initiative, initiative_id).status


def _login(app, user):
    client = app.test_client()
    response = sign_in(client, user.username)
    assert response.status_code == 303
    return client


# The application ---------------------------------------------------------------------------


def test_new_application_saves_a_draft_with_me_as_main_author(client, office, area_ids):
    sign_in(client, office["author"].username)
    response = post(client, "/initiatives/new", _fields(area_ids[0]))
    assert response.status_code == 303
    initiative = db.session.scalars(select(Initiative)).one()
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}/edit")
    assert initiative.status == InitiativeStatus.DRAFT
    assert initiative.unit_id == office["unit"].id
    authors = db.session.scalars(select(InitiativeAuthor)).all()
    assert [(a.user_id, a.is_main, a.share) for a in authors] == [(office["author"].id, True, 100)]
    page = _text(client.get(response.headers["Location"]))
    assert "Số hóa quy trình tiếp nhận văn bản đến" in page and "Thêm đồng tác giả" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Nhập tên sáng kiến."),
        ("title", "x" * 301, "Tối đa 300 ký tự."),
        ("first_applied_on", "2999-01-01", "Ngày áp dụng lần đầu không được sau ngày hôm nay."),
        ("first_applied_on", "31/02/2026", "Ngày không hợp lệ"),
        ("solution", "y" * 10001, "Tối đa 10.000 ký tự."),
    ],
)
def test_new_application_bad_input_is_kept_beside_the_field(
    client, office, area_ids, field, value, message
):
    sign_in(client, office["author"].username)
    data = _fields(area_ids[0], **{field: value})
    data["benefits_author"] = "Tiết kiệm thời gian tra cứu – giữ nguyên khi lỗi"
    response = post(client, "/initiatives/new", data)
    assert response.status_code == 422
    body = _text(response)
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', body)
    assert error and message in error.group(1), body[:200]
    assert 'aria-invalid="true"' in body
    assert "Tiết kiệm thời gian tra cứu – giữ nguyên khi lỗi" in body
    assert db.session.scalar(select(func.count(Initiative.id))) == 0


def test_new_application_area_of_another_campaign_is_refused(client, office, campaign):
    from app.models.campaigns import Campaign

    other = Campaign(
        code="KHAC",
        name="Phong trào năm trước",
        starts_on=campaign.starts_on.replace(year=campaign.starts_on.year - 1),
        ends_on=campaign.ends_on.replace(year=campaign.ends_on.year - 1),
    )
    other.content_areas = [ContentArea(position=1, title="Lĩnh vực khác")]
    db.session.add(other)
    db.session.commit()
    sign_in(client, office["author"].username)
    area_id = db.session.scalar(select(ContentArea.id).where(ContentArea.campaign_id == other.id))
    response = post(client, "/initiatives/new", _fields(area_id))
    assert response.status_code == 422
    assert 'id="content_area_id-error"' in _text(response)
    assert db.session.scalar(select(func.count(Initiative.id))) == 0


def test_edit_saves_the_fields_and_keeps_line_breaks(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    data = _fields(area_ids[1], title="Số hóa  văn bản đến", steps="Một\r\nHai")
    response = post(client, f"/initiatives/{initiative.id}/edit", data)
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Initiative, initiative.id)
    assert (saved.title, saved.steps, saved.content_area_id) == (
        "Số hóa văn bản đến",
        "Một\nHai",
        area_ids[1],
    )


def test_save_and_submit_with_missing_fields_names_each_and_submits_nothing(
    client, office, campaign, area_ids
):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    data = _fields(area_ids[0], novelty="", applicability="", action="submit")
    response = post(client, f"/initiatives/{initiative.id}/edit", data)
    assert response.status_code == 422
    body = _text(response)
    assert 'id="novelty-error"' in body and 'id="applicability-error"' in body
    assert "Hồ sơ chưa đầy đủ" in body
    assert _status(initiative.id) == InitiativeStatus.DRAFT


def test_save_and_submit_sends_it_and_tells_the_coauthor(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    services.add_author(office["author"], initiative, office["coauthor"].id, 40)
    sign_in(client, office["author"].username)
    response = post(
        client, f"/initiatives/{initiative.id}/edit", _fields(area_ids[0], action="submit")
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}")
    assert _status(initiative.id) == InitiativeStatus.SUBMITTED
    recipients = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "initiative.submitted")
    ).all()
    assert recipients == [office["coauthor"].id]
    # Once submitted the authors no longer edit it.
    again = post(client, f"/initiatives/{initiative.id}/edit", _fields(area_ids[0], title="Đổi"))
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Initiative, initiative.id).title != "Đổi"


# Authors -----------------------------------------------------------------------------------


def test_picker_finds_people_without_diacritics_on_the_page_and_for_htmx(
    client, office, campaign, area_ids
):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    page = _text(client.get(f"/initiatives/{initiative.id}/edit?find=thien"))
    assert f'value="{office["coauthor"].id}"' in page and "Ngô Đình Thiện" in page
    fragment = client.get(
        f"/directory/choices?picker=author&find=ngo+dinh&exclude={office['author'].id}",
        headers=HX,
    )
    assert fragment.status_code == 200
    assert "<html" not in _text(fragment) and "Ngô Đình Thiện" in _text(fragment)
    assert client.get("/directory/choices?picker=<x>&find=a").status_code == 400


def test_add_coauthor_takes_the_share_from_the_main_author(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    url = f"/initiatives/{initiative.id}/authors"
    fragment = post(client, url, {"user_id": office["coauthor"].id, "share": "30"}, headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in _text(fragment) and 'id="authors"' in _text(fragment)
    shares = dict(
        db.session.execute(select(InitiativeAuthor.user_id, InitiativeAuthor.share)).all()
    )
    assert shares == {office["author"].id: 70, office["coauthor"].id: 30}
    # The same co-author twice: an error beside the person, nothing added.
    again = post(client, url, {"user_id": office["coauthor"].id, "share": "10"})
    assert again.status_code == 422
    assert "đã có trong danh sách tác giả" in _text(again)
    assert db.session.scalar(select(func.count(InitiativeAuthor.id))) == 2
    # Without JavaScript adding ends in a redirect to the authors' section.
    plain = post(client, url, {"user_id": office["colleague"].id, "share": "20"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#authors")


def test_add_coauthor_share_not_left_to_main_author_is_refused(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    services.add_author(office["author"], initiative, office["coauthor"].id, 60)
    sign_in(client, office["author"].username)
    response = post(
        client,
        f"/initiatives/{initiative.id}/authors",
        {"user_id": office["colleague"].id, "share": "40"},
        headers=HX,
    )
    assert response.status_code == 422
    assert 'id="share-error"' in _text(response) and "còn 40%" in _text(response)
    assert db.session.scalar(select(func.count(InitiativeAuthor.id))) == 2


def test_shares_that_do_not_add_up_to_100_are_refused_and_kept(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    coauthor = services.add_author(office["author"], initiative, office["coauthor"].id, 30)
    main_id = db.session.scalar(select(InitiativeAuthor.id).where(InitiativeAuthor.is_main))
    sign_in(client, office["author"].username)
    url = f"/initiatives/{initiative.id}/shares"
    response = post(client, url, {f"share_{main_id}": "60", f"share_{coauthor.id}": "30"})
    assert response.status_code == 422
    body = _text(response)
    assert "Tổng tỷ lệ đóng góp là 90%" in body and 'value="60"' in body
    bad = post(client, url, {f"share_{main_id}": "abc", f"share_{coauthor.id}": "30"})
    assert bad.status_code == 422 and f'id="share_{main_id}-error"' in _text(bad)
    db.session.expire_all()
    assert sorted(db.session.scalars(select(InitiativeAuthor.share))) == [30, 70]
    ok = post(client, url, {f"share_{main_id}": "55", f"share_{coauthor.id}": "45"})
    assert ok.status_code == 303
    assert sorted(db.session.scalars(select(InitiativeAuthor.share))) == [45, 55]


def test_remove_coauthor_returns_the_share(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    coauthor = services.add_author(office["author"], initiative, office["coauthor"].id, 30)
    main_id = db.session.scalar(select(InitiativeAuthor.id).where(InitiativeAuthor.is_main))
    sign_in(client, office["author"].username)
    main = post(client, f"/initiatives/{initiative.id}/authors/{main_id}/delete", headers=HX)
    assert main.status_code == 422 and "Không thể bỏ tác giả chính" in _text(main)
    response = post(client, f"/initiatives/{initiative.id}/authors/{coauthor.id}/delete")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(InitiativeAuthor.share)).all() == [100]


# Attachments -------------------------------------------------------------------------------


def _upload(client, initiative_id, content: bytes, name: str, headers=None):
    """POST a file as a browser does. The body is built here: the test client would spool a
    large one to a temporary file of its own and leave it open."""
    boundary = "----thidua-test-boundary"
    token = csrf_token(client, "/")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/initiatives/{initiative_id}/attachments",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def _stored_files(app) -> list:
    from pathlib import Path

    folder = Path(app.instance_path) / "uploads" / "initiatives"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_pdf_is_stored_by_a_random_name_and_downloaded_by_its_own(
    app, client, office, campaign, area_ids
):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    response = _upload(client, initiative.id, PDF, "Báo cáo kết quả.pdf", headers=HX)
    assert response.status_code == 200 and 'id="attachments"' in _text(response)
    attachment = db.session.scalars(select(InitiativeAttachment)).one()
    assert attachment.kind == "pdf" and attachment.original_name == "Báo cáo kết quả.pdf"
    assert _stored_files(app) == [attachment.stored_name]
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    download = client.get(f"/initiatives/{initiative.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "huong-dan.pdf", "Nội dung tệp không phải PDF"),
        (PDF, "bao-cao.docx", "Đuôi tên tệp không khớp"),
        (b"", "rong.pdf", "Tệp trống"),
    ],
)
def test_upload_whose_content_is_not_allowed_is_refused_beside_the_field(
    app, client, office, campaign, area_ids, content, name, message
):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    response = _upload(client, initiative.id, content, name)
    assert response.status_code == 422
    assert 'id="file-error"' in _text(response) and message in _text(response)
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 0
    assert _stored_files(app) == []


def test_upload_of_50_mb_is_refused_beside_the_field_and_nothing_is_kept(
    app, client, office, campaign, area_ids
):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    big = PDF + b"0" * (50 * 1024 * 1024)
    response = _upload(client, initiative.id, big, "ho-so-day-du.pdf")
    assert response.status_code == 422
    assert "Tệp lớn hơn 10 MB" in _text(response)
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 0
    assert _stored_files(app) == []


def test_upload_larger_than_the_request_limit_gets_the_editor_with_the_error(
    app, client, office, campaign, area_ids
):
    app.config["INITIATIVE_UPLOAD_MAX"] = 1024 * 1024
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    response = _upload(client, initiative.id, PDF + b"0" * (2 * 1024 * 1024), "lon.pdf")
    assert response.status_code == 413
    assert 'id="file-error"' in _text(response) and "Tệp lớn hơn 10 MB" in _text(response)
    # htmx swaps a rejected form on 422: the section alone, with the error.
    fragment = _upload(client, initiative.id, PDF + b"0" * (2 * 1024 * 1024), "lon.pdf", HX)
    assert fragment.status_code == 422 and "<html" not in _text(fragment)
    assert 'id="file-error"' in _text(fragment)
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 0


def test_upload_count_is_limited(app, client, office, campaign, area_ids):
    app.config["INITIATIVE_ATTACHMENTS_MAX"] = 2
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    for n in range(2):
        assert _upload(client, initiative.id, PDF, f"tep-{n}.pdf").status_code == 303
    third = _upload(client, initiative.id, PDF, "tep-3.pdf")
    assert third.status_code == 422 and "tối đa 2 tệp" in _text(third)
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 2


def test_remove_attachment_deletes_the_file(app, client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    _upload(client, initiative.id, PDF, "a.pdf")
    attachment = db.session.scalars(select(InitiativeAttachment)).one()
    response = post(
        client, f"/initiatives/{initiative.id}/attachments/{attachment.id}/delete", headers=HX
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 0
    assert _stored_files(app) == []


def test_download_of_another_initiatives_attachment_is_not_found(
    app, client, office, campaign, area_ids
):
    first = _draft(campaign, office["author"], area_ids[0])
    second = _draft(campaign, office["author"], area_ids[0], title="Sáng kiến thứ hai")
    sign_in(client, office["author"].username)
    _upload(client, first.id, PDF, "a.pdf")
    attachment = db.session.scalars(select(InitiativeAttachment)).one()
    assert client.get(f"/initiatives/{second.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/initiatives/{first.id}/attachments/..%2F..%2Fconfig.py").status_code == 404


def test_delete_draft_removes_it_and_its_files(app, client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    _upload(client, initiative.id, PDF, "a.pdf")
    response = post(client, f"/initiatives/{initiative.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Initiative.id))) == 0
    assert _stored_files(app) == []


# The review --------------------------------------------------------------------------------


def test_officer_returns_with_a_comment_and_the_author_resubmits(app, office, campaign, area_ids):
    initiative = _submitted(campaign, office, area_ids[0])
    officer = _login(app, office["officer"])
    empty = post(officer, f"/initiatives/{initiative.id}/return", {"return-comment": " "})
    assert empty.status_code == 422 and 'id="return-comment-error"' in _text(empty)
    assert _status(initiative.id) == InitiativeStatus.SUBMITTED
    response = post(
        officer, f"/initiatives/{initiative.id}/return", {"return-comment": "Bổ sung số liệu"}
    )
    assert response.status_code == 303
    assert _status(initiative.id) == InitiativeStatus.RETURNED
    notified = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "initiative.returned")
    ).all()
    assert sorted(notified) == sorted([office["author"].id, office["coauthor"].id])

    author = _login(app, office["author"])
    page = _text(author.get(f"/initiatives/{initiative.id}/edit"))
    assert "Bổ sung số liệu" in page
    again = post(
        author, f"/initiatives/{initiative.id}/edit", _fields(area_ids[0], action="submit")
    )
    assert again.status_code == 303
    assert _status(initiative.id) == InitiativeStatus.SUBMITTED
    accepted = post(officer, f"/initiatives/{initiative.id}/accept", {"accept-comment": ""})
    assert accepted.status_code == 303
    assert _status(initiative.id) == InitiativeStatus.ACCEPTED
    history = _text(officer.get(f"/initiatives/{initiative.id}"))
    for step in ("Trả lại để bổ sung", "Đã nộp", "Đã tiếp nhận, chờ Hội đồng"):
        assert step in history


def test_officer_rejects_with_a_reason(app, office, campaign, area_ids):
    initiative = _submitted(campaign, office, area_ids[0])
    officer = _login(app, office["officer"])
    response = post(
        officer, f"/initiatives/{initiative.id}/reject", {"reject-comment": "Trùng sáng kiến"}
    )
    assert response.status_code == 303
    assert _status(initiative.id) == InitiativeStatus.REJECTED
    page = _text(_login(app, office["author"]).get(f"/initiatives/{initiative.id}"))
    assert "Trùng sáng kiến" in page
    # A second decision on the same application changes nothing.
    twice = post(officer, f"/initiatives/{initiative.id}/accept", {"accept-comment": ""})
    assert twice.status_code == 303
    assert _status(initiative.id) == InitiativeStatus.REJECTED


def test_unit_head_puts_forward_the_units_initiative(app, office, campaign, area_ids):
    initiative = _submitted(campaign, office, area_ids[0])
    other = _login(app, office["other_head"])
    assert post(other, f"/initiatives/{initiative.id}/endorse", {"note": ""}).status_code == 403
    head = _login(app, office["head"])
    page = _text(head.get(f"/initiatives/{initiative.id}"))
    assert "Đề xuất của đơn vị" in page
    response = post(head, f"/initiatives/{initiative.id}/endorse", {"note": "Rất thiết thực"})
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Initiative, initiative.id)
    assert saved.endorsed_by_id == office["head"].id and saved.endorsement_note == "Rất thiết thực"
    queue = _text(_login(app, office["officer"]).get("/initiatives/review"))
    assert "Đơn vị đề xuất" in queue and initiative.title in queue


# Who may open what -------------------------------------------------------------------------


def _routes(initiative_id: int, author_id: int, attachment_id: int) -> list[tuple[str, str]]:
    i = initiative_id
    return [
        ("GET", f"/initiatives/{i}"),
        ("GET", f"/initiatives/{i}/edit"),
        ("POST", f"/initiatives/{i}/edit"),
        ("POST", f"/initiatives/{i}/delete"),
        ("POST", f"/initiatives/{i}/authors"),
        ("POST", f"/initiatives/{i}/authors/{author_id}/delete"),
        ("POST", f"/initiatives/{i}/shares"),
        ("POST", f"/initiatives/{i}/attachments"),
        ("POST", f"/initiatives/{i}/attachments/{attachment_id}/delete"),
        ("GET", f"/initiatives/{i}/attachments/{attachment_id}"),
        ("POST", f"/initiatives/{i}/return"),
        ("POST", f"/initiatives/{i}/reject"),
        ("POST", f"/initiatives/{i}/accept"),
        ("POST", f"/initiatives/{i}/endorse"),
    ]


def test_routes_cover_every_endpoint_naming_an_initiative(app):
    named = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("initiatives.") and "initiative_id" in rule.arguments
    }
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(url, method=method)[0] for method, url in _routes(1, 1, 1)}
    assert covered == named


# (who, state) -> the statuses allowed on the GET detail page; everything else is 403.
@pytest.mark.parametrize("who", ["colleague", "other_head", "admin", "head", "officer", "leader"])
@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_nobody_but_the_authors_changes_an_application(app, office, campaign, area_ids, who, state):
    initiative = _draft(campaign, office["author"], area_ids[0])
    coauthor = services.add_author(office["author"], initiative, office["coauthor"].id, 30)
    client = _login(app, office["author"])
    _upload(client, initiative.id, PDF, "a.pdf")
    attachment = db.session.scalars(select(InitiativeAttachment)).one()
    if state == "submitted":
        services.submit(office["author"], initiative)
    intruder = _login(app, office[who])
    may_read = state == "submitted" and who in ("head", "officer", "leader")
    for method, url in _routes(initiative.id, coauthor.id, attachment.id):
        for headers in (None, HX):
            data = {**_fields(area_ids[0], title="Chen vào"), "user_id": office[who].id}
            data.update({"share": "10", "return-comment": "x", "reject-comment": "x", "note": ""})
            response = (
                intruder.get(url, headers=headers)
                if method == "GET"
                else post(intruder, url, data, headers=headers)
            )
            response.close()
            endpoint = app.url_map.bind("localhost").match(url, method=method)[0]
            if endpoint in ("initiatives.show", "initiatives.download") and may_read:
                assert response.status_code == 200, (who, url)
            elif endpoint == "initiatives.endorse" and who == "head" and state == "submitted":
                continue  # the head may put it forward: tested above
            elif endpoint in ("initiatives.decide",) and who == "officer" and state == "submitted":
                continue  # the officer decides: tested above
            else:
                assert response.status_code in (403, 404), (who, url, response.status_code)
                assert "Chen vào" not in _text(response)
    db.session.expire_all()
    saved = db.session.get(Initiative, initiative.id)
    assert saved.title == "Số hóa quy trình tiếp nhận văn bản đến"
    assert db.session.scalar(select(func.count(InitiativeAuthor.id))) == 2
    assert db.session.scalar(select(func.count(InitiativeAttachment.id))) == 1


def test_unknown_initiative_is_not_found(client, office):
    sign_in(client, office["author"].username)
    for method, url in _routes(999_999, 1, 1):
        response = client.get(url) if method == "GET" else post(client, url, {})
        assert response.status_code in (403, 404), url
        if "/return" not in url and "/reject" not in url and "/accept" not in url:
            assert response.status_code == 404, url


def test_anonymous_is_sent_to_login(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    for url in (
        "/initiatives/",
        "/initiatives/mine",
        "/initiatives/new",
        f"/initiatives/{initiative.id}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_post_without_csrf_token_is_refused(client, office, campaign, area_ids):
    initiative = _draft(campaign, office["author"], area_ids[0])
    sign_in(client, office["author"].username)
    response = client.post(f"/initiatives/{initiative.id}/edit", data=_fields(area_ids[0]))
    assert response.status_code == 400


def test_confidential_part_only_for_authors_and_reviewers(app, office, campaign, area_ids):
    initiative = _submitted(campaign, office, area_ids[0])
    services.accept(seen(office["officer"]), initiative)
    secret = "Mật khẩu tài khoản quản trị của phần mềm"
    for who, sees in [
        ("author", True),
        ("coauthor", True),
        ("officer", True),
        ("leader", True),
        ("head", False),
        ("colleague", False),
        ("admin", False),
    ]:
        response = _login(app, office[who]).get(f"/initiatives/{initiative.id}")
        assert response.status_code == 200, who
        assert (secret in _text(response)) is sees, who


def test_staff_do_not_see_others_drafts_or_submissions_in_the_list(app, office, campaign, area_ids):
    _draft(campaign, office["author"], area_ids[0], title="Bản nháp riêng")
    submitted = _submitted(campaign, office, area_ids[0])
    accepted = _draft(campaign, office["coauthor"], area_ids[0], title="Đã được tiếp nhận")
    services.submit(office["coauthor"], accepted)
    services.accept(seen(office["officer"]), accepted)
    colleague = _text(_login(app, office["colleague"]).get("/initiatives/"))
    assert "Bản nháp riêng" not in colleague and submitted.title not in colleague
    assert "Đã được tiếp nhận" in colleague
    officer = _text(_login(app, office["officer"]).get("/initiatives/"))
    assert "Bản nháp riêng" not in officer and submitted.title in officer
    head = _text(_login(app, office["head"]).get("/initiatives/"))
    assert submitted.title in head and "Bản nháp riêng" not in head
    mine = _text(_login(app, office["author"]).get("/initiatives/mine"))
    assert "Bản nháp riêng" in mine and submitted.title in mine


# The list and the export -------------------------------------------------------------------


def test_list_search_ignores_diacritics_and_filters(app, office, campaign, area_ids):
    one = _draft(campaign, office["author"], area_ids[0], title="Ứng dụng chữ ký số")
    services.submit(office["author"], one)
    two = _draft(campaign, office["author"], area_ids[1], title="Tiết kiệm giấy in")
    services.submit(office["author"], two)
    officer = _login(app, office["officer"])
    found = _text(officer.get("/initiatives/?q=chu+ky+so"))
    assert "Ứng dụng chữ ký số" in found and "Tiết kiệm giấy in" not in found
    by_author = _text(officer.get("/initiatives/?q=mai+anh"))
    assert "Ứng dụng chữ ký số" in by_author and "Tiết kiệm giấy in" in by_author
    by_area = _text(officer.get(f"/initiatives/?area={area_ids[1]}"))
    assert "Tiết kiệm giấy in" in by_area and "Ứng dụng chữ ký số" not in by_area
    fragment = officer.get("/initiatives/?q=giay&status=submitted", headers=HX)
    assert "<html" not in _text(fragment) and "Tiết kiệm giấy in" in _text(fragment)
    year = local_today().year
    assert "Tiết kiệm giấy in" in _text(officer.get(f"/initiatives/?year={year}"))
    assert "Tiết kiệm giấy in" not in _text(officer.get(f"/initiatives/?year={year - 1}"))
    unit = _text(officer.get(f"/initiatives/?unit={office['other_head'].unit_id}"))
    assert "Tiết kiệm giấy in" not in unit


def _bulk(campaign, office, area_id, n: int) -> None:
    """n submitted initiatives with two authors each, inserted directly."""
    now = local_today()
    start = db.session.scalar(select(func.count(Initiative.id)))
    rows = [
        {
            "campaign_id": campaign.id,
            "unit_id": office["unit"].id,
            "content_area_id": area_id,
            "status": "submitted",
            "year": now.year,
            "title": f"Sáng kiến số {start + k}",
            "search_text": f"sang kien so {start + k}",
        }
        for k in range(n)
    ]
    db.session.execute(insert(Initiative), rows)
    ids = db.session.scalars(select(Initiative.id).order_by(Initiative.id)).all()[start:]
    authors = []
    for initiative_id in ids:
        authors.append(
            {
                "initiative_id": initiative_id,
                "user_id": office["author"].id,
                "is_main": True,
                "position": 0,
                "share": 60,
            }
        )
        authors.append(
            {
                "initiative_id": initiative_id,
                "user_id": office["coauthor"].id,
                "is_main": False,
                "position": 1,
                "share": 40,
            }
        )
    db.session.execute(insert(InitiativeAuthor), authors)
    db.session.commit()


def test_list_runs_the_same_queries_with_10_and_1000_initiatives(
    app, office, campaign, area_ids, count_queries
):
    officer = _login(app, office["officer"])

    def queries() -> int:
        with count_queries() as statements:
            response = officer.get("/initiatives/")
            assert response.status_code == 200
        return len(statements)

    _bulk(campaign, office, area_ids[0], 10)
    few = queries()
    _bulk(campaign, office, area_ids[0], 990)
    assert "1.000 sáng kiến" in _text(officer.get("/initiatives/"))
    assert queries() == few


def test_export_lists_the_filtered_initiatives_with_authors_and_neutralised_formulas(
    app, office, campaign, area_ids
):
    risky = _draft(campaign, office["author"], area_ids[0], title='=HYPERLINK("http://x")')
    services.add_author(office["author"], risky, office["coauthor"].id, 25)
    services.submit(office["author"], risky)
    assert _login(app, office["colleague"]).get("/initiatives/export.xlsx").status_code == 403
    response = _login(app, office["leader"]).get("/initiatives/export.xlsx?status=submitted")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Tên sáng kiến" and len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert "Phạm Thị Mai Anh (75%)" in rows[1][2] and "Ngô Đình Thiện (25%)" in rows[1][2]
    assert rows[1][5] == "Đã nộp"


def test_home_shows_my_initiatives_and_the_officers_queue(app, office, campaign, area_ids):
    initiative = _submitted(campaign, office, area_ids[0])
    services.return_for_changes(seen(office["officer"]), initiative, "Thiếu số liệu")
    home = _text(_login(app, office["author"]).get("/"))
    assert "bị trả lại" in home and initiative.title in home
    other = _submitted(campaign, office, area_ids[0], with_coauthor=False)
    officer_home = _text(_login(app, office["officer"]).get("/"))
    assert "1 hồ sơ sáng kiến chờ bạn xem xét" in officer_home
    assert other.id


def test_council_members_see_what_is_left_to_judge_and_authors_no_council_link(
    app, office, campaign, area_ids
):
    from tests.council_helpers import judge, open_council

    initiative = _submitted(campaign, office, area_ids[0])
    services.accept(seen(office["officer"]), initiative)
    seats = [
        (office["leader"], "chair"),
        (office["coauthor"], "member"),
        (office["head"], "member"),
        (office["colleague"], "member"),
    ]
    council = open_council(campaign, office["officer"], seats)
    for who, left in (("leader", 1), ("colleague", 1), ("coauthor", 0)):
        home = _text(_login(app, office[who]).get("/"))
        assert ("1 sáng kiến chờ bạn chấm điểm" in home) is bool(left), who
    judge(council, office["colleague"], initiative)
    assert "chờ bạn chấm điểm" not in _text(_login(app, office["colleague"]).get("/"))
    # The main author is not on the council: the initiative's page does not link to it.
    author_page = _text(_login(app, office["author"]).get(f"/initiatives/{initiative.id}"))
    assert f"/council/{council.id}" not in author_page
    officer_page = _text(_login(app, office["officer"]).get(f"/initiatives/{initiative.id}"))
    assert f"/council/{council.id}" in officer_page
