"""The production entry point (`gunicorn wsgi:app`) sets the app's lasting objects aside from
the garbage collector and sweeps young objects less often (wsgi.py): a full collection that
walked them all paused every worker for over 100 ms now and then (measured by `make bench`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc, json, wsgi; "
    "print(json.dumps({'frozen': gc.get_freeze_count(), 'threshold': gc.get_threshold(), "
    "'young': wsgi.YOUNG_THRESHOLD, 'app': wsgi.app.name}))"
)


def test_the_entry_point_freezes_what_the_app_holds_and_raises_the_young_threshold(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite'}",
        "THIDUA_INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["app"] == "app"
    # The modules, mappers, templates' environment and catalogues: far more than a page makes.
    assert seen["frozen"] > 50_000
    assert seen["threshold"][0] == seen["young"] > 700
