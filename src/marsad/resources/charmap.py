"""Character tables for matching-only normalization. Each table maps one character to its replacement
(possibly empty, possibly several characters). Kept apart from the logic so they can be read and extended."""

from __future__ import annotations

import unicodedata

ALEF = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا"}
YA = {"ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي"}  # alef maqsura and Persian/Urdu ya
TA_MARBUTA = {"ة": "ه", "ۃ": "ه"}
HAMZA = {"ؤ": "و", "ئ": "ي", "ٵ": "ا", "ٶ": "و", "ٸ": "ي"}  # hamza on a seat -> the seat
KAF_HEH = {"ک": "ك", "ڪ": "ك", "ہ": "ه", "ە": "ه", "ھ": "ه"}  # Persian/Urdu letter forms
# harakat, tanwin, shadda, sukun, dagger alef, Quranic marks; and tatweel
DIACRITICS = {chr(c): "" for c in [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9),
                                   *range(0x06EA, 0x06EE), *range(0x08D3, 0x0900)]}
TATWEEL = {"ـ": ""}
# Eastern Arabic (U+0660..) and Persian (U+06F0..) digits -> ASCII
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
PUNCTUATION = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "‹": "'", "›": "'",
    "‘": "'", "’": "'", "‚": "'", "`": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",",
}
# invisible formatting characters that only steer rendering (bidi marks, zero-width joiners)
INVISIBLE = {c: "" for c in ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
                              "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad"]}


def _presentation_forms() -> dict[str, str]:
    """Arabic presentation forms (ligatures such as ﻻ) -> their letters, via NFKC."""
    table: dict[str, str] = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        char = chr(code)
        if unicodedata.category(char) == "Cn":
            continue
        decomposed = unicodedata.normalize("NFKC", char).strip()
        if decomposed and decomposed != char:
            table[char] = decomposed
    return table


PRESENTATION_FORMS = _presentation_forms()
