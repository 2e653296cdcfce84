"""Golden cleaning tests on the real seed articles: expected spans are written by hand in tests/golden/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

GOLDEN = json.loads((Path(__file__).resolve().parents[1] / "golden" / "seeds_clean.json").read_text("utf-8"))
SEED_IDS = [k for k in GOLDEN if not k.startswith("_")]


def locate(text: str, item: dict[str, Any], after: int) -> tuple[int, int]:
    """The span an expected item names: exact ``text``, or from the start of ``from`` to the end of ``to``."""
    if "text" in item:
        start = text.find(item["text"], after)
        assert start >= 0, f"expected text not found after {after}: {item['text'][:60]!r}"
        return start, start + len(item["text"])
    start = text.find(item["from"], after)
    assert start >= 0, f"expected start not found: {item['from'][:60]!r}"
    end = text.find(item["to"], start)
    assert end >= 0, f"expected end not found: {item['to'][:60]!r}"
    return start, end + len(item["to"])


def expected_spans(text: str, items: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    after = 0
    for item in items:
        start, end = locate(text, item, after)
        out.append((item["kind"], start, end))
        after = start + 1
    return out


def by_id(dossier: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in dossier["articles"]}


@pytest.mark.parametrize("seed", SEED_IDS)
def test_removed_spans_match_golden(seed_dossier: dict[str, Any], seed: str) -> None:
    article = by_id(seed_dossier)[seed]
    want = expected_spans(article["text"], GOLDEN[seed]["removed"])
    got = [(r["kind"], r["start"], r["end"]) for r in article["removed"]]
    assert sorted(got) == sorted(want), {
        "missing": [(k, article["text"][s:e][:50]) for k, s, e in sorted(set(want) - set(got))],
        "extra": [(k, article["text"][s:e][:50]) for k, s, e in sorted(set(got) - set(want))],
    }


@pytest.mark.parametrize("seed", SEED_IDS)
def test_no_sentence_of_the_main_story_is_lost(seed_dossier: dict[str, Any], seed: str) -> None:
    """Every line outside the expected removed spans is kept whole: in the body, or in a part's body."""
    article = by_id(seed_dossier)[seed]
    text = article["text"]
    removed = expected_spans(text, GOLDEN[seed]["removed"])
    kept = [(s, e) for s, e in article["body"]] + [(s, e) for p in article["parts"] for s, e in p["body"]]
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        # the parts of the line not removed (by a non-glued removal) must be covered by kept spans
        covered = [False] * (end - start)
        for kind, s, e in removed:
            if kind == "glued_article":
                continue
            for i in range(max(s, start), min(e, end)):
                covered[i - start] = True
        for s, e in kept:
            for i in range(max(s, start), min(e, end)):
                covered[i - start] = True
        lost = "".join(ch for ch, c in zip(line, covered, strict=True) if not c).strip()
        assert not lost, f"{seed}: text neither kept nor expected removed: {lost[:80]!r}"


@pytest.mark.parametrize("seed", SEED_IDS)
def test_title_and_parts(seed_dossier: dict[str, Any], seed: str) -> None:
    article = by_id(seed_dossier)[seed]
    gold = GOLDEN[seed]
    if "title" in gold:
        assert article["title"] == gold["title"]
    assert len(article["parts"]) == len(gold["parts"])
    for part, want in zip(article["parts"], gold["parts"], strict=True):
        start, end = locate(article["text"], want, 0)
        assert (part["id"], part["start"], part["end"]) == (want["id"], start, end)
        assert part["title"] == want["title"]
        assert part["published"] == want["published"]
        assert part["body"], "a glued part has body text of its own"
        assert all(start <= s < e <= end for s, e in part["body"])


def test_glued_part_is_analysed_like_body(seed_dossier: dict[str, Any]) -> None:
    """SPEC: a glued article's sentences are annotated like body text."""
    article = by_id(seed_dossier)["001"]
    part = article["parts"][0]
    inside = [s for s in article["sentences"] if part["start"] <= s[0] and s[1] <= part["end"]]
    assert len(inside) >= 8
    assert not any(s < part["start"] <= e for s, e in article["body"]), "main body runs into the part"


def test_seed_dossier_is_valid(seed_dossier: dict[str, Any], validate_dossier: Any) -> None:
    assert validate_dossier(seed_dossier) == []
