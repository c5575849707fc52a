"""The loaders that run statements built once (app/loading.py): a voting round with its
candidates and a survey with its sections, questions and options, in a fixed number of
statements; loading again after a commit gives what is stored now; a collection the session
holds with uncommitted changes is kept."""

from sqlalchemy import text

from app.extensions import db
from app.models.surveys import SurveySection
from app.surveys import services as surveys
from app.voting import queries as rounds
from tests.factories import make_campaign
from tests.initiative_helpers import make_officer
from tests.survey_helpers import make_survey
from tests.voting_helpers import candidates, make_round


def _shape(survey) -> list:
    return [
        (section.title, [(q.text, [o.text for o in q.options]) for q in survey.questions])
        for section in survey.sections
    ]


def test_a_round_and_a_survey_load_in_a_fixed_number_of_statements(app, count_queries):
    campaign = make_campaign()
    officer = make_officer()
    round_id = make_round(campaign, candidates(campaign, 4), officer).id
    survey_id = make_survey(campaign, officer).id
    db.session.expire_all()
    with count_queries() as statements:
        round_ = rounds.load(round_id)
        survey = surveys.load(survey_id)
        shape = _shape(survey)
        titles = [c.title for c in round_.candidates]
    assert len(statements) == 2 + 4
    assert len(titles) == 4 and len(shape[0][1]) == 10
    assert {"Kế hoạch 146", "Chỉ thị 27"} <= {o for _q, options in shape[0][1] for o in options}


def test_loading_again_after_a_commit_gives_what_is_stored_now(app):
    from app.voting import services as voting
    from tests.review_helpers import seen

    campaign = make_campaign()
    officer = make_officer()
    round_id = make_round(campaign, candidates(campaign, 2), officer, publish=False).id
    survey = surveys.load(make_survey(campaign, officer).id)
    before = _shape(survey)
    third = candidates(campaign, 1)[0].id
    round_ = rounds.load(round_id)
    assert len(round_.candidates) == 2
    voting.add_candidates(seen(officer), round_, [third])
    db.session.commit()  # expires everything
    again = rounds.load(round_.id)
    assert again is round_ and len(again.candidates) == 3
    assert _shape(surveys.load(survey.id)) == before


def test_a_collection_changed_in_the_session_is_kept(app):
    campaign = make_campaign()
    survey = surveys.load(make_survey(campaign, make_officer(), publish=False).id)
    survey.sections.append(SurveySection(position=2, title="Phần hai"))
    again = surveys.load(survey.id)
    assert again is survey and [s.title for s in again.sections][-1] == "Phần hai"


def test_a_commit_inside_kept_after_commit_leaves_the_round_loaded_and_a_rollback_does_not(
    app, count_queries
):
    from app.loading import expired, kept_after_commit

    campaign = make_campaign()
    round_id = make_round(campaign, candidates(campaign, 4), make_officer()).id
    round_ = rounds.load(round_id)
    with kept_after_commit():
        db.session.commit()
    assert db.session().expire_on_commit  # as it was after the block
    with count_queries() as statements:
        titles = [c.title for c in round_.candidates]
    assert statements == [] and len(titles) == 4
    assert not expired(round_, "candidates")
    with kept_after_commit():
        db.session.execute(text("SELECT 1"))  # a transaction, as a vote's
        db.session.rollback()
        assert round_.title  # a retry reads the columns again...
    assert expired(round_, "candidates")  # ...not the candidates: load it again
    assert not expired(rounds.load(round_id), "candidates")
    db.session.commit()
    assert expired(round_)
