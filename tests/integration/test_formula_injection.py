"""Issue 9, part 2: a text that a spreadsheet would run as a formula (= + - @ at the start) comes
out of every workbook as plain text: people's names, positions and units as an import or an
admin typed them, and the texts people write (achievements, comments)."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.commendations import services
from app.extensions import db
from app.models.campaigns import AppliesTo, CommendationForm
from tests.conftest import sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.review_helpers import seen

HOSTILE_NAME = '=HYPERLINK("http://10.0.0.1/x","Bấm vào đây")'
HOSTILE_POSITION = "+84 905 123 456"
HOSTILE_UNIT = "@SUM(1+1) Phòng Tổng hợp"


def formulas(data: bytes) -> list[str]:
    """The cells of a workbook that a spreadsheet would read as a formula."""
    found = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value[:1] in "=+-@"):
                    found.append(f"{sheet.title}!{cell.coordinate}: {value}")
    return found


def texts(data: bytes) -> set[str]:
    return {
        cell
        for sheet in load_workbook(io.BytesIO(data)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }


def _hostile_person():
    unit = make_unit(name=HOSTILE_UNIT)
    return make_user(full_name=HOSTILE_NAME, position=HOSTILE_POSITION, unit=unit)


def test_the_tracking_workbook_keeps_hostile_names_as_text(app):
    make_campaign()
    _hostile_person()
    officer = make_user(roles=("officer",))
    client = app.test_client()
    sign_in(client, officer.username)
    response = client.get("/commitments/tracking.xlsx")
    assert response.status_code == 200
    assert formulas(response.data) == []
    assert {"'" + HOSTILE_NAME, "'" + HOSTILE_POSITION, "'" + HOSTILE_UNIT} <= texts(response.data)


def test_the_import_template_keeps_a_hostile_unit_name_as_text(app):
    make_unit(name="=cmd|' /C calc'!A0")
    admin = make_user(roles=("admin",))
    client = app.test_client()
    sign_in(client, admin.username)
    response = client.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    assert formulas(response.data) == []
    assert "'=cmd|' /C calc'!A0" in texts(response.data)


def test_the_commendation_list_keeps_hostile_texts_as_text(app):
    campaign = make_campaign()
    person = _hostile_person()
    officer = make_user(roles=("officer",))
    form = db.session.scalar(
        select(CommendationForm).where(
            CommendationForm.campaign_id == campaign.id,
            CommendationForm.applies_to == AppliesTo.INDIVIDUAL,
        )
    )
    achievement = "=2+2 sáng kiến được công nhận"
    services.propose(seen(officer), campaign, form.id, user_id=person.id, achievement=achievement)
    client = app.test_client()
    sign_in(client, officer.username)
    response = client.get("/commendations/list.xlsx")
    assert response.status_code == 200
    assert formulas(response.data) == []
    assert {"'" + HOSTILE_NAME, "'" + achievement} <= texts(response.data)
