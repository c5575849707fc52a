"""Importing users from a spreadsheet: read XLSX or CSV, check each row, keep the upload between
preview and confirmation, write the valid rows in one transaction, and build the template file.

Nothing here touches the request: the routes pass the uploaded stream, the acting user and the
folder where pending imports wait (instance/imports/).
"""

import csv
import io
import json
import os
import re
import secrets
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.services import hash_password, password_problems
from app.documents import safe_row
from app.errors import DomainError, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.directory import Role, Unit, User, UserRole
from app.text import clean, fold
from app.web.labels import ROLE_LABELS

FIELDS = ("username", "full_name", "position", "unit", "email", "roles")
REQUIRED_FIELDS = ("username", "full_name")
# The header row of the template; the file format is Vietnamese whatever the UI language.
TEMPLATE_HEADERS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "unit": "Đơn vị",
    "email": "Thư điện tử",
    "roles": "Vai trò",
}
# Accepted headers, folded (no case, no diacritics, "_" and "-" as spaces).
_HEADER_ALIASES = {
    "username": ("ten dang nhap", "username", "user name", "tai khoan"),
    "full_name": ("ho va ten", "ho ten", "full name"),
    "position": ("chuc vu", "position"),
    "unit": ("don vi", "unit"),
    "email": ("thu dien tu", "email", "e mail"),
    "roles": ("vai tro", "roles", "role"),
}
_HEADER_FIELD = {alias: name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
PENDING_TTL_SECONDS = 3600
_XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_UNZIPPED_FACTOR = 20  # an XLSX may expand to this many times the upload limit, no more
_USERNAME = re.compile(r"[a-z0-9._-]+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_MAX_LENGTH = {"username": 64, "full_name": 120, "position": 120, "email": 254}


class ImportExpired(DomainError):
    """The pending import is gone: expired, cancelled, already confirmed or never existed."""


class ImportFailed(DomainError):
    """The confirmation wrote nothing; the pending import is kept so it can be tried again."""


@dataclass
class ImportRow:
    """One row of the file: its number in the file, its cleaned values and, once checked,
    its errors and what its unit and roles resolve to."""

    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    unit_id: int | None = None
    roles: list[str] = field(default_factory=list)
    email: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class PendingImport:
    token: str
    user_id: int
    file_name: str
    password_hash: str
    created_at: float
    rows: list[ImportRow]


@dataclass
class ImportPreview:
    token: str
    file_name: str
    rows: list[ImportRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def valid(self) -> int:
        return sum(1 for row in self.rows if row.is_valid)

    @property
    def invalid(self) -> int:
        return self.total - self.valid


@dataclass
class ImportResult:
    imported: int
    skipped: int


# Reading the file ------------------------------------------------------------------------


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


def _not_a_spreadsheet() -> ValidationFailed:
    return _file_error(_("The file is not a valid spreadsheet (XLSX or CSV)."))


def size_label(max_bytes: int) -> str:
    """A byte count as people read it, in the current language: "5 MB", "1,5 MB", "1 KB"."""
    if max_bytes >= 1024 * 1024:
        return f"{format_decimal(max_bytes / (1024 * 1024), '#,##0.#')} MB"
    return f"{format_decimal(max_bytes / 1024, '#,##0.#')} KB"


def _too_large(max_bytes: int) -> ValidationFailed:
    return _file_error(_("The file is larger than allowed (%(size)s).", size=size_label(max_bytes)))


def read_upload(stream, max_bytes: int) -> bytes:
    """The uploaded bytes, read up to the limit whatever the request's Content-Length said."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise _file_error(_("The file is empty."))
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _numbered(records) -> list[tuple[int, list[str]]]:
    """(row number in the file, cells) of the non-blank records; stops reading one past the
    most a file may hold (the header and MAX_ROWS users), so the caller can refuse it."""
    numbered = []
    for number, values in enumerate(records, 1):
        if any(values):
            numbered.append((number, values))
            if len(numbered) > MAX_ROWS + 1:
                break
    return numbered


def _xlsx_records(data: bytes, max_bytes: int) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text; the file must be a ZIP with xl/workbook.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _not_a_spreadsheet() from error
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()
    if unzipped > max_bytes * _UNZIPPED_FACTOR:
        raise _too_large(max_bytes)
    try:
        with warnings.catch_warnings():
            # Files from other tools make openpyxl warn (styles, extensions); not the user's fault.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = workbook.worksheets[0].iter_rows(values_only=True)
                return _numbered([_cell_text(value) for value in values] for values in rows)
            finally:
                workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _not_a_spreadsheet() from error


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a UTF-8 CSV (with or without BOM), delimited by ';', ',' or a tab."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_a_spreadsheet() from error
    if "\x00" in text:
        raise _not_a_spreadsheet()
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _numbered([clean(value) for value in values] for values in reader)
    except csv.Error as error:
        raise _not_a_spreadsheet() from error


def _header_key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").strip(" *:").split())


def _rows_from_records(numbered: list[tuple[int, list[str]]]) -> list[ImportRow]:
    """Map the header row to the fields and turn every row after it into an ImportRow."""
    if not numbered:
        raise _file_error(_("The file is empty."))
    header = numbered[0][1]
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        name = _HEADER_FIELD.get(_header_key(text))
        if name and name not in columns:
            columns[name] = index
    missing = [TEMPLATE_HEADERS[name] for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise _file_error(
            _(
                "The first row must name the required columns; missing: %(columns)s.",
                columns=", ".join(f"“{name}”" for name in missing),
            )
        )
    body = numbered[1:]
    if not body:
        raise _file_error(_("The file has a header row but no users."))
    if len(body) > MAX_ROWS:
        raise _file_error(
            _("The file has more than %(n)d rows; split it into smaller files.", n=MAX_ROWS)
        )
    rows = []
    for number, values in body:
        cells = {
            name: values[columns[name]] if name in columns and columns[name] < len(values) else ""
            for name in FIELDS
        }
        cells["username"] = cells["username"].lower()
        rows.append(ImportRow(number=number, values=cells))
    return rows


def read_rows(data: bytes, file_name: str, max_bytes: int) -> list[ImportRow]:
    """The rows of an XLSX or CSV file, recognised by content; the name only refuses a text file
    that claims to be XLSX. Raises ValidationFailed on the field "file"."""
    if data[:4] == b"PK\x03\x04":
        records = _xlsx_records(data, max_bytes)
    elif file_name.lower().endswith(_XLSX_SUFFIXES):
        raise _not_a_spreadsheet()
    else:
        records = _csv_records(data)
    return _rows_from_records(records)


# Checking the rows -----------------------------------------------------------------------


def _list_key(text: str) -> str:
    """Folded, with the separators of a list written as a bare ','."""
    return re.sub(r"\s*[,;]\s*", ",", fold(text))


def role_lookup() -> dict[str, str]:
    """Folded role codes and names (Vietnamese and English) -> role code."""
    lookup: dict[str, str] = {}
    for role in Role:
        lookup[role.value.replace("_", " ")] = role.value
        lookup[role.value] = role.value
        for locale in ("vi", "en"):
            with force_locale(locale):
                lookup[_list_key(str(ROLE_LABELS[role.value]))] = role.value
    return lookup


def parse_roles(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """(role codes, unknown items) of a cell like "officer; Lãnh đạo Văn phòng".

    Some names hold a comma ("Trưởng phòng, Thủ trưởng đơn vị"), so the longest run of items
    that names a role wins before the items are taken one by one.
    """
    items = [item for item in _list_key(text).split(",") if item]
    originals = [clean(item) for item in re.split(r"[,;]", clean(text)) if clean(item)]
    roles: list[str] = []
    unknown: list[str] = []
    start = 0
    while start < len(items):
        for end in range(len(items), start, -1):
            code = lookup.get(",".join(items[start:end]))
            if code:
                if code != Role.STAFF and code not in roles:
                    roles.append(code)
                start = end
                break
        else:
            unknown.append(originals[start] if start < len(originals) else items[start])
            start += 1
    return roles, unknown


@dataclass
class _Directory:
    """What the checks need from the database, loaded in two queries."""

    usernames: set[str]
    unit_by_code: dict[str, int]
    units_by_name: dict[str, list[int]]
    roles: dict[str, str]

    @classmethod
    def load(cls) -> "_Directory":
        usernames = set(db.session.scalars(select(User.username)))
        unit_by_code: dict[str, int] = {}
        units_by_name: dict[str, list[int]] = {}
        for unit_id, code, name_folded in db.session.execute(
            select(Unit.id, Unit.code, Unit.name_folded)
        ):
            if code:
                unit_by_code[fold(code)] = unit_id
            units_by_name.setdefault(name_folded, []).append(unit_id)
        return cls(usernames, unit_by_code, units_by_name, role_lookup())


def _check_username(row: ImportRow, directory: _Directory, first_seen: dict[str, int]) -> None:
    username = row.values["username"]
    if not username:
        row.errors.append(_("The username is empty."))
        return
    if len(username) > _MAX_LENGTH["username"] or not _USERNAME.fullmatch(username):
        row.errors.append(
            _(
                "The username “%(username)s” is not valid: use at most 64 lowercase letters "
                "a–z, digits, dots, hyphens or underscores.",
                username=username,
            )
        )
    elif username in first_seen:
        row.errors.append(_("The username duplicates row %(row)d.", row=first_seen[username]))
    elif username in directory.usernames:
        row.errors.append(_("The username “%(username)s” already exists.", username=username))
    first_seen.setdefault(username, row.number)


def _check_texts(row: ImportRow) -> None:
    full_name = row.values["full_name"]
    if not full_name:
        row.errors.append(_("The full name is empty."))
    elif len(full_name) > _MAX_LENGTH["full_name"]:
        row.errors.append(
            _("The full name is longer than %(n)d characters.", n=_MAX_LENGTH["full_name"])
        )
    if len(row.values["position"]) > _MAX_LENGTH["position"]:
        row.errors.append(
            _("The position is longer than %(n)d characters.", n=_MAX_LENGTH["position"])
        )


def _resolve_unit(row: ImportRow, directory: _Directory) -> None:
    """A unit is named by its code or its name, ignoring case and diacritics; the code wins."""
    unit = row.values["unit"]
    if not unit:
        return
    key = fold(unit)
    by_name = directory.units_by_name.get(key, [])
    if key in directory.unit_by_code:
        row.unit_id = directory.unit_by_code[key]
    elif len(by_name) == 1:
        row.unit_id = by_name[0]
    elif by_name:
        row.errors.append(
            _("Several units are named “%(unit)s”: write the unit's code.", unit=unit)
        )
    else:
        row.errors.append(_("Unit “%(unit)s” was not found.", unit=unit))


def _check_email(row: ImportRow) -> None:
    email = row.values["email"]
    if not email:
        return
    try:
        # No SMTPUTF8: an address with diacritics is almost always a typing slip here.
        checked = validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        row.errors.append(_("The e-mail address “%(email)s” is not valid.", email=email))
    else:
        row.email = checked.normalized.lower()


def _check_row(row: ImportRow, directory: _Directory, first_seen: dict[str, int]) -> None:
    _check_username(row, directory, first_seen)
    _check_texts(row)
    _resolve_unit(row, directory)
    _check_email(row)
    row.roles, unknown = parse_roles(row.values["roles"], directory.roles)
    for item in unknown:
        row.errors.append(_("Unknown role “%(role)s”.", role=item))


def check_rows(rows: list[ImportRow]) -> list[ImportRow]:
    """Fresh copies of the rows with their errors against the current database (two queries,
    whatever the number of rows)."""
    directory = _Directory.load()
    first_seen: dict[str, int] = {}
    checked = []
    for row in rows:
        fresh = ImportRow(number=row.number, values=dict(row.values))
        _check_row(fresh, directory, first_seen)
        checked.append(fresh)
    return checked


# Keeping the upload between preview and confirmation -------------------------------------


def _path(store: Path, token: str) -> Path:
    if not _TOKEN.fullmatch(token or ""):
        raise ImportExpired(_("This import has expired or is already finished."))
    return store / f"{token}.json"


def _purge_expired(store: Path) -> None:
    limit = time.time() - PENDING_TTL_SECONDS
    for path in store.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def _save(store: Path, pending: PendingImport) -> None:
    payload = {
        "user_id": pending.user_id,
        "file_name": pending.file_name,
        "password_hash": pending.password_hash,
        "created_at": pending.created_at,
        "rows": [{"number": row.number, "values": row.values} for row in pending.rows],
    }
    path = _path(store, pending.token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)


def _clean_file_name(file_name: str | None) -> str:
    return clean(re.split(r"[\\/]", file_name or "")[-1])[:200]


def start_import(
    stream, file_name: str | None, password: str, actor: User, store: Path, max_bytes: int
) -> str:
    """Read and keep an upload for preview; returns its token. Nothing is written to the
    database. Raises ValidationFailed on "file" or "initial_password"."""
    problems = password_problems(password or "")
    if problems:
        raise ValidationFailed({"initial_password": problems})
    name = _clean_file_name(file_name)
    rows = read_rows(read_upload(stream, max_bytes), name, max_bytes)
    store.mkdir(mode=0o700, parents=True, exist_ok=True)
    _purge_expired(store)
    pending = PendingImport(
        token=secrets.token_urlsafe(32),
        user_id=actor.id,
        file_name=name,
        password_hash=hash_password(password),
        created_at=time.time(),
        rows=rows,
    )
    _save(store, pending)
    return pending.token


def load_import(store: Path, token: str, actor: User) -> PendingImport:
    """The pending import of this token, if it belongs to the actor and has not expired."""
    path = _path(store, token)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        pending = PendingImport(
            token=token,
            user_id=int(payload["user_id"]),
            file_name=str(payload["file_name"]),
            password_hash=str(payload["password_hash"]),
            created_at=float(payload["created_at"]),
            rows=[ImportRow(number=int(r["number"]), values=r["values"]) for r in payload["rows"]],
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ImportExpired(_("This import has expired or is already finished.")) from error
    if pending.user_id != actor.id:
        raise NotAllowed()
    if pending.created_at + PENDING_TTL_SECONDS < time.time():
        path.unlink(missing_ok=True)
        raise ImportExpired(_("This import has expired or is already finished."))
    return pending


def preview_import(store: Path, token: str, actor: User) -> ImportPreview:
    """The pending import's rows, checked against the database as it is now."""
    pending = load_import(store, token, actor)
    return ImportPreview(token=token, file_name=pending.file_name, rows=check_rows(pending.rows))


def cancel_import(store: Path, token: str, actor: User) -> None:
    """Forget a pending import of the actor's."""
    load_import(store, token, actor)
    _path(store, token).unlink(missing_ok=True)


def confirm_import(store: Path, token: str, actor: User) -> ImportResult:
    """Check the rows again, then create every valid one in one transaction with the initial
    password (to be changed at first sign-in), skip the others, audit, and forget the upload."""
    pending = load_import(store, token, actor)
    path = _path(store, token)
    # Claim the upload, so a second click or a second tab cannot import it twice.
    claimed = path.with_suffix(".claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError as error:
        raise ImportExpired(_("This import has expired or is already finished.")) from error
    try:
        rows = check_rows(pending.rows)
        valid = [row for row in rows if row.is_valid]
        if not valid:
            raise ImportFailed(_("No row of the file can be imported."))
        for row in valid:
            user = User(
                username=row.values["username"],
                full_name=row.values["full_name"],
                position=row.values["position"],
                unit_id=row.unit_id,
                email=row.email,
                password_hash=pending.password_hash,
                must_change_password=True,
            )
            user.role_links = [UserRole(role=role) for role in row.roles]
            db.session.add(user)
        result = ImportResult(imported=len(valid), skipped=len(rows) - len(valid))
        audit.record(
            actor,
            "users.imported",
            label=pending.file_name,
            file_name=pending.file_name,
            rows=len(rows),
            imported=result.imported,
            skipped=result.skipped,
        )
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        claimed.rename(path)
        raise ImportFailed(
            _("Nothing was imported: the directory changed meanwhile. Check the preview again.")
        ) from error
    except BaseException:
        db.session.rollback()
        claimed.rename(path)
        raise
    claimed.unlink(missing_ok=True)
    return result


# The template file ------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The XLSX template: the users sheet with two example rows, the units and the roles."""
    units = db.session.execute(select(Unit.code, Unit.name).order_by(Unit.name)).all()
    example_unit = (units[0].code or units[0].name) if units else "Phòng Hành chính - Quản trị"
    workbook = Workbook()
    users = workbook.active
    users.title = "Người dùng"
    users.append([TEMPLATE_HEADERS[name] for name in FIELDS])
    users.append(
        safe_row(
            [
                "nguyenvana",
                "Nguyễn Văn A",
                "Chuyên viên",
                example_unit,
                "nguyenvana@daklak.gov.vn",
                "",
            ]
        )
    )
    users.append(
        safe_row(
            [
                "tranthib",
                "Trần Thị B",
                "Trưởng phòng",
                example_unit,
                "tranthib@daklak.gov.vn",
                "unit_head",
            ]
        )
    )
    unit_sheet = workbook.create_sheet("Đơn vị")
    unit_sheet.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in units:
        unit_sheet.append(safe_row([code or "", name]))
    role_sheet = workbook.create_sheet("Vai trò")
    role_sheet.append(["Mã vai trò", "Tên vai trò"])
    with force_locale("vi"):
        for role in Role:
            role_sheet.append([role.value, str(ROLE_LABELS[role.value])])
    for sheet, widths in (
        (users, (18, 28, 22, 34, 32, 22)),
        (unit_sheet, (16, 50)),
        (role_sheet, (14, 60)),
    ):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDEF", widths, strict=False):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
