"""Template filters and globals: local dates as dd/mm/yyyy, role names, the menu."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from flask import Flask, current_app
from flask_babel import format_decimal, get_locale

from app.web.i18n import count_text
from app.web.labels import (
    APPLIES_TO_LABELS,
    ASSESSMENT_STATUS_LABELS,
    COMMENDATION_STATUS_LABELS,
    COMMITMENT_STATUS_LABELS,
    INITIATIVE_STATUS_LABELS,
    RATING_LABELS,
    RESULT_LABELS,
    ROLE_LABELS,
)
from app.web.menu import main_menu


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today in the office's time zone (Asia/Ho_Chi_Minh), whatever the server's zone."""
    return datetime.now(local_zone()).date()


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone())


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def applies_label(value: str) -> str:
    return str(APPLIES_TO_LABELS.get(value, value))


def commitment_status(value: str | None) -> str:
    return str(COMMITMENT_STATUS_LABELS.get(value or "none", value))


def initiative_status(value: str | None) -> str:
    return str(INITIATIVE_STATUS_LABELS.get(value or "draft", value))


def rating_label(value: str | None) -> str:
    return str(RATING_LABELS.get(value or "", value or ""))


def result_label(value: str | None) -> str:
    return str(RESULT_LABELS.get(value or "", value or ""))


def assessment_status(value: str | None) -> str:
    return str(ASSESSMENT_STATUS_LABELS.get(value or "", value))


def commendation_status(value: str | None) -> str:
    return str(COMMENDATION_STATUS_LABELS.get(value or "", value))


def filesize(size: int) -> str:
    """A file's size as a person reads it: "850 KB", "2,4 MB"."""
    if size >= 1024 * 1024:
        return f"{format_decimal(size / (1024 * 1024), '#,##0.0')} MB"
    return f"{max(1, round(size / 1024))} KB"


def short_seal(seal: str | None) -> str:
    """The seal as printed: its first 16 hex digits in groups of four."""
    head = (seal or "")[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def number(value: int | None) -> str:
    """A count as the language writes it: grouped in thousands from 1,000 ("20.000" in
    Vietnamese); "—" for none."""
    return "—" if value is None else count_text(value)


def percent(value: float | None) -> str:
    """A percentage given as 0–100, in the locale's format ("33,3%" in Vietnamese); "—" for
    none (a unit without staff)."""
    if value is None:
        return "—"
    return _percent(value, str(get_locale() or "vi"))


@lru_cache(maxsize=4096)
def _percent(value: float, locale: str) -> str:
    # A dashboard of 300 units formats a thousand rates; Babel parses the pattern each time.
    return format_percent(value / 100, "#,##0.#%", locale=locale)


def register(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["applies_label"] = applies_label
    app.jinja_env.filters["commitment_status"] = commitment_status
    app.jinja_env.filters["initiative_status"] = initiative_status
    app.jinja_env.filters["short_seal"] = short_seal
    app.jinja_env.filters["rating_label"] = rating_label
    app.jinja_env.filters["result_label"] = result_label
    app.jinja_env.filters["assessment_status"] = assessment_status
    app.jinja_env.filters["commendation_status"] = commendation_status
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["main_menu"] = main_menu
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "vi")
    app.jinja_env.add_extension("jinja2.ext.do")
