"""Routes on the commitments blueprint (see routes.py)."""

from app.commitments.routes import bp  # noqa: F401
