"""Bytes -> text: encoding detection (UTF-8 with/without BOM, UTF-16/32, Windows-1256, ISO-8859-6) and the only
two changes SPEC allows on raw text: newlines to ``\\n`` and a BOM dropped."""

from __future__ import annotations

import codecs
import re

from ..errors import MarsadError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_ARABIC = re.compile(r"[\u0600-\u06FF]")
# C0 controls other than tab/newline/carriage return/form feed: plenty of them means binary data
_CONTROL = re.compile(r"[\x00-\x08\x0B\x0E-\x1F\x7F]")


def fix_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` to ``\\n``; a leading BOM dropped. Nothing else changes."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte for Latin, or in a fixed column for Arabic."""
    if len(data) < 4 or len(data) % 2 or data.count(0) < len(data) // 20:
        return None  # UTF-16 text has NULs (Latin) or 0x06 bytes (Arabic) in half its bytes
    even_nul = data[0::2].count(0) / (len(data) / 2)
    odd_nul = data[1::2].count(0) / (len(data) / 2)
    # Arabic in UTF-16LE is 0x06 in odd bytes; Latin is NUL there. Check the high bytes are "text-like".
    for codec, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        common = sum(1 for b in high if b in (0x00, 0x06, 0x20, 0xFE, 0xFB))
        if common / len(high) > 0.9 and max(even_nul, odd_nul) > 0.05:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    return None


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    return len(_CONTROL.findall(sample.decode("latin-1"))) / len(sample) > 0.05


def single_byte_arabic(data: bytes) -> tuple[str, str] | None:
    """Windows-1256 or ISO-8859-6: the one that yields more Arabic letters and fewer oddities wins."""
    best: tuple[float, str, str] | None = None
    for codec in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = sum(1 for c in text if c.isalpha())
        arabic = len(_ARABIC.findall(text))
        if not letters:
            continue
        score = arabic / letters - len(_CONTROL.findall(text)) / max(1, len(text))
        if best is None or score > best[0]:
            best = (score, codec, text)
    if best is None or best[0] < 0.6:  # most letters Arabic: other scripts garble into a mix
        return None
    return best[2], best[1]


def decode(data: bytes, source: str = "") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``. Raises E005 for binary data, E002 when no encoding fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return fix_newlines(data.decode(codec)), codec.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise MarsadError("E002", f"starts with a {codec} byte-order mark but does not decode ({exc.reason} "
                                  f"at byte {exc.start})", source) from None
    text16 = _utf16_without_bom(data)
    if text16 is not None:
        return fix_newlines(text16), "utf-16"
    if looks_binary(data):
        raise MarsadError("E005", "contains NUL or control bytes: this is binary data, not text", source)
    try:
        return fix_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    single = single_byte_arabic(data)
    if single is not None:
        return fix_newlines(single[0]), single[1]
    try:  # last resort: a detector, accepted only when it is confident
        from charset_normalizer import from_bytes

        match = from_bytes(data).best()
        if match is not None and match.encoding and (match.coherence or 0) > 0.2:
            return fix_newlines(str(match)), match.encoding
    except Exception:  # noqa: BLE001 - the detector is optional help; failure falls through to E002
        pass
    raise MarsadError("E002", f"{utf8_error}, and neither Windows-1256 nor ISO-8859-6 gives Arabic text", source)
