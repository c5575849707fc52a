"""Importing users from XLSX or CSV: upload, preview, confirm, cancel, access and refusals."""

import io
import json
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash
from werkzeug.test import EnvironBuilder

from app.admin import import_service
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import Unit, User
from tests.conftest import csrf_token, post
from tests.factories import make_unit, make_user

INITIAL_PASSWORD = "Khởi-tạo-2026"
HEADERS = ["Tên đăng nhập", "Họ và tên", "Chức vụ", "Đơn vị", "Thư điện tử", "Vai trò"]


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=",", bom=False, headers=HEADERS) -> bytes:
    lines = [delimiter.join(headers), *(delimiter.join(row) for row in rows)]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


def upload(client, data: bytes | None, name="nguoi-dung.xlsx", password=INITIAL_PASSWORD):
    """POST the upload form. The environ is built here so the temporary file werkzeug's test
    client spools a large body into gets closed (the client leaves it open)."""
    form = {"initial_password": password, "csrf_token": csrf_token(client, "/")}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    builder = EnvironBuilder(path="/admin/import/", method="POST", data=form)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def token_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[-1]


def pending_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "imports").glob("*"))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def snapshot() -> dict:
    """Every user's stored fields and roles, by id."""
    users = db.session.scalars(select(User).options(selectinload(User.role_links)))
    return {
        user.id: (
            user.username,
            user.full_name,
            user.position,
            user.unit_id,
            user.email,
            user.password_hash,
            user.is_active,
            user.must_change_password,
            user.session_token,
            frozenset(user.roles),
        )
        for user in users
    }


@pytest.fixture
def units(app):
    return {
        "hcqt": make_unit("Phòng Hành chính - Quản trị", code="HCQT"),
        "th": make_unit("Phòng Tổng hợp", code="TH"),
    }


def two_hundred_rows() -> list[list[str]]:
    """200 rows, three of them bad: row 51 repeats row 11's username, row 121 names an unknown
    unit, row 181 has a bad e-mail (file rows: the header is row 1)."""
    rows = []
    for i in range(1, 201):
        rows.append(
            [
                f"canbo{i:03d}",
                f"Nguyễn Văn Cán Bộ {i}",
                "Chuyên viên",
                "HCQT" if i % 2 else "phong tong hop",
                f"canbo{i:03d}@daklak.gov.vn",
                "officer" if i % 10 == 0 else "",
            ]
        )
    rows[49][0] = "canbo010"
    rows[119][3] = "Phòng Không Có Thật"
    rows[179][4] = "khong-hop-le@"
    return rows


def test_import_page_for_admin_shows_form_columns_and_template_link(client, login):
    login("admin")
    body = client.get("/admin/import/").get_data(as_text=True)
    assert "Nhập danh sách người dùng" in body
    assert 'type="file"' in body and 'accept=".xlsx,.csv' in body
    assert 'enctype="multipart/form-data"' in body
    assert "Mật khẩu ban đầu" in body
    assert "/admin/import/template.xlsx" in body and "Tải tệp mẫu" in body


def test_import_template_download_is_xlsx_with_units_and_roles(client, login, units):
    login("admin")
    response = client.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == import_service.XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Người dùng", "Đơn vị", "Vai trò"]
    sheet = workbook["Người dùng"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.max_row == 3
    unit_rows = {tuple(r) for r in workbook["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert ("HCQT", "Phòng Hành chính - Quản trị") in unit_rows
    role_rows = dict(workbook["Vai trò"].iter_rows(min_row=2, values_only=True))
    assert role_rows["leader"] == "Lãnh đạo Văn phòng"
    assert set(role_rows) == {"staff", "unit_head", "officer", "comms", "leader", "admin"}


def test_import_template_rows_preview_without_errors(client, login, units):
    login("admin")
    template = client.get("/admin/import/template.xlsx").data
    token = token_of(upload(client, template))
    body = client.get(f"/admin/import/preview/{token}").get_data(as_text=True)
    assert "2 dòng: 2 dòng hợp lệ, 0 dòng có lỗi." in body


def test_import_200_rows_with_3_bad_preview_names_each_bad_row_and_why(client, login, units):
    login("admin")
    before = user_count()
    token = token_of(upload(client, xlsx_bytes(two_hundred_rows())))
    response = client.get(f"/admin/import/preview/{token}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="import-summary"' in body
    assert "200 dòng: 197 dòng hợp lệ, 3 dòng có lỗi." in body
    assert body.count('class="error-row"') == 3
    assert "Tên đăng nhập bị trùng với dòng 11." in body
    assert "Không tìm thấy đơn vị “Phòng Không Có Thật”." in body
    assert "Địa chỉ thư điện tử “khong-hop-le@” không hợp lệ." in body
    for cell in ('data-label="Dòng">51<', 'data-label="Dòng">121<', 'data-label="Dòng">181<'):
        assert cell in body
    assert user_count() == before  # nothing written by the preview


def test_import_200_rows_confirm_creates_197_and_changes_nothing_else(app, client, login, units):
    admin = login("admin")
    make_user(username="dacosan", email="dacosan@daklak.gov.vn", roles=("officer",))
    before = snapshot()
    token = token_of(upload(client, xlsx_bytes(two_hundred_rows()), name="danh-sach.xlsx"))
    response = post(client, "/admin/import/confirm", {"token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 197 người dùng; bỏ qua 3 dòng có lỗi." in page

    after = snapshot()
    assert len(after) == len(before) + 197
    assert {uid: fields for uid, fields in after.items() if uid in before} == before
    new = {fields[0]: fields for uid, fields in after.items() if uid not in before}
    assert "canbo050" not in new and "canbo120" not in new and "canbo180" not in new
    assert all(fields[7] for fields in new.values())  # must change the password
    assert new["canbo010"][9] == {"officer"} and new["canbo011"][9] == frozenset()
    assert new["canbo001"][3] == units["hcqt"].id and new["canbo002"][3] == units["th"].id
    assert check_password_hash(new["canbo001"][5], INITIAL_PASSWORD)
    assert len({fields[8] for fields in new.values()}) == 197  # own session tokens

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "users.imported"))
    (entry,) = entries.all()
    assert entry.actor_id == admin.id
    assert entry.details == {
        "file_name": "danh-sach.xlsx",
        "rows": 200,
        "imported": 197,
        "skipped": 3,
    }
    assert INITIAL_PASSWORD not in json.dumps(entry.details, ensure_ascii=False)
    assert pending_files(app) == []


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [True, False])
def test_import_csv_with_or_without_bom_and_either_delimiter_is_read(
    client, login, units, delimiter, bom
):
    login("admin")
    rows = [
        ["tranthib", "Trần Thị Bích", "Chuyên viên", "TH", "", "unit_head"],
        ["levanc", "Lê Văn Cường", "Phó Trưởng phòng", "hcqt", "lvc@daklak.gov.vn", ""],
    ]
    data = csv_bytes(rows, delimiter=delimiter, bom=bom)
    token = token_of(upload(client, data, name="danh-sach.csv"))
    body = client.get(f"/admin/import/preview/{token}").get_data(as_text=True)
    assert "2 dòng: 2 dòng hợp lệ, 0 dòng có lỗi." in body
    assert "Trần Thị Bích" in body
    post(client, "/admin/import/confirm", {"token": token})
    user = db.session.scalar(select(User).where(User.username == "tranthib"))
    assert user.full_name == "Trần Thị Bích" and user.unit_id == units["th"].id


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "nguoi-dung.xlsx",
            "Đây là một tệp văn bản, không phải bảng tính.".encode(),
            "Tệp không phải bảng tính hợp lệ (XLSX hoặc CSV).",
        ),
        ("nguoi-dung.csv", b"", "Tệp trống, không có dữ liệu."),
        (
            "nguoi-dung.csv",
            b"Ten dang nhap,Ho va ten\n" + b"a" * (6 * 1024 * 1024),
            "Tệp vượt quá dung lượng cho phép (5 MB).",
        ),
        ("anh.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "Tệp không phải bảng tính hợp lệ"),
        ("thieu-cot.csv", "Họ và tên\nAn\n".encode(), "còn thiếu: “Tên đăng nhập”"),
        ("chi-tieu-de.csv", ",".join(HEADERS).encode(), "Tệp chỉ có dòng tiêu đề"),
    ],
    ids=["xlsx-named-text", "empty", "6mb", "binary", "missing-column", "header-only"],
)
def test_import_upload_bad_file_is_refused_with_message_and_nothing_written(
    app, client, login, name, data, message
):
    login("admin")
    before = user_count()
    response = upload(client, data, name=name)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert 'id="file-error"' in body and 'aria-invalid="true"' in body
    assert pending_files(app) == []
    assert user_count() == before


def test_import_upload_without_file_asks_for_one(app, client, login):
    login("admin")
    response = upload(client, None)
    assert response.status_code == 422
    assert "Hãy chọn tệp cần nhập." in response.get_data(as_text=True)
    assert pending_files(app) == []


def test_import_upload_weak_password_is_refused_beside_the_field(app, client, login):
    login("admin")
    response = upload(client, xlsx_bytes([["an", "An", "", "", "", ""]]), password="ngan")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="initial_password-error"' in body
    assert pending_files(app) == []


def test_import_file_over_configured_limit_is_refused_by_its_real_size(app, client, login):
    app.config["IMPORT_MAX_BYTES"] = 1024
    login("admin")
    response = upload(client, csv_bytes([["an", "An " + "x" * 2000, "", "", "", ""]]), "a.csv")
    assert response.status_code == 422
    assert "Tệp vượt quá dung lượng cho phép (1 KB)." in response.get_data(as_text=True)


def test_import_vietnamese_headers_without_diacritics_or_case_still_match(client, login, units):
    login("admin")
    headers = ["TEN DANG NHAP", "ho va ten", "Chuc vu", "don vi", "thu dien tu", "VAI TRO"]
    data = xlsx_bytes([["hoangd", "Hoàng Đức", "Chuyên viên", "TH", "", "leader"]], headers)
    token = token_of(upload(client, data))
    body = client.get(f"/admin/import/preview/{token}").get_data(as_text=True)
    assert "1 dòng: 1 dòng hợp lệ, 0 dòng có lỗi." in body


def test_import_english_headers_are_recognised(client, login, units):
    login("admin")
    headers = ["username", "full_name", "position", "unit", "email", "roles"]
    data = csv_bytes([["hoangd", "Hoàng Đức", "", "", "", "comms"]], headers=headers)
    token = token_of(upload(client, data, name="users.csv"))
    assert "1 dòng hợp lệ" in client.get(f"/admin/import/preview/{token}").get_data(as_text=True)


def test_import_decomposed_input_is_stored_nfc(client, login, units):
    login("admin")
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    unit = unicodedata.normalize("NFD", "Phòng Tổng hợp")
    data = csv_bytes([["hangnt", name, unicodedata.normalize("NFD", "Chuyên viên"), unit, "", ""]])
    token = token_of(upload(client, data, name="nfd.csv"))
    post(client, "/admin/import/confirm", {"token": token})
    user = db.session.scalar(select(User).where(User.username == "hangnt"))
    assert user.full_name == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", user.full_name)
    assert user.position == "Chuyên viên"
    assert user.unit_id == units["th"].id


def test_import_username_created_between_preview_and_confirm_is_skipped(client, login, units):
    login("admin")
    rows = [
        ["an.nv", "Nguyễn Văn An", "", "", "", ""],
        ["binh.tt", "Trần Thị Bình", "", "", "", ""],
    ]
    token = token_of(upload(client, xlsx_bytes(rows)))
    assert "2 dòng hợp lệ" in client.get(f"/admin/import/preview/{token}").get_data(as_text=True)
    make_user(username="binh.tt", full_name="Người Khác")
    response = post(client, "/admin/import/confirm", {"token": token})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 1 người dùng; bỏ qua 1 dòng có lỗi." in page
    binh = db.session.scalar(select(User).where(User.username == "binh.tt"))
    assert binh.full_name == "Người Khác"
    assert db.session.scalar(select(User).where(User.username == "an.nv")) is not None


def test_import_unit_deleted_between_preview_and_confirm_skips_its_rows(client, login):
    login("admin")
    unit = make_unit("Phòng Sẽ Xóa", code="SX")
    token = token_of(upload(client, xlsx_bytes([["an", "Nguyễn An", "", "SX", "", ""]])))
    db.session.delete(db.session.get(Unit, unit.id))
    db.session.commit()
    response = post(client, "/admin/import/confirm", {"token": token})
    assert response.headers["Location"].endswith(f"/admin/import/preview/{token}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không có dòng nào trong tệp nhập được." in page
    assert "Không tìm thấy đơn vị “SX”." in page
    assert db.session.scalar(select(User).where(User.username == "an")) is None


def test_import_cancel_deletes_the_pending_file(app, client, login):
    login("admin")
    token = token_of(upload(client, xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])))
    assert len(pending_files(app)) == 1
    response = post(client, "/admin/import/cancel", {"token": token})
    assert response.status_code == 303
    assert pending_files(app) == []
    assert client.get(f"/admin/import/preview/{token}").status_code == 303
    assert db.session.scalar(select(User).where(User.username == "an")) is None


def test_import_confirm_twice_imports_once(app, client, login):
    login("admin")
    token = token_of(upload(client, xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])))
    first = post(client, "/admin/import/confirm", {"token": token})
    second = post(client, "/admin/import/confirm", {"token": token})
    assert first.status_code == second.status_code == 303
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Phiên nhập dữ liệu này đã hết hạn hoặc đã hoàn tất." in page
    assert db.session.scalar(select(func.count()).where(User.username == "an")) == 1


def test_import_expired_token_is_refused_and_forgotten(app, client, login):
    login("admin")
    token = token_of(upload(client, xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])))
    (path,) = pending_files(app)
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["created_at"] -= import_service.PENDING_TTL_SECONDS + 1
    path.write_text(json.dumps(payload), encoding="utf-8")
    response = post(client, "/admin/import/confirm", {"token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/import/")
    assert pending_files(app) == []
    assert db.session.scalar(select(User).where(User.username == "an")) is None


def test_import_pending_file_keeps_only_a_hash_of_the_password(app, client, login):
    login("admin")
    upload(client, xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]]))
    (path,) = pending_files(app)
    text = path.read_text(encoding="utf-8")
    assert INITIAL_PASSWORD not in text
    assert json.loads(text)["password_hash"].startswith("scrypt:")


@pytest.mark.parametrize("role", ["staff", "unit_head", "officer", "comms", "leader"])
def test_import_by_non_admin_is_forbidden(app, client, login, role):
    admin = make_user(roles=("admin",))
    token = import_service.start_import(
        io.BytesIO(xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])),
        "a.xlsx",
        INITIAL_PASSWORD,
        admin,
        Path(app.instance_path) / "imports",
        app.config["IMPORT_MAX_BYTES"],
    )
    login(role)
    assert client.get("/admin/import/").status_code == 403
    assert client.get("/admin/import/template.xlsx").status_code == 403
    assert upload(client, xlsx_bytes([["x", "X", "", "", "", ""]])).status_code == 403
    assert client.get(f"/admin/import/preview/{token}").status_code == 403
    assert post(client, "/admin/import/confirm", {"token": token}).status_code == 403
    assert post(client, "/admin/import/cancel", {"token": token}).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "an")) is None
    assert len(pending_files(app)) == 1


def test_import_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/import/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_import_another_admins_token_is_refused(app, client, login):
    other = make_user(roles=("admin",))
    token = import_service.start_import(
        io.BytesIO(xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])),
        "a.xlsx",
        INITIAL_PASSWORD,
        other,
        Path(app.instance_path) / "imports",
        app.config["IMPORT_MAX_BYTES"],
    )
    login("admin")
    assert client.get(f"/admin/import/preview/{token}").status_code == 403
    assert post(client, "/admin/import/confirm", {"token": token}).status_code == 403
    assert post(client, "/admin/import/cancel", {"token": token}).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "an")) is None
    assert len(pending_files(app)) == 1


@pytest.mark.parametrize(
    "path", ["/admin/import/", "/admin/import/confirm", "/admin/import/cancel"]
)
def test_import_post_without_csrf_token_is_refused(app, client, login, path):
    login("admin")
    token = token_of(upload(client, xlsx_bytes([["an", "Nguyễn An", "", "", "", ""]])))
    data = {"token": token, "initial_password": INITIAL_PASSWORD}
    if path == "/admin/import/":
        data["file"] = (io.BytesIO(xlsx_bytes([["binh", "Bình", "", "", "", ""]])), "b.xlsx")
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert len(pending_files(app)) == 1
    assert user_count() == 1


def test_import_forged_token_is_treated_as_expired(client, login):
    login("admin")
    response = post(client, "/admin/import/confirm", {"token": "../../etc/passwd" + "x" * 30})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/import/")


def test_import_preview_runs_same_queries_for_3_and_300_rows(client, login, units, count_queries):
    login("admin")
    csrf_token(client, "/admin/import/")

    def queries(n: int) -> int:
        rows = [[f"u{i}", f"Người {i}", "", "TH", "", "officer"] for i in range(n)]
        token = token_of(upload(client, xlsx_bytes(rows)))
        with count_queries() as statements:
            assert client.get(f"/admin/import/preview/{token}").status_code == 200
        return len(statements)

    assert queries(3) == queries(300)
