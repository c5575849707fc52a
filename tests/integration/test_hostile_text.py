"""Issue 9, part 2: script in every text the app shows back comes out harmless on every page.
The access matrix's world is built, then every text a person or an import can write (names,
units, initiative fields, commitment items, survey wording and answers, stories, reports,
commendations, voting rounds, councils) is replaced by a payload, and every GET route is read
as each kind of visitor: no HTML page holds the payload as markup."""

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models.campaigns import Campaign, ContentArea
from app.models.commendations import Commendation
from app.models.commitments import CommitmentItem
from app.models.councils import Council
from app.models.directory import Unit, User
from app.models.initiatives import Initiative
from app.models.reports import Report
from app.models.stories import Story
from app.models.surveys import Survey, SurveyAnswer, SurveyOption, SurveyQuestion
from app.models.voting import VotingCandidate, VotingRound
from tests.conftest import sign_in
from tests.integration.test_access_matrix import ANON, VISITORS, all_requests, build_world

PAYLOAD = "\"'><script>alert('xss')</script><img src=x onerror=alert(1)>"
MARKUP = ("<script>alert('xss')", "<img src=x onerror")
TEXTS = {
    User: ("full_name", "position"),
    Unit: ("name",),
    Campaign: ("name", "purpose"),
    ContentArea: ("title", "description"),
    Initiative: ("title", "current_situation", "solution", "novelty", "benefits_author"),
    CommitmentItem: ("text", "target"),
    VotingRound: ("title", "description"),
    VotingCandidate: ("title", "summary", "authors", "area_title"),
    Council: ("name",),
    Survey: ("title", "introduction"),
    SurveyQuestion: ("text", "help_text"),
    SurveyOption: ("text",),
    Story: ("title", "summary", "body", "photo_alt"),
    Report: ("subject", "organisation", "strengths"),
    Commendation: ("nominee_name", "nominee_position", "nominee_unit", "achievement"),
}


def poison() -> int:
    """Every listed text of every row becomes the payload (as a person could have typed it);
    returns the number of texts changed."""
    changed = 0
    for model, columns in TEXTS.items():
        result = db.session.execute(update(model).values({c: PAYLOAD for c in columns}))
        changed += result.rowcount * len(columns)
    db.session.execute(
        update(SurveyAnswer).where(SurveyAnswer.text_value.is_not(None)).values(text_value=PAYLOAD)
    )
    db.session.commit()
    return changed


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_page_shows_a_script_that_was_typed_in(app, visitor):
    world = build_world()
    usernames = {name: user.username for name, user in world.people.items()}
    assert poison() > 50
    client = app.test_client()
    if visitor != ANON:
        assert sign_in(client, usernames[visitor]).status_code == 303
    pages, unsafe = 0, []
    for endpoint, method, path in all_requests(app, world):
        if method != "GET":
            continue
        response = client.get(path)
        if response.mimetype != "text/html":
            response.close()
            continue
        pages += 1
        body = response.get_data(as_text=True)
        if any(markup in body for markup in MARKUP):
            unsafe.append(f"{path} ({endpoint}): {response.status_code}")
        assert response.status_code < 500, f"{path} ({endpoint}) failed on the payload"
    assert not unsafe, "\n".join(unsafe)
    assert pages >= (5 if visitor == ANON else 30)
