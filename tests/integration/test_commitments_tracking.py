"""Tracking commitments through the test client: the figures per unit and the totals for a known
office, filters and sort, the names not yet signed, the XLSX export read back, the same number of
queries with 20 and 1,000 staff, who may open it; and the home page's commitment tasks."""

import io
import re
from urllib.parse import unquote

import pytest
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import select

from app.commitments import review
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.commitments import Commitment, CommitmentKind, CommitmentStatus
from app.models.directory import User
from tests.conftest import sign_in
from tests.factories import make_campaign, make_unit, make_user, password_hash
from tests.review_helpers import (
    draft_commitment,
    seen,
    signed_commitment,
    signed_unit_commitment,
    unit_with_head,
)

TRACKING = "/commitments/tracking"
XLSX = "/commitments/tracking.xlsx"


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def office(campaign):
    """Văn phòng (the director and the officer), Phòng Tổng hợp (4: not started, draft, signed,
    confirmed; 50 %), Phòng Kinh tế (3: returned, signed, not started; 33,3 %), an inactive
    person who signed (not counted). Totals: 9 people, 3 signed, 33,3 %."""
    root = make_unit("Văn phòng UBND tỉnh")
    th = make_unit("Phòng Tổng hợp", parent=root)
    kt = make_unit("Phòng Kinh tế", parent=root)
    director = make_user(
        full_name="Ngô Đình Thiện", unit=root, roles=("unit_head", "leader"), position="Chánh VP"
    )
    officer = make_user(full_name="Nguyễn Thị Thu Hằng", unit=root, roles=("officer",))
    for unit in (root, th, kt):
        unit.head_id = director.id
    db.session.commit()
    an, binh, cuc, dung = (
        make_user(full_name=name, unit=th, position="Chuyên viên")
        for name in ("Lê Văn An", "Trần Thị Bình", "Phạm Văn Cúc", "Hoàng Thị Dung")
    )
    em, phuong, giang = (
        make_user(full_name=name, unit=kt, position="Chuyên viên chính")
        for name in ("Vũ Thị Em", "Đặng Văn Phương", "Bùi Thị Giang")
    )
    draft_commitment(campaign, binh)
    signed_commitment(campaign, cuc)
    review.confirm(seen(director), signed_commitment(campaign, dung))
    review.return_commitment(seen(director), signed_commitment(campaign, em), "Bổ sung chỉ tiêu")
    signed_commitment(campaign, phuong)
    gone = make_user(full_name="Người Đã Nghỉ", unit=th)
    signed_commitment(campaign, gone)
    gone.is_active = False
    db.session.commit()
    collective = signed_unit_commitment(campaign, th, seen(director))
    return {
        "root": root,
        "th": th,
        "kt": kt,
        "director": director,
        "officer": officer,
        "an": an,
        "binh": binh,
        "cuc": cuc,
        "dung": dung,
        "em": em,
        "phuong": phuong,
        "giang": giang,
        "collective": collective,
    }


def _table(page: str) -> dict[str, list[str]]:
    """{unit name: [staff, none, draft, signed, confirmed, returned, percent, collective]}."""
    tree = html.fromstring(page)
    rows = {}
    for tr in tree.xpath("//table[contains(@class, 'tracking-table')]//tr[th[@scope='row']]"):
        cells = [" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")]
        name = cells[0].replace("└ ", "")
        rows[name] = cells[1:]
    return rows


def _order(page: str) -> list[str]:
    return [name for name in _table(page) if name != "Tổng cộng"]


def _names(page: str) -> list[str]:
    tree = html.fromstring(page)
    return [
        " ".join(span.text_content().split())
        for span in tree.xpath("//ul[contains(@class, 'names-list')]/li/span[1]")
    ]


# Figures -----------------------------------------------------------------------------------


def test_tracking_figures_per_unit_and_totals(client, login, office):
    login(office["officer"])
    response = client.get(TRACKING)
    assert response.status_code == 200
    table = _table(response.get_data(as_text=True))
    assert _order(response.get_data(as_text=True)) == [
        "Văn phòng UBND tỉnh",
        "Phòng Kinh tế",
        "Phòng Tổng hợp",
    ]
    #                                staff none draft signed confirmed returned  %
    assert table["Văn phòng UBND tỉnh"][:7] == ["2", "2", "0", "0", "0", "0", "0%"]
    assert table["Phòng Tổng hợp"][:7] == ["4", "1", "1", "1", "1", "0", "50%"]
    assert table["Phòng Kinh tế"][:7] == ["3", "1", "0", "1", "0", "1", "33,3%"]
    assert table["Tổng cộng"][:7] == ["9", "4", "1", "2", "1", "1", "33,3%"]
    # The collective commitments: Phòng Tổng hợp's signed, the others not started.
    assert table["Phòng Tổng hợp"][7].startswith("Đã ký")
    assert table["Phòng Kinh tế"][7] == "Chưa lập"
    page = response.get_data(as_text=True)
    assert f"/commitments/{office['collective'].id}/versions/1/print" in page
    assert "Đã ký: 3/9 người (33,3%)." in page


def test_tracking_lists_the_names_not_yet_signed_by_unit(client, login, office):
    login(office["officer"])
    page = client.get(TRACKING).get_data(as_text=True)
    names = _names(page)
    assert sorted(names) == sorted(
        [
            "Ngô Đình Thiện",
            "Nguyễn Thị Thu Hằng",
            "Lê Văn An",
            "Trần Thị Bình",
            "Vũ Thị Em",
            "Bùi Thị Giang",
        ]
    )
    assert "Phạm Văn Cúc" not in names and "Người Đã Nghỉ" not in names
    tree = html.fromstring(page)
    summaries = [" ".join(s.text_content().split()) for s in tree.xpath("//details/summary")]
    assert "Phòng Kinh tế — 2 người" in summaries
    # The names link nowhere: no link to anyone's commitment in the list.
    assert tree.xpath("//ul[contains(@class, 'names-list')]//a") == []


def test_tracking_filter_by_unit_keeps_it_and_its_sub_units(client, login, office):
    login(office["officer"])
    page = client.get(f"{TRACKING}?unit={office['kt'].id}").get_data(as_text=True)
    table = _table(page)
    assert list(table) == ["Phòng Kinh tế", "Tổng cộng"]
    assert table["Tổng cộng"][:7] == ["3", "1", "0", "1", "0", "1", "33,3%"]
    assert sorted(_names(page)) == ["Bùi Thị Giang", "Vũ Thị Em"]
    whole = _table(client.get(f"{TRACKING}?unit={office['root'].id}").get_data(as_text=True))
    assert whole["Tổng cộng"][0] == "9"


def test_tracking_filter_by_status_lists_those_people(client, login, office):
    login(office["officer"])
    page = client.get(f"{TRACKING}?status=draft").get_data(as_text=True)
    assert _order(page) == ["Phòng Tổng hợp"]
    assert _names(page) == ["Trần Thị Bình"]
    assert "Những người ở trạng thái: Bản nháp" in page
    signed = client.get(f"{TRACKING}?status=signed").get_data(as_text=True)
    assert sorted(_names(signed)) == ["Phạm Văn Cúc", "Đặng Văn Phương"]
    bogus = client.get(f"{TRACKING}?status=bogus&unit=99999&sort=nonsense")
    assert bogus.status_code == 200
    assert len(_order(bogus.get_data(as_text=True))) == 3


def test_tracking_sorts_by_a_column_both_ways_with_aria_sort(client, login, office):
    login(office["officer"])
    down = client.get(f"{TRACKING}?sort=-percent").get_data(as_text=True)
    assert _order(down) == ["Phòng Tổng hợp", "Phòng Kinh tế", "Văn phòng UBND tỉnh"]
    tree = html.fromstring(down)
    (sorted_th,) = tree.xpath("//th[@aria-sort]")
    assert sorted_th.get("aria-sort") == "descending" and "Tỷ lệ đã ký" in sorted_th.text_content()
    # The sorted column's link sorts the other way; the others sort ascending first.
    assert sorted_th.xpath(".//a/@href")[0].endswith("sort=percent")
    up = client.get(f"{TRACKING}?sort=percent").get_data(as_text=True)
    assert _order(up) == ["Văn phòng UBND tỉnh", "Phòng Kinh tế", "Phòng Tổng hợp"]
    assert html.fromstring(up).xpath("//th[@aria-sort]/@aria-sort") == ["ascending"]
    staff = client.get(f"{TRACKING}?sort=-staff").get_data(as_text=True)
    assert _order(staff)[0] == "Phòng Tổng hợp"
    by_name = client.get(f"{TRACKING}?sort=unit").get_data(as_text=True)
    assert _order(by_name) == ["Phòng Kinh tế", "Phòng Tổng hợp", "Văn phòng UBND tỉnh"]
    assert html.fromstring(client.get(TRACKING).get_data(as_text=True)).xpath("//@aria-sort") == []


def test_tracking_htmx_returns_the_results_block(client, login, office):
    login(office["officer"])
    response = client.get(f"{TRACKING}?sort=-percent", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith('<div id="tracking-results"')
    assert _order(text)[0] == "Phòng Tổng hợp"


def test_tracking_without_a_campaign_says_so(client, login, app):
    login("officer")
    response = client.get(TRACKING)
    assert response.status_code == 200
    assert "Chưa có phong trào thi đua nào" in response.get_data(as_text=True)
    assert client.get(XLSX).status_code == 404


# The workbook ------------------------------------------------------------------------------


def test_tracking_xlsx_has_vietnamese_headers_figures_and_names(client, login, office):
    login(office["officer"])
    response = client.get(XLSX)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="theo-doi-dang-ky-thi-dua-\d{4}-\d{2}-\d{2}\.xlsx"', disposition)
    vietnamese = unquote(disposition.split("filename*=UTF-8''")[1])
    assert re.fullmatch(r"Theo dõi đăng ký thi đua \d{2}-\d{2}-\d{4}\.xlsx", vietnamese)

    workbook = load_workbook(io.BytesIO(response.data))
    units, people = workbook.worksheets
    header = [cell.value for cell in units[1]]
    assert header[:8] == [
        "Đơn vị",
        "Số công chức, viên chức",
        "Chưa lập",
        "Bản nháp",
        "Đã ký",
        "Đã xác nhận",
        "Trả lại",
        "Tỷ lệ đã ký (%)",
    ]
    assert all(cell.font.bold for cell in units[1])
    assert units.column_dimensions["A"].width >= 30
    rows = {row[0]: row[1:] for row in units.iter_rows(min_row=2, values_only=True)}
    assert rows["Phòng Tổng hợp"][:7] == (4, 1, 1, 1, 1, 0, 50)
    assert rows["Phòng Kinh tế"][:7] == (3, 1, 0, 1, 0, 1, 33.3)
    assert rows["Phòng Tổng hợp"][7] == "Đã ký"
    assert rows["Tổng cộng"][:7] == (9, 4, 1, 2, 1, 1, 33.3)

    assert people.title == "Chưa ký"
    assert [cell.value for cell in people[1]] == ["Họ và tên", "Chức vụ", "Đơn vị", "Trạng thái"]
    listed = {row[0]: row[1:] for row in people.iter_rows(min_row=2, values_only=True)}
    assert listed["Vũ Thị Em"] == ("Chuyên viên chính", "Phòng Kinh tế", "Trả lại")
    assert listed["Trần Thị Bình"] == ("Chuyên viên", "Phòng Tổng hợp", "Bản nháp")
    assert listed["Lê Văn An"][2] == "Chưa lập"
    assert len(listed) == 6

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitments.exported"))
    assert entry.actor_id == office["officer"].id and entry.details["format"] == "xlsx"


def test_tracking_xlsx_keeps_the_filters(client, login, office):
    login(office["officer"])
    response = client.get(f"{XLSX}?unit={office['th'].id}&status=signed")
    workbook = load_workbook(io.BytesIO(response.data))
    units, people = workbook.worksheets
    assert [row[0] for row in units.iter_rows(min_row=2, values_only=True)] == [
        "Phòng Tổng hợp",
        "Tổng cộng",
    ]
    assert people.title == "Đã ký"
    assert [row[0] for row in people.iter_rows(min_row=2, values_only=True)] == ["Phạm Văn Cúc"]


# Queries -----------------------------------------------------------------------------------


def _bulk_staff(campaign, units, count: int, start: int) -> None:
    """`count` active people spread over `units`, a third with commitments in every status."""
    hashed = password_hash("x")
    users = [
        User(
            username=f"bulk{start + i}",
            full_name=f"Nguyễn Văn Số {start + i}",
            position="Chuyên viên",
            unit_id=units[i % len(units)].id,
            password_hash=hashed,
        )
        for i in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    statuses = list(CommitmentStatus)
    db.session.add_all(
        Commitment(
            campaign_id=campaign.id,
            kind=CommitmentKind.INDIVIDUAL,
            user_id=user.id,
            status=statuses[i % len(statuses)],
        )
        for i, user in enumerate(users)
        if i % 3
    )
    db.session.commit()


def test_tracking_runs_the_same_queries_with_20_and_1000_staff(
    client, login, campaign, count_queries
):
    units = [make_unit(f"Phòng số {i}") for i in range(6)]
    db.session.add(
        Commitment(campaign_id=campaign.id, kind=CommitmentKind.UNIT, unit_id=units[0].id)
    )
    officer = make_user(roles=("officer",), unit=units[0])
    _bulk_staff(campaign, units, 19, 0)
    login(officer)

    def queries(path: str) -> tuple[int, str]:
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        return len(statements), response.data.decode() if path == TRACKING else ""

    few, page = queries(TRACKING)
    assert _table(page)["Tổng cộng"][0] == "20"
    few_xlsx, _ = queries(XLSX)
    _bulk_staff(campaign, units, 980, 100)
    many, page = queries(TRACKING)
    assert _table(page)["Tổng cộng"][0] == "1000"
    many_xlsx, _ = queries(XLSX)
    assert few == many
    assert few_xlsx == many_xlsx


# Who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff", 403),
        ("unit_head", 403),
        ("comms", 403),
        ("admin", 403),
        ("officer", 200),
        ("leader", 200),
    ],
)
@pytest.mark.parametrize("path", [TRACKING, XLSX])
def test_tracking_access_by_role(client, login, campaign, role, status, path):
    login(role)
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "Tổng cộng" not in response.get_data(as_text=True)


def test_tracking_anonymous_is_sent_to_sign_in(client, campaign):
    for path in (TRACKING, XLSX):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_tracking_menu_entry_for_the_officer_not_for_staff(app, campaign):
    for role, shown in (("officer", True), ("leader", True), ("staff", False)):
        browser = app.test_client()
        user = make_user(roles=() if role == "staff" else (role,))
        sign_in(browser, user.username)
        page = browser.get("/").get_data(as_text=True)
        assert ('href="/commitments/tracking"' in page) is shown, role


# Việc của tôi ------------------------------------------------------------------------------


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _next_step(page: str) -> str:
    tree = html.fromstring(page)
    (section,) = tree.xpath("//section[@aria-labelledby='commitment-heading']")
    return " ".join(section.text_content().split())


def test_home_without_a_commitment_asks_to_create_one(client, login, campaign):
    login("staff")
    page = _home(client)
    assert "Lập bản đăng ký thi đua" in _next_step(page)
    assert "Chưa lập" in _next_step(page)


def test_home_next_step_for_each_status(app, campaign):
    _unit, head, (drafter, signer, confirmed, returned) = unit_with_head(members=4)
    draft_commitment(campaign, drafter)
    signed_commitment(campaign, signer)
    review.confirm(seen(head), signed_commitment(campaign, confirmed))
    review.return_commitment(
        seen(head), signed_commitment(campaign, returned), "Bổ sung chỉ tiêu đo lường được"
    )
    expected = {
        drafter: ["Bản nháp", "Hoàn thiện và ký bản đăng ký"],
        signer: ["Đã ký", "Chờ Thủ trưởng đơn vị xác nhận"],
        confirmed: ["Đã xác nhận"],
        returned: [
            "Trả lại",
            "Bản đăng ký bị trả lại — sửa đổi và ký lại",
            "Bổ sung chỉ tiêu đo lường được",
        ],
    }
    for user, texts in expected.items():
        browser = app.test_client()
        assert sign_in(browser, user.username).status_code == 303
        section = _next_step(_home(browser))
        for text in texts:
            assert text in section, (user.full_name, text, section)
        assert "Bản in" in section


def test_home_links_the_next_step_to_my_commitment(client, login, campaign):
    login("staff")
    tree = html.fromstring(_home(client))
    links = tree.xpath("//section[@aria-labelledby='commitment-heading']//a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Lập bản đăng ký thi đua", "/commitments/")
    ]


def test_home_unit_head_sees_how_many_wait_for_confirmation(client, login, campaign):
    _unit, head, members = unit_with_head(members=4)
    for member in members[:3]:
        signed_commitment(campaign, member)
    review.confirm(
        seen(head), db.session.scalar(select(Commitment).where(Commitment.user_id == members[0].id))
    )
    draft_commitment(campaign, members[3])
    # Someone else's unit: not counted.
    _other, _other_head, (stranger,) = unit_with_head(members=1)
    signed_commitment(campaign, stranger)
    login(head)
    page = _home(client)
    waiting = html.fromstring(page).xpath("//*[@id='waiting-for-me']")[0].text_content()
    assert "2 bản đăng ký" in " ".join(waiting.split())
    assert "Bản đăng ký thi đua của tập thể" in page


def test_home_officer_sees_the_office_share_signed(client, login, office):
    login(office["officer"])
    page = _home(client)
    value = html.fromstring(page).xpath("//*[@id='office-signed']")[0].text_content()
    assert value.strip() == "33,3%"
    assert 'href="/commitments/tracking"' in page


def test_home_runs_a_bounded_number_of_queries(client, login, campaign, count_queries):
    unit, head, members = unit_with_head(members=3)
    for member in members:
        signed_commitment(campaign, member)
    login(head)
    with count_queries() as few:
        _home(client)
    more = [make_user(unit=unit, commit=False) for _ in range(30)]
    db.session.commit()
    for member in more[:10]:
        db.session.add(
            Commitment(
                campaign_id=campaign.id,
                kind=CommitmentKind.INDIVIDUAL,
                user_id=member.id,
                status=CommitmentStatus.SIGNED,
            )
        )
    db.session.commit()
    with count_queries() as many:
        _home(client)
    assert len(few) == len(many)


def test_unit_of_the_figures_is_the_persons_unit_now(client, login, office):
    """Moving a person to another unit moves their figures with them."""
    cuc = db.session.get(User, office["cuc"].id)
    cuc.unit_id = office["kt"].id
    db.session.commit()
    login(office["officer"])
    table = _table(client.get(TRACKING).get_data(as_text=True))
    assert table["Phòng Kinh tế"][:7] == ["4", "1", "0", "2", "0", "1", "50%"]
    assert table["Phòng Tổng hợp"][:7] == ["3", "1", "1", "0", "1", "0", "33,3%"]
