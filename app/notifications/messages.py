"""The sentence of each kind of notification, translated when read, filled from its params."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "commitment.confirmed": _l("Your emulation commitment has been confirmed."),
    "commitment.returned": _l("Your emulation commitment has been returned: %(comment)s"),
    "commitment.unit_confirmed": _l(
        "The collective emulation commitment of %(unit)s has been confirmed."
    ),
    "commitment.unit_returned": _l(
        "The collective emulation commitment of %(unit)s has been returned: %(comment)s"
    ),
    "commitment.reopened": _l(
        "Registration for the emulation movement has been reopened for you until %(date)s."
    ),
    "commitment.unit_reopened": _l(
        "Registration for the emulation movement has been reopened for %(unit)s until %(date)s."
    ),
    "commitment.assessed_fulfilled": _l(
        "The results of your emulation commitment have been assessed: fulfilled."
    ),
    "commitment.assessed_not_fulfilled": _l(
        "The results of your emulation commitment have been assessed: not fulfilled."
    ),
    "commitment.unit_assessed_fulfilled": _l(
        "The results of the collective emulation commitment of %(unit)s have been assessed:"
        " fulfilled."
    ),
    "commitment.unit_assessed_not_fulfilled": _l(
        "The results of the collective emulation commitment of %(unit)s have been assessed:"
        " not fulfilled."
    ),
    "commendation.approved": _l(
        "The Office's leadership has approved proposing you for “%(form)s”."
    ),
    "commendation.unit_approved": _l(
        "The Office's leadership has approved proposing %(unit)s for “%(form)s”."
    ),
    "commendation.decided": _l(
        "You have been awarded “%(form)s” by Decision No. %(number)s of %(date)s."
    ),
    "commendation.unit_decided": _l(
        "%(unit)s has been awarded “%(form)s” by Decision No. %(number)s of %(date)s."
    ),
    "initiative.submitted": _l("%(name)s submitted the initiative “%(title)s” you co-authored."),
    "initiative.returned": _l(
        "The initiative “%(title)s” has been returned for changes: %(comment)s"
    ),
    "initiative.rejected": _l("The initiative “%(title)s” has been rejected: %(comment)s"),
    "initiative.accepted": _l(
        "The initiative “%(title)s” has been accepted for evaluation by the initiative council."
    ),
    "initiative.endorsed": _l("%(name)s has put forward the initiative “%(title)s” for the unit."),
    "initiative.recognized": _l(
        "The initiative council has recognized the initiative “%(title)s”."
    ),
    "initiative.not_recognized": _l(
        "The initiative council has not recognized the initiative “%(title)s”."
    ),
    "voting.results": _l("The results of the voting round “%(title)s” have been published."),
    "reminder": _l("%(title)s: %(body)s"),
    "story.published": _l("A story about you has been published on the showcase: “%(title)s”."),
}
