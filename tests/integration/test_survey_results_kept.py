"""The results page's cards by question are drawn once for the same figures and kept
(app/web/fragments.py): a second reading draws nothing, and every change of what they show — a
new response, an option's wording, the language — draws them again."""

import re
from datetime import date

from app.extensions import db
from app.models.surveys import SurveyOption, SurveyParticipation
from tests.conftest import csrf_token
from tests.factories import make_campaign, make_unit, make_user
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


def _rows(table: str) -> list[str]:
    """The unit names of a rates table's rows, in order."""
    return re.findall(r'<td data-label="Đơn vị">([^<]*)</td>', table)


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def _named_survey(login, unit_names=(), each: int = 1):
    """A named survey for everyone, its officer (of "Văn phòng") signed in, and `each` people in
    each of these new units; returns the survey and {unit: its people}."""
    officer = make_officer(unit=make_unit(name="Văn phòng"))
    survey = make_survey(make_campaign(), officer, is_anonymous=False)
    units = {make_unit(name=name): [] for name in unit_names}
    for unit, people in units.items():
        people.extend(make_user(unit=unit) for _ in range(each))
    login(officer)
    return survey, units


def test_many_units_show_the_lowest_rates_and_fold_the_whole_table(client, login):
    answered = [5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 5, 5, 0, 5]  # of five people in each unit
    names = [f"Phòng số {number:02d}" for number in range(1, len(answered) + 1)]
    survey, units = _named_survey(login, names, each=5)
    for people, done in zip(units.values(), answered, strict=True):
        for person in people[:done]:
            db.session.add(
                SurveyParticipation(
                    survey_id=survey.id, user_id=person.id, answered_on=date(2026, 12, 1)
                )
            )
    db.session.commit()
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    lowest = _table(page, "lagging-rates")
    # Lowest rate first, ties in the table's order: the officer's own unit has not answered.
    assert _rows(lowest) == [
        "Phòng số 13",
        "Văn phòng",
        "Phòng số 09",
        "Phòng số 10",
        "Phòng số 07",
    ]
    assert "0%" in lowest and "20%" in lowest
    folded = page[page.index('<details class="rates-all">') : page.index("</details>")]
    assert "Tỷ lệ tham gia của từng đơn vị (15 đơn vị)" in folded
    assert len(_rows(folded)) == 15 and _rows(folded)[0] == "Phòng số 01"


def test_the_units_are_in_vietnamese_dictionary_order(client, login):
    names = ("Phòng Tổng hợp", "phòng chuyên môn", "Ban Đối ngoại", "Ban Dân tộc")
    survey, _units = _named_survey(login, names)
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    table = _table(page, "rates")
    # Case aside, and Đ after D (a binary order puts "phòng" last and "Đ" after "V").
    assert _rows(table) == [
        "Ban Dân tộc",
        "Ban Đối ngoại",
        "phòng chuyên môn",
        "Phòng Tổng hợp",
        "Văn phòng",
    ]


def test_a_few_units_show_the_whole_table_unfolded(client, login):
    survey, _units = _named_survey(login, [f"Phòng số {number:02d}" for number in range(1, 4)])
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "lagging-rates" not in page and "<details" not in page
    assert _rows(_table(page, "rates")) == [
        "Phòng số 01",
        "Phòng số 02",
        "Phòng số 03",
        "Văn phòng",
    ]
