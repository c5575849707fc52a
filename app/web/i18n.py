"""Locale and time zone selection for Flask-Babel, and the templates' gettext."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_translations
from jinja2 import pass_context

# The request's catalogue, put in each template's context once per render.
CATALOGUE = "_catalogue"


def select_locale() -> str:
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _catalogue(context):
    """The render's catalogue; a macro imported without the context looks it up."""
    return context.get(CATALOGUE) or get_translations()


@pass_context
def _gettext(context, string):
    return _catalogue(context).ugettext(string)


@pass_context
def _ngettext(context, singular, plural, n):
    return _catalogue(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context, message_context, string):
    return _catalogue(context).upgettext(message_context, string)


@pass_context
def _npgettext(context, message_context, singular, plural, n):
    return _catalogue(context).unpgettext(message_context, singular, plural, n)


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
