"""Locale and time zone selection for Flask-Babel, the templates' gettext, and counts of four
digits or more written as the language writes them ("4.253" in Vietnamese, "4,253" in English)
in every translated sentence, the templates' and the code's."""

import re
from functools import lru_cache

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, session
from flask_babel import Domain, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

# The request's catalogue, put in each template's context once per render.
CATALOGUE = "_catalogue"


def select_locale() -> str:
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Whole numbers in sentences that name something rather than count it: a commitment's version,
# a spreadsheet's row, a page.
NOT_COUNTS = frozenset({"number", "row", "page", "pages", "year"})
_WHOLE = re.compile(r"%\((\w+)\)d")


@lru_cache(maxsize=1024)
def grouped(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def is_big(value: int) -> bool:
    """Whether a count is written grouped in thousands (from 1,000)."""
    return not -1000 < value < 1000


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def count_text(value: int) -> str:
    """A count as the current language writes it: "20.000" in Vietnamese, "20,000" in
    English, "999" in both."""
    return grouped(value, current_locale()) if is_big(value) else str(value)


def interpolate(text: str, variables: dict) -> str:
    """`text % variables`, with each count of 1,000 or more grouped in thousands as the current
    language writes them. Markup stays Markup (its values escaped, as `%` does)."""
    big = [
        name
        for name, value in variables.items()
        if type(value) is int and is_big(value) and name not in NOT_COUNTS
    ]
    if not big:  # nearly always: formatted as Jinja and Flask-Babel do
        return text % variables
    locale = current_locale()
    spec = _WHOLE.sub(lambda m: f"%({m[1]})s" if m[1] in big else m[0], str(text))
    values = {k: grouped(v, locale) if k in big else v for k, v in variables.items()}
    return (Markup(spec) if isinstance(text, Markup) else spec) % values


class GroupingDomain(Domain):
    """Flask-Babel's catalogue with `interpolate` for the code's gettext and its lazy strings."""

    def gettext(self, string, **variables):
        text = self.get_translations().ugettext(string)
        return interpolate(text, variables) if variables else text

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        text = self.get_translations().upgettext(context, string)
        return interpolate(text, variables) if variables else text

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = self.get_translations().unpgettext(context, singular, plural, num)
        return interpolate(text, variables)


def _lazy_mod(self, values):
    """A lazy string formatted by its user (WTForms' `message % {"max": 2000, ...}`)."""
    return interpolate(str(self), values) if isinstance(values, dict) else str(self) % values


def _catalogue(context):
    """The render's catalogue; a macro imported without the context looks it up."""
    return context.get(CATALOGUE) or get_translations()


def _translated(context, text: str, variables: dict) -> str:
    """What Jinja's newstyle gettext does with a translation, the counts grouped: always
    formatted (a literal % is written %%), Markup where the template escapes."""
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return interpolate(text, variables)


@pass_context
def _gettext(context, string, **variables):
    return _translated(context, _catalogue(context).ugettext(string), variables)


@pass_context
def _ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = _catalogue(context).ungettext(singular, plural, num)
    return _translated(context, text, variables)


@pass_context
def _pgettext(context, message_context, string, **variables):
    text = _catalogue(context).upgettext(message_context, string)
    return _translated(context, text, variables)


@pass_context
def _npgettext(context, message_context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = _catalogue(context).unpgettext(message_context, singular, plural, num)
    return _translated(context, text, variables)


def register(app: Flask) -> None:
    """Templates translate with the catalogue found once per render: Flask-Babel's own
    callables find it again for every string (the locale, its name, the cache), a quarter of a
    long page's time."""

    @app.context_processor
    def catalogue() -> dict:
        return {CATALOGUE: get_translations()}

    app.jinja_env.install_gettext_callables(
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )
    # Installed as they are, not wrapped in Jinja's newstyle functions: they format themselves.
    app.jinja_env.globals.update(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext
    )
    # The code's gettext, ngettext and lazy strings (one Babel for every app of the process).
    babel = app.extensions["babel"].instance
    if not isinstance(babel.__dict__.get("domain_instance"), GroupingDomain):
        babel.domain_instance = GroupingDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    # A lazy string that its user formats (the forms' "At most %(max)d characters.") as well.
    LazyString.__mod__ = _lazy_mod
