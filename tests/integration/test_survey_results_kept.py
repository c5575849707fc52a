"""The results page's cards by question are drawn once for the same figures and kept
(app/web/fragments.py): a second reading draws nothing, and every change of what they show — a
new response, an option's wording, the language — draws them again."""

from app.extensions import db
from app.models.surveys import SurveyOption
from tests.conftest import csrf_token
from tests.factories import make_campaign, make_user
from tests.initiative_helpers import make_officer
from tests.survey_helpers import answer_all, by_text, make_survey

CARDS = "surveys/results.html#questions"  # the kept part's name (fragments.block)


def cards(page: str) -> str:
    return page[page.index('id="questions-heading"') : page.index("</main>")]


def test_the_cards_are_drawn_again_only_when_what_they_show_changes(client, login, drawings):
    officer = make_officer()
    survey = make_survey(make_campaign(), officer)
    url = f"/surveys/{survey.id}/results"
    login(officer)

    first = client.get(url).get_data(as_text=True)
    assert drawings.count(CARDS) == 1
    assert "0 câu trả lời" in cards(first)
    again = client.get(url).get_data(as_text=True)
    assert drawings.count(CARDS) == 1  # kept
    assert cards(again) == cards(first)

    # A response through the answering pages: its counts show at once.
    answer_all(survey, make_user(), {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    after = client.get(url).get_data(as_text=True)
    assert drawings.count(CARDS) == 2
    single = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    card = after[after.index(f'id="result-{single.id}"') :]
    assert "1 câu trả lời" in card[: card.index("</article>")]

    # An option's wording corrected: the card shows the new one.
    option = db.session.get(SurveyOption, single.options[0].id)
    option.text = "Kế hoạch 146/KH-UBND"
    db.session.commit()
    corrected = client.get(url).get_data(as_text=True)
    assert drawings.count(CARDS) == 3
    assert "Kế hoạch 146/KH-UBND" in cards(corrected)

    # The same figures in English are drawn in English, and the Vietnamese kept for others.
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    english = client.get(url).get_data(as_text=True)
    assert drawings.count(CARDS) == 4
    assert "Answers by question" in english and "1 answer" in cards(english)
    client.post("/language", data={"lang": "vi", "csrf_token": csrf_token(client)})
    assert cards(client.get(url).get_data(as_text=True)) == cards(corrected)
    assert drawings.count(CARDS) == 4
