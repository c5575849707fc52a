"""The report: a table per database (requests/s, p50/p95/p99, errors, ratios to both baselines,
writes counted in the database), the targets with PASS or FAIL, the burst; the same as JSON."""

import json
import time
from pathlib import Path

from bench.journeys import FLOOR, READS, WRITES

INTERACTIVE = (*READS, *WRITES, "results page", "dashboard")
P95_TARGET_MS = 50
PROVINCE_P95_TARGET_MS = 300
RSS_TARGET_MB = 150
READ_SHARE, WRITE_SHARE = 0.25, 0.20
TARGET_LEVEL = 8


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else "-"


def _writes(figures: dict) -> str:
    check = figures.get("writes") or {}
    if "ok" not in check:
        return ""
    counted = sum((check.get("counted") or {}).values())
    in_db = sum((check.get("in_db") or {}).values())
    return f"{'ok' if check['ok'] else 'MISMATCH'} {in_db}/{counted}"


def table(title: str, journeys: dict, baselines: dict) -> list[str]:
    lines = [
        title,
        f"  {'journey':<18}{'conn':>5}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'×const':>8}{'×r+i':>7}  writes in db/checked",
    ]
    for name, levels in journeys.items():
        for level, figures in levels.items():
            constant = baselines.get("constant", {}).get(level, {}).get("rps")
            read_insert = baselines.get("read+insert", {}).get(level, {}).get("rps")
            lines.append(
                f"  {name:<18}{level:>5}{figures['rps']:>9.1f}{figures['p50_ms']:>9.1f}"
                f"{figures['p95_ms']:>9.1f}{figures['p99_ms']:>9.1f}{figures['errors']:>8}"
                f"{_ratio(figures['rps'], constant):>8}{_ratio(figures['rps'], read_insert):>7}"
                f"  {_writes(figures)}"
            )
    return lines


def baseline_table(baselines: dict) -> list[str]:
    lines = [
        "Baselines (the same gunicorn: 2 sync workers, no keep-alive)",
        f"  {'baseline':<18}{'conn':>5}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}",
    ]
    for name, levels in baselines.items():
        for level, figures in levels.items():
            lines.append(
                f"  {name:<18}{level:>5}{figures['rps']:>9.1f}{figures['p50_ms']:>9.1f}"
                f"{figures['p95_ms']:>9.1f}{figures['p99_ms']:>9.1f}{figures['errors']:>8}"
            )
    return lines


def targets(result: dict) -> list[dict]:
    """Each target with its figure and PASS/FAIL."""
    found = []
    baselines = result.get("baselines", {})
    read_insert = baselines.get("read+insert", {})
    scale = result["scale"]
    for kind, run in result.get("databases", {}).items():
        journeys = run.get("journeys", {})
        top = max((max(levels) for levels in journeys.values()), default=None)
        if top is not None:
            bad = [
                f"{name} ({levels[top]['errors']} errors"
                + ("" if levels[top].get("writes", {}).get("ok", True) else ", writes mismatch")
                + ")"
                for name, levels in journeys.items()
                if top in levels
                and (levels[top]["errors"] or not levels[top].get("writes", {}).get("ok", True))
            ]
            found.append(
                {
                    "target": f"{kind}: 0 errors in every journey at {top} connections",
                    "figure": ", ".join(bad) or "0 errors, writes all counted",
                    "passed": not bad,
                }
            )
        base = read_insert.get(TARGET_LEVEL, {}).get("rps")
        floor = journeys.get(FLOOR, {}).get(TARGET_LEVEL, {}).get("rps")
        for names, share in ((READS, READ_SHARE), (WRITES, WRITE_SHARE)):
            for name in names:
                figures = journeys.get(name, {}).get(TARGET_LEVEL)
                if not figures or not base:
                    continue
                found.append(
                    {
                        "target": f"{kind}: {name} ≥ {share:.0%} of read+insert req/s at "
                        f"{TARGET_LEVEL} connections",
                        "figure": f"{figures['rps']:.1f} req/s = {figures['rps'] / base:.0%} "
                        f"of {base:.1f}"
                        + (f"; {figures['rps'] / floor:.0%} of the {FLOOR}" if floor else ""),
                        "passed": figures["rps"] >= share * base,
                    }
                )
        if scale != "province":
            for name in INTERACTIVE:
                figures = journeys.get(name, {}).get(TARGET_LEVEL)
                if figures:
                    found.append(
                        {
                            "target": f"{kind}: {name} p95 < {P95_TARGET_MS} ms at "
                            f"{TARGET_LEVEL} connections",
                            "figure": f"p95 {figures['p95_ms']:.1f} ms",
                            "passed": figures["p95_ms"] < P95_TARGET_MS,
                        }
                    )
        if scale == "province" and kind == "postgresql":
            for name in ("results page", "dashboard"):
                figures = journeys.get(name, {}).get(TARGET_LEVEL) or next(
                    iter(journeys.get(name, {}).values()), None
                )
                if figures:
                    found.append(
                        {
                            "target": f"province, PostgreSQL: {name} p95 < "
                            f"{PROVINCE_P95_TARGET_MS} ms",
                            "figure": f"p95 {figures['p95_ms']:.1f} ms",
                            "passed": figures["p95_ms"] < PROVINCE_P95_TARGET_MS,
                        }
                    )
        if "export_peak_hwm_mb" in run:
            peak = max(
                run["export_peak_hwm_mb"],
                *(f.get("peak_rss_mb", 0) for f in journeys.get("CSV export", {}).values()),
            )
            target = {
                "target": f"{kind}: worker peak RSS < {RSS_TARGET_MB} MB while exporting "
                f"{run['export_responses']:,} responses as CSV",
                "figure": f"{peak:.1f} MB (VmHWM/VmRSS of the workers)",
                "passed": peak < RSS_TARGET_MB,
            }
            if not (scale == "province" and kind == "postgresql"):
                target["target"] += " (the target is set for 50,000 on PostgreSQL)"
            found.append(target)
    for kind, outcome in result.get("burst", {}).items():
        if "error" in outcome:
            found.append(
                {"target": f"{kind}: deadline burst", "figure": outcome["error"], "passed": False}
            )
            continue
        checks = outcome["checks"]
        found.append(
            {
                "target": f"{kind}: deadline burst of {outcome['people']:,} votes and "
                f"{outcome['people']:,} submissions from distinct people within "
                f"{outcome['window_s']:g} s: nothing lost, nothing duplicated, limits held",
                "figure": (
                    f"{checks['votes']} votes, {checks['responses']} responses, largest ballot "
                    f"{checks['largest_ballot']}, {outcome['errors']} errors; sent within "
                    f"{outcome['sent_within_s']} s, all answered after {outcome['elapsed_s']} s"
                    + (f"; {'; '.join(outcome['problems'])}" if outcome["problems"] else "")
                ),
                "passed": not outcome["problems"]
                and outcome["errors"] == 0
                and outcome["sent_within_s"] <= outcome["window_s"],
            }
        )
    return found


def burst_lines(bursts: dict) -> list[str]:
    lines = []
    for kind, outcome in bursts.items():
        if "error" in outcome:
            lines.append(f"  {kind}: {outcome['error']}")
            continue
        checks = outcome["checks"]
        lines.append(
            f"  {kind}: {outcome['requests']} requests ({outcome['people']} people, one in ten "
            f"double-clicking) sent within {outcome['sent_within_s']} s, last answer after "
            f"{outcome['elapsed_s']} s; p50 {outcome['p50_ms']} ms, p95 {outcome['p95_ms']} ms, "
            f"max {outcome['max_ms']} ms; errors {outcome['errors']}"
        )
        lines.append(
            f"    in the database: {checks['votes']} votes in {checks['ballots']} ballots "
            f"(largest {checks['largest_ballot']}, limit 1), voters without a vote "
            f"{checks['voters_without_vote']}, counts not matching "
            f"{checks['counts_not_matching_ballot']}; {checks['responses']} responses from "
            f"{checks['respondents']} people, {checks['participations']} participations; audit "
            f"{checks['audit_votes']} votes, {checks['audit_submissions']} submissions"
        )
        for sample in outcome.get("error_samples", []):
            lines.append(f"    error: {sample}")
    return lines


def render(result: dict) -> str:
    lines = [
        f"Thi đua benchmark — scale {result['scale']}, {result['seconds']:g} s per step, "
        f"connections {', '.join(str(c) for c in result['levels'])}; "
        f"{result['cpus']} CPUs, load average {result['load_before']} before the run",
        "",
    ]
    if result.get("baselines"):
        lines += [*baseline_table(result["baselines"]), ""]
    for kind, run in result.get("databases", {}).items():
        if "error" in run:
            lines += [f"{kind}: {run['error']}", ""]
            continue
        title = f"{kind} — dataset {run['dataset']} (built in {run['build_seconds']} s)"
        lines += [*table(title, run["journeys"], result.get("baselines", {})), ""]
    if result.get("burst"):
        lines += ["Deadline burst", *burst_lines(result["burst"]), ""]
    lines.append("Targets")
    for target in result["targets"]:
        mark = "PASS" if target["passed"] else "FAIL"
        lines.append(f"  {mark}  {target['target']}: {target['figure']}")
    lines += ["", *result.get("notes", [])]
    return "\n".join(lines)


def write(result: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{result['scale']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    return path
