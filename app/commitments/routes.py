"""The owner's commitment pages: my commitment, my unit's, editing the draft, signing, versions.

The blueprint is shared with review_routes.py (unit heads and the officer) and
tracking_routes.py (tracking, printing and exports).
"""

from flask import Blueprint

bp = Blueprint("commitments", __name__)
