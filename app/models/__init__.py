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
from app.models.commitments import (
    Commitment,
    CommitmentItem,
    CommitmentKind,
    CommitmentStatus,
    CommitmentVersion,
    CriterionAnswer,
    RegistrationReopening,
)
from app.models.directory import GRANTABLE_ROLES, Role, Unit, User, UserRole
from app.models.notifications import Notification

__all__ = [
    "GRANTABLE_ROLES",
    "AppliesTo",
    "AuditEntry",
    "Campaign",
    "CommendationForm",
    "Commitment",
    "CommitmentItem",
    "CommitmentKind",
    "CommitmentStatus",
    "CommitmentVersion",
    "ContentArea",
    "Criterion",
    "CriterionAnswer",
    "EmulationTitle",
    "Notification",
    "RegistrationReopening",
    "Role",
    "Unit",
    "User",
    "UserRole",
]
