"""Facts of a story: its claims grouped when they say the same thing, counted by independent origin, and the
contradictions between them.

Two claims of different articles say the same thing when their sentence vectors are very close, or when they sit
on the two sides of a reuse passage and are close enough — and never when they give the same slot different
counts (``quantities.conflicts``): "9 dead" and "14 dead" stay two facts however alike the sentences are. Groups
grow by single linkage, strongest link first, refusing any merge that would hold a conflict.

A fact's independent sources are its citing claims unioned into origins: claims on the two sides of a verbatim
or near-copy passage, claims of one outlet, and claims whose passages credit the same outlet or agency ("بحسب ما
نقلت وكالة النهار للأنباء") are one origin. A paraphrase is not a copy: two outlets wording the same event
differently count twice, unless one credits the other. A fact backed by one wire story in five outlets is one
source, not five.

Two facts contradict each other when related claims of theirs (similar sentences, or a reuse passage between
them) give one slot conflicting counts for the same day, attribute the same words to different speakers, or
date the same statement to different explicit days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..groups import Groups
from .claims import Claim, StoryClaims, media_key
from .quantities import conflicts

LINK_SIMILARITY = 0.78  # cosine at which two claims say the same thing without any other evidence
LINK_REUSE_SIMILARITY = 0.6  # … when the two sit on the two sides of a reuse passage
RELATED_SIMILARITY = 0.5  # cosine at which two claims may speak of the same slot (for contradictions)
SHARED_COUNT_BONUS = 0.05  # the same count of the same slot is evidence of the same claim
DATE_PENALTY = 0.1  # two sentences dated to different days rarely report the same thing
GROUP_SIMILARITY = 0.55  # mean cosine two groups must have to merge (single links alone drift)


@dataclass(slots=True)
class Conflict:
    slot: str  # a count slot ("killed", "n:متر"), "speaker" or "date"
    a: int  # claim indices
    b: int
    values: tuple[Any, Any]


@dataclass(slots=True)
class Fact:
    id: str
    claims: list[Claim]
    origins: list[list[str]]  # article ids per independent origin
    date: str | None
    contradicts: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def independent_sources(self) -> int:
        return len(self.origins)

    def to_dict(self) -> dict[str, Any]:
        first = self.claims[0]
        slots = {(q.slot, q.value, q.bound) for c in self.claims for q in c.quantities}
        return {
            "id": self.id,
            "text": first.text,
            "citations": [c.span() for c in sorted(self.claims, key=Claim.sort_key)],
            "outlets": sorted({c.outlet for c in self.claims if c.outlet}),
            "independent_sources": self.independent_sources,
            "contradicts": self.contradicts,
            "origins": self.origins,
            "date": self.date,
            "slots": [{"slot": s, "value": _number(v), "bound": b} for s, v, b in sorted(slots)],
            "according_to": list(dict.fromkeys(s for c in self.claims for s in c.sources)),
            "conflicts": self.conflicts,
        }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def claim_conflicts(a: Claim, b: Claim, similar: bool) -> list[Conflict]:
    """Why two claims cannot both be true. ``similar``: the two sentences say nearly the same words."""
    out = []
    slots = {q.slot for q in a.quantities} & {q.slot for q in b.quantities}
    for slot in sorted(slots):
        if not (similar or not slot.startswith("n:")):
            continue  # "40 عاماً" and "75 عاماً" in two loosely related sentences count different things
        qas = [q for q in a.quantities if q.slot == slot]
        qbs = [q for q in b.quantities if q.slot == slot]
        # "75 عاماً … و70 عاماً" in both: one agreeing value is enough
        if all(conflicts(qa, qb) for qa in qas for qb in qbs):
            out.append(Conflict(slot, a.index, b.index, (_number(qas[0].value), _number(qbs[0].value))))
    if similar and a.speakers and b.speakers and not a.speakers & b.speakers:
        out.append(Conflict("speaker", a.index, b.index, (sorted(a.speakers)[0], sorted(b.speakers)[0])))
    if similar:
        da, db = _explicit_days(a), _explicit_days(b)
        if da and db and not da & db:
            out.append(Conflict("date", a.index, b.index, (min(da), min(db))))
    return out


def _first_day(claim: Claim) -> str | None:
    return next((t["value"] for t in claim.times if t.get("granularity") == "day" and t.get("value")), None)


def _explicit_days(claim: Claim) -> set[str]:
    return {t["value"] for t in claim.times if t.get("anchor") == "explicit" and t.get("granularity") == "day"}


def _pairs(sim: np.ndarray, floor: float, extra: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Claim pairs (i < j) with a similarity of at least ``floor``, and the ``extra`` pairs, in order."""
    found = {(int(i), int(j)) for i, j in np.argwhere(np.triu(sim >= floor, 1))}
    return sorted(found | extra)


class _ConflictScreen:
    """Whether two claims can conflict at all (``claim_conflicts`` with ``similar``): they share a count slot,
    both name speakers, or both give explicit days. Most pairs do none of these; only the rest are compared."""

    def __init__(self, claims: Sequence[Claim]) -> None:
        self.slots = [{q.slot for q in c.quantities} for c in claims]
        self.speakers = [bool(c.speakers) for c in claims]
        self.days = [bool(_explicit_days(c)) for c in claims]

    def __call__(self, x: int, y: int) -> bool:
        return bool((self.speakers[x] and self.speakers[y]) or (self.days[x] and self.days[y])
                    or not self.slots[x].isdisjoint(self.slots[y]))


def group_claims(view: StoryClaims) -> list[list[int]]:
    """Claims grouped when they say the same thing (claim indices, each group sorted)."""
    claims, sim = view.claims, view.similarity
    candidates = []
    # only pairs that can reach a threshold: a story of a thousand sentences has half a million pairs
    floor = LINK_REUSE_SIMILARITY - SHARED_COUNT_BONUS
    pairs = _pairs(sim, floor, view.reused)
    # per claim, what each pair asks of it (a story's pairs outnumber its claims)
    days = [_first_day(c) for c in claims]
    counts = [{(q.slot, q.value) for q in c.quantities} for c in claims]
    cosines = sim[[i for i, _ in pairs], [j for _, j in pairs]].tolist() if pairs else []
    for (i, j), cosine in zip(pairs, cosines, strict=True):
        if claims[i].article == claims[j].article:
            continue
        score = cosine + (SHARED_COUNT_BONUS if not counts[i].isdisjoint(counts[j]) else 0.0)
        da, db = days[i], days[j]
        if da and db and da != db:
            score -= DATE_PENALTY
        # a passage copied sentence by sentence: its aligned sentences are alike, the others are not
        copied = (i, j) in view.copied and score >= LINK_REUSE_SIMILARITY
        if copied or score >= LINK_SIMILARITY or ((i, j) in view.reused and score >= LINK_REUSE_SIMILARITY):
            candidates.append((1.0 + score if copied else score, i, j))
    candidates.sort(reverse=True)
    groups = Groups(len(claims))
    may_conflict = _ConflictScreen(claims)
    for _, i, j in candidates:
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj:
            continue
        left, right = groups.members[ri], groups.members[rj]
        # the mean of one cosine is itself (a float32 mean: the same value either way)
        mean = float(sim[i, j]) if len(left) == len(right) == 1 else float(sim[left][:, right].mean())
        if mean < GROUP_SIMILARITY:
            continue  # a chain of pairwise links that drifted to another claim
        if any(may_conflict(x, y) and claim_conflicts(claims[x], claims[y], similar=True)
               for x in left for y in right):
            continue
        groups.union(i, j)
    return sorted(groups.groups(), key=lambda g: min(claims[i].sort_key() for i in g))


def origins(view: StoryClaims, members: Sequence[int]) -> list[list[str]]:
    """The independent origins of a group of claims: article ids per origin, earliest first."""
    claims = view.claims
    groups = Groups(len(claims))
    keys = {i: media_key(claims[i].outlet) for i in members}
    for x, i in enumerate(members):
        key_a, credits_a = keys[i], claims[i].credits
        for j in members[x + 1:]:
            key_b = keys[j]
            if ((key_a and key_a == key_b) or (min(i, j), max(i, j)) in view.copied
                    or not credits_a.isdisjoint(claims[j].credits)):
                groups.union(i, j)
    out = []
    for g in groups.groups():
        if g[0] in members:
            picked = sorted((claims[i] for i in g), key=Claim.sort_key)
            out.append((picked[0].sort_key(), list(dict.fromkeys(c.article for c in picked))))
    return [articles for _, articles in sorted(out)]


def corroborate(view: StoryClaims, groups: list[list[int]] | None = None) -> list[Fact]:
    """The story's facts: groups backed by two or more articles, and any claim in a contradiction."""
    claims, sim = view.claims, view.similarity
    groups = group_claims(view) if groups is None else groups
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    dates = [min((claims[i].date for i in g if claims[i].date), default=None) for g in groups]

    found: dict[tuple[int, int], list[Conflict]] = {}
    may_conflict = _ConflictScreen(claims)  # (what ``similar`` pairs can conflict over; the others less)
    for i, j in _pairs(sim, RELATED_SIMILARITY, view.reused):
        gi, gj = group_of[i], group_of[j]
        if gi == gj or claims[i].article == claims[j].article or not may_conflict(i, j):
            continue
        similar = float(sim[i, j]) >= LINK_SIMILARITY or (i, j) in view.copied
        for c in claim_conflicts(claims[i], claims[j], similar):
            if c.slot not in ("speaker", "date") and dates[gi] != dates[gj]:
                continue  # a toll that rose from one day to the next is news, not a contradiction
            found.setdefault((min(gi, gj), max(gi, gj)), []).append(c)

    keep = [g for g, members in enumerate(groups) if len({claims[i].article for i in members}) > 1]
    keep = sorted(set(keep) | {g for pair in found for g in pair})
    facts: dict[int, Fact] = {}
    for g in keep:
        members = sorted(groups[g], key=lambda i: claims[i].sort_key())
        facts[g] = Fact("", [claims[i] for i in members], origins(view, members), dates[g])
    ordered = sorted(facts.items(), key=lambda kv: (-kv[1].independent_sources, -len({c.outlet for c in kv[1].claims}),
                                                    kv[1].claims[0].sort_key()))
    prefix = view.story.get("id", "S")
    for n, (_, fact) in enumerate(ordered, 1):
        fact.id = f"{prefix}-F{n}"
    for (gi, gj), items in found.items():
        fa, fb = facts[gi], facts[gj]
        fa.contradicts.append(fb.id)
        fb.contradicts.append(fa.id)
        for c in items:
            a_side = group_of[c.a] == gi
            mine, theirs = (c.values if a_side else c.values[::-1])
            fa.conflicts.append({"fact": fb.id, "slot": c.slot, "value": mine, "other": theirs})
            fb.conflicts.append({"fact": fa.id, "slot": c.slot, "value": theirs, "other": mine})
    for fact in facts.values():
        fact.contradicts = sorted(set(fact.contradicts), key=lambda x: int(x.rsplit("F", 1)[1]))
        fact.conflicts = list({(d["fact"], d["slot"], d["value"], d["other"]): d for d in fact.conflicts}.values())
    return [fact for _, fact in ordered]


def facts_of(view: StoryClaims, groups: list[list[int]] | None = None) -> list[dict[str, Any]]:
    """SPEC ``Story.facts`` for one story."""
    return [f.to_dict() for f in corroborate(view, groups)]
