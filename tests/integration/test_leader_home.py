"""A leader's "Việc của tôi": the office's key figures (the monitoring dashboard's totals) and
the proposals for commendation waiting for approval, with links; nobody else sees them."""

import re

import pytest

from app.commendations import queries, services
from app.models.campaigns import AppliesTo
from tests.assessment_helpers import fulfilled, open_period, recognized_initiative
from tests.conftest import sign_in
from tests.factories import make_campaign, make_user
from tests.review_helpers import seen, signed_commitment, unit_with_head


@pytest.fixture
def office(app):
    campaign = make_campaign()
    _unit, head, (binh, cuc, _dung) = unit_with_head(3)
    officer = make_user(roles=("officer",))
    open_period(campaign, officer)
    fulfilled(campaign, binh, head)  # signed and confirmed
    signed_commitment(campaign, cuc)  # signed only
    recognized_initiative(campaign, binh)
    form = next(f for f in queries.forms_of(campaign) if f.applies_to == AppliesTo.INDIVIDUAL)
    commendation = services.propose(seen(officer), campaign, form.id, user_id=binh.id)
    return {"campaign": campaign, "binh": binh, "commendation": commendation, "form": form}


def _value(page: str, key: str) -> str:
    return re.search(rf'id="{key}">([^<]*)<', page).group(1)


def test_leader_home_shows_the_key_figures_and_what_waits(app, office):
    client = app.test_client()
    leader = make_user(roles=("leader",))
    sign_in(client, leader.username)
    page = client.get("/").get_data(as_text=True)
    board = client.get("/monitoring/").get_data(as_text=True)
    # The same figures as the dashboard's totals: 6 active people, 2 signed, 1 confirmed.
    assert _value(page, "key-signed") == _value(board, "total-signed") == "33,3%"
    assert _value(page, "key-confirmed") == _value(board, "total-confirmed") == "16,7%"
    assert _value(page, "key-initiatives") == "1"
    assert _value(page, "key-voted") == "—"
    assert "không có khảo sát đang mở" in page
    assert 'href="/monitoring/"' in page
    assert office["binh"].full_name in page
    assert f'href="/commendations/{office["commendation"].id}"' in page
    assert 'href="/commendations/?status=proposed"' in page


@pytest.mark.parametrize("role", ["staff", "officer", "unit_head"])
def test_others_do_not_get_the_leaders_block(app, office, role):
    client = app.test_client()
    sign_in(client, make_user(roles=() if role == "staff" else (role,)).username)
    page = client.get("/").get_data(as_text=True)
    assert 'id="key-figures-heading"' not in page
    assert 'id="to-approve-heading"' not in page
