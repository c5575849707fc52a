"""The WSGI entry point: `gunicorn wsgi:app`."""

import gc

from app import create_app

# A page makes and drops tens of thousands of container objects (rows, ORM objects, template
# parts): with Python's default threshold (700) the young generation is swept dozens of times per
# request. Fewer, larger sweeps cost less in all.
YOUNG_THRESHOLD = 50_000

app = create_app()

# What the app holds for its whole life — modules, mappers, compiled statements, templates and
# translations, some 170,000 objects — is set aside from the collector: each full collection
# walked them all, a pause of over 100 ms now and then in every worker (most of the dashboard's
# p95 at province scale). Each gunicorn worker imports this module, so each freezes its own.
gc.collect()
gc.freeze()
gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
