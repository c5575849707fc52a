"""Vietnamese text helpers: folding for search, NFC, sorting by given name."""

import unicodedata

import pytest

from app.text import clean, fold, name_sort_key, text_sort_key


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("thien", "Ngô Đình Thiện"), ("duc", "Hoàng Minh Đức"), ("DUC", "Đức"), ("hang", "Hằng")],
)
def test_fold_typed_without_diacritics_matches(typed, stored):
    assert fold(typed) in fold(stored)


def test_clean_decomposed_input_becomes_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị  Hằng ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert clean(decomposed) == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_name_sort_key_orders_by_given_name_then_family():
    names = ["Ngô Đình Thiện", "Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình", "Bùi Thị Hà"]
    ordered = sorted(names, key=name_sort_key)
    assert ordered == [
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Lê Văn Bình",
        "Bùi Thị Hà",
        "Ngô Đình Thiện",
    ]


def test_name_sort_key_follows_the_vietnamese_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư; a word before the longer word it begins.
    ordered = sorted(["Lê Ân", "Lê Ăn", "Lê An", "Lê Anh", "Lê Đào", "Lê Dung"], key=name_sort_key)
    assert ordered == ["Lê An", "Lê Anh", "Lê Ăn", "Lê Ân", "Lê Dung", "Lê Đào"]


def test_name_sort_key_tones_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    tones = ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    assert sorted(reversed(tones), key=lambda n: name_sort_key("Lê " + n)) == tones


def test_sort_keys_are_digits_so_every_collation_agrees():
    assert name_sort_key("H'Hen Niê").isdigit()
    assert text_sort_key("Phòng Hành chính - Quản trị").isdigit()


def test_clean_paragraphs_keeps_line_breaks_and_composes():
    from app.text import clean_paragraphs

    typed = unicodedata.normalize("NFD", "  Dòng một  \r\nDòng hai\r\n\r\n")
    assert clean_paragraphs(typed) == "Dòng một\nDòng hai"
