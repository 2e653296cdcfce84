"""Quotes and speakers: carried-over speakers, speaker after the quote, reported speech, and no quote without a cue."""

from __future__ import annotations

from typing import Any

from marsad.doc import Span
from marsad.stages.quotes import find_quotes


def quotes(text: str, persons: list[str] = ()) -> list[tuple[str, str, str, bool]]:  # type: ignore[assignment]
    paragraphs = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append(Span(pos, pos + len(line)))
        pos += len(line) + 1
    spans = [Span(text.index(p), text.index(p) + len(p)) for p in persons]
    return [(q.kind, text[q.start:q.end], q.speaker_text, q.carried) for q in find_quotes(text, paragraphs, spans)]


def test_continuation_three_sentences_after_the_named_speaker() -> None:
    text = ("وقال وزير الخارجية سامي الحداد: «سنواصل المحادثات حتى نهاية الأسبوع». وأشار إلى الوضع الإنساني. "
            "واستقبل الوزير نظيره في المطار. ثم عقد الجانبان جلسة مغلقة.\n"
            "وأضاف: «لن نقبل بأي شروط مسبقة في هذه المرحلة».")
    got = quotes(text)
    assert got[0] == ("direct", "سنواصل المحادثات حتى نهاية الأسبوع", "وزير الخارجية سامي الحداد", False)
    assert got[-1] == ("direct", "لن نقبل بأي شروط مسبقة في هذه المرحلة", "وزير الخارجية سامي الحداد", True)


def test_speaker_after_the_quote() -> None:
    text = "«الوضع تحت السيطرة تماما»، قال المتحدث باسم الدفاع المدني نادر شحادة للصحفيين."
    assert quotes(text) == [("direct", "الوضع تحت السيطرة تماما", "المتحدث باسم الدفاع المدني نادر شحادة", False)]


def test_reported_speech_and_pronoun_subject() -> None:
    text = "وقال المحافظ سليم الدراجي إن السلطات أطلقت خطة طوارئ شاملة لإجلاء السكان. وقال إنه سيزور المنطقة غدا صباحا."
    got = quotes(text)
    assert got[0] == ("indirect", "السلطات أطلقت خطة طوارئ شاملة لإجلاء السكان", "المحافظ سليم الدراجي", False)
    assert got[1][0] == "indirect" and got[1][2] == "المحافظ سليم الدراجي" and got[1][3]


def test_quotation_marks_without_a_cue_are_not_quotes() -> None:
    assert quotes("وصدر الكتاب بعنوان «ذاكرة المدينة القديمة» عن دار النشر الوطنية.") == []


def test_subject_named_before_the_quote() -> None:
    text = "وبعد الجولة، أعرب الوزير علي حسن عن «دعمه الكامل وغير المشروط للخطة»، وقال إن بلاده ستساعد."
    got: list[Any] = quotes(text, persons=["علي حسن"])
    assert got[0][:3] == ("direct", "دعمه الكامل وغير المشروط للخطة", "الوزير علي حسن")


def test_seed_quotes_link_speakers_to_entities(seed_dossier: dict[str, Any], validate_dossier: Any) -> None:
    names = {e["id"]: e["name"] for e in seed_dossier["entities"]}
    arts = {a["id"]: a for a in seed_dossier["articles"]}
    lavrov = [q for q in seed_dossier["quotes"] if q["article"] == "001"
              and "قمنا مع الأصدقاء الصينيين" in arts["001"]["text"][q["start"]:q["end"]]]
    assert [names.get(q["speaker"]) for q in lavrov] == ["سيرغي لافروف"]
    assert validate_dossier(seed_dossier) == []


def test_partial_quote_inside_reported_speech_keeps_its_speaker() -> None:
    text = ("وقال المتحدث باسم الدفاع المدني العقيد نادر شحادة في تصريح للوكالة إن فرق الإنقاذ «تعمل في ظروف بالغة "
            "الصعوبة»، موضحاً أن منسوب المياه تجاوز مترين في ساعات الصباح الأولى.")
    got = quotes(text, persons=["نادر شحادة"])
    assert got == [
        ("indirect", "فرق الإنقاذ «تعمل في ظروف بالغة الصعوبة»", "المتحدث باسم الدفاع المدني العقيد نادر شحادة", False),
        ("direct", "تعمل في ظروف بالغة الصعوبة", "المتحدث باسم الدفاع المدني العقيد نادر شحادة", False),
        ("indirect", "منسوب المياه تجاوز مترين في ساعات الصباح الأولى", "المتحدث باسم الدفاع المدني العقيد نادر شحادة",
         True),
    ]


def test_subject_before_the_verb_and_through_a_relative_pronoun() -> None:
    assert quotes("محللون يقولون إن البلاد قد تمتلك ملايين القذائف المدفعية.")[0][1:3] == (
        "البلاد قد تمتلك ملايين القذائف المدفعية", "محللون")
    text = "وتتعارض هذه الرواية مع تصريحات المحافظ الدراجي، الذي أكد أمس أن الإنذار أطلق في الوقت المناسب."
    assert quotes(text)[0][1:3] == ("الإنذار أطلق في الوقت المناسب", "تصريحات المحافظ الدراجي")


def test_relayed_speaker_and_addressee_in_quotation_marks() -> None:
    text = "ونقلت الوكالة عن الدفاع المدني أن الكارثة أودت بحياة تسعة أشخاص في الأقل."
    assert quotes(text)[0][2] == "الدفاع المدني"
    text = "وقال مسؤول في وزارة الداخلية لـ«المرصد اليومي» إن الإنذار الأول لم يصل إلى السكان في الوقت المناسب."
    assert quotes(text) == [("indirect", "الإنذار الأول لم يصل إلى السكان في الوقت المناسب", "مسؤول في وزارة الداخلية",
                             False)]


def test_pronoun_subject_is_the_person_the_paragraph_is_about() -> None:
    text = "وفي كلمته الافتتاحية، رحب بوتين بكيم في روسيا، وقال إنه سعيد برؤيته في القاعدة الفضائية."
    assert quotes(text, persons=["بوتين", "كيم"])[0][1:] == ("سعيد برؤيته في القاعدة الفضائية", "بوتين", True)


def test_multi_paragraph_quote() -> None:
    text = ("وقال الوزير سامي الحداد: «لن نقبل بأي شروط مسبقة في هذه المرحلة.\n"
            "«وسنواصل العمل مع شركائنا حتى نهاية العام».\n"
            "وغادر الوزير القاعة بعد ذلك.")
    got = quotes(text, persons=["سامي الحداد"])
    assert got == [("direct", "لن نقبل بأي شروط مسبقة في هذه المرحلة.\n«وسنواصل العمل مع شركائنا حتى نهاية العام",
                    "الوزير سامي الحداد", False)]


def test_prefixes_and_agreement() -> None:
    text = ("وقال وزير الخارجية سامي الحداد إن المحادثات ستستمر حتى نهاية الأسبوع. وأضاف قائلاً: «لن نقبل بأي شروط "
            "مسبقة».\nفيما قالت المتحدثة باسم الوزارة نادية سالم إن الوفد سيصل غدا إلى العاصمة.")
    assert quotes(text, persons=["سامي الحداد", "نادية سالم"]) == [
        ("indirect", "المحادثات ستستمر حتى نهاية الأسبوع", "وزير الخارجية سامي الحداد", False),
        ("direct", "لن نقبل بأي شروط مسبقة", "وزير الخارجية سامي الحداد", True),
        ("indirect", "الوفد سيصل غدا إلى العاصمة", "المتحدثة باسم الوزارة نادية سالم", False),
    ]
