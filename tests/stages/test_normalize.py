"""Normalizers (pure ``str -> str`` character tables) and the offset map back to the raw text."""

from __future__ import annotations

from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.doc import Article
from marsad.options import DEFAULT_OPTIONS
from marsad.stages.normalize import (
    MATCHING_STEPS,
    Normalize,
    Normalized,
    Normalizer,
    OffsetMap,
    compose,
    expand_presentation_forms,
    lowercase_latin,
    normalize,
    normalize_alef,
    normalize_digits,
    normalize_for_matching,
    normalize_hamza,
    normalize_letter_forms,
    normalize_punctuation,
    normalize_ta_marbuta,
    normalize_with_map,
    normalize_ya,
    remove_diacritics,
    remove_invisible,
    remove_tatweel,
)

# the order normalize_for_matching composes them in
SEQUENCE: list[Normalizer] = list(MATCHING_STEPS)

FATHA, DAMMA, KASRA, SUKUN, SHADDA = "\u064e", "\u064f", "\u0650", "\u0652", "\u0651"
FATHATAN, DAMMATAN, KASRATAN, DAGGER_ALEF = "\u064b", "\u064c", "\u064d", "\u0670"
TATWEEL = "\u0640"
LRM, RLM, ZWNJ, ZWJ, ZWSP, RLE, PDF, RLI, PDI = (
    "\u200e", "\u200f", "\u200c", "\u200d", "\u200b", "\u202b", "\u202c", "\u2067", "\u2069",
)
LAM_ALEF = "\ufefb"  # ﻻ isolated
LAM_ALEF_HAMZA = "\ufef7"  # ﻷ
SALLA = "\ufdfa"  # ﷺ, one character -> four words
FATHATAN_ISOLATED = "\ufe70"  # a presentation form of a diacritic: expands to nothing

# ---------------------------------------------------------------------------------------------- single normalizers


@pytest.mark.parametrize(
    ("normalizer", "raw", "expected"),
    [
        (normalize_alef, "أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),
        (normalize_ya, "مصطفى على ی", "مصطفي علي ي"),
        (normalize_ta_marbuta, "مدينة القاهرة", "مدينه القاهره"),
        (normalize_hamza, "مؤتمر رئيس", "موتمر رييس"),
        (normalize_letter_forms, "کتاب ھذا", "كتاب هذا"),
        (remove_diacritics, "مُحَمَّدٌ", "محمد"),
        (remove_diacritics, f"كتابا{FATHATAN} باب{KASRATAN}{DAMMATAN} ه{DAGGER_ALEF}ذا", "كتابا باب هذا"),
        (remove_diacritics, f"ش{SHADDA}{FATHA}د{SUKUN}", "شد"),
        (remove_tatweel, f"جـــميل ب{TATWEEL}ب", "جميل بب"),
        (normalize_digits, "٠١٢٣٤٥٦٧٨٩", "0123456789"),
        (normalize_digits, "۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        (normalize_digits, "عام ٢٠٢٣ و۱۴۰۲ و2024", "عام 2023 و1402 و2024"),
        (normalize_punctuation, "«قال» “نعم” ‘لا’ „x‟", '"قال" "نعم" \'لا\' "x"'),
        (normalize_punctuation, "أ–ب—ج‒د―ه−و‐ز‑ح", "أ-ب-ج-د-ه-و-ز-ح"),
        (normalize_punctuation, "نعم، لا؛ لماذا؟ ٥٪", 'نعم, لا; لماذا? ٥%'),
        (expand_presentation_forms, LAM_ALEF, "لا"),
        (expand_presentation_forms, LAM_ALEF_HAMZA, "لأ"),
        (expand_presentation_forms, "\ufe8d\ufe91", "اب"),  # isolated alef, initial ba
        (remove_invisible, f"{RLM}كيم{LRM} {RLE}جونغ{PDF} {RLI}أون{PDI}{ZWNJ}{ZWJ}{ZWSP}\ufeff\u00ad", "كيم جونغ أون"),
        (lowercase_latin, "AFP Reuters KCNA", "afp reuters kcna"),
    ],
)
def test_each_normalizer(normalizer: Normalizer, raw: str, expected: str) -> None:
    assert normalizer(raw) == expected


def test_ligature_expands_one_char_to_two() -> None:
    raw = f"{LAM_ALEF} شك"
    assert len(raw) == 4
    assert normalize(raw) == "لا شك"


def test_presentation_forms_then_other_normalizers() -> None:
    assert normalize(LAM_ALEF_HAMZA) == "لا"  # ﻷ -> لأ -> لا
    assert normalize(SALLA) == "صلي الله عليه وسلم"
    assert normalize(FATHATAN_ISOLATED) == ""


def test_normalizers_leave_other_characters_alone() -> None:
    text = "ب ت ث ج 123 abc . ,"
    for normalizer in SEQUENCE:
        if normalizer is lowercase_latin:
            continue
        assert normalizer(text) == text, normalizer.name
    assert normalize_alef("ي ء") == "ي ء"


def test_lowercase_is_ascii_only() -> None:
    assert lowercase_latin("ABC xyz É") == "abc xyz É"


def test_full_matching_normalization() -> None:
    raw = f"{RLM}«إِنَّ الـمُؤتمرَ» عُقِدَ فی ٢٠٢٣—{LAM_ALEF} شكّ AFP"
    assert normalize(raw) == '"ان الموتمر" عقد في 2023-لا شك afp'


@pytest.mark.parametrize("normalizer", [*SEQUENCE, normalize_for_matching])
def test_normalizer_is_pure_str_function(normalizer: Normalizer) -> None:
    raw = f"أَحـمد «{LAM_ALEF}» ٣ Mr. ى ة ؤ ئ{RLM}"
    before = str(raw)
    first = normalizer(raw)
    assert isinstance(first, str)
    assert normalizer(raw) == first  # deterministic
    assert raw == before
    assert normalizer("") == ""
    assert normalizer(raw + raw) == first + first  # character-wise: no context
    assert normalizer(first) == first  # idempotent


def test_normalize_is_normalize_for_matching() -> None:
    raw = "الأربعاء ١٣ سبتمبر"
    assert normalize(raw) == normalize_for_matching(raw)
    assert normalize_with_map(raw).text == normalize(raw)


def test_then_applies_the_second_table_to_the_first_output() -> None:
    first = Normalizer("first", {"x": "yz", "a": ""})
    second = Normalizer("second", {"y": "w", "x": "q", "b": "cc"})
    both = first.then(second)
    assert both.name == "first+second"
    for text in ["x", "y", "b", "axb", "xyzab", ""]:
        assert both(text) == second(first(text))
    assert compose(first, second, name="n")(text := "xabyx") == second(first(text))


def test_composition_equals_sequential_application_on_every_table_entry() -> None:
    for char in normalize_for_matching.table:
        assert normalize(char) == reduce(lambda s, n: n(s), SEQUENCE, char), hex(ord(char))


# --------------------------------------------------------------------------------------------------- offset map


def test_offset_map_for_an_expansion_and_deletions() -> None:
    raw = f"{LAM_ALEF} بّـد{RLM}"
    n = normalize_with_map(raw)
    assert n.text == "لا بد"
    assert not n.map.identity
    assert list(n.map.starts) == [0, 0, 1, 2, 5]
    # "ب" maps back with its shadda and tatweel; "لا" maps back to the one ligature character
    assert n.map.span_to_raw(3, 4) == (2, 5)
    assert n.map.span_to_raw(0, 2) == (0, 1)
    assert n.map.span_to_raw(3, 5) == (2, 6)
    assert n.map.to_raw(len(n.text)) == len(raw)
    assert n.map.span_to_norm(2, 6) == (3, 5)
    assert n.map.to_norm(1) == 2


def test_span_maps_back_to_the_raw_word_with_its_diacritics() -> None:
    raw = "قالَ مُحَمَّدٌ إنّ"
    n = normalize_with_map(raw)
    s = n.text.index("محمد")
    rs, re_ = n.map.span_to_raw(s, s + 4)
    assert raw[rs:re_] == "مُحَمَّدٌ"


def test_identity_map_when_nothing_shifts() -> None:
    raw = "أحمد في القاهرة ٢٠٢٣ «نعم»"  # one-to-one replacements only
    n = normalize_with_map(raw)
    assert n.map.identity
    assert len(n.text) == len(raw)
    assert n.map.to_raw(5) == 5
    assert n.map.span_to_raw(2, 7) == (2, 7)
    assert n.map.span_to_norm(2, 7) == (2, 7)


def test_empty_text() -> None:
    n = normalize_with_map("")
    assert n == Normalized("", n.map)
    assert n.map.to_raw(0) == 0
    assert n.map.span_to_raw(0, 0) == (0, 0)


def test_normalize_stage_sets_the_matching_form() -> None:
    raw = f"كيم {LAM_ALEF} يزور روسيا ١٣ سبتمبر"
    article = Normalize()(Article(id="a", text=raw), DEFAULT_OPTIONS)
    assert isinstance(article.normalized, Normalized)
    assert article.normalized.text == normalize(raw)
    assert isinstance(article.normalized.map, OffsetMap)
    assert article.text == raw  # never rewritten


# ----------------------------------------------------------------------------------------------- property tests

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱىةؤئکیھ"
DIACRITICS = FATHA + DAMMA + KASRA + SUKUN + SHADDA + FATHATAN + DAMMATAN + KASRATAN + DAGGER_ALEF
LIGATURES = LAM_ALEF + LAM_ALEF_HAMZA + SALLA + FATHATAN_ISOLATED + "\ufcf2\ufd50\ufe8d"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
LATIN = "abcXYZ"
PUNCT = ".,،؛؟!«»“”—–-'\"():"
INVISIBLE = LRM + RLM + ZWNJ + ZWSP
ALPHABET = ARABIC_LETTERS + DIACRITICS + TATWEEL + LIGATURES + DIGITS + " \n" + LATIN + PUNCT + INVISIBLE
# characters that keep every offset (one character in, one out)
ONE_TO_ONE = ARABIC_LETTERS + "0123456789٠١٢٣٤٥٦٧٨٩" + " \n" + LATIN + PUNCT

texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


def _cuts_expansion(n: Normalized, i: int) -> bool:
    """Is normalized position ``i`` inside the output of one raw character (not its first output character)?"""
    starts = n.map.starts
    return starts is not None and 0 < i < len(starts) and starts[i] == starts[i - 1]


@PROPERTY
@given(texts)
def test_composition_equals_sequential_application(raw: str) -> None:
    assert normalize(raw) == reduce(lambda s, n: n(s), SEQUENCE, raw)
    assert normalize(normalize(raw)) == normalize(raw)


@PROPERTY
@given(texts, st.data())
def test_normalized_span_maps_to_raw_that_normalizes_to_it(raw: str, data: st.DataObject) -> None:
    n = normalize_with_map(raw)
    assert n.text == normalize(raw)
    start = data.draw(st.integers(0, len(n.text)))
    end = data.draw(st.integers(start, len(n.text)))
    if _cuts_expansion(n, start) or _cuts_expansion(n, end):
        return
    rs, re_ = n.map.span_to_raw(start, end)
    assert 0 <= rs <= re_ <= len(raw)
    assert normalize(raw[rs:re_]) == n.text[start:end]


@PROPERTY
@given(texts, st.data())
def test_raw_span_round_trip_covers_its_kept_characters(raw: str, data: st.DataObject) -> None:
    n = normalize_with_map(raw)
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    ns, ne = n.map.span_to_norm(start, end)
    assert 0 <= ns <= ne <= len(n.text)
    assert n.text[ns:ne] == normalize(raw[start:end])
    rs, re_ = n.map.span_to_raw(ns, ne)
    kept = [i for i in range(start, end) if normalize(raw[i])]
    if kept:
        assert rs <= kept[0] and kept[-1] < re_
    else:
        assert ns == ne and rs == re_


@PROPERTY
@given(texts)
def test_map_positions_are_monotonic_and_in_bounds(raw: str) -> None:
    n = normalize_with_map(raw)
    m = n.map
    to_raw = [m.to_raw(i) for i in range(len(n.text) + 1)]
    assert to_raw == sorted(to_raw)
    assert all(0 <= r <= len(raw) for r in to_raw)
    assert to_raw[-1] == len(raw)
    assert all(r < len(raw) for r in to_raw[:-1])
    to_norm = [m.to_norm(r) for r in range(len(raw) + 1)]
    assert to_norm == sorted(to_norm)
    assert all(0 <= i <= len(n.text) for i in to_norm)
    assert to_norm[-1] == len(n.text)
    for i in range(len(n.text)):
        if not _cuts_expansion(n, i):
            assert m.to_norm(m.to_raw(i)) == i


@PROPERTY
@given(st.text(alphabet=st.sampled_from(ONE_TO_ONE), max_size=60), st.data())
def test_identity_case_maps_i_to_i(raw: str, data: st.DataObject) -> None:
    n = normalize_with_map(raw)
    assert n.map.identity
    assert len(n.text) == len(raw)
    assert [n.map.to_raw(i) for i in range(len(raw) + 1)] == list(range(len(raw) + 1))
    assert [n.map.to_norm(i) for i in range(len(raw) + 1)] == list(range(len(raw) + 1))
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    assert n.map.span_to_raw(start, end) == (start, end)
    assert n.map.span_to_norm(start, end) == (start, end)


def _naive_starts(raw: str) -> list[int]:
    """Reference offset map: raw index ``i`` once for every character ``normalize(raw[i])`` gives."""
    return [i for i, ch in enumerate(raw) for _ in normalize(ch)]


@PROPERTY
@given(texts)
def test_offset_map_equals_the_per_character_reference(raw: str) -> None:
    n = normalize_with_map(raw)
    starts = list(range(len(raw))) if n.map.identity else list(n.map.starts)
    assert starts == _naive_starts(raw)


def test_offset_map_on_long_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    import marsad.stages.normalize as module

    piece = f"قالَ {LAM_ALEF} الـمسؤول{RLM} إنّ "
    for raw in [piece * 1500, piece * 3000]:  # past the first size of the shared identity array, then growing it
        assert list(normalize_with_map(raw).map.starts) == _naive_starts(raw)
    monkeypatch.setattr(module, "_IDENTITY_CACHED", 100)  # texts past the cached size build their own
    raw = piece * 20
    assert list(normalize_with_map(raw).map.starts) == _naive_starts(raw)
