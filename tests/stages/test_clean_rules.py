"""Cleaning rules on small hand-made texts: each rule fires where it should and leaves prose alone."""

from __future__ import annotations

import pytest

from marsad.options import DEFAULT_OPTIONS
from marsad.stages.clean import CleanResult, clean_text, is_agency

PROSE = "انتهت المحادثات بين الرئيس الروسي والزعيم الكوري الشمالي في قاعدة فوستوتشني الفضائية الروسية الأربعاء، بعد نحو ساعتين على بدئها."
PROSE2 = "وقال المتحدث باسم الكرملين إن الجانبين بحثا التعاون الاقتصادي والعسكري والقضايا الإنسانية في جلسة مغلقة استمرت ساعتين."
PROSE3 = "وأضاف أن الزعيمين اتفقا على مواصلة المشاورات خلال الأشهر المقبلة، من دون أن يكشف تفاصيل عن الاتفاقات التي تم التوصل إليها."
PROSE4 = "وكانت وسائل إعلام رسمية قد ذكرت في وقت سابق أن الوفد الزائر يضم مسؤولين عسكريين كبارا ومتخصصين في صناعة السلاح والصواريخ."


def removed(text: str, result: CleanResult) -> list[tuple[str, str]]:
    return [(r.kind, text[r.start:r.end]) for r in result.removed]


def body(text: str, result: CleanResult) -> list[str]:
    return [text[s.start:s.end] for s in result.body]


def run(text: str) -> CleanResult:
    return clean_text(text, DEFAULT_OPTIONS)


@pytest.mark.parametrize("credit", ["رويترز", "أ.ف.ب", "أ ف ب", "ا.ب", "AFP", "Getty Images", "رويترز/أ.ب",
                                    "صورة: رويترز", "وكالة النهار للأنباء", "أرشيفية"])
def test_agency_credits(credit: str) -> None:
    assert is_agency(credit)


@pytest.mark.parametrize("text", ["الرئيس الروسي", "واشنطن", "وسط", "2022", "كييف"])
def test_not_agency_credits(text: str) -> None:
    assert not is_agency(text)


def test_caption_with_bracketed_credit_is_split_into_caption_and_credit() -> None:
    text = f"{PROSE}\nالرئيس الروسي خلال اجتماع في قاعدة فضائية (رويترز)\n{PROSE2}"
    result = run(text)
    assert removed(text, result) == [("caption", "الرئيس الروسي خلال اجتماع في قاعدة فضائية"), ("credit", "(رويترز)")]
    assert body(text, result) == [PROSE, PROSE2]


def test_caption_with_credit_after_full_stop() -> None:
    text = f"{PROSE}\nمنازل غمرتها المياه في بلدة صغيرة. رويترز\n{PROSE2}"
    assert removed(text, run(text)) == [("caption", "منازل غمرتها المياه في بلدة صغيرة."), ("credit", "رويترز")]


def test_long_paragraph_ending_in_agency_name_is_body() -> None:
    long_par = " ".join([PROSE, PROSE2, PROSE3]) + " (رويترز)"
    text = f"{long_par}\n{PROSE4}"
    assert removed(text, run(text)) == []


def test_wire_dateline_is_a_credit_and_the_sentence_stays() -> None:
    text = f"موسكو (رويترز) - {PROSE}"
    result = run(text)
    assert removed(text, result) == [("credit", "موسكو (رويترز) -")]
    assert body(text, result) == [PROSE]


def test_stray_marker_and_repeated_title() -> None:
    title = "بوتين وكيم يتفقان على تعزيز التعاون"
    text = f"{title}\n\nTT\n\n{title}\n\n{PROSE}"
    result = run(text)
    assert removed(text, result) == [("other", "TT"), ("other", title)]
    assert body(text, result) == [title, PROSE]
    assert result.title_line is not None and result.title_line.text == title


def test_social_link_line() -> None:
    text = f"{PROSE}\nhttps://twitter.com/outlet/status/123456\n{PROSE2}"
    assert removed(text, run(text)) == [("social", "https://twitter.com/outlet/status/123456")]


def test_read_also_block_at_the_end() -> None:
    text = f"{PROSE}\n{PROSE2}\nاقرأ أيضاً:\nعنوان خبر آخر عن الاقتصاد\nهل تنجح المفاوضات؟ تقرير عن الأزمة\n"
    got = removed(text, run(text))
    assert got == [("read_also", "اقرأ أيضاً:\nعنوان خبر آخر عن الاقتصاد\nهل تنجح المفاوضات؟ تقرير عن الأزمة")]


def test_inline_read_also_does_not_swallow_the_article() -> None:
    text = f"{PROSE}\nاقرأ أيضا: عنوان خبر آخر عن الاقتصاد\n{PROSE2}\n{PROSE3}"
    result = run(text)
    assert removed(text, result) == [("read_also", "اقرأ أيضا: عنوان خبر آخر عن الاقتصاد")]
    assert body(text, result) == [PROSE, PROSE2, PROSE3]


def test_trailing_tags_and_tag_header() -> None:
    text = f"{PROSE}\n{PROSE2}\nروسيا\nكوريا الشمالية\n"
    assert removed(text, run(text)) == [("tags", "روسيا\nكوريا الشمالية")]
    text2 = f"{PROSE}\n{PROSE2}\nالوسوم: روسيا، كوريا الشمالية، الفضاء"
    assert removed(text2, run(text2)) == [("tags", "الوسوم: روسيا، كوريا الشمالية، الفضاء")]


def test_subheadings_between_paragraphs_stay() -> None:
    text = f"{PROSE}\nتعاون عسكري واقتصادي\n{PROSE2}\nروسيا\n{PROSE3}"
    assert removed(text, run(text)) == []


def test_related_block_in_the_middle_then_the_article_goes_on() -> None:
    """Prose after a related block without a new article's furniture is the same article continuing."""
    text = (f"{PROSE}\nمقالات ذات صلة\nعنوان خبر آخر عن الاقتصاد\n«الواحة نيوز» (عمّان)\n"
            f"{PROSE2}\n{PROSE3}\n{PROSE4}")
    result = run(text)
    assert removed(text, result) == [("related", "مقالات ذات صلة\nعنوان خبر آخر عن الاقتصاد\n«الواحة نيوز» (عمّان)")]
    assert body(text, result) == [PROSE, PROSE2, PROSE3, PROSE4]
    assert result.parts == []


def test_glued_article_after_related_block_becomes_a_part() -> None:
    glued_title = "افتتاح معرض الكتاب بمشاركة واسعة"
    text = (f"{PROSE}\n{PROSE2}\nمقالات ذات صلة\nعنوان خبر آخر عن الاقتصاد\nملخص قصير للخبر الآخر في سطر واحد.\n"
            f"«الواحة نيوز» (عمّان)\n{glued_title}\nزوار في المعرض (أ.ف.ب)\nTT\n{glued_title}\n{PROSE3}\n{PROSE4}\n"
            f"{PROSE3} {PROSE4}")
    result = run(text, )
    kinds = [k for k, _ in removed(text, result)]
    assert kinds == ["related", "glued_article", "caption", "credit", "other", "other"]
    (part,) = result.parts
    assert text[part.start:part.end].startswith(glued_title)
    assert part.end == len(text)
    assert part.title == glued_title
    assert [text[s.start:s.end] for s in part.body] == [glued_title, PROSE3, PROSE4, f"{PROSE3} {PROSE4}"]
    assert body(text, result) == [PROSE, PROSE2]


def test_menu_runs_into_headline_on_the_same_line() -> None:
    headline = "انتهاء قمة كيم وبوتين في قاعدة فوستوتشني الفضائية"
    text = f"الرئيسية | أخبار | سياسة | اقتصاد | رياضة {headline}\n{PROSE}"
    result = run(text)
    assert removed(text, result) == [("other", "الرئيسية | أخبار | سياسة | اقتصاد | رياضة")]
    assert body(text, result) == [headline, PROSE]


def test_search_help_tokenised_with_spaces_around_punctuation() -> None:
    text = ("القائمة الرئيسية الرئيسية أخبار عربي دولي اقتصاد رياضة فيديو بحث « العودة » "
            f"انتهاء قمة كيم وبوتين , بحسب ما ذكرت وكالات .\n{PROSE}")
    result = run(text)
    assert body(text, result)[0] == "انتهاء قمة كيم وبوتين , بحسب ما ذكرت وكالات ."


def test_legal_notice_and_subscription_form() -> None:
    text = (f"{PROSE}\nاشترك في النشرة البريدية أدخل بريدك الإلكتروني اشترك\n"
            "جميع الحقوق محفوظة © 2024 الواحة نيوز - سياسة الخصوصية - شروط الاستخدام")
    result = run(text)
    assert [k for k, _ in removed(text, result)] == ["other", "other"]
    assert body(text, result) == [PROSE]


def test_subscription_form_after_headline_on_same_line() -> None:
    headline = "انتهاء قمة كيم وبوتين في قاعدة فوستوتشني الفضائية"
    text = f"{headline} اشترك في النشرة البريدية أدخل بريدك الإلكتروني\n{PROSE}"
    assert body(text, run(text)) == [headline, PROSE]


def test_prose_with_menu_words_is_kept() -> None:
    text = "وقال إن سياسة الحكومة في مجال الاقتصاد والرياضة والثقافة ستتغير، مشيرا إلى أن الأخبار عن ذلك غير دقيقة."
    assert removed(text, run(text)) == []


def test_bylines() -> None:
    text = f"بقلم: رنا أبتر\n{PROSE}\nلندن: «الشرق الأوسط»\n{PROSE2}"
    assert [k for k, _ in removed(text, run(text))] == ["byline", "byline"]


def test_empty_and_blank_text() -> None:
    assert run("").body == []
    assert run("\n \n").body == []
