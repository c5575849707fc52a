"""Vietnamese text helpers: NFC normalisation, diacritic-free folding for search, name sort keys."""

import unicodedata
from functools import lru_cache

# The Vietnamese alphabet in dictionary order, with the Latin letters it lacks (f, j, w, z) where
# they fall in the Latin alphabet, so foreign names still sort sensibly.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
_OTHER_CODE = "99"  # digits take 80-89, letters 10-42
# Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = {"\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0301": "5", "\u0323": "6"}
# Marks that make a different letter of the alphabet (ă, â, ê, ô, ơ, ư): kept when the tone goes.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(value: str | None) -> str | None:
    """Return the text in Unicode NFC, or None unchanged."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace; None becomes ''."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_paragraphs(value: str | None) -> str:
    """NFC-normalise multi-line text: line breaks kept (as \n), trailing spaces and outer blank
    lines dropped."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip every diacritic and map đ to d, for search: "Đức" -> "duc"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.casefold().replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _split_letter(char: str) -> tuple[str, str]:
    """Split one NFC character into (base letter of the alphabet, tone digit)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "1"
    kept = []
    for part in decomposed:
        if part in _TONE_MARKS:
            tone = _TONE_MARKS[part]
        elif not unicodedata.combining(part) or part in _LETTER_MARKS:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=8192)
def _word_key(word: str) -> str:
    letters = []
    tone = "1"
    for char in word.casefold():
        base, char_tone = _split_letter(char)
        if char_tone != "1":
            tone = char_tone
        if base.isdigit():
            letters.append(f"8{base}")
        elif base:
            letters.append(_LETTER_CODE.get(base, _OTHER_CODE))
    # "00" ends the letters, so a word sorts before the longer words it begins ("an" < "anh"),
    # and a syllable's tones sort after its letters ("an" < "án" < "anh"), as in a dictionary.
    return "".join(letters) + "00" + tone


def text_sort_key(text: str | None) -> str:
    """A key of digits that orders any text in Vietnamese dictionary order, word by word."""
    return "".join(_word_key(word) for word in clean(text).split())


def name_sort_key(full_name: str | None) -> str:
    """A key of digits that orders Vietnamese names by given name, then by the rest.

    "Ngô Đình Thiện" sorts under "Thiện", then "Ngô", then "Đình". Digits only, so the order is
    the same under any database collation (SQLite's binary one, PostgreSQL's locale ones).
    """
    words = clean(full_name).split()
    if not words:
        return ""
    return text_sort_key(" ".join([words[-1], *words[:-1]]))[:250]
