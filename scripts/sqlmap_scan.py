"""SQL injection scan (issue 9, part 7): sqlmap against a running instance, signed in.

A throwaway instance (its own database: SQLite in a temporary folder, or the PostgreSQL
database given with --database-url) is migrated and seeded with the demo office, then served
by gunicorn on 127.0.0.1. The filter forms (GET) and the entry forms (POST) of the main pages
are read from the pages themselves, as each role sees them, and written as one Burp log; sqlmap
tests every parameter of every request in that log (level 1, risk 1, loopback only, the whole
run bounded in time) and writes its results file. The scan fails when the results file names
any parameter, when sqlmap could not run to its end, or when a target is missing.

    .venv/bin/python scripts/sqlmap_scan.py [--database-url postgresql://...] [--keep DIR]
"""

import argparse
import csv
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import Client  # noqa: E402
from bench.server import Server  # noqa: E402

PASSWORD = "ThiDua@2026"
TIME_LIMIT = 1500  # seconds for the whole sqlmap run

# (who, page): the forms on each page are scanned. None is the anonymous visitor.
PAGES = [
    (None, "/login"),
    ("nhanvien", "/directory/"),
    ("nhanvien", "/initiatives/"),
    ("nhanvien", "/initiatives/new"),
    ("nhanvien", "/account/password"),
    ("thidua", "/initiatives/review"),
    ("thidua", "/commitments/tracking"),
    ("thidua", "/monitoring/"),
    ("thidua", "/commendations/"),
    ("thidua", "/commendations/new"),
    ("thidua", "/voting/new"),
    ("thidua", "/surveys/new"),
    ("thidua", "/reports/new"),
    ("truyenthong", "/showcase/"),
    ("truyenthong", "/showcase/new"),
    ("admin", "/admin/users/"),
    ("admin", "/admin/users/new"),
    ("admin", "/admin/units/new"),
    ("admin", "/admin/audit/"),
]
# Forms that only navigate or end the session: nothing of theirs reaches a query.
SKIPPED_ACTIONS = ("/logout", "/language", "/notifications/read-all")
SAMPLE = {"email": "mai.anh@dldlak.gov.vn", "date": "2026-12-10", "number": "1", "tel": "0262"}
# A search that finds something: a condition made false must change the page for sqlmap's
# boolean tests to see it (a search that finds nothing looks the same either way).
SEARCH = "a"


class Forms(HTMLParser):
    """The forms of a page: method, action and fields with a value each, as a browser would
    send them (the first option of a select, a checked box, a sample text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "multipart": "multipart" in a.get("enctype", ""),
                "fields": {},
            }
            self.forms.append(self._form)
        if tag == "option" and self._form is not None and self._select:
            self._form["options"][self._select].append(a.get("value", ""))
            if not self._form["fields"][self._select]:
                self._form["fields"][self._select] = a.get("value", "")
            return
        if self._form is None or "name" not in a or "disabled" in a:
            return
        name, fields = a["name"], self._form["fields"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, a.get("value", "y"))
            elif kind == "file":
                self._form["multipart"] = True
            elif kind != "submit" or name not in fields:
                text = SEARCH if self._form["method"] == "get" else "Thử nghiệm"
                fields[name] = a.get("value") or SAMPLE.get(kind, text)
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
            self._form.setdefault("options", {})[name] = []
        elif tag == "textarea":
            fields[name] = "Nội dung thử nghiệm"
        elif tag == "button" and a.get("type", "submit") == "submit":
            fields.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _flask(env: dict, *args: str) -> None:
    flask = Path(sys.executable).with_name("flask")
    subprocess.run([str(flask), "--app", "wsgi", *args], env={**os.environ, **env}, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _requests(server: Server, only: str = "") -> list[tuple[str, str, str, str]]:
    """(method, path, body, cookie) of every form on the scanned pages."""
    clients: dict[str | None, Client] = {}
    found = []
    for who, page in PAGES:
        if not page.startswith(only):
            continue
        if who not in clients:
            client = Client(server.url)
            if who is not None:
                token = client.token("/login")
                reply = client.post(
                    "/login", {"csrf_token": token, "username": who, "password": PASSWORD}
                )
                if reply.status != 303:
                    raise SystemExit(f"sqlmap scan: {who} could not sign in ({reply.status})")
            clients[who] = client
        client = clients[who]
        reply = client.get(page)
        if reply.status != 200:
            raise SystemExit(f"sqlmap scan: {page} answered {reply.status} to {who}")
        parser = Forms()
        parser.feed(reply.body)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for form in parser.forms:
            action = urlsplit(form["action"]).path or page
            if form["multipart"] or action in SKIPPED_ACTIONS or not form["fields"]:
                continue
            fields = {k: v for k, v in form["fields"].items() if k}
            if form["method"] == "get":
                fields = _fullest(client, action, fields, form.get("options", {}))
            body = urlencode(fields)
            if form["method"] == "get":
                found.append(("GET", f"{action}?{body}", "", cookie))
            else:
                found.append(("POST", action, body, cookie))
    return list(dict.fromkeys(found))


def _fullest(client: Client, action: str, fields: dict, options: dict) -> dict:
    """The filter's values that keep the most rows (the longest page), one select at a time, a
    value chosen over "all": sqlmap's boolean tests see an injection by a condition made false
    emptying the page, which a filter that keeps nothing would hide."""
    for name, values in options.items():
        sizes = {}
        for value in [v for v in values if v][:15]:
            reply = client.get(f"{action}?{urlencode({**fields, name: value})}")
            if reply.status == 200:
                sizes[value] = len(reply.body)
        if sizes:
            fields[name] = max(sizes, key=sizes.get)
    return fields


def _burp_log(requests, host: str) -> str:
    """The requests in Burp's plain log format, which sqlmap reads with -l."""
    separator = "=" * 54
    blocks = []
    for method, path, body, cookie in requests:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Cookie: {cookie}"]
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body.encode())}",
            ]
        blocks.append(f"{separator}\n" + "\r\n".join(lines) + f"\r\n\r\n{body}\n{separator}\n\n")
    return "".join(blocks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database to use (else SQLite)")
    parser.add_argument("--keep", help="copy the log, the targets and the results here")
    parser.add_argument("--only", help="scan only the pages whose path starts with this")
    args = parser.parse_args()
    sqlmap = shutil.which("sqlmap")
    if not sqlmap:
        print("sqlmap scan: sqlmap is not installed (apt-get install -y sqlmap)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="thidua-sqlmap-"))
    database = args.database_url or f"sqlite:///{work / 'scan.sqlite3'}"
    dbms = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    env = {
        "SECRET_KEY": secrets.token_hex(16),
        "DATABASE_URL": database,
        "THIDUA_INSTANCE_PATH": str(work / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # sqlmap sends hundreds of requests a form: the limits would answer them with 429.
        "RATELIMIT_ENABLED": "false",
    }
    try:
        _flask(env, "db", "upgrade")
        _flask(env, "seed-if-empty", "--staff", "30", "--password", PASSWORD)
        with Server("wsgi:app", env, log=work / "gunicorn.log") as server:
            requests = _requests(server, args.only or "")
            host = f"127.0.0.1:{server.port}"
            (work / "targets.log").write_text(_burp_log(requests, host), encoding="utf-8")
            results = work / "results.csv"
            command = [
                sqlmap, "-l", str(work / "targets.log"), "--batch", "--level=1", "--risk=1",
                f"--dbms={dbms}", "--skip=csrf_token", "--drop-set-cookie",
                "--scope=^https?://127\\.0\\.0\\.1[:/]", f"--results-file={results}",
                f"--output-dir={work / 'output'}", "--disable-coloring", "--timeout=30",
                "--retries=1", "--ignore-stdin", "--text-only",
            ]  # fmt: skip
            posted = sum(1 for request in requests if request[0] == "POST")
            print(f"sqlmap scan on {dbms}: {len(requests)} requests ({posted} forms posted)")
            with open(work / "sqlmap.log", "wb") as output:
                try:
                    run = subprocess.run(
                        command,
                        stdin=subprocess.DEVNULL,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        timeout=TIME_LIMIT,
                        check=False,
                    )
                except subprocess.TimeoutExpired:
                    print(f"sqlmap scan: not finished within {TIME_LIMIT} s", file=sys.stderr)
                    return 1
        log = (work / "sqlmap.log").read_text(errors="replace")
        tested = log.count("testing URL")
        print(f"sqlmap tested {tested} of {len(requests)} requests; exit {run.returncode}")
        rows = list(csv.DictReader(results.open())) if results.exists() else []
        found = [row for row in rows if (row.get("Parameter") or "").strip()]
        for row in found:
            print(f"  INJECTABLE: {row}", file=sys.stderr)
        if run.returncode != 0 or tested < len(requests) or not results.exists():
            print("sqlmap scan: sqlmap did not test every request; see its log", file=sys.stderr)
            print(log[-3000:], file=sys.stderr)
            return 1
        if found:
            print(f"sqlmap scan: {len(found)} injectable parameter(s)", file=sys.stderr)
            return 1
        print("sqlmap scan: no parameter found injectable")
        return 0
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
