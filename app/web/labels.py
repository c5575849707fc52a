"""Names a person reads for codes stored in the database."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "staff": _l("Staff member"),
    "unit_head": _l("Unit head"),
    "officer": _l("Emulation officer (Administration Office)"),
    "comms": _l("Communications (Technology and Portal Centre)"),
    "leader": _l("Office leadership"),
    "admin": _l("System administrator"),
}

APPLIES_TO_LABELS = {
    "unit": _l("Units"),
    "individual": _l("Individuals"),
}

# A commitment's status; "none" is a person or unit with no commitment yet.
COMMITMENT_STATUS_LABELS = {
    "none": _l("Not started"),
    "draft": _l("Draft"),
    "signed": _l("Signed"),
    "confirmed": _l("Confirmed"),
    "returned": _l("Returned"),
}

INITIATIVE_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "rejected": _l("Rejected"),
    "accepted": _l("Accepted for evaluation"),
    "recognized": _l("Recognized"),
    "not_recognized": _l("Not recognized"),
}

COUNCIL_STATUS_LABELS = {
    "preparing": _l("Being prepared"),
    "in_session": _l("In session"),
    "closed": _l("Closed"),
}

SURVEY_PHASE_LABELS = {
    "draft": _l("Being prepared"),
    "scheduled": _l("Not open yet"),
    "open": _l("Open for answers"),
    "closed": _l("Closed"),
}

ROUND_PHASE_LABELS = {
    "draft": _l("Being prepared"),
    "scheduled": _l("Not open yet"),
    "open": _l("Voting open"),
    "closed": _l("Voting closed"),
    "results_published": _l("Results published"),
}

COUNCIL_ROLE_LABELS = {
    "chair": _l("Chair of the council"),
    "secretary": _l("Secretary of the council"),
    "member": _l("Member"),
}

REPORT_KIND_LABELS = {
    "interim": _l("Interim report"),
    "final": _l("Final report"),
}

# The end-of-period assessment of a commitment: each item's rating, the overall result, and
# how far the assessment has gone ("" is not yet self-assessed).
RATING_LABELS = {
    "done": _l("Done"),
    "partly": _l("Partly done"),
    "not_done": _l("Not done"),
}

RESULT_LABELS = {
    "fulfilled": _l("Fulfilled"),
    "not_fulfilled": _l("Not fulfilled"),
}

ASSESSMENT_STATUS_LABELS = {
    "": _l("Not self-assessed yet"),
    "self_assessed": _l("Self-assessed"),
    "assessed": _l("Assessed"),
}

COMMENDATION_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
}
