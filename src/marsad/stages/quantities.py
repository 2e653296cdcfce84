"""Counts in claims: "تسعة أشخاص على الأقل لقوا حتفهم" -> 9 (at least) killed; "ارتفع عدد القتلى إلى 14" -> 14 killed.

A count's slot is the nearest slot word of ``resources/quantities.py`` in its clause (a person noun such as
"أشخاص" right after the number sends the search on), else the counted noun right after the number ("ثلاثة رعاة"
-> the slot ``n:رعاه``). Numbers that are part of a time expression are skipped. Used to keep claims with
different counts apart and to flag contradictions between outlets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..resources import quantities as words
from ..resources.stopwords import STOPWORD_LIST
from ..units import match_form
from .normalize import normalize

_TOKEN = re.compile(r"\d+(?:[.,٫]\d+)*|[^\W\d_]+|[،,.؛;:!?؟()«»\"“”\-–—]")
_CLAUSE_END = frozenset("،,.؛;:!?؟()«»\"“”-–—")
_CLAUSE_WORDS = ("فيما", "بينما", "حين", "بعدما", "لكن", "ولكن", "حيث")
_NOT_COUNTED = ("ممن", "منهم", "منها", "مرات", "مرة")  # "ثلاثة ممن أدرجوا": no counted noun


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    slot: str  # "killed", "missing", … or "n:<counted noun>"
    bound: str  # "exact" | "at_least" | "about"
    start: int  # character offsets of the number in the text given to find_quantities
    end: int

    @property
    def known(self) -> bool:
        """A slot from the word list (casualties, troops, …), not just the noun after the number."""
        return not self.slot.startswith("n:")


def conflicts(a: Quantity, b: Quantity) -> bool:
    """Two reports of the same slot whose values cannot both be true."""
    if a.slot != b.slot:
        return False
    if "at_least" in (a.bound, b.bound):
        if a.bound == b.bound:
            return False
        low, other = (a, b) if a.bound == "at_least" else (b, a)
        return other.value < low.value
    if "about" in (a.bound, b.bound):
        return abs(a.value - b.value) > 0.15 * max(a.value, b.value)
    return a.value != b.value


@lru_cache(maxsize=1)
def _tables() -> dict[str, object]:
    def norm(items: Sequence[str]) -> frozenset[str]:
        return frozenset(normalize(w) for w in items)

    slot_of: dict[str, str] = {}
    for slot, ws in words.SLOTS.items():
        for w in ws:
            for form in (normalize(w), match_form(normalize(w))):
                slot_of.setdefault(form, slot)
    return {
        "units": {normalize(k): v for k, v in words.UNITS.items()},
        "tens": {normalize(k): v for k, v in words.TENS.items()},
        "hundreds": {normalize(k): v for k, v in words.HUNDREDS.items()},
        "scales": {normalize(k): v for k, v in words.SCALES.items()},
        "duals": {normalize(k): v for k, v in words.DUAL_SCALES.items()},
        "slot_of": slot_of,
        # the listed stems a word may start with (4+ letters), with their place in ``slot_of``: the first listed
        # one that starts a word wins
        "stems": {stem: (k, slot) for k, (stem, slot) in enumerate(slot_of.items()) if len(stem) >= 4},
        "persons": norm(words.PERSON_NOUNS) | frozenset(match_form(normalize(w)) for w in words.PERSON_NOUNS),
        "lower": [normalize(p).split() for p in words.LOWER_BOUND],
        "about": [normalize(p).split() for p in words.APPROXIMATE],
        "stops": norm(STOPWORD_LIST) | norm(_CLAUSE_WORDS) | norm(_NOT_COUNTED),
        "clause": norm(_CLAUSE_WORDS),
    }


def _word_value(tok: str, t: dict) -> tuple[int, str] | None:
    """(value, kind) of a number word; a leading conjunction "و" is allowed ("وثلاثون")."""
    for form in (tok, tok[1:] if tok.startswith("و") and len(tok) > 2 else None):
        if not form:
            continue
        for kind in ("units", "tens", "hundreds", "duals"):
            if form in t[kind]:
                return t[kind][form], kind
    return None


def _slot_word(tok: str, t: dict) -> str | None:
    slot_of, stems = t["slot_of"], t["stems"]
    for form in (tok, match_form(tok), tok[1:] if tok[:1] in "وفبل" else tok):
        if form in slot_of:
            return slot_of[form]
        # "قتيلا"/"قتيلاً", "المفقودين": a listed stem that starts the word (its prefixes looked up)
        starting = [stems[form[:n]] for n in range(4, len(form) + 1) if form[:n] in stems]
        if starting:
            return min(starting)[1]
    return None


def find_quantities(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """The counts in ``text`` (one sentence or clause); ``skip``: spans (time expressions) holding no count."""
    t = _tables()
    toks = [(m.start(), m.end(), normalize(m.group(0))) for m in _TOKEN.finditer(text)]
    found: list[Quantity] = []
    i = 0
    while i < len(toks):
        s, _, tok = toks[i]
        if any(a <= s < b for a, b in skip):
            i += 1
            continue
        value: float | None = None
        j = i
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", "").replace("٫", "."))
            except ValueError:
                value = None
            j = i + 1
        else:
            wv = _word_value(tok, t)
            if wv:
                value, j = float(wv[0]), i + 1
                while j < len(toks):  # "خمسة وثلاثون", "مئة وعشرون"
                    more = _word_value(toks[j][2], t)
                    if not more or not toks[j][2].startswith("و"):
                        break
                    value += more[0]
                    j += 1
        if value is None:
            i += 1
            continue
        if j < len(toks) and toks[j][2] in t["scales"]:  # "48 مليون", "ثلاثة آلاف"
            value *= t["scales"][toks[j][2]]
            j += 1
        slot = _slot_around(toks, i, j, t)
        if slot:
            found.append(Quantity(value, slot, _bound(toks, i, j, t), s, toks[j - 1][1]))
        i = j
    return found


def _is_boundary(tok: str, t: dict) -> bool:
    return tok in _CLAUSE_END or tok in t["clause"] or tok[0].isdigit()


def _slot_around(toks: list[tuple[int, int, str]], i: int, j: int, t: dict) -> str | None:
    generic = None
    after: tuple[int, str] | None = None
    for k in range(j, min(len(toks), j + words.SLOT_WINDOW + 1)):
        tok = toks[k][2]
        if _is_boundary(tok, t) or (_word_value(tok, t) and k > j):
            break
        slot = _slot_word(tok, t)
        if slot:
            after = (k - j, slot)
            break
        if k == j and tok not in t["stops"] and tok not in t["persons"] and match_form(tok) not in t["persons"]:
            noun = match_form(tok)
            generic = "n:" + (noun[:-1] if len(noun) > 3 and noun.endswith("ا") else noun)  # "متراً" = "متر"
            break  # "ثلاثة رعاة": the noun after the number says what is counted
    before: tuple[int, str] | None = None
    for k in range(i - 1, max(-1, i - words.SLOT_WINDOW - 1), -1):
        tok = toks[k][2]
        if _is_boundary(tok, t) or _word_value(tok, t):
            break
        slot = _slot_word(tok, t)
        if slot:
            before = (i - 1 - k, slot)
            break
    if after and (not before or after[0] <= before[0]):
        return after[1]
    if before and not generic:
        return before[1]
    return generic


def _bound(toks: list[tuple[int, int, str]], i: int, j: int, t: dict) -> str:
    before = [tok for _, _, tok in toks[max(0, i - 3):i]]
    after = [tok for _, _, tok in toks[j:j + 4]]
    for kind, phrases in (("at_least", t["lower"]), ("about", t["about"])):
        for p in phrases:
            n = len(p)
            if before[-n:] == p:
                return kind
            # "تسعة أشخاص على الأقل": the bound may follow the number or its noun
            for k in range(0, 2):
                if after[k:k + n] == p:
                    return kind
    return "exact"
