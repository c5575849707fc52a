"""Backups: the database and the uploaded files (attachments, photos) in one .tar.gz under
instance/backups/, the newest BACKUP_KEEP kept; a restore puts both back, after a backup of what
it replaces.

SQLite is copied with its online backup API, so people keep reading and writing while it runs,
and the copy is checked (PRAGMA integrity_check) before it is kept or restored. PostgreSQL is
dumped with pg_dump (custom format) and restored with pg_restore, which must be on the PATH in a
version that matches the server's (docs/deploy.md).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from app.extensions import db

PREFIX = "thidua-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Source:
    dialect: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None
    pg_url: str | None  # libpq's URL (postgresql://...), without SQLAlchemy's driver


def source(app: Flask) -> Source:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        return Source("sqlite", Path(url.database), None)
    if url.get_backend_name() == "postgresql":
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return Source("postgresql", None, plain)
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def backup_folder(app: Flask) -> Path:
    return Path(app.config.get("BACKUP_FOLDER") or Path(app.instance_path) / "backups")


def upload_root(app: Flask) -> Path:
    return Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads")


def _sqlite_copy(from_path: Path, to_path: Path) -> None:
    """Copy one SQLite database into another with the online backup API, then check it."""
    with sqlite3.connect(from_path) as source_db, sqlite3.connect(to_path) as target:
        source_db.execute("PRAGMA busy_timeout=10000")
        source_db.backup(target)
        target.commit()
    _check_sqlite(to_path)


def _check_sqlite(path: Path) -> None:
    if not path.is_file():
        raise BackupError("The backup holds no SQLite database.")
    try:
        with sqlite3.connect(path) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise BackupError(f"The database copy in {path.name} is damaged: {result}")


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (see docs/deploy.md).") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[:2000]}") from None


def _alembic_revision() -> str | None:
    from sqlalchemy import text

    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # a database made by create_all (tests) has no such table
        db.session.rollback()
        return None


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in the folder; returns those deleted."""
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    removed = archives[max(keep, 1) :]
    for path in removed:
        path.unlink()
    return removed


def backup(app: Flask, now: datetime | None = None, keep: int | None = None) -> Path:
    """Write a new archive of the database and the uploads; returns its path."""
    where = source(app)
    now = now or datetime.now(UTC)
    folder = backup_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=folder) as work:
        work_path = Path(work)
        if where.dialect == "sqlite":
            database = work_path / SQLITE_NAME
            _sqlite_copy(where.sqlite_path, database)
        else:
            database = work_path / PG_NAME
            _run(["pg_dump", "--format=custom", "--no-owner", "-f", str(database), where.pg_url])
        manifest = {
            "created_at": now.isoformat(),
            "dialect": where.dialect,
            "alembic_revision": _alembic_revision(),
        }
        (work_path / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = target.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_path / MANIFEST, MANIFEST)
            archive.add(database, database.name)
            uploads = upload_root(app)
            if uploads.is_dir():
                archive.add(uploads, UPLOADS)
        os.replace(partial, target)  # a backup is in the folder whole, or not at all
    rotate(folder, keep if keep is not None else app.config["BACKUP_KEEP"])
    return target


def _extract(archive_path: Path, into: Path) -> dict:
    """Unpack an archive made by backup() (no path leaves `into`); returns its manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive_path.name} is not a readable backup: {error}") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(
            f"{archive_path.name} has no manifest: not a backup of this app."
        ) from None
    return manifest


def _swap_uploads(app: Flask, extracted: Path) -> None:
    """Put the archive's uploads in place of the current ones (none in the archive: none)."""
    current = upload_root(app)
    incoming = extracted / UPLOADS
    old = current.with_name(current.name + ".replaced")
    if old.exists():
        shutil.rmtree(old)
    if current.exists():
        current.rename(old)
    if incoming.is_dir():
        shutil.move(str(incoming), str(current))
    else:
        current.mkdir(parents=True, exist_ok=True)
    if old.exists():
        shutil.rmtree(old)


def restore(app: Flask, archive_path: Path) -> Path:
    """Replace the database and the uploads by the archive's, after backing up the current
    ones; returns the path of that safety backup. Nothing changes when the archive is bad."""
    where = source(app)
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"No backup at {archive_path}.")
    with tempfile.TemporaryDirectory() as work:
        extracted = Path(work)
        manifest = _extract(archive_path, extracted)
        if manifest.get("dialect") != where.dialect:
            raise BackupError(
                f"The backup is of a {manifest.get('dialect')} database; this app uses "
                f"{where.dialect}."
            )
        if where.dialect == "sqlite":
            _check_sqlite(extracted / SQLITE_NAME)
        elif not (extracted / PG_NAME).is_file():
            raise BackupError("The backup holds no PostgreSQL dump.")
        safety = backup(app, keep=10**6)  # kept whatever the rotation says
        db.session.remove()
        db.engine.dispose()
        if where.dialect == "sqlite":
            _sqlite_copy(extracted / SQLITE_NAME, where.sqlite_path)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "-d",
                    where.pg_url,
                    str(extracted / PG_NAME),
                ]
            )
        _swap_uploads(app, extracted)
    return safety
