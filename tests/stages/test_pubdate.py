"""Publication dates: explicit dates in the text (raw offsets), weekday consistency, and the pipeline stage."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from marsad.doc import Article, Part, Removed, Span
from marsad.ingest import make_article
from marsad.options import DEFAULT_OPTIONS
from marsad.stages.clean import Clean
from marsad.stages.pubdate import PublicationDate, estimate_date, find_dates, weekdays_in

NOT_AFTER = date(2030, 1, 1)  # keeps the tests independent of today's date


def whole(text: str) -> list[Span]:
    return [Span(0, len(text))]


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("الأربعاء 13 سبتمبر 2023", "13 سبتمبر 2023", date(2023, 9, 13)),
        ("نشر في 13 أيلول 2023 مساء", "13 أيلول 2023", date(2023, 9, 13)),
        ("الأربعاء ١٣ سبتمبر ٢٠٢٣", "١٣ سبتمبر ٢٠٢٣", date(2023, 9, 13)),
        ("بتاريخ ۱۳ سبتمبر ۲۰۲۳", "۱۳ سبتمبر ۲۰۲۳", date(2023, 9, 13)),
        ("في 5 يونيو/حزيران 2024 وصل", "5 يونيو/حزيران 2024", date(2024, 6, 5)),
        ("الأحد (5 أكتوبر/تشرين الأول 2025)", "5 أكتوبر/تشرين الأول 2025", date(2025, 10, 5)),
        ("الثلاثاء ١٤ تشرين الأول/أكتوبر ٢٠٢٥", "١٤ تشرين الأول/أكتوبر ٢٠٢٥", date(2025, 10, 14)),
        ("13 من شهر سبتمبر (أيلول) 2023", "13 من شهر سبتمبر (أيلول) 2023", date(2023, 9, 13)),
        ("في 13 سبتمبر، 2023 وصل", "13 سبتمبر، 2023", date(2023, 9, 13)),
        ("في 13 سبتمبر عام 2023", "13 سبتمبر عام 2023", date(2023, 9, 13)),
        ("1 كانون الثاني 2024", "1 كانون الثاني 2024", date(2024, 1, 1)),
        ("3 جوان 2024", "3 جوان 2024", date(2024, 6, 3)),
        ("وقع في 2023-09-13 صباحا", "2023-09-13", date(2023, 9, 13)),
        ("تحديث: 13/09/2023", "13/09/2023", date(2023, 9, 13)),
        ("تحديث: 13.09.2023", "13.09.2023", date(2023, 9, 13)),
        ("تحديث: ٢٠٢٣/٩/١٣", "٢٠٢٣/٩/١٣", date(2023, 9, 13)),
    ],
)
def test_find_dates(text: str, surface: str, value: date) -> None:
    found = find_dates(text)
    assert [f.value for f in found] == [value]
    assert text[found[0].start:found[0].end] == surface


def test_find_dates_offsets_are_raw_after_shifting_characters() -> None:
    # diacritics, tatweel, a bidi mark and a ligature before the date shift normalized offsets; raw ones must hold
    text = "\u200fنُشِرَ بتـــاريخ \ufefb الأربعاء ١٣ سبتمبر ٢٠٢٣ مساءً"
    (found,) = find_dates(text)
    assert text[found.start:found.end] == "١٣ سبتمبر ٢٠٢٣"
    assert found.value == date(2023, 9, 13)


def test_find_dates_in_a_window_gives_absolute_offsets() -> None:
    text = "13 سبتمبر 2023\nثم 14 سبتمبر 2023\nوأخيرا 15 سبتمبر 2023"
    start = text.index("ثم")
    end = text.index("\nوأخيرا")
    found = find_dates(text, start, end)
    assert [f.value for f in found] == [date(2023, 9, 14)]
    assert text[found[0].start:found[0].end] == "14 سبتمبر 2023"


def test_find_dates_sorted_by_position() -> None:
    text = "في 2023-09-14 و13 سبتمبر 2023 و12/09/2023"
    assert [f.value.day for f in find_dates(text)] == [14, 13, 12]


@pytest.mark.parametrize(
    "text",
    [
        "31 فبراير 2023",
        "30 فبراير 2024",
        "32/01/2023",
        "2023-13-01",
        "عيار 122 ملم",
        "أطلق صاروخا من عيار 122 ملم في 2023",
        "113 سبتمبر 2023",
        "13 سبتمبر 20234",
        "13 سبتمبر",
        "سبتمبر 2023",
        "13 سبتمبرية 2023",
        "13 سبتمبر 1850",
        "الهاتف 12-34-5678",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_weekdays_in() -> None:
    text = "وقال يوم الجمعة إن اجتماع (الأحد) سيعقد، وكان الاثنين الماضي هادئا والخميس المقبل حاسما"
    assert weekdays_in(text, whole(text)) == {4, 6}  # last Monday and next Thursday are not "today"
    assert weekdays_in("قال الخميسي والسبتي", whole("قال الخميسي والسبتي")) == set()  # names, not weekdays
    assert weekdays_in("والجمعة", whole("والجمعة")) == {4}


def test_estimate_date_moves_to_the_named_weekday() -> None:
    # 21 September 2023 is a Thursday; an article that says "الجمعة" was published on Friday the 22nd
    assert date(2023, 9, 21).weekday() == 3
    text = "قال المسؤول، الجمعة، إن الاجتماع الذي عقد في 21 سبتمبر 2023 كان مثمرا."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2023, 9, 22)


def test_estimate_date_keeps_an_anchor_that_agrees_with_the_text() -> None:
    text = "الخميس 21 سبتمبر 2023\nقال المسؤول الخميس إن الوضع هادئ."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2023, 9, 21)
    text = "الخميس 21 سبتمبر 2023\nوقال إن الاجتماع سيعقد الاثنين المقبل."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2023, 9, 21)
    # a weekday qualified as last/next week is not the publication day: no move to the Monday after
    text = "عين السنديان، 21 سبتمبر 2023 - قال المسؤول إن ما جرى يوم الاثنين الماضي لن يتكرر."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2023, 9, 21)
    text = "عين السنديان، 21 سبتمبر 2023 - قال المسؤول إن الاجتماع سيعقد الجمعة المقبلة."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2023, 9, 21)


@pytest.mark.parametrize(
    ("phrase", "weekday"),
    [
        ("حتى صباح اليوم الأربعاء", 2),
        ("فجر أمس الثلاثاء", 2),
        ("وأقر المجلس أمس الخميس", 4),
        ("أول أمس الثلاثاء", 3),
        ("غداً الخميس", 2),
        ("اليوم الأربعاء 15 أكتوبر 2025", 2),
    ],
)
def test_weekday_named_relative_to_today(phrase: str, weekday: int) -> None:
    assert weekdays_in(phrase, whole(phrase)) == {weekday}


def test_weekday_labelling_a_date_is_not_evidence() -> None:
    for text in ["انهار السد فجر الثلاثاء 14 أكتوبر 2025", "الأحد (5 أكتوبر/تشرين الأول 2025)", "الخميس، 16/10/2025"]:
        assert weekdays_in(text, whole(text)) == set()


def test_relative_days_win_over_plain_mentions() -> None:
    text = "وكان الثلاثاء يوما صعبا، وقال الوزير أمس الخميس إن الجمعة ستشهد اجتماعا"
    assert weekdays_in(text, whole(text)) == {4}


def test_estimate_date_event_date_and_relative_weekdays() -> None:
    # the only explicit date is the event's (a Tuesday); "يوم الجمعة" and "أمس الخميس" date the text to Friday
    text = ("عين السنديان (وكالة) - قالت البعثة يوم الجمعة إن السد انهار فجر الثلاثاء 14 أكتوبر 2025.\n"
            "وأقر مجلس الوزراء أمس الخميس إنشاء صندوق طوارئ.")
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2025, 10, 17)
    text = ("ارتفعت الحصيلة حتى صباح اليوم الأربعاء. انهار السد فجر أمس الثلاثاء، واستقبل المستشفى منذ فجر "
            "الثلاثاء ١٤ تشرين الأول/أكتوبر ٢٠٢٥ عشرات المصابين.")
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2025, 10, 15)


def test_estimate_date_agrees_with_the_example_sidecars(examples_dir: Path) -> None:
    checked = 0
    for path in sorted(examples_dir.glob("*.txt")):
        meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        article = Clean()(Article(id=path.stem, text=text), DEFAULT_OPTIONS)
        found = estimate_date(text, article.body, not_after=NOT_AFTER)
        if found is not None and meta.get("published"):
            assert found.isoformat() == meta["published"][:10], path.name
            checked += 1
    assert checked >= 1


def test_estimate_date_never_goes_past_the_limit() -> None:
    text = "قال المسؤول الجمعة إن ما جرى في 21 سبتمبر 2023 مهم."
    assert estimate_date(text, whole(text), not_after=date(2023, 9, 21)) == date(2023, 9, 21)
    assert estimate_date("في 21 سبتمبر 2023", whole("في 21 سبتمبر 2023"), not_after=date(2023, 1, 1)) is None


def test_estimate_date_prefers_the_dateline() -> None:
    text = "بيروت، 14 أكتوبر 2025 - قالت الوزارة إن التقرير الصادر في 3 مارس 2025 حذر من التسرب. " + "ج" * 400 + \
        " وفي 20 أكتوبر 2025 يبدأ التحقيق."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2025, 10, 14)


def test_estimate_date_latest_date_and_context() -> None:
    text = "ج" * 400 + " التقرير صدر في 3 مارس 2025 وعدل في 20 أبريل 2025."
    assert estimate_date(text, whole(text), not_after=NOT_AFTER) == date(2025, 4, 20)
    plain = "نص بلا تاريخ.\nتاريخ الرابط 5 أكتوبر 2025"
    body, ctx = [Span(0, 13)], [Span(14, len(plain))]
    assert estimate_date(plain, body) is None
    assert estimate_date(plain, body, ctx, not_after=NOT_AFTER) == date(2025, 10, 5)
    assert estimate_date(plain, []) is None


TEXT_WITH_DATE = (
    "كيم جونغ أون يصل إلى روسيا\n"
    "فلاديفوستوك - وصل الزعيم الكوري الشمالي كيم جونغ أون الأربعاء 13 سبتمبر 2023 إلى روسيا في زيارة نادرة. "
    "وقال مسؤولون إن اللقاء مع الرئيس الروسي سيتناول التعاون بين البلدين.\n"
    "وأضاف المسؤولون أن المحادثات ستستمر يومين.\n"
)


def _article(text: str, metadata: dict[str, str] | None = None) -> Article:
    article = make_article(text, id="a", input="a.txt", format="text", encoding="utf-8", metadata=metadata,
                           options=DEFAULT_OPTIONS)
    return Clean()(article, DEFAULT_OPTIONS)


def test_stage_dates_an_article_without_metadata_from_its_text() -> None:
    article = _article(TEXT_WITH_DATE)
    assert article.published is None and article.published_source == "unknown"
    article = PublicationDate()(article, DEFAULT_OPTIONS)
    assert article.published == "2023-09-13"
    assert article.published_source == "text"


def test_stage_keeps_the_metadata_date() -> None:
    article = _article(TEXT_WITH_DATE, {"published": "2023-09-14T08:00:00+03:00"})
    assert article.published == "2023-09-14" and article.published_source == "metadata"
    article = PublicationDate()(article, DEFAULT_OPTIONS)
    assert article.published == "2023-09-14"
    assert article.published_source == "metadata"


def test_stage_leaves_an_undated_article_unknown() -> None:
    article = _article("خبر بلا تاريخ\nوصل الوفد إلى المدينة وبدأ الاجتماع مع المسؤولين.\n")
    article = PublicationDate()(article, DEFAULT_OPTIONS)
    assert article.published is None
    assert article.published_source == "unknown"


def test_stage_dates_a_glued_part_from_its_link_block() -> None:
    body_text = "المقال الأول وصل الوفد الأربعاء 13 سبتمبر 2023 إلى المدينة."
    related = "مقالات ذات صلة\nمهرجان الزيتون يختتم 5 أكتوبر 2025"
    part_text = "اختتم المهرجان أعماله الأحد وسط مشاركة واسعة."
    text = f"{body_text}\n{related}\n{part_text}"
    r_start = text.index("مقالات")
    p_start = text.index("اختتم")
    article = Article(
        id="a",
        text=text,
        body=[Span(0, len(body_text))],
        removed=[Removed(r_start, p_start - 1, "related"), Removed(p_start, len(text), "glued_article")],
        parts=[Part(id="a#2", start=p_start, end=len(text), body=[Span(p_start, len(text))])],
    )
    article = PublicationDate()(article, DEFAULT_OPTIONS)
    assert article.published == "2023-09-13"
    assert article.parts[0].published == "2025-10-05"  # 5 October 2025 is a Sunday (الأحد)
    assert article.parts[0].published_source == "text"
