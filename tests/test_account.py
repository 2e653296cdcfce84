"""Story accounts (issue 7): facts with independent sources, contradictions, summary, timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from marsad.account import build_account, build_accounts
from marsad.evaluate.rouge import rouge_n
from marsad.stages.claims import DossierIndex, story_claims
from marsad.stages.corroborate import _ConflictScreen, claim_conflicts
from marsad.stages.quantities import Quantity, conflicts, find_quantities

REPO = Path(__file__).resolve().parents[1]
BASELINE = json.loads((REPO / "tests" / "baseline.json").read_text(encoding="utf-8"))


def story_of(d: dict[str, Any], article: str) -> dict[str, Any]:
    return next(s for s in d["stories"] if any(m["article"] == article and m.get("unit", article) == article
                                               for m in s["members"]))


def texts(d: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: a["text"] for a in d["articles"]}


def inside_body(d: dict[str, Any], span: dict[str, Any]) -> bool:
    """A span inside the article's body or a glued part's body, never in removed text."""
    a = next(a for a in d["articles"] if a["id"] == span["article"])
    ranges = [*a["body"], *(r for p in a["parts"] for r in p["body"])]
    return any(s <= span["start"] and span["end"] <= e for s, e in ranges)


def test_dossiers_with_accounts_are_valid(seed_dossier: dict, examples_dossier: dict, validate_dossier) -> None:
    assert validate_dossier(seed_dossier) == []
    assert validate_dossier(examples_dossier) == []


def test_shells_fact_counts_copies_once(seed_dossier: dict) -> None:
    """The wire claim about tens of millions of shells: cited by 000, 001, 002; 001 and 002 share one copy."""
    story = story_of(seed_dossier, "000")
    text = texts(seed_dossier)
    shells = [f for f in story["facts"]
              if any("عشرات الملايين" in text[c["article"]][c["start"]:c["end"]] for c in f["citations"])]
    assert len(shells) == 1, [f["text"] for f in shells]
    fact = shells[0]
    assert {c["article"] for c in fact["citations"]} >= {"000", "001", "002"}
    assert fact["independent_sources"] <= 2
    assert any({"001", "002"} <= set(origin) for origin in fact["origins"]), fact["origins"]
    for c in fact["citations"]:
        assert "قذائف" in text[c["article"]][c["start"]:c["end"]]


def test_summaries_cite_body_spans(seed_dossier: dict, examples_dossier: dict) -> None:
    for d in (seed_dossier, examples_dossier):
        text = texts(d)
        for story in d["stories"]:
            members = {m["article"] for m in story["members"]}
            assert story["summary"], story["id"]
            assert len(story["summary"]) <= 8
            for sentence in story["summary"]:
                assert sentence["citations"]
                assert sentence["text"] == text[sentence["span"]["article"]][
                    sentence["span"]["start"]:sentence["span"]["end"]]
                for c in sentence["citations"]:
                    assert c["article"] in members and inside_body(d, c), c


def test_multi_article_summary_is_five_to_eight_sentences(examples_dossier: dict) -> None:
    story = story_of(examples_dossier, "01")
    assert 5 <= len(story["summary"]) <= 8
    # a sentence copied by several outlets cites every one of them
    wire = next(x for x in story["summary"] if x["text"].startswith("انهار جزء من جسم سد تل الريحان"))
    assert {c["article"] for c in wire["citations"]} >= {"01", "02", "03"}


def test_summary_rouge_floor(examples_dossier: dict) -> None:
    """Measured by bench/summary.py; the floors live in tests/baseline.json."""
    reference = (REPO / "tests" / "gold" / "examples_summary.txt").read_text(encoding="utf-8")
    summary = " ".join(x["text"] for x in story_of(examples_dossier, "01")["summary"])
    assert rouge_n(summary, reference, 1).f1 >= BASELINE["summary_examples_rouge1_f"]
    assert rouge_n(summary, reference, 2).f1 >= BASELINE["summary_examples_rouge2_f"]


def test_summit_is_dated_on_the_timeline(seed_dossier: dict) -> None:
    story = story_of(seed_dossier, "000")
    text = texts(seed_dossier)
    dates = [x["date"] for x in story["timeline"]]
    assert dates == sorted(dates)
    summit = [x for x in story["timeline"] if x["date"] == "2023-09-13" and "قمة" in x["text"]]
    assert summit, story["timeline"]
    for x in story["timeline"]:
        for c in x["citations"]:
            assert inside_body(seed_dossier, c) and x["text"] in {text[c["article"]][c["start"]:c["end"]]} | {
                text[s["article"]][s["start"]:s["end"]] for s in x["citations"]}


def test_contradicting_death_tolls_are_flagged_on_both_facts(examples_dossier: dict) -> None:
    """03 says 12 dead on Wednesday morning (health ministry), 04 says 14 (civil defence)."""
    story = story_of(examples_dossier, "01")
    facts = {f["id"]: f for f in story["facts"]}
    twelve = next(f for f in story["facts"] if any(c["article"] == "03" for c in f["citations"])
                  and any(x["slot"] == "killed" and x["value"] == 12 for x in f["slots"]))
    assert twelve["contradicts"]
    others = [facts[i] for i in twelve["contradicts"]]
    assert any(any(c["article"] == "04" for c in f["citations"]) for f in others)
    for other in others:
        assert twelve["id"] in other["contradicts"]
        assert any(x["slot"] == "killed" and x["value"] == 14 for x in other["slots"])
    # the first-day toll (9) is a progression, not a contradiction of the later 14
    first_day = next(f for f in story["facts"] if any(x["slot"] == "killed" and x["value"] == 9 for x in f["slots"]))
    assert not first_day["contradicts"]


def test_wire_passage_in_four_outlets_is_one_source(examples_dossier: dict) -> None:
    story = story_of(examples_dossier, "01")
    evacuated = next(f for f in story["facts"] if any(x["slot"] == "displaced" for x in f["slots"]))
    assert {c["article"] for c in evacuated["citations"]} >= {"01", "02", "03", "04"}
    assert len(evacuated["outlets"]) >= 4
    assert evacuated["independent_sources"] == 1  # 02 copies 01, 03 near-copies it, 04 credits the agency


def test_account_of_one_story_sub_dossier(examples_dossier: dict) -> None:
    """A store calls build_account on the articles of one story: the same facts come out."""
    story = story_of(examples_dossier, "01")
    members = {m["article"] for m in story["members"]}
    sub = {**examples_dossier, "articles": [a for a in examples_dossier["articles"] if a["id"] in members],
           "stories": [{**story, "facts": [], "summary": [], "timeline": []}]}
    build_accounts(sub)
    assert sub["stories"][0]["facts"] == story["facts"]
    assert sub["stories"][0]["summary"] == story["summary"]
    again = {**story}
    build_account(examples_dossier, again)
    assert again["timeline"] == story["timeline"]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("وقال الدفاع المدني إن تسعة أشخاص على الأقل لقوا حتفهم وأصيب خمسة وثلاثون آخرون، فيما لا يزال أكثر من عشرين "
     "شخصاً في عداد المفقودين.", [(9, "killed", "at_least"), (35, "injured", "exact"), (20, "missing", "at_least")]),
    ("ارتفعت حصيلة الضحايا إلى ١٢ قتيلاً حتى صباح اليوم", [(12, "killed", "exact")]),
    ("في حين أعلن الدفاع المدني أن عدد القتلى ارتفع إلى 14 حتى صباح اليوم", [(14, "killed", "exact")]),
    ("وأعلنت السلطات إجلاء نحو ألفي أسرة من البلدتين", [(2000, "displaced", "about")]),
    ("تراجع عدد المفقودين إلى ستة بعد العثور على ثلاثة رعاة", [(6, "missing", "exact"), (3, "n:رعاه", "exact")]),
])
def test_counts_in_claims(sentence: str, expected: list) -> None:
    assert [(q.value, q.slot, q.bound) for q in find_quantities(sentence)] == expected


def test_count_conflicts_respect_bounds() -> None:
    def q(value: float, bound: str = "exact", slot: str = "killed") -> Quantity:
        return Quantity(value, slot, bound, 0, 1)

    assert conflicts(q(12), q(14))
    assert not conflicts(q(14), q(14))
    assert not conflicts(q(9, "at_least"), q(14))  # "at least 9" may be 14
    assert conflicts(q(9, "at_least"), q(5))
    assert not conflicts(q(2000, "about"), q(1900, "about"))
    assert not conflicts(q(12), q(14, slot="missing"))


def test_story_pages_in_markdown_and_html(examples_dossier: dict) -> None:
    from marsad.render.html import render_story_html
    from marsad.render.markdown import render_markdown, render_story_markdown

    story = story_of(examples_dossier, "01")
    md = render_story_markdown(examples_dossier, story["id"])
    for section in ("## Summary", "## Timeline", "## Facts", "## Contradictions"):
        assert section in md
    assert "[01:" in md  # citations as article:start–end spans
    assert "### Summary" in render_markdown(examples_dossier)
    html = render_story_html(examples_dossier, story["id"])
    assert 'dir="rtl"' in html and "<svg" in html and "<script" not in html
    with pytest.raises(KeyError):
        render_story_html(examples_dossier, "no-such-story")


def test_conflict_screen_passes_every_conflicting_pair(seed_dossier: dict, examples_dossier: dict) -> None:
    """Grouping and contradictions compare only the claim pairs the screen lets through: it must pass every pair
    ``claim_conflicts`` finds a conflict in (and, to be worth having, turn most pairs away)."""
    passed = conflicting = pairs = 0
    for d in (seed_dossier, examples_dossier):
        index = DossierIndex(d)
        for story in d["stories"]:
            claims = story_claims(index, story).claims
            screen = _ConflictScreen(claims)
            for x in range(len(claims)):
                for y in range(len(claims)):
                    if x == y:
                        continue
                    pairs += 1
                    passed += screen(x, y)
                    if claim_conflicts(claims[x], claims[y], similar=True):
                        conflicting += 1
                        assert screen(x, y), (claims[x].text, claims[y].text)
    assert conflicting, "no conflicting pair in the fixtures: the test would check nothing"
    assert passed < pairs / 2
