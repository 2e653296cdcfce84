"""Cross-article merging on hand-made mentions (no model involved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marsad.doc import Article, Mention
from marsad.stages.entities import merge_entities, name_key, name_words, skeleton


def article(aid: str, text: str, names: list[tuple[str, str]]) -> Article:
    """An article whose mentions are the first occurrence of each (surface, type) after the previous one."""
    art = Article(id=aid, text=text)
    pos = 0
    for surface, typ in names:
        start = text.index(surface, pos)
        art.mentions.append(Mention(start, start + len(surface), typ, aid))
        pos = start + len(surface)
    return art


def story(sid: str, *arts: Article) -> dict:
    return {"id": sid, "members": [{"article": a.id, "start": 0, "end": len(a.text)} for a in arts]}


def by_variant(entities: list[dict]) -> dict[str, str]:
    return {v: e["id"] for e in entities for v in e["variants"]}


def test_transliteration_and_normalization_keys() -> None:
    assert name_key("كيم جونغ أون") == name_key("كيم جون اون") == name_key("كيم جونج أون")
    assert skeleton("غوتيريش") == skeleton("جوتيريش")
    assert name_key("سيرغي شويغو") == name_key("سيرجي شويجو")
    assert name_key("كيم جونغ أون") != name_key("كيم ميونغ سيك")
    assert name_words("الرئيس الروسي فلاديمير بوتين")[:1] == ["الروسي"]  # the title goes, the rest is a name
    assert name_words("الرئيس بوتين") == ["بوتين"]


def test_short_forms_join_the_full_name_of_their_story() -> None:
    a = article("a", "التقى كيم جونغ أون مع فلاديمير بوتين. وقال كيم إن بوتين صديق.",
                [("كيم جونغ أون", "PERS"), ("فلاديمير بوتين", "PERS"), ("كيم", "PERS"), ("بوتين", "PERS")])
    b = article("b", "استقبل كيم جون اون الوفد، وقال كيم إن كيم ميونغ سيك حاضر.",
                [("كيم جون اون", "PERS"), ("كيم", "PERS"), ("كيم ميونغ سيك", "PERS")])
    ents = merge_entities([a, b], [story("S1", a, b)])
    ids = by_variant(ents)
    assert ids["كيم جونغ أون"] == ids["كيم جون اون"] == ids["كيم"]
    assert ids["فلاديمير بوتين"] == ids["بوتين"]
    assert ids["كيم ميونغ سيك"] != ids["كيم جونغ أون"]  # two persons are never merged
    kim = next(e for e in ents if e["id"] == ids["كيم"])
    assert kim["type"] == "PERS" and kim["name"] == "كيم جونغ أون" and len(kim["mentions"]) == 4
    assert [e["id"] for e in ents] == [f"E{i}" for i in range(1, len(ents) + 1)]


def test_bare_name_goes_to_the_full_name_of_its_own_story() -> None:
    a = article("a", "قال كيم ميونغ سيك إن كيم ميونغ سيك سيزور. وأضاف كيم.",
                [("كيم ميونغ سيك", "PERS"), ("كيم ميونغ سيك", "PERS"), ("كيم", "PERS")])
    b = article("b", "قال كيم جونغ أون اليوم. وأكد كيم.", [("كيم جونغ أون", "PERS"), ("كيم", "PERS")])
    c = article("c", "زار كيم جونغ أون المصنع.", [("كيم جونغ أون", "PERS")])
    ents = merge_entities([a, b, c], [story("S1", a), story("S2", b, c)])
    mentions = {(m["article"], m["start"]): e["name"] for e in ents for m in e["mentions"]}
    assert mentions[("a", a.text.index("كيم."))] == "كيم ميونغ سيك"
    assert mentions[("b", b.text.index("كيم."))] == "كيم جونغ أون"


def test_places_and_organisations_merge_on_spelling_only() -> None:
    a = article("a", "وصل الوفد إلى موسكو ثم إلى موسكو.", [("موسكو", "LOC"), ("موسكو", "LOC")])
    b = article("b", "أوروبا وأروبا ليستا واحدة.", [("أوروبا", "LOC"), ("أروبا", "LOC")])
    ents = merge_entities([a, b])
    ids = by_variant(ents)
    assert len(next(e for e in ents if e["name"] == "موسكو")["mentions"]) == 2
    assert "name_en" in next(e for e in ents if e["name"] == "موسكو")
    names = {e["name"] for e in ents}
    assert ("أوروبا" in names and ids["أوروبا"] != ids["أروبا"]) or len(ents) == 2


def test_shorter_full_names_join_the_longest_and_bare_names_need_their_letters() -> None:
    a = article("a", "قال سليم بن عامر الدراجي إن سليم الدراجي وسعاد الزين التقيا. وأضاف الدراجي أن الساعدي غاب.",
                [("سليم بن عامر الدراجي", "PERS"), ("سليم الدراجي", "PERS"), ("سعاد الزين", "PERS"),
                 ("الدراجي", "PERS"), ("الساعدي", "PERS")])
    ids = by_variant(merge_entities([a]))
    assert ids["سليم بن عامر الدراجي"] == ids["سليم الدراجي"] == ids["الدراجي"]
    assert ids["الساعدي"] != ids["سعاد الزين"]  # same consonants, different name


def test_merging_batch_by_batch_gives_the_merge_of_everything_at_once(random_coverage: Callable[..., Any]) -> None:
    """``EntityMerger.add`` redoes only what new mentions touch: after every batch its entities are those of one
    merge of all articles so far (a short form seen long before its full name, a type that flips, a longer name
    that takes over a chain)."""
    import random

    from marsad.stages.entities import EntityMerger

    merged_short = 0
    for seed in range(60):
        rng = random.Random(seed)
        arts, stories = random_coverage(seed, rng.randint(5, 80))
        merger = EntityMerger()
        k = 0
        while k < len(arts):
            batch = arts[k:k + rng.choice([1, 2, 5, 20])]
            ids = {a.id for a in batch}
            merger.add(batch, [{"id": s["id"], "members": [m for m in s["members"] if m["article"] in ids]}
                               for s in stories])
            k += len(batch)
            want = merge_entities(arts[:k], stories)
            assert merger.entities() == want, f"seed {seed}, after {k} articles"
        merged_short += sum(len({len(name_key(v)) for v in e["variants"]}) > 1 for e in want)
    assert merged_short > 100, "too few short forms joined a longer name: the corpus would not test the merge"
