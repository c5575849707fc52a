"""`python -m bench`: the benchmark (see bench/__init__.py and the README's section)."""

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from bench import load, report, run
from bench.scale import SCALES

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--seconds", type=float, default=8, help="length of each step")
    parser.add_argument(
        "--concurrency", default="1,8,32", help="connections of each step, comma-separated"
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL database to connect to for creating and dropping the bench's own",
    )
    parser.add_argument(
        "--journeys", default=",".join(run.JOURNEYS), help="journeys to run, comma-separated"
    )
    parser.add_argument("--burst-people", type=int, default=1000)
    parser.add_argument("--burst-window", type=float, default=10)
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, files)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    scale = SCALES[args.scale]
    levels = tuple(int(c) for c in args.concurrency.split(","))
    only = tuple(name.strip() for name in args.journeys.split(","))
    unknown = set(only) - set(run.JOURNEYS)
    if unknown:
        print(f"unknown journeys: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    try:
        wrk = load.ensure_wrk()
    except load.WrkMissing as error:
        print(error, file=sys.stderr)
        return 1
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    notes = []
    if "postgresql" in kinds and not run.postgres_reachable(args.postgres_url):
        kinds.remove("postgresql")
        notes.append(f"PostgreSQL was not reachable at {args.postgres_url}: SQLite only.")
        run.log(notes[-1])
    started = time.monotonic()
    result: dict = {
        "scale": scale.name,
        "seconds": args.seconds,
        "levels": list(levels),
        "cpus": os.cpu_count(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "databases": {},
        "burst": {},
        "notes": notes,
    }
    with run.workspace(args.keep) as workdir:
        logs = workdir / "gunicorn.log"
        run.log(f"work folder {workdir}")
        if not args.no_baselines:
            result["baselines"] = run.run_baselines(wrk, workdir, levels, args.seconds, logs)
        for kind in kinds:
            try:
                result["databases"][kind] = run.run_database(
                    kind, scale, wrk, workdir, args.postgres_url, levels, args.seconds, only, logs
                )
            except Exception as error:  # one database failing still reports the other
                traceback.print_exc()
                result["databases"][kind] = {"error": f"{type(error).__name__}: {error}"}
        if not args.no_burst:
            for kind in kinds:
                try:
                    result["burst"][kind] = run.run_burst(
                        kind, args.burst_people, args.burst_window, workdir, args.postgres_url, logs
                    )
                except Exception as error:
                    traceback.print_exc()
                    result["burst"][kind] = {"error": f"{type(error).__name__}: {error}"}
        if logs.exists() and logs.stat().st_size:
            tail = logs.read_text(errors="replace").strip().splitlines()[-5:]
            result["server_log_tail"] = tail
    result["targets"] = report.targets(result)
    result["minutes"] = round((time.monotonic() - started) / 60, 1)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result["notes"].append(
        f"Run took {result['minutes']} min; load average {load_after} at the end."
    )
    print()
    print(report.render(result))
    path = report.write(result, args.out)
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
