"""The models, one module per domain; importing this package registers them all."""

from app.models.audit import AuditEntry
from app.models.campaigns import (
    AppliesTo,
    Campaign,
    CommendationForm,
    ContentArea,
    Criterion,
    EmulationTitle,
)
from app.models.directory import GRANTABLE_ROLES, Role, Unit, User, UserRole

__all__ = [
    "GRANTABLE_ROLES",
    "AppliesTo",
    "AuditEntry",
    "Campaign",
    "CommendationForm",
    "ContentArea",
    "Criterion",
    "EmulationTitle",
    "Role",
    "Unit",
    "User",
    "UserRole",
]
