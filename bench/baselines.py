"""The two baselines the journeys are compared with, served by the same gunicorn settings:

- `bench.baselines:constant` — a bare Flask app returning a constant page;
- `bench.baselines:read_insert` — a bare Flask app doing, per request, one read of a row by an
  indexed column and one insert (committed), on SQLite with the app's pragmas (WAL, busy
  timeout, synchronous NORMAL). The file is BENCH_BASELINE_DB, filled by `prepare()`.
"""

import os
import random
import sqlite3
import threading

from flask import Flask

PAGE = "<!doctype html><title>baseline</title><p>baseline ok</p>"
ROWS = 10_000

constant = Flask("bench_constant")


@constant.get("/")
def constant_page():
    return PAGE


read_insert = Flask("bench_read_insert")
_local = threading.local()


def _connection() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(os.environ["BENCH_BASELINE_DB"], timeout=5)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute("PRAGMA synchronous=NORMAL")
        _local.connection = connection
    return connection


@read_insert.get("/")
def read_and_insert():
    connection = _connection()
    key = f"key-{random.randrange(ROWS):05d}"
    row = connection.execute("SELECT id, value FROM items WHERE key = ?", (key,)).fetchone()
    with connection:
        connection.execute("INSERT INTO hits (item_id) VALUES (?)", (row[0],))
    return f"<!doctype html><title>baseline</title><p>baseline ok {row[1]}</p>"


@read_insert.get("/healthz")
def healthz():
    return "ok"


@constant.get("/healthz")
def constant_healthz():
    return "ok"


def prepare(path: str) -> None:
    """The baseline's database: 10,000 rows with an indexed key, and the table it inserts into."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(
        """
        CREATE TABLE items (id INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL);
        CREATE UNIQUE INDEX ix_items_key ON items (key);
        CREATE TABLE hits (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items (id));
        CREATE INDEX ix_hits_item_id ON hits (item_id);
        """
    )
    with connection:
        connection.executemany(
            "INSERT INTO items (key, value) VALUES (?, ?)",
            ((f"key-{n:05d}", f"value {n}") for n in range(ROWS)),
        )
    connection.close()


def hits(path: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM hits").fetchone()[0]
    finally:
        connection.close()
