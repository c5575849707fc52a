"""`flask backup` and `flask restore`: a round trip of the database and the uploaded files on
SQLite (online, while another connection holds a write open) and on PostgreSQL (pg_dump and
pg_restore, on a database of its own), rotation, and bad archives refused with nothing
changed."""

import io
import sqlite3
import tarfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app.backups import PREFIX, BackupError, backup, rotate
from app.config import database_url
from app.extensions import db
from app.models.directory import User
from tests.conftest import TEST_DATABASE_URL, make_app
from tests.factories import make_user


def _usernames() -> list[str]:
    return sorted(db.session.scalars(select(User.username)))


def _round_trip(app) -> None:
    """Back up, change the data and the files, restore: both are as they were."""
    uploads = Path(app.instance_path) / "uploads" / "initiatives"
    uploads.mkdir(parents=True)
    (uploads / "a.pdf").write_bytes(b"%PDF-1.4 first")
    kept = make_user(username="nguyenvana", full_name="Nguyễn Văn A")
    before = _usernames()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    archives = list((Path(app.instance_path) / "backups").glob(f"{PREFIX}*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in result.output

    db.session.delete(db.session.get(User, kept.id))
    make_user(username="nguoimoi")
    db.session.commit()
    (uploads / "a.pdf").unlink()
    (uploads / "b.pdf").write_bytes(b"%PDF-1.4 later")

    refused = runner.invoke(args=["restore", str(archives[0])], input="n\n")
    assert refused.exit_code != 0 and "nguoimoi" in _usernames()
    result = runner.invoke(args=["restore", str(archives[0]), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _usernames() == before
    assert db.session.scalar(select(User.full_name).where(User.username == "nguyenvana")) == (
        "Nguyễn Văn A"
    )
    assert (uploads / "a.pdf").read_bytes() == b"%PDF-1.4 first"
    assert not (uploads / "b.pdf").exists()
    # What the restore replaced was backed up first.
    assert len(list((Path(app.instance_path) / "backups").glob(f"{PREFIX}*.tar.gz"))) == 2


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_app((f"sqlite:///{tmp_path / 'live.sqlite3'}", {}), tmp_path)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_sqlite_backup_restores_the_database_and_the_files(sqlite_app):
    _round_trip(sqlite_app)


def test_a_sqlite_backup_runs_while_another_connection_writes(sqlite_app, tmp_path):
    make_user(username="committed")
    writer = sqlite3.connect(tmp_path / "live.sqlite3", timeout=10)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE users SET full_name = 'chưa lưu' WHERE username = 'committed'")
        path = backup(sqlite_app)  # the write lock is held: readers and the backup go on
    finally:
        writer.rollback()
        writer.close()
    with tarfile.open(path) as archive:
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(archive.extractfile("database.sqlite3").read())
    with sqlite3.connect(copy) as check:
        name = check.execute("SELECT full_name FROM users WHERE username = 'committed'").fetchone()
        assert name[0] != "chưa lưu"
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_rotation_keeps_the_newest(sqlite_app):
    start = datetime(2026, 12, 1, tzinfo=UTC)
    paths = [backup(sqlite_app, now=start + timedelta(days=n), keep=3) for n in range(5)]
    folder = paths[0].parent
    assert sorted(folder.glob(f"{PREFIX}*")) == paths[2:]
    assert rotate(folder, 1) == [paths[3], paths[2]]


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    "members",
    [
        None,  # not a tar.gz at all
        {"manifest.json": b'{"dialect": "sqlite"}', "../escape.txt": b"x"},
        {"manifest.json": b'{"dialect": "sqlite"}', "/etc/thidua": b"x"},
        {"notes.txt": b"no manifest"},
        {"manifest.json": b'{"dialect": "postgresql"}', "database.pgdump": b"x"},
        {"manifest.json": b'{"dialect": "sqlite"}', "database.sqlite3": b"not a database"},
    ],
)
def test_a_bad_archive_is_refused_and_nothing_changes(sqlite_app, tmp_path, members):
    make_user(username="stays")
    bad = tmp_path / "bad.tar.gz"
    if members is None:
        bad.write_bytes(b"PK\x03\x04 not a tar")
    else:
        _tar(bad, members)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0 and "Error:" in result.output
    assert "stays" in _usernames()
    assert not (tmp_path.parent / "escape.txt").exists()
    assert not list((Path(sqlite_app.instance_path) / "backups").glob(f"{PREFIX}*"))


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    app = make_app(("sqlite://", {}), tmp_path)
    with app.app_context(), pytest.raises(BackupError):
        backup(app)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL: set TEST_DATABASE_URL")
def test_a_postgresql_backup_restores_the_database_and_the_files(tmp_path):
    base = database_url(TEST_DATABASE_URL)
    name = "thidua_backup_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        app = make_app((url, {}), tmp_path)
        with app.app_context():
            db.create_all()
            try:
                _round_trip(app)
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
