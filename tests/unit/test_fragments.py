"""Kept parts of pages (app/web/fragments.py): drawn once per name, inputs, language and mount
point; the least recently used dropped past the size limit."""

from flask import session
from flask_babel import refresh
from markupsafe import Markup

from app.web import fragments


def test_a_part_is_drawn_once_for_the_same_inputs_and_again_for_others(app):
    fragments.clear()
    drawn = []

    def draw(text):
        def again():
            drawn.append(text)
            return f"<p>{text}</p>"

        return again

    with app.test_request_context():
        first = fragments.drawn("part", (1, "a"), draw("one"))
        assert first == Markup("<p>one</p>") and isinstance(first, Markup)
        assert fragments.drawn("part", (1, "a"), draw("other")) == first
        assert fragments.drawn("part", (2, "a"), draw("two")) == "<p>two</p>"
        assert fragments.drawn("other part", (1, "a"), draw("three")) == "<p>three</p>"
    with app.test_request_context():
        session["lang"] = "en"
        refresh()  # the locale is kept in the test's app context
        assert fragments.drawn("part", (1, "a"), draw("english")) == "<p>english</p>"
    with app.test_request_context(base_url="http://localhost/thidua/"):
        assert fragments.drawn("part", (1, "a"), draw("mounted")) == "<p>mounted</p>"
    assert drawn == ["one", "two", "three", "english", "mounted"]


def test_the_least_recently_used_go_past_the_limit(app, monkeypatch):
    fragments.clear()
    monkeypatch.setattr(fragments, "MAX_CHARACTERS", 25)
    drawn = []

    def draw(name):
        return lambda: drawn.append(name) or name * 10

    with app.test_request_context():
        for name in "ab":
            fragments.drawn(name, (), draw(name))
        fragments.drawn("a", (), draw("a"))  # a used again: b is the oldest
        fragments.drawn("c", (), draw("c"))  # 30 characters: b goes
        fragments.drawn("a", (), draw("a"))
        fragments.drawn("b", (), draw("b"))
    assert drawn == ["a", "b", "c", "b"]
