"""The benchmark's report: the throughput targets against the read+insert baseline, each read
also against the app's signed-in floor."""

from bench import report
from bench.journeys import FLOOR


def _figures(rps: float, p95: float = 10.0) -> dict:
    return {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95, "errors": 0}


def _result(journeys: dict) -> dict:
    return {
        "scale": "default",
        "seconds": 8,
        "levels": [8],
        "cpus": 2,
        "load_before": "0.00",
        "baselines": {"constant": {8: _figures(2000)}, "read+insert": {8: _figures(1000)}},
        "databases": {"sqlite": {"dataset": {}, "build_seconds": 1, "journeys": journeys}},
    }


def _target(found: list[dict], name: str, share: str) -> dict:
    wanted = f"sqlite: {name} ≥ {share} of read+insert req/s at 8 connections"
    return next(target for target in found if target["target"] == wanted)


def test_a_page_passes_at_a_quarter_of_read_insert_and_a_write_fails_under_a_fifth():
    journeys = {
        FLOOR: {8: _figures(500)},
        "home": {8: _figures(250)},
        "vote toggle": {8: _figures(199)},
    }

    found = report.targets(_result(journeys))

    home = _target(found, "home", "25%")
    assert home["passed"] is True
    assert home["figure"] == "250.0 req/s = 25% of 1000.0; 50% of the signed-in floor"
    toggle = _target(found, "vote toggle", "20%")
    assert toggle["passed"] is False
    assert toggle["figure"] == "199.0 req/s = 20% of 1000.0; 40% of the signed-in floor"


def test_without_the_floor_step_the_figure_is_the_baselines_alone():
    found = report.targets(_result({"home": {8: _figures(200)}}))

    home = _target(found, "home", "25%")
    assert home["passed"] is False
    assert home["figure"] == "200.0 req/s = 20% of 1000.0"


def test_the_table_lists_the_floor_with_its_ratios():
    result = _result({FLOOR: {8: _figures(500)}, "home": {8: _figures(250)}})
    result["targets"] = report.targets(result)

    lines = report.render(result).splitlines()

    floor = next(line for line in lines if line.strip().startswith(FLOOR))
    assert floor.split()[-2:] == ["0.25", "0.50"]
