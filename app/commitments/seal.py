"""The seal of a signed commitment: a SHA-256 digest of its canonical content, and an HMAC of
that digest with the signer and time, keyed by the app's secret.

The canonical content names nothing that may change after signing without the commitment
itself changing: the campaign and content areas by id (their wording and order can be edited),
the owner by id, the version number, the title as it read when signed, the answers and the
items in a fixed order.
"""

import hashlib
import hmac
import json
from enum import StrEnum

from app.models.commitments import Commitment, CommitmentVersion


class SealState(StrEnum):
    UNSIGNED = "unsigned"
    VALID = "valid"
    ALTERED = "altered"


def canonical_content(
    commitment: Commitment, version: CommitmentVersion, title_name: str | None = None
) -> bytes:
    """The bytes that are signed: needs the version's items and answers loaded. `title_name`
    is the title as it will read once signed (the stored one when checking)."""
    items = sorted(version.items, key=lambda item: (item.content_area_id, item.position, item.id))
    answers = sorted(version.answers, key=lambda answer: answer.criterion_id)
    content = {
        "campaign": commitment.campaign_id,
        "owner": {"kind": commitment.kind, "user": commitment.user_id, "unit": commitment.unit_id},
        "version": version.number,
        "title": version.title_name if title_name is None else title_name,
        "criterion_acknowledged": version.is_criterion_acknowledged,
        "answers": [[answer.criterion_id, answer.text] for answer in answers],
        "items": [
            [
                item.content_area_id,
                item.position,
                item.text,
                item.target,
                item.due_on.isoformat() if item.due_on else None,
            ]
            for item in items
        ],
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest_of(
    commitment: Commitment, version: CommitmentVersion, title_name: str | None = None
) -> str:
    return hashlib.sha256(canonical_content(commitment, version, title_name)).hexdigest()


def _key(secret: str) -> bytes:
    # A key of its own, derived from the app's secret, used for nothing but seals.
    return hashlib.sha256(b"thidua-commitment-seal:" + secret.encode()).digest()


def seal_of(secret: str, version_id: int, digest: str, signer_id: int, signed_at) -> str:
    """The HMAC that binds the digest to the version, the signer and the time of signing."""
    message = f"{version_id}|{digest}|{signer_id}|{signed_at.isoformat()}"
    return hmac.new(_key(secret), message.encode(), hashlib.sha256).hexdigest()


def seal_state(secret: str, commitment: Commitment, version: CommitmentVersion) -> SealState:
    """Recompute the digest and the seal from what the database holds now."""
    if version.signed_at is None or not version.digest or not version.seal:
        return SealState.UNSIGNED
    digest = digest_of(commitment, version)
    if not hmac.compare_digest(digest, version.digest):
        return SealState.ALTERED
    expected = seal_of(secret, version.id, digest, version.signer_id, version.signed_at)
    if not hmac.compare_digest(expected, version.seal):
        return SealState.ALTERED
    return SealState.VALID
