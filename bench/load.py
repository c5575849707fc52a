"""Running wrk: a journey (its steps and its users) becomes a plan file the Lua script reads,
wrk runs it for a bounded time with one connection per thread, and its result line is read
back."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "journey.lua"


class WrkMissing(RuntimeError):
    pass


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    import os

    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet).returncode != 0:
            subprocess.run(["apt-get", "update"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet)
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing(
        "The benchmark needs wrk, the HTTP load generator: install it with "
        "'sudo apt-get install wrk' (Debian/Ubuntu) and run 'make bench' again."
    )


@dataclass
class Step:
    method: str
    path: str
    status: int
    marker: str | None = None
    header: str | None = None  # look for the marker in this response header instead
    body: str | None = None  # x-www-form-urlencoded, with {name} filled from the user
    headers: dict[str, str] = field(default_factory=dict)
    keep_cookie: bool = False  # do not take the session cookie the response sets
    lines: int | None = None  # the body must have exactly this many lines


@dataclass
class Journey:
    name: str
    kind: str  # "read", "write" or "other": which target applies
    steps: list[Step]
    # Each user: {"label", "cookie", "token", ...values the steps use, URL-encoded}.
    users: list[dict]
    # Move to the next user after each sequence (one submission per person), else each
    # connection keeps its own user.
    advance: bool = False
    concurrency: tuple[int, ...] | None = None  # overrides the run's levels


def _lua(value) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped.replace(chr(13), "")}"'
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def plan_source(journey: Journey, connections: int) -> str:
    """The plan as Lua: the steps, and each thread's users."""
    if journey.advance:
        lists = [journey.users[n::connections] for n in range(connections)]
    else:
        lists = [[journey.users[n % len(journey.users)]] for n in range(connections)]
    if any(not users for users in lists):
        raise ValueError(f"{journey.name}: fewer users than connections")
    steps = [
        {k: v for k, v in step.__dict__.items() if v not in (None, {}, False)}
        for step in journey.steps
    ]
    return "return " + _lua({"steps": steps, "threads": lists, "advance": journey.advance})


def run(
    wrk: str, base_url: str, journey: Journey, connections: int, seconds: float, timeout: int
) -> dict:
    """Run the journey at `connections` for `seconds`; wrk's and the script's figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(plan_source(journey, connections))
        plan = handle.name
    try:
        command = [
            wrk,
            "-t",
            str(connections),
            "-c",
            str(connections),
            "-d",
            f"{seconds:g}s",
            "--timeout",
            f"{timeout}s",
            "-s",
            str(SCRIPT),
            base_url,
            "--",
            plan,
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + timeout + 60
        )
    finally:
        Path(plan).unlink(missing_ok=True)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return _figures(json.loads(line.removeprefix("BENCH_RESULT ")))
    raise RuntimeError(f"wrk gave no result: {completed.stdout[-500:]} {completed.stderr[-500:]}")


def _figures(raw: dict) -> dict:
    seconds = raw["duration_us"] / 1e6
    socket_errors = sum(
        raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    step_ok = raw.get("step_ok") or []
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 2) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": raw["bad_status"] + raw["bad_marker"] + socket_errors,
        "bad_status": raw["bad_status"],
        "bad_marker": raw["bad_marker"],
        "socket_errors": socket_errors,
        "checked": raw["checked"],
        "sequences": raw["sequences"],
        "wrapped": raw["wrapped"],
        "step_ok": step_ok if isinstance(step_ok, list) else [],
        "errors_seen": raw["errors_seen"] if isinstance(raw["errors_seen"], list) else [],
        "bytes": raw["bytes"],
    }
