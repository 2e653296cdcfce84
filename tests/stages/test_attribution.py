"""Claim attribution: agency-attributed claims, anonymous sources, and cue words that attribute nothing."""

from __future__ import annotations

from typing import Any

from marsad.doc import Span
from marsad.stages.attribution import find_attributions


def attributions(text: str) -> list[tuple[str, str, str, bool]]:
    found = find_attributions(text, [Span(0, len(text))])
    return [(text[a.claim.start:a.claim.end], text[a.source.start:a.source.end], text[a.cue.start:a.cue.end],
             a.anonymous) for a in found]


def test_agency_attributed_claim() -> None:
    text = "انتهت المحادثات بعد نحو ساعتين على بدئها، حسبما ذكرت وكالة تاس الروسية للأنباء."
    assert attributions(text) == [("انتهت المحادثات بعد نحو ساعتين على بدئها", "وكالة تاس الروسية للأنباء",
                                   "حسبما ذكرت", False)]


def test_leading_attribution_and_anonymous_source() -> None:
    text = "وبحسب مصادر مطلعة طلبت عدم الكشف عن هويتها، فإن الوفد سيصل إلى العاصمة يوم الأحد المقبل."
    ((claim, source, cue, anonymous),) = attributions(text)
    assert cue == "وبحسب" and source.startswith("مصادر مطلعة") and anonymous
    assert claim.endswith("يوم الأحد المقبل")


def test_cue_without_a_source_attributes_nothing() -> None:
    assert attributions("صنعت الصواريخ وفقاً لتصاميم سوفياتية قديمة جدا في المصانع الحكومية.") == []
    assert attributions("سنواصل الاختبارات بحسب تطور الوضع وطبيعة التهديدات التي تستهدف أمن البلاد.") == []


def test_seed_attributions_link_named_sources(seed_dossier: dict[str, Any]) -> None:
    names = {e["id"]: e["name"] for e in seed_dossier["entities"]}
    peskov = [a for a in seed_dossier["attributions"] if a["article"] == "000" and "بيسكوف" in a["source_text"]]
    assert [names.get(a["source"]) for a in peskov] == ["دميتري بيسكوف"]
    assert any(a["anonymous"] for a in seed_dossier["attributions"] if a["article"] == "002")


def test_claims_through_reported_speech() -> None:
    """A reporting verb ("أفادت … بأن") and an unnamed speaker ("مسؤول … طلب عدم الكشف عن هويته") attribute the
    reported clause; "بحسب ما أفاد" is one cue."""
    from marsad.stages.attribution import from_quotes
    from marsad.stages.quotes import find_quotes

    text = ("وكانت وكالة النهار للأنباء قد أفادت بأن قسماً من السد انهار في الساعات الأولى من الصباح.\n"
            "وقال مسؤول طلب عدم الكشف عن هويته إن الإنذار الأول لم يصل إلى السكان في الوقت المناسب.\n"
            "وتراجع عدد المفقودين إلى ستة بعد العثور على ثلاثة رعاة، بحسب ما أفاد الدفاع المدني.")
    paragraphs, pos = [], 0
    for line in text.split("\n"):
        paragraphs.append(Span(pos, pos + len(line)))
        pos += len(line) + 1
    cued = find_attributions(text, paragraphs)
    assert [(text[a.source.start:a.source.end], text[a.cue.start:a.cue.end]) for a in cued] == [
        ("الدفاع المدني", "بحسب ما أفاد")]
    derived = from_quotes(text, find_quotes(text, paragraphs), cued)
    assert [(text[a.claim.start:a.claim.end], text[a.source.start:a.source.end], a.anonymous) for a in derived] == [
        ("قسماً من السد انهار في الساعات الأولى من الصباح", "وكالة النهار للأنباء", False),
        ("الإنذار الأول لم يصل إلى السكان في الوقت المناسب", "مسؤول طلب عدم الكشف عن هويته", True)]


def test_unnamed_media_with_or_without_the_article_are_anonymous() -> None:
    for media in ("وسائل إعلام رسمية", "وسائل الإعلام الرسمية"):
        text = f"وصل الوفد إلى العاصمة مساء الأحد، بحسب {media}."
        ((_, source, _, anonymous),) = attributions(text)
        assert source.startswith(media.split()[0]) and anonymous, (media, source)
