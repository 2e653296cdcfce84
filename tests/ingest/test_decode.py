"""Bytes -> text: the encodings Arabic news files come in, and the only two changes SPEC allows."""

from __future__ import annotations

import codecs

import pytest

from marsad.errors import MarsadError
from marsad.ingest.decode import decode, fix_newlines

ARABIC = "أعلنت وزارة الخارجية اليوم عن زيارة رسمية للرئيس إلى العاصمة.\nوقال المتحدث إن الزيارة تستمر يومين."


def test_utf8_without_bom() -> None:
    assert decode(ARABIC.encode("utf-8")) == (ARABIC, "utf-8")


def test_utf8_bom_is_dropped() -> None:
    text, encoding = decode(codecs.BOM_UTF8 + ARABIC.encode("utf-8"))
    assert text == ARABIC
    assert encoding == "utf-8"
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    text, encoding = decode(bom + ARABIC.encode(codec))
    assert text == ARABIC
    assert encoding == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_arabic(codec: str) -> None:
    text, encoding = decode(ARABIC.encode(codec))
    assert text == ARABIC
    assert encoding.startswith("utf-16")


def test_utf16_without_bom_latin() -> None:
    english = "The minister arrived in Cairo on Sunday for talks."
    assert decode(english.encode("utf-16-le"))[0] == english


def test_windows_1256() -> None:
    text, encoding = decode(ARABIC.encode("cp1256"), "win.txt")
    assert text == ARABIC
    assert encoding == "cp1256"


def test_iso_8859_6() -> None:
    text, encoding = decode(ARABIC.encode("iso-8859-6"), "iso.txt")
    assert text == ARABIC
    assert encoding == "iso-8859-6"


def test_crlf_and_cr_become_lf() -> None:
    raw = "السطر الأول\r\nالسطر الثاني\rالسطر الثالث\n"
    text, _ = decode(raw.encode("utf-8"))
    assert text == "السطر الأول\nالسطر الثاني\nالسطر الثالث\n"
    assert "\r" not in text


def test_crlf_in_utf16_and_cp1256() -> None:
    raw = "فقرة أولى من الخبر\r\nفقرة ثانية من الخبر\r\n"
    expected = "فقرة أولى من الخبر\nفقرة ثانية من الخبر\n"
    assert decode(codecs.BOM_UTF16_LE + raw.encode("utf-16-le"))[0] == expected
    assert decode(raw.encode("cp1256"))[0] == expected


def test_nothing_else_changes() -> None:
    # diacritics, tatweel, NBSP, ZWNJ, trailing spaces and tabs survive: offsets index this exact text
    raw = "  مُحَمَّد\u0640\u0640 قال\u00a0:\t«نعم»\u200c  \n\n"
    assert decode(raw.encode("utf-8"))[0] == raw


def test_fix_newlines_drops_only_a_leading_bom() -> None:
    assert fix_newlines("\ufeffنص\r\nآخر") == "نص\nآخر"
    assert fix_newlines("نص\ufeffآخر") == "نص\ufeffآخر"


def test_binary_is_e005() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
    with pytest.raises(MarsadError) as err:
        decode(png * 20, "image.txt")
    assert err.value.code == "E005"


def test_undecodable_is_e002() -> None:
    # not UTF-8, and as Windows-1256 / ISO-8859-6 only symbols (currency signs, degrees), never Arabic letters
    data = b"\xa2\xa3\xa4\xa6\xa7\xb0\xb1" * 40
    with pytest.raises(MarsadError) as err:
        decode(data, "mystery.txt")
    assert err.value.code == "E002"
    assert "UTF-8" in err.value.reason
