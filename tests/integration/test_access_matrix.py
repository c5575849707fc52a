"""The access matrix (issue 9): every route of the URL map, each of its GET and POST methods,
requested by seven visitors, each answer compared with MATRIX.

Figures: 176 endpoints (static left out: it serves files to anyone), 217 (endpoint, method)
pairs, 7 visitors: 1,519 requests checked, each visitor in a world of its own.

A visitor's world holds one object of each kind in a state where its routes are reachable:
the staff member (unit A) owns the commitment, the submitted initiative and its attachment, and
the notification; the other visitor with a unit is the head of unit B, who must not reach unit
A's people's things. GETs come first, then the POSTs, those that remove or end something last.
A POST carries the session's CSRF token and an almost empty form: an allowed visitor gets an
answer other than 401, 403, 404, 500 (it may be refused as invalid, 400/409/422, or redirected),
a refused one the exact status, anonymous a redirect to the sign-in page.
"""

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app, url_for
from sqlalchemy import select

from app.admin.import_service import start_import
from app.campaigns import services as campaigns
from app.commendations import services as commendations
from app.extensions import db
from app.initiatives import attachments
from app.initiatives import services as initiatives
from app.models.campaigns import AppliesTo, CommendationForm, ContentArea
from app.models.commitments import CommitmentItem, CommitmentVersion
from app.models.initiatives import InitiativeAuthor
from app.notifications.services import notify
from app.reports import services as reports
from app.showcase import services as showcase
from app.web.filters import local_today
from tests.conftest import csrf_token, sign_in
from tests.council_helpers import make_council, seat_people
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_initiative, pdf_bytes, upload
from tests.review_helpers import seen, signed_commitment, unit_with_head
from tests.story_helpers import make_story, png_bytes
from tests.survey_helpers import EVERY_KIND, make_survey
from tests.voting_helpers import candidates, make_round


@dataclass
class World:
    people: dict  # visitor name -> User (no "anonymous")
    values: dict  # URL argument name -> value
    overrides: dict  # endpoint or blueprint -> {argument name: value} where a name differs


def _import_token(admin) -> str:
    """A pending import of the admin's, as the upload leaves it for the preview."""
    rows = "Tên đăng nhập,Họ và tên\r\nnguyenvana,Nguyễn Văn A".encode()
    return start_import(
        io.BytesIO(rows),
        "nguoi-dung.csv",
        "Mật-khẩu-thử-1",
        admin,
        Path(current_app.instance_path) / "imports",
        1_000_000,
    )


def build_world() -> World:
    campaign = make_campaign()
    unit_a, _head_a, _ = unit_with_head(name="Phòng Tổng hợp")
    _unit_b, head_b, _ = unit_with_head(name="Phòng Kinh tế")
    office = make_unit(name="Phòng Hành chính - Quản trị")
    staff = make_user(unit=unit_a, full_name="Phạm Thị Mai Anh")
    officer = make_user(roles=("officer",), unit=office)
    comms = make_user(roles=("comms",), unit=office)
    leader = make_user(roles=("leader",), unit=office)
    admin = make_user(roles=("admin",), unit=office)

    area = db.session.scalar(
        select(ContentArea)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position)
    )
    commitment = signed_commitment(campaign, staff)
    commitment_item_id = db.session.scalar(
        select(CommitmentItem.id)
        .join(CommitmentVersion)
        .where(CommitmentVersion.commitment_id == commitment.id)
    )

    initiative = make_initiative(staff, campaign)
    attachment = attachments.add(staff, initiative, upload(pdf_bytes(), "thuyet-minh.pdf"))
    initiatives.submit(staff, initiative)
    author = db.session.scalar(
        select(InitiativeAuthor).where(InitiativeAuthor.initiative_id == initiative.id)
    )

    nominated = candidates(campaign, 2, officer=officer)
    round_ = make_round(campaign, nominated, officer=officer, max_votes=1)
    round_id, candidate_id = round_.id, round_.candidates[0].id
    council = make_council(campaign, officer, seat_people(3))
    council_id, member_id = council.id, council.members[0].id

    survey = make_survey(campaign, officer, questions=(EVERY_KIND[0], EVERY_KIND[6]))
    survey_id, section_id = survey.id, survey.sections[0].id
    question_id = survey.questions[0].id
    text_question_id = survey.questions[1].id
    second_survey = make_survey(campaign, officer, questions=EVERY_KIND[:1], title="Lần hai")
    assert second_survey.id != survey_id  # the comparison needs another published survey
    spare_area = campaigns.add_item(
        seen(officer), campaign, "content-area", {"code": "6", "title": "Nội dung thêm"}
    )
    story = make_story(comms, publish=True)
    story = showcase.set_photo(seen(comms), story, upload(png_bytes(), "anh.png"), "Ảnh")

    today = local_today()
    report = reports.create_report(
        seen(officer),
        campaign,
        {
            "kind": "interim",
            "period_start": today - timedelta(days=30),
            "period_end": today,
            "subject": "Sơ kết Phong trào thi đua 6 tháng",
        },
    )
    form = db.session.scalar(
        select(CommendationForm)
        .where(
            CommendationForm.campaign_id == campaign.id,
            CommendationForm.applies_to == AppliesTo.INDIVIDUAL,
        )
        .order_by(CommendationForm.position)
    )
    commendation = commendations.propose(
        seen(officer), campaign, form.id, user_id=staff.id, achievement="Hoàn thành xuất sắc."
    )
    notification = notify(staff.id, "initiative.accepted", {"title": initiative.title})
    db.session.commit()

    values = {
        "area_id": area.id,
        "attachment_id": attachment.id,
        "author_id": author.id,
        "campaign_id": campaign.id,
        "candidate_id": candidate_id,
        "commendation_id": commendation.id,
        "commitment_id": commitment.id,
        "council_id": council_id,
        "decision": "accept",
        "filename": "css/app.css",
        "form_id": form.id,
        "initiative_id": initiative.id,
        "item_id": area.id,
        "kind": "content-area",
        "member_id": member_id,
        "name": story.photo_name,
        "notification_id": notification.id,
        "number": 1,
        "question_id": question_id,
        "report_id": report.id,
        "round_id": round_id,
        "section_id": section_id,
        "story_id": story.id,
        "survey_id": survey_id,
        "token": _import_token(admin),
        "unit_id": unit_a.id,
        "user_id": staff.id,
    }
    people = {
        "staff": staff,
        "other_head": head_b,
        "officer": officer,
        "comms": comms,
        "leader": leader,
        "admin": admin,
    }
    # Where one argument name means different things on different routes.
    overrides = {
        # FINDING: deleting a content area that commitment items use was a 500 (foreign key);
        # the service now refuses it (test_campaigns). Here the officer deletes a spare one.
        "campaigns": {"item_id": spare_area.id},
        "commitments": {"item_id": commitment_item_id},
        "surveys.texts": {"question_id": text_question_id},
    }
    return World(people, values, overrides)


# Expectations ---------------------------------------------------------------------------------

ANON, STAFF, OTHER_HEAD = "anonymous", "staff", "other_head"
OFFICER, COMMS, LEADER, ADMIN = "officer", "comms", "leader", "admin"
SIGNED_IN = (STAFF, OTHER_HEAD, OFFICER, COMMS, LEADER, ADMIN)
VISITORS = (ANON, *SIGNED_IN)

LOGIN = "to sign-in"  # 302 to /login?next=...
ACCEPTED = "accepted"  # a POST taken in: anything but 401, 403, 404 and 500


@dataclass(frozen=True)
class Redirect:
    to: str  # the start of the Location's path

    def __str__(self):
        return f"redirect to {self.to}"


def see(path: str) -> Redirect:
    return Redirect(path)


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    get: object = 200  # what an allowed visitor's GET gives (a status or a Redirect)
    denied: int = 403  # what a signed-in visitor outside `allowed` gets
    anonymous: object = LOGIN
    special: tuple = ()  # (visitor, answer) pairs for a GET that differs

    def expects(self, visitor: str, method: str):
        special = dict(self.special)
        if method == "GET" and visitor in special:
            return special[visitor]
        if visitor == ANON:
            return self.anonymous if self.anonymous == LOGIN or method == "GET" else ACCEPTED
        if visitor not in self.allowed:
            return self.denied
        return self.get if method == "GET" else ACCEPTED


def only(*visitors, get=200, denied=403, **special) -> Rule:
    """These signed-in visitors get in, the others signed in `denied`, anonymous signs in."""
    return Rule(frozenset(visitors), get, denied, special=tuple(special.items()))


def signed_in(get=200, **special) -> Rule:
    return only(*SIGNED_IN, get=get, **special)


def public(get=200, **special) -> Rule:
    return Rule(frozenset(SIGNED_IN), get, anonymous=get, special=tuple(special.items()))


def nobody() -> Rule:
    """Nobody of the seven in this world: the route is for someone else (the head of unit A,
    a council's chair) or for a later state (a closed round's results)."""
    return only()


owner = only(STAFF)
officer_only = only(OFFICER)
officer_leader = only(OFFICER, LEADER)
admin_only = only(ADMIN)
comms_only = only(COMMS)
reads_commitment = only(
    STAFF, OFFICER, LEADER
)  # services.can_view: owner, reviewer, officer, leaders

MATRIX = {
    # sign-in, home, directory
    "auth.login": public(**{v: see("/") for v in SIGNED_IN}),
    "auth.logout": public(get=see("/login")),  # signing out when not signed in is harmless
    "auth.change_password": signed_in(),
    "main.home": signed_in(),
    "main.directory": signed_in(),
    "main.people_choices": signed_in(),
    "main.my_unit": only(OTHER_HEAD, get=see("/directory/")),
    "main.healthz": public(),
    "main.set_language": public(),
    # admin
    "admin.index": only(ADMIN, get=see("/admin/users/")),
    "admin.audit": admin_only,
    "admin.units": admin_only,
    "admin.unit_new": admin_only,
    "admin.unit_edit": admin_only,
    "admin.unit_head": admin_only,
    "admin.unit_move": admin_only,
    "admin.unit_delete": admin_only,
    "admin.users": admin_only,
    "admin.user_new": admin_only,
    "admin.user_edit": admin_only,
    "admin.user_password": admin_only,
    "admin.user_deactivate": admin_only,
    "admin.user_reactivate": admin_only,
    "admin.import_users": admin_only,
    "admin.import_template": admin_only,
    "admin.import_preview": admin_only,
    "admin.import_confirm": admin_only,
    "admin.import_cancel": admin_only,
    # campaigns
    "campaigns.current": signed_in(),
    "campaigns.detail": signed_in(),
    "campaigns.index": officer_only,
    "campaigns.create": officer_only,
    "campaigns.edit": officer_only,
    "campaigns.items": only(OFFICER, get=see("/campaigns/")),
    "campaigns.add_item": officer_only,
    "campaigns.edit_item": officer_only,
    "campaigns.move_item": officer_only,
    "campaigns.delete_item": officer_only,
    # commitments: the staff member's own, unit B's head's unit, the officer's follow-up
    "commitments.mine": signed_in(),
    "commitments.start": signed_in(),
    "commitments.show": owner,
    "commitments.sign": only(STAFF, get=see("/commitments/")),  # signed already: back to it
    "commitments.area": only(STAFF, get=see("/commitments/")),
    "commitments.edit_item": only(STAFF, get=see("/commitments/")),
    "commitments.add_item": owner,
    "commitments.delete_item": owner,
    "commitments.details": owner,
    "commitments.amend": owner,
    "commitments.self_assessment": owner,
    "commitments.version": reads_commitment,
    "commitments.print_version": reads_commitment,
    "commitments.print_docx": reads_commitment,
    "commitments.unit": only(OTHER_HEAD),
    "commitments.start_unit": only(OTHER_HEAD),
    "commitments.members": only(OTHER_HEAD),
    "commitments.members_xlsx": only(OTHER_HEAD),
    "commitments.review": nobody(),  # the head of unit A's
    "commitments.confirm": nobody(),
    "commitments.return": nobody(),
    "commitments.assess": nobody(),
    "commitments.units": officer_only,
    "commitments.reopen": officer_only,
    "commitments.assessment_period": officer_only,
    "commitments.tracking": officer_leader,
    "commitments.tracking_xlsx": officer_leader,
    # initiative council (being prepared, none of the visitors seated)
    "councils.index": signed_in(),
    "councils.new": officer_only,
    "councils.show": officer_leader,
    "councils.edit": officer_only,
    "councils.delete": officer_only,
    "councils.members": officer_only,
    "councils.add_member": officer_only,
    "councils.member_role": officer_only,
    "councils.remove_member": officer_only,
    "councils.criteria": officer_only,
    "councils.open_session": officer_only,
    "councils.close": nobody(),  # the chair's
    "councils.judge": nobody(),  # the seated members'
    "councils.results": only(OFFICER, LEADER, get=see("/council/")),  # not closed yet
    "councils.minutes_docx": only(OFFICER, LEADER, get=see("/council/")),
    # initiatives: the staff member's, submitted
    "initiatives.index": signed_in(),
    "initiatives.mine": signed_in(),
    "initiatives.new": signed_in(),
    "initiatives.show": only(STAFF, OFFICER, LEADER),
    "initiatives.download": only(STAFF, OFFICER, LEADER),
    "initiatives.edit": only(STAFF, get=see("/initiatives/")),  # submitted: not editable
    "initiatives.delete": owner,
    "initiatives.add_author": owner,
    "initiatives.remove_author": owner,
    "initiatives.shares": owner,
    "initiatives.upload": owner,
    "initiatives.remove_attachment": owner,
    "initiatives.review": officer_only,
    "initiatives.decide": officer_only,
    "initiatives.export": officer_leader,
    "initiatives.endorse": nobody(),  # the head of unit A's
    # notifications: the staff member's; another's is hidden
    "notifications.index": signed_in(),
    "notifications.mark_all_read": signed_in(),
    "notifications.mark_read": only(STAFF, denied=404),
    # voting: a round open now, results after close
    "voting.index": signed_in(),
    "voting.show": signed_in(),
    "voting.vote": signed_in(),
    "voting.receipt": signed_in(),
    "voting.results": nobody(),  # before close, to nobody
    "voting.export": nobody(),
    "voting.non_voters": officer_leader,
    "voting.new": officer_only,
    "voting.edit": only(OFFICER, get=see("/voting/")),  # published: no longer edited
    "voting.candidates": only(OFFICER, get=see("/voting/")),
    "voting.remove_candidate": officer_only,
    "voting.publish": officer_only,
    "voting.close": officer_only,
    "voting.publish_results": officer_only,
    "voting.delete": officer_only,
    # surveys: one published and open, anonymous
    "surveys.index": signed_in(),
    "surveys.answer": signed_in(),
    "surveys.thanks": signed_in(get=see("/surveys/")),  # not answered yet
    "surveys.new": officer_only,
    "surveys.from_template": officer_only,
    "surveys.build": officer_only,
    "surveys.edit": officer_only,
    "surveys.preview": officer_only,
    "surveys.add_section": officer_only,
    "surveys.edit_section": officer_only,
    "surveys.delete_section": officer_only,
    "surveys.new_question": officer_only,
    "surveys.edit_question": officer_only,
    "surveys.duplicate_question": officer_only,
    "surveys.move_question": officer_only,
    "surveys.delete_question": officer_only,
    "surveys.publish": officer_only,
    "surveys.close": officer_only,
    "surveys.duplicate": officer_only,
    "surveys.delete": officer_only,
    "surveys.results_page": officer_leader,
    "surveys.texts": officer_leader,
    "surveys.compare": officer_leader,
    "surveys.export_csv": officer_leader,
    "surveys.export_xlsx": officer_leader,
    "surveys.summary_docx": officer_leader,
    # monitoring, reminders, reports
    "monitoring.dashboard": officer_leader,
    "reminders.index": officer_only,
    "reminders.new": officer_only,
    "reports.index": officer_leader,
    "reports.show": officer_leader,
    "reports.docx": officer_leader,
    "reports.xlsx": officer_leader,
    "reports.new": officer_only,
    "reports.edit": officer_only,
    "reports.delete": officer_only,
    # showcase: a published story with a photo
    "showcase.index": signed_in(),
    "showcase.show": signed_in(),
    "showcase.feed": public(),
    "showcase.photo_file": public(),
    "showcase.manage": comms_only,
    "showcase.new": comms_only,
    "showcase.edit": comms_only,
    "showcase.photo": comms_only,
    "showcase.remove_photo": comms_only,
    "showcase.links": comms_only,
    "showcase.publish": comms_only,
    "showcase.unpublish": comms_only,
    "showcase.delete": comms_only,
    # commendations: the officer proposes, leaders decide
    "commendations.index": officer_leader,
    "commendations.show": officer_leader,
    "commendations.list_xlsx": officer_leader,
    "commendations.list_docx": officer_leader,
    "commendations.eligible": officer_only,
    "commendations.propose_eligible": officer_only,
    "commendations.rule": officer_only,
    "commendations.new": officer_only,
    "commendations.edit": officer_only,
    "commendations.withdraw": officer_only,
    "commendations.decision": officer_only,
    "commendations.approve": only(LEADER),
    "commendations.decline": only(LEADER),
}

# Endpoints left out on purpose: static serves the app's own files to anyone.
EXCLUDED = {"static"}
NOT_YET: set[str] = set()

# POSTs that remove or end something, in the order they run after all the others, so that
# no request meets an object an earlier one took away.
LAST = (
    "initiatives.remove_attachment",
    "initiatives.remove_author",
    "commitments.delete_item",
    "campaigns.delete_item",
    "councils.remove_member",
    "voting.remove_candidate",
    "surveys.delete_question",
    "surveys.delete_section",
    "showcase.remove_photo",
    "showcase.unpublish",
    "commendations.approve",
    "commendations.decline",
    "commendations.withdraw",
    "voting.close",
    "voting.publish_results",
    "surveys.close",
    "admin.import_cancel",
    "admin.user_deactivate",
    "admin.unit_delete",
    "initiatives.delete",
    "councils.delete",
    "voting.delete",
    "surveys.delete",
    "reports.delete",
    "showcase.delete",
    "auth.logout",
)


def query_strings(values) -> dict:
    """What a page needs after the "?" to show anything."""
    return {
        "main.people_choices": "picker=people&find=anh",
        "reminders.new": f"kind=survey&subject={values['survey_id']}",
        "surveys.new_question": "kind=short_text",
    }


def bodies(values) -> dict:
    """The one field without which a POST would not find its object."""
    return {
        "campaigns.move_item": {"direction": "up"},
        "commendations.propose_eligible": {"form_id": values["form_id"]},
    }


def all_requests(app, world) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every route, GETs first, the LAST POSTs at the end."""
    queries = query_strings(world.values)
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in EXCLUDED:
                continue
            args = {name: world.values[name] for name in rule.arguments}
            for prefix, changes in world.overrides.items():
                if rule.endpoint == prefix or rule.endpoint.startswith(prefix + "."):
                    args.update((k, v) for k, v in changes.items() if k in args)
            path = url_for(rule.endpoint, **args)
            if rule.endpoint in queries:
                path += "?" + queries[rule.endpoint]
            for method in sorted(rule.methods & {"GET", "POST"}):
                requests.append((rule.endpoint, method, path))

    def order(request):
        endpoint, method, _path = request
        if method == "GET":
            return (0, 0)
        return (1, LAST.index(endpoint) + 1 if endpoint in LAST else 0)

    return sorted(requests, key=order)


def answer_of(response):
    """The response as the matrix writes it."""
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login"):
        return LOGIN
    if response.status_code in (301, 302, 303):
        return Redirect(location)
    return response.status_code


def meets(answer, expected) -> bool:
    if expected == ACCEPTED:
        return answer not in (401, 403, 404, 500, LOGIN)
    if isinstance(expected, Redirect):
        return isinstance(answer, Redirect) and answer.to.startswith(expected.to)
    return answer == expected


def visit(app, world, visitor) -> tuple[list[str], int]:
    """Every request as `visitor`: the mismatches, and how many requests were made."""
    client = app.test_client()
    if visitor != ANON:
        assert sign_in(client, world.people[visitor].username).status_code == 303
    token = csrf_token(client, "/login" if visitor == ANON else "/")
    extra = bodies(world.values)
    wrong, count = [], 0
    for endpoint, method, path in all_requests(app, world):
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token, **extra.get(endpoint, {})})
        response.close()  # a file sent is closed at once
        count += 1
        answer = answer_of(response)
        expected = MATRIX[endpoint].expects(visitor, method)
        if not meets(answer, expected):
            wrong.append(
                f"{method} {path} ({endpoint}) as {visitor}: {answer}, expected {expected}"
            )
    return wrong, count


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_answers_each_visitor_as_the_matrix_says(app, visitor):
    world = build_world()
    wrong, count = visit(app, world, visitor)
    assert not wrong, "\n".join(wrong)
    assert count >= 217  # every GET and POST of the 176 endpoints but static


def test_the_matrix_names_every_endpoint_of_the_app(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - EXCLUDED
    missing = endpoints - set(MATRIX) - NOT_YET
    assert not missing, f"routes without an entry in MATRIX: {sorted(missing)}"
    assert not set(MATRIX) - endpoints, f"MATRIX names unknown endpoints: {set(MATRIX) - endpoints}"
    assert len(MATRIX) * len(VISITORS) >= 176 * 7
