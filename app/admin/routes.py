"""Admin screens under /admin/; every route needs the admin role."""

from flask import Blueprint

from app.models.directory import Role
from app.web.access import require_role_for_blueprint

bp = Blueprint("admin", __name__)
require_role_for_blueprint(bp, Role.ADMIN)
