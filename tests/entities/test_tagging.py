"""The tagging stage: mentions as raw spans, proclitics outside the span, titles split off."""

from __future__ import annotations

import pytest

from marsad.stages import entities as E


@pytest.fixture(scope="module")
def tagger() -> E.Tagger:
    return E.default_tagger()


def test_tokenize_keeps_offsets_and_splits_punctuation() -> None:
    text = "كيم جونغ أون، «بوتين» 3.5 بـ«انتصار»"
    assert [text[a:b] for a, b in E.tokenize(text)] == [
        "كيم", "جونغ", "أون", "،", "«", "بوتين", "»", "3.5", "بـ", "«", "انتصار", "»"]


@pytest.mark.parametrize(("token", "name"), [
    ("لموسكو", "موسكو"), ("وبوتين", "بوتين"), ("بالكرملين", "الكرملين"), ("وَبوتين", "بوتين"),
    ("لروسيا", "روسيا"), ("واشنطن", "واشنطن"), ("لبنان", "لبنان"), ("فرنسا", "فرنسا"), ("كوريا", "كوريا"),
    ("وبالمنامة", "المنامة"), ("والمملكة", "المملكة"), ("والتر", "والتر"),
])
def test_proclitics_are_left_outside_the_name(tagger: E.Tagger, token: str, name: str) -> None:
    assert token[E._skip_letters(token, E.proclitic_length(tagger, token)):] == name


def test_tagged_spans_skip_clitics_and_titles(tagger: E.Tagger) -> None:
    text = "وقال الرئيس الروسي فلاديمير بوتين لموسكو إن وزير الخارجية سيرغي لافروف سيزور باريس."
    mentions = E.tag_text(tagger, text, 0, len(text), "a")
    found = {(text[m.start:m.end], m.type) for m in mentions}
    assert ("فلاديمير بوتين", "PERS") in found
    assert ("موسكو", "LOC") in found
    assert ("باريس", "LOC") in found
    for m in mentions:
        assert not text[m.start:m.end].startswith(("الرئيس", "وزير"))


def test_two_persons_side_by_side_are_split() -> None:
    from marsad.doc import Article, Mention

    text = "التقى كيم جونغ أون فلاديمير بوتين. وأخبر كيم بوتين أن فلاديمير بوتين صديق."
    art = Article(id="a", text=text)

    def m(surface: str, after: int = 0) -> Mention:
        s = text.index(surface, after)
        return Mention(s, s + len(surface), "PERS", "a")

    joined = m("كيم بوتين")
    mentions = [m("كيم جونغ أون"), m("فلاديمير بوتين"), joined, m("فلاديمير بوتين", joined.end)]
    out = E._split_adjacent_persons(art, mentions)
    assert [text[x.start:x.end] for x in out] == ["كيم جونغ أون", "فلاديمير بوتين", "كيم", "بوتين", "فلاديمير بوتين"]
    # a full name is never split, even when both its words occur in other names
    assert E._split_adjacent_persons(art, mentions[:2]) == mentions[:2]


def test_a_person_name_stops_at_a_word_with_a_proclitic(tagger: E.Tagger) -> None:
    # the CRF may run "بوتين" on into "لموسكو" / "ودونالد"; the stage cuts the name there
    spans = [(0, 3, "PERS")]
    tokens = ["فلاديمير", "بوتين", "لموسكو"]
    assert E._person_cuts(tagger, tokens, spans) == [(0, 2, "PERS"), (2, 3, "LOC")]
    tokens = ["بوتين", "ودونالد", "ترامب"]
    assert E._person_cuts(tagger, tokens, spans) == [(0, 1, "PERS"), (1, 3, "PERS")]
    tokens = ["عبد", "الله", "بن", "زايد"]
    assert E._person_cuts(tagger, tokens, [(0, 4, "PERS")]) == [(0, 4, "PERS")]


def test_a_transliterated_surname_starting_like_a_proclitic_is_not_cut(tagger: E.Tagger) -> None:
    # "فالدبيرج" reads as ف + الدبيرج, "كالفن" as ك + الفن: inside a name they are part of it
    assert E._person_cuts(tagger, ["يوهانس", "فالدبيرج"], [(0, 2, "PERS")]) == [(0, 2, "PERS")]
    assert E._person_cuts(tagger, ["جون", "كالفن"], [(0, 2, "PERS")]) == [(0, 2, "PERS")]
