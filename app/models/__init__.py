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
from app.models.councils import (
    Council,
    CouncilCriterion,
    CouncilJudgement,
    CouncilMember,
    CouncilResult,
    CouncilScore,
    CouncilStatus,
    MemberRole,
)
from app.models.directory import GRANTABLE_ROLES, Role, Unit, User, UserRole
from app.models.initiatives import (
    Initiative,
    InitiativeAttachment,
    InitiativeAuthor,
    InitiativeEvent,
    InitiativeStatus,
)
from app.models.notifications import Notification
from app.models.voting import (
    ResultsMode,
    RoundStatus,
    Vote,
    VotingCandidate,
    VotingParticipant,
    VotingRound,
)

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
    "Council",
    "CouncilCriterion",
    "CouncilJudgement",
    "CouncilMember",
    "CouncilResult",
    "CouncilScore",
    "CouncilStatus",
    "Criterion",
    "CriterionAnswer",
    "EmulationTitle",
    "Initiative",
    "InitiativeAttachment",
    "InitiativeAuthor",
    "InitiativeEvent",
    "InitiativeStatus",
    "MemberRole",
    "Notification",
    "RegistrationReopening",
    "ResultsMode",
    "Role",
    "RoundStatus",
    "Unit",
    "User",
    "UserRole",
    "Vote",
    "VotingCandidate",
    "VotingParticipant",
    "VotingRound",
]
