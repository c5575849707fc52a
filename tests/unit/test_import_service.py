"""The user import service: reading XLSX and CSV, checking rows, pending uploads, writing.

Messages are asserted in Vietnamese, the default language.
"""

import io
import json
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.admin import import_service as imp
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import User
from tests.factories import make_unit, make_user

MAX = 5 * 1024 * 1024
PASSWORD = "Khởi-tạo-2026"
HEADER = "Tên đăng nhập,Họ và tên,Chức vụ,Đơn vị,Thư điện tử,Vai trò"


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(text: str, name="a.csv"):
    return imp.read_rows(text.encode("utf-8"), name, MAX)


def checked(*lines: str):
    return imp.check_rows(rows_of("\n".join([HEADER, *lines])))


def file_error(excinfo) -> str:
    return " ".join(excinfo.value.errors["file"])


def test_read_rows_xlsx_keeps_file_row_numbers_across_blank_rows(app):
    data = xlsx(["Tên đăng nhập", "Họ và tên"], ["an", "An"], [None, None], ["binh", "Bình"])
    rows = imp.read_rows(data, "whatever.csv", MAX)
    assert [(row.number, row.values["username"]) for row in rows] == [(2, "an"), (4, "binh")]


def test_read_rows_xlsx_numbers_become_text_without_decimals(app):
    rows = imp.read_rows(xlsx(["username", "full_name", "position"], [1001, "An", 2.0]), "", MAX)
    assert rows[0].values["username"] == "1001"
    assert rows[0].values["position"] == "2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("username;full_name\nan;Nguyễn An, Bình\n", "Nguyễn An, Bình"),
        ('username,full_name\nan,"Nguyễn An; Bình"\n', "Nguyễn An; Bình"),
        ("username\tfull_name\nan\tNguyễn An\n", "Nguyễn An"),
    ],
)
def test_read_rows_csv_delimiter_follows_the_header_line(app, text, expected):
    assert rows_of(text)[0].values["full_name"] == expected


def test_read_rows_csv_bom_is_not_part_of_the_first_header(app):
    rows = imp.read_rows("\ufeffusername,full_name\nan,An\n".encode(), "a.csv", MAX)
    assert rows[0].values["username"] == "an"


def test_read_rows_headers_fold_case_diacritics_and_separators(app):
    rows = rows_of("TÊN ĐĂNG NHẬP,Ho Ten,E-mail,Full-Name*\nan,An,a@daklak.gov.vn,x\n")
    assert rows[0].values == {
        "username": "an",
        "full_name": "An",
        "position": "",
        "unit": "",
        "email": "a@daklak.gov.vn",
        "roles": "",
    }


def test_read_rows_decomposed_text_becomes_nfc_and_username_lowercase(app):
    text = unicodedata.normalize("NFD", "username,full_name\n  NguyenA ,  Nguyễn   Ánh \n")
    row = rows_of(text)[0]
    assert row.values["username"] == "nguyena"
    assert row.values["full_name"] == "Nguyễn Ánh"
    assert unicodedata.is_normalized("NFC", row.values["full_name"])


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"username,full_name\nan,An\n", "users.xlsx"),
        (b"username,full_name\nan,An\n", "users.XLS"),
        ("Tên đăng nhập".encode("utf-16"), "users.csv"),
        ("username,full_name\nan,Lê Thị Bé\n".encode("latin-1", "replace"), "users.csv"),
        (b"PK\x03\x04 not really a zip", "users.xlsx"),
        (b"username,full_name\n\x00\x00", "users.csv"),
    ],
    ids=["text-named-xlsx", "text-named-xls", "utf16", "latin1", "broken-zip", "nul"],
)
def test_read_rows_non_spreadsheet_content_is_refused(app, data, name):
    with pytest.raises(ValidationFailed) as excinfo:
        imp.read_rows(data, name, MAX)
    assert "Tệp không phải bảng tính hợp lệ (XLSX hoặc CSV)." in file_error(excinfo)


def test_read_rows_zip_without_workbook_is_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationFailed) as excinfo:
        imp.read_rows(buffer.getvalue(), "users.xlsx", MAX)
    assert "Tệp không phải bảng tính hợp lệ (XLSX hoặc CSV)." in file_error(excinfo)


def test_read_rows_real_xlsx_named_csv_is_read_by_content(app):
    rows = imp.read_rows(xlsx(["username", "full_name"], ["an", "An"]), "users.csv", MAX)
    assert rows[0].values["username"] == "an"


def test_read_rows_xlsx_that_unzips_too_large_is_refused(app):
    data = xlsx(["username", "full_name"], ["an", "An " + "x" * 30_000])
    with pytest.raises(ValidationFailed) as excinfo:
        imp.read_rows(data, "a.xlsx", 1000)
    assert "vượt quá dung lượng cho phép" in file_error(excinfo)


def test_read_rows_missing_required_columns_names_them(app):
    with pytest.raises(ValidationFailed) as excinfo:
        rows_of("Chức vụ,Đơn vị\nChuyên viên,TH\n")
    assert "“Tên đăng nhập”, “Họ và tên”" in file_error(excinfo)


def test_read_rows_too_many_rows_is_refused(app, monkeypatch):
    monkeypatch.setattr(imp, "MAX_ROWS", 3)
    with pytest.raises(ValidationFailed) as excinfo:
        rows_of("username,full_name\n" + "".join(f"u{i},U\n" for i in range(4)))
    assert "Tệp có hơn 3 dòng" in file_error(excinfo)


def test_read_upload_reads_real_bytes_not_the_declared_length(app):
    with pytest.raises(ValidationFailed) as excinfo:
        imp.read_upload(io.BytesIO(b"x" * 11), 10)
    assert "vượt quá dung lượng cho phép" in file_error(excinfo)
    assert imp.read_upload(io.BytesIO(b"x" * 10), 10) == b"x" * 10


@pytest.mark.parametrize(
    ("username", "ok"),
    [
        ("nguyen.van-an_2", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("nguyễn", False),
        ("an van", False),
        ("an@van", False),
    ],
)
def test_check_rows_username_outside_allowed_pattern_is_an_error(app, username, ok):
    (row,) = checked(f"{username},Nguyễn An,,,,")
    assert row.is_valid is ok


def test_check_rows_duplicate_flags_only_later_rows_with_first_row_number(app):
    rows = checked("an,An,,,,", "binh,Bình,,,,", "AN,An Khác,,,,", "an,An Nữa,,,,")
    assert [row.errors for row in rows[:2]] == [[], []]
    assert rows[2].errors == ["Tên đăng nhập bị trùng với dòng 2."]
    assert rows[3].errors == ["Tên đăng nhập bị trùng với dòng 2."]


def test_check_rows_existing_username_or_empty_fields_are_errors(app):
    make_user(username="dacosan")
    rows = checked("dacosan,Đã Có,,,,", ",Không Tên,,,,", "trongten,,,,,")
    assert rows[0].errors == ["Tên đăng nhập “dacosan” đã tồn tại."]
    assert rows[1].errors == ["Chưa có tên đăng nhập."]
    assert rows[2].errors == ["Chưa có họ và tên."]


def test_check_rows_unit_matches_code_or_name_ignoring_case_and_diacritics(app):
    hcqt = make_unit("Phòng Hành chính - Quản trị", code="HCQT")
    rows = checked(
        "a,A,,hcqt,,",
        "b,B,,PHONG HANH CHINH - QUAN TRI,,",
        "c,C,,Phòng Hành chính - Quản trị,,",
        "d,D,,Phòng Ma,,",
        "e,E,,,,",
    )
    assert [row.unit_id for row in rows[:3]] == [hcqt.id] * 3
    assert rows[3].errors == ["Không tìm thấy đơn vị “Phòng Ma”."]
    assert rows[4].is_valid and rows[4].unit_id is None


def test_check_rows_unit_name_shared_by_two_units_asks_for_code(app):
    make_unit("Tổ Tổng hợp", code="TTH1")
    make_unit("Tổ Tổng hợp", code="TTH2")
    rows = checked("a,A,,Tổ Tổng hợp,,", "b,B,,tth2,,")
    assert "hãy ghi mã đơn vị" in rows[0].errors[0]
    assert rows[1].is_valid


def test_check_rows_email_is_validated_and_normalised(app):
    rows = checked(
        "a,A,,,Nguyen.A@DakLak.Gov.VN,", "b,B,,,khong-hop-le@,", "c,C,,,ngô@daklak.gov.vn,"
    )
    assert rows[0].email == "nguyen.a@daklak.gov.vn"
    assert rows[1].errors == ["Địa chỉ thư điện tử “khong-hop-le@” không hợp lệ."]
    assert not rows[2].is_valid


@pytest.mark.parametrize(
    ("cell", "roles"),
    [
        ("", []),
        ("staff", []),
        ("officer; leader", ["officer", "leader"]),
        ('"Trưởng phòng, Thủ trưởng đơn vị, Quản trị hệ thống"', ["unit_head", "admin"]),
        ('"truong phong, thu truong don vi"', ["unit_head"]),
        ('"Công chức, viên chức, người lao động; Office leadership"', ["leader"]),
        ("UNIT_HEAD", ["unit_head"]),
    ],
)
def test_check_rows_roles_accept_codes_and_names(app, cell, roles):
    (row,) = checked(f"a,A,,,,{cell}")
    assert row.errors == []
    assert row.roles == roles


def test_check_rows_unknown_role_is_named(app):
    (row,) = checked('a,A,,,,"officer, Giám đốc"')
    assert row.errors == ["Vai trò “Giám đốc” không hợp lệ."]


def test_check_rows_queries_do_not_grow_with_rows(app, count_queries):
    make_unit("Phòng Tổng hợp", code="TH")
    few = rows_of("\n".join([HEADER, *(f"u{i},U,,TH,,officer" for i in range(3))]))
    many = rows_of("\n".join([HEADER, *(f"u{i},U,,TH,,officer" for i in range(300))]))
    with count_queries() as first:
        imp.check_rows(few)
    with count_queries() as second:
        imp.check_rows(many)
    assert len(first) == len(second) == 2


def start(app, actor, text=HEADER + "\nan,Nguyễn An,,,,\n"):
    return imp.start_import(
        io.BytesIO(text.encode()), "C:\\Tệp\\ds.csv", PASSWORD, actor, store(app), MAX
    )


def store(app):
    return Path(app.instance_path) / "imports"


def test_start_import_keeps_rows_and_password_hash_not_the_password(app):
    admin = make_user(roles=("admin",))
    token = start(app, admin)
    payload = json.loads((store(app) / f"{token}.json").read_text(encoding="utf-8"))
    assert payload["user_id"] == admin.id
    assert payload["file_name"] == "ds.csv"
    assert payload["rows"] == [
        {
            "number": 2,
            "values": {
                "username": "an",
                "full_name": "Nguyễn An",
                "position": "",
                "unit": "",
                "email": "",
                "roles": "",
            },
        }
    ]
    assert PASSWORD not in json.dumps(payload, ensure_ascii=False)
    assert payload["password_hash"].startswith("scrypt:")
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_start_import_weak_password_is_refused(app):
    admin = make_user(roles=("admin",))
    with pytest.raises(ValidationFailed) as excinfo:
        imp.start_import(
            io.BytesIO(b"username,full_name\na,A"), "a.csv", "123", admin, store(app), MAX
        )
    assert "initial_password" in excinfo.value.errors
    assert not store(app).exists() or not list(store(app).iterdir())


def test_load_import_of_another_user_is_not_allowed(app):
    token = start(app, make_user(roles=("admin",)))
    with pytest.raises(NotAllowed):
        imp.load_import(store(app), token, make_user(roles=("admin",)))


@pytest.mark.parametrize("token", ["", "short", "../" * 20, "a" * 43])
def test_load_import_unknown_or_malformed_token_is_expired(app, token):
    with pytest.raises(imp.ImportExpired):
        imp.load_import(store(app), token, make_user(roles=("admin",)))


def test_load_import_after_an_hour_is_expired_and_removed(app, monkeypatch):
    admin = make_user(roles=("admin",))
    token = start(app, admin)
    later = imp.time.time() + imp.PENDING_TTL_SECONDS + 1
    monkeypatch.setattr(imp.time, "time", lambda: later)
    with pytest.raises(imp.ImportExpired):
        imp.load_import(store(app), token, admin)
    assert not (store(app) / f"{token}.json").exists()


def test_confirm_import_writes_valid_rows_once_and_audits(app):
    admin = make_user(roles=("admin",))
    text = HEADER + "\nan,Nguyễn An,,,,leader\nan,Trùng,,,,\nbinh,Bình,,,,\n"
    token = start(app, admin, text)
    result = imp.confirm_import(store(app), token, admin)
    assert (result.imported, result.skipped) == (2, 1)
    an = db.session.scalar(
        select(User).where(User.username == "an").options(selectinload(User.role_links))
    )
    assert an.must_change_password and an.roles == {"leader"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.imported"))
    assert entry.target_label == "ds.csv"
    assert list(store(app).iterdir()) == []
    with pytest.raises(imp.ImportExpired):
        imp.confirm_import(store(app), token, admin)


def test_confirm_import_failure_writes_nothing_and_keeps_the_upload(app, monkeypatch):
    admin = make_user(roles=("admin",))
    make_user(username="binh")
    token = start(app, admin, HEADER + "\nan,Nguyễn An,,,,\nbinh,Bình,,,,\n")
    real_load = imp._Directory.load

    def blind_load():
        directory = real_load()
        directory.usernames = set()  # the check misses "binh": the database must refuse it
        return directory

    monkeypatch.setattr(imp._Directory, "load", staticmethod(blind_load))
    with pytest.raises(imp.ImportFailed):
        imp.confirm_import(store(app), token, admin)
    assert db.session.scalar(select(User).where(User.username == "an")) is None
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
    assert (store(app) / f"{token}.json").exists()


def test_cancel_import_removes_the_upload(app):
    admin = make_user(roles=("admin",))
    token = start(app, admin)
    imp.cancel_import(store(app), token, admin)
    assert list(store(app).iterdir()) == []


def test_start_import_purges_uploads_older_than_an_hour(app):
    admin = make_user(roles=("admin",))
    old = start(app, admin)
    path = store(app) / f"{old}.json"
    stale = imp.time.time() - imp.PENDING_TTL_SECONDS - 10
    os.utime(path, (stale, stale))
    start(app, admin)
    assert not path.exists()
    assert len(list(store(app).iterdir())) == 1


def test_size_label_reads_like_people_write_it(app):
    assert imp.size_label(5 * 1024 * 1024) == "5 MB"
    assert imp.size_label(1024) == "1 KB"
    assert imp.size_label(1536 * 1024) == "1,5 MB"
