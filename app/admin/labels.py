"""What the audit log shows a person: action names and details as readable text."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.web.labels import COUNCIL_ROLE_LABELS, ROLE_LABELS

# The actions the app records; an action missing here is shown by its code.
ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.password_changed": _l("Changed own password"),
    "auth.logout": _l("Signed out"),
    "campaign.seeded": _l("Campaign created from the plan"),
    "campaign.created": _l("Campaign created"),
    "campaign.updated": _l("Campaign updated"),
    "campaign.item_added": _l("Campaign item added"),
    "campaign.item_updated": _l("Campaign item updated"),
    "campaign.item_deleted": _l("Campaign item deleted"),
    "campaign.item_moved": _l("Campaign item reordered"),
    "demo.seeded": _l("Demo data created"),
    "unit.created": _l("Unit created"),
    "unit.updated": _l("Unit updated"),
    "unit.moved": _l("Unit moved to another parent unit"),
    "unit.head_set": _l("Unit head changed"),
    "unit.deleted": _l("Unit deleted"),
    "user.created": _l("User created"),
    "user.updated": _l("User updated"),
    "user.roles_changed": _l("User roles changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.password_reset": _l("Password reset by an administrator"),
    "users.imported": _l("Users imported"),
    "commitment.created": _l("Commitment started"),
    "commitment.signed": _l("Commitment signed"),
    "commitment.amended": _l("Commitment amended (new version)"),
    "commitment.confirmed": _l("Commitment confirmed"),
    "commitment.returned": _l("Commitment returned"),
    "commitment.reopened": _l("Registration reopened"),
    "commitments.exported": _l("Commitment tracking exported"),
    "assessment.period_set": _l("Assessment period set"),
    "commitment.self_assessed": _l("Commitment self-assessed"),
    "commitment.self_assessment_changed": _l("Self-assessment of a commitment corrected"),
    "commitment.assessed": _l("Commitment assessed"),
    "commendation.proposed": _l("Commendation proposed"),
    "commendation.updated": _l("Commendation proposal changed"),
    "commendation.withdrawn": _l("Commendation proposal withdrawn"),
    "commendation.approved": _l("Commendation approved"),
    "commendation.declined": _l("Commendation declined"),
    "commendation.decision_recorded": _l("Commendation decision recorded"),
    "commendation.rule_updated": _l("Commendation eligibility rules changed"),
    "commendations.exported": _l("Commendation list exported"),
    "initiative.created": _l("Initiative created"),
    "initiative.deleted": _l("Initiative draft deleted"),
    "initiative.author_added": _l("Co-author added to an initiative"),
    "initiative.author_removed": _l("Co-author removed from an initiative"),
    "initiative.file_added": _l("File attached to an initiative"),
    "initiative.file_removed": _l("File removed from an initiative"),
    "initiative.submitted": _l("Initiative submitted"),
    "initiative.returned": _l("Initiative returned for changes"),
    "initiative.rejected": _l("Initiative rejected"),
    "initiative.accepted": _l("Initiative accepted for evaluation"),
    "initiative.endorsed": _l("Initiative put forward by the unit"),
    "initiative.recognized": _l("Initiative recognized by the council"),
    "initiative.not_recognized": _l("Initiative not recognized by the council"),
    "initiatives.exported": _l("Initiatives exported"),
    "voting.round_created": _l("Voting round created"),
    "voting.round_updated": _l("Voting round details changed"),
    "voting.round_deleted": _l("Voting round deleted"),
    "voting.candidates_added": _l("Candidates added to a voting round"),
    "voting.candidate_removed": _l("Candidate removed from a voting round"),
    "voting.round_published": _l("Voting round published"),
    "voting.round_closed": _l("Voting round ended early"),
    "voting.vote_cast": _l("Vote cast"),
    "voting.vote_withdrawn": _l("Vote withdrawn"),
    "voting.results_published": _l("Voting results published"),
    "voting.results_exported": _l("Voting results exported"),
    "report.created": _l("Report written"),
    "report.updated": _l("Report changed"),
    "report.deleted": _l("Report deleted"),
    "report.exported": _l("Report downloaded"),
    "survey.created": _l("Survey created"),
    "survey.updated": _l("Survey details changed"),
    "survey.deleted": _l("Survey deleted"),
    "survey.published": _l("Survey published"),
    "survey.closed": _l("Survey closed"),
    "survey.duplicated": _l("Survey copied for a follow-up"),
    "survey.section_added": _l("Survey section added"),
    "survey.section_updated": _l("Survey section changed"),
    "survey.section_deleted": _l("Survey section deleted"),
    "survey.question_added": _l("Survey question added"),
    "survey.question_updated": _l("Survey question changed"),
    "survey.question_deleted": _l("Survey question deleted"),
    "survey.question_moved": _l("Survey question moved"),
    "survey.submitted": _l("Survey answered"),
    "survey.exported": _l("Survey responses exported"),
    "reminder.sent": _l("Reminders sent"),
    "council.created": _l("Initiative council set up"),
    "council.updated": _l("Initiative council details changed"),
    "council.deleted": _l("Initiative council deleted"),
    "council.member_added": _l("Member added to an initiative council"),
    "council.member_updated": _l("Council member's role changed"),
    "council.member_removed": _l("Member removed from an initiative council"),
    "council.criteria_updated": _l("Council scoring criteria changed"),
    "council.opened": _l("Council session opened"),
    "council.judged": _l("Council member's judgement saved"),
    "council.closed": _l("Council session closed"),
    "council.minutes_exported": _l("Council minutes downloaded"),
    "story.created": _l("Story drafted"),
    "story.updated": _l("Story text changed"),
    "story.links_changed": _l("Story's initiative, person or unit changed"),
    "story.photo_set": _l("Story photo uploaded"),
    "story.photo_described": _l("Story photo description changed"),
    "story.photo_removed": _l("Story photo removed"),
    "story.published": _l("Story published"),
    "story.unpublished": _l("Story taken down"),
    "story.deleted": _l("Story deleted"),
}

# Names of the keys found in the details; a key missing here is shown as it is stored.
DETAIL_LABELS = {
    "after": _l("After"),
    "before": _l("Before"),
    "code": _l("Code"),
    "email": _l("E-mail"),
    "full_name": _l("Full name"),
    "head": _l("Unit head"),
    "imported": _l("Imported"),
    "name": _l("Name"),
    "parent": _l("Parent unit"),
    "position": _l("Position"),
    "previous_head": _l("Previous head"),
    "reason": _l("Reason"),
    "role_granted_to": _l("Unit head role granted to"),
    "role_removed_from": _l("Unit head role removed from"),
    "roles": _l("Roles"),
    "rows": _l("Rows"),
    "skipped": _l("Skipped"),
    "unit": _l("Unit"),
    "username": _l("Username"),
    "users": _l("Users"),
    "units": _l("Units"),
    "version": _l("Version"),
    "digest": _l("SHA-256 digest"),
    "kind": _l("Kind"),
    "open_until": _l("Open until"),
    "size": _l("Size (bytes)"),
    "meeting_on": _l("Meeting date"),
    "meeting_place": _l("Meeting place"),
    "decision": _l("Decision setting it up"),
    "approval": _l("Approvals needed"),
    "role": _l("Role"),
    "count": _l("Number"),
    "source": _l("Copied from"),
    "format": _l("Format"),
    "criteria": _l("Criteria"),
    "council": _l("Council"),
    "initiative": _l("Initiative"),
    "initiatives": _l("Initiatives"),
    "approvals": _l("Approvals / members who judge"),
    "recognized": _l("Recognized"),
    "not_recognized": _l("Not recognized"),
    "fields": _l("Fields changed"),
    "person": _l("Person"),
    "opens_on": _l("First day"),
    "closes_on": _l("Last day"),
    "done": _l("Done"),
    "partly": _l("Partly done"),
    "not_done": _l("Not done"),
    "result": _l("Result"),
    "changed": _l("Ratings changed"),
    "form": _l("Form of commendation"),
    "number": _l("Decision number"),
    "date": _l("Decision date"),
    "min_initiatives": _l("Recognized initiatives at least"),
    "requires_fulfilled": _l("Commitment fulfilled required"),
    "min_votes": _l("Votes at least"),
    "status": _l("Status"),
}
_ROLE_KEYS = {"roles", "before", "after"}


def action_label(action: str) -> str:
    """The Vietnamese name of an audit action, or its code when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _text(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        if set(value) == {"before", "after"}:
            return f"{_text(value['before'])} → {_text(value['after'])}"
        return "; ".join(
            f"{DETAIL_LABELS.get(key, key)}: {_text(item)}" for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


def _council_role(value):
    """A council role, or a {before, after} change of one, by its name."""
    if isinstance(value, dict):
        return {key: _council_role(item) for key, item in value.items()}
    return str(COUNCIL_ROLE_LABELS.get(value, value))


def detail_items(details: dict | None, action: str = "") -> list[tuple[str, str]]:
    """An audit entry's details as (key, text) pairs, in the order they were recorded.

    The role lists of the user.* actions show the roles' names instead of their codes.
    """
    items = []
    for key, value in (details or {}).items():
        if action.startswith("user.") and key in _ROLE_KEYS and isinstance(value, list):
            value = [str(ROLE_LABELS.get(role, role)) for role in value]
        if action.startswith("council.") and key == "role":
            value = _council_role(value)
        items.append((str(DETAIL_LABELS.get(key, key)), _text(value)))
    return items
