"""Counts of four digits or more in translated sentences are grouped in thousands as the
language writes them (Vietnamese "4.253", English "4,253"), in templates and in the code;
numbers that name something (a row, a version) are left as they are."""

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, ngettext

UNREAD = ("%(num)d unread notification", "%(num)d unread notifications")
VOTED = "%(voted)d of %(eligible)d people have voted (%(rate)s)."
TOO_LONG = "At most %(max)d characters."


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def test_the_code_groups_counts_in_the_language_of_the_page(request_context):
    assert ngettext(*UNREAD, 4253) == "4.253 thông báo chưa đọc"
    assert gettext(VOTED, voted=1523, eligible=20000, rate="7,6%") == (
        "Đã có 1.523/20.000 người bình chọn (7,6%)."
    )
    assert str(lazy_gettext(VOTED, voted=12, eligible=20000, rate="0,1%")) == (
        "Đã có 12/20.000 người bình chọn (0,1%)."
    )
    with force_locale("en"):
        assert ngettext(*UNREAD, 4253) == "4,253 unread notifications"


def test_small_counts_and_numbers_that_name_something_stay_as_they_are(request_context):
    assert ngettext(*UNREAD, 999) == "999 thông báo chưa đọc"
    assert gettext("The username duplicates row %(row)d.", row=1234) == (
        "Tên đăng nhập bị trùng với dòng 1234."
    )


def test_templates_group_counts_and_still_escape_and_format(request_context):
    page = render_template_string(
        "{{ ngettext(one, many, n) }}|{{ _(voted, voted=1523, eligible=20000, rate=rate) }}"
        "|{{ _('100%%') }}",
        one=UNREAD[0],
        many=UNREAD[1],
        n=12345,
        voted=VOTED,
        rate="<b>",
    )
    assert page == "12.345 thông báo chưa đọc|Đã có 1.523/20.000 người bình chọn (&lt;b&gt;).|100%"
    with force_locale("en"):
        page = render_template_string(
            "{{ ngettext(one, many, 12345) }}", one=UNREAD[0], many=UNREAD[1]
        )
    assert page == "12,345 unread notifications"


def test_the_number_filter_groups_a_count_for_tables(request_context):
    page = render_template_string("{{ 20000 | number }} {{ 999 | number }} {{ none | number }}")
    assert page == "20.000 999 —"
    with force_locale("en"):
        assert render_template_string("{{ 20000 | number }}") == "20,000"


def test_a_form_s_lazy_message_formatted_by_wtforms_groups_its_limit(request_context):
    from wtforms import Form, StringField
    from wtforms.validators import Length

    class Note(Form):
        text = StringField(validators=[Length(max=2000, message=lazy_gettext(TOO_LONG))])

    form = Note(data={"text": "x" * 2001})
    assert not form.validate()
    assert form.text.errors == ["Tối đa 2.000 ký tự."]
