"""Every string a person reads is in the Vietnamese catalog, translated, in NFC."""

import unicodedata
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}


def _catalog(locale: str):
    path = ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _source_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_vi_catalog_has_every_source_string():
    catalog = _catalog("vi")
    missing = sorted(m for m in _source_msgids() if m not in catalog)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)


def test_vi_catalog_is_fully_translated_and_nfc():
    catalog = _catalog("vi")
    assert not catalog.fuzzy, "a fuzzy header makes pybabel compile skip the whole catalog"
    untranslated, not_nfc = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
        not_nfc += [s for s in strings if s and not unicodedata.is_normalized("NFC", s)]
    assert untranslated == []
    assert not_nfc == []
