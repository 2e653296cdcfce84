"""Time expressions: recognised and resolved against the publication date (the issue's tricky cases)."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.stages.time import find_times, hijri_to_gregorian


def times(text: str, published: date) -> list[tuple[str, str | None, str]]:
    return [(text[t.start:t.end], t.value, t.granularity) for t in find_times(text, 0, len(text), published)]


def test_friday_in_an_article_published_on_saturday() -> None:
    text = "ذكرت الوكالة، اليوم السبت، أن كيم التقى الوزير الزائر في بيونغ يانغ يوم الجمعة."
    assert times(text, date(2024, 11, 30)) == [("اليوم السبت", "2024-11-30", "day"),
                                              ("يوم الجمعة", "2024-11-29", "day")]


def test_bare_paired_month_resolves_to_the_same_year() -> None:
    text = "وفي يونيو/حزيران، وقع كيم وبوتين معاهدة تلزم البلدين بتقديم مساعدة عسكرية."
    assert times(text, date(2024, 11, 30)) == [("في يونيو/حزيران", "2024-06", "month")]


def test_bare_month_later_than_the_article_is_last_year() -> None:
    assert times("وفي ديسمبر فشلت المحاولة.", date(2024, 3, 1)) == [("في ديسمبر", "2023-12", "month")]
    assert times("في ديسمبر المقبل تبدأ المحادثات.", date(2024, 3, 1)) == [("في ديسمبر المقبل", "2024-12", "month")]


def test_hijri_date() -> None:
    assert hijri_to_gregorian(1445, 9, 1) == date(2024, 3, 11)
    assert times("وقع الحادث في 1 رمضان 1445 هـ.", date(2024, 11, 30)) == [("1 رمضان 1445 هـ", "2024-03-11", "day")]


@pytest.mark.parametrize("text", ["بمصافحة استمرت حوالي 40 ثانية.", "قذائف المدفعية من عيار 122 ملم و155 ملم.",
                                  "أرسلت أكثر من 10 آلاف جندي."])
def test_numbers_that_only_look_like_dates(text: str) -> None:
    assert times(text, date(2023, 9, 13)) == []


def test_relative_days_periods_and_ago() -> None:
    text = ("منذ أربع سنوات لم يقم بأي زيارة، فيما بدأ بالأمس زيارة رسمية. وفي الأسبوع الماضي صرح المستشار، "
            "وفي مايو (أيار) من العام الماضي قدم مشروعا، والاثنين الماضي وأول أمس وغداً الخميس.")
    got = times(text, date(2023, 9, 13))  # a Wednesday
    assert got == [
        ("منذ أربع سنوات", "2019", "year"),
        ("بالأمس", "2023-09-12", "day"),
        ("في الأسبوع الماضي", "2023-09-04/2023-09-10", "week"),
        ("في مايو (أيار) من العام الماضي", "2022-05", "month"),
        ("الاثنين الماضي", "2023-09-11", "day"),
        ("أول أمس", "2023-09-11", "day"),
        ("غداً الخميس", "2023-09-14", "day"),
    ]


def test_explicit_dates_with_eastern_digits_and_early_thursday() -> None:
    text = "الثلاثاء ١٤ تشرين الأول/أكتوبر ٢٠٢٥، وفي وقت مبكر الخميس أطلقت روسيا صاروخا."
    assert times(text, date(2025, 10, 17)) == [("١٤ تشرين الأول/أكتوبر ٢٠٢٥", "2025-10-14", "day"),
                                             ("في وقت مبكر الخميس", "2025-10-16", "day")]


def test_unresolvable_without_a_publication_date() -> None:
    text = "وصل الوزير أمس إلى العاصمة."
    assert [(t.value, t.anchor) for t in find_times(text, 0, len(text), None)] == [(None, "published")]


def test_since_a_year_and_unseparated_month_pair() -> None:
    assert times("يزور روسيا للمرة الثانية منذ عام 2019.", date(2023, 9, 13)) == [("منذ عام 2019", "2019", "year")]
    assert times("وفي آب أغسطس الماضي فشلت المحاولة.", date(2023, 9, 13)) == [("في آب أغسطس الماضي", "2023-08", "month")]


def test_dossier_times_use_each_units_own_publication_date(seed_dossier: dict) -> None:
    """The glued Nov 2024 article in seed 001 resolves its weekdays against its own date, not the host's."""
    arts = {a["id"]: a for a in seed_dossier["articles"]}
    part = arts["001"]["parts"][0]
    in_part = {arts["001"]["text"][t["start"]:t["end"]]: t["value"] for t in seed_dossier["times"]
               if t["article"] == "001" and part["start"] <= t["start"] < part["end"]}
    assert in_part["الجمعة"] == "2024-11-22"
    assert in_part["في وقت مبكر الخميس"] == "2024-11-21"
    text_004 = {arts["004"]["text"][t["start"]:t["end"]]: t["value"] for t in seed_dossier["times"]
                if t["article"] == "004"}
    assert text_004["يوم الجمعة"] == "2024-11-29" and text_004["في يونيو/حزيران"] == "2024-06"


def test_narrative_anchoring() -> None:
    """After "في 12 مارس الماضي" the text has moved: "في اليوم التالي" and a bare weekday count from that date."""
    from marsad.stages.time import narrative_anchor

    published = date(2024, 11, 30)
    first = find_times("وفي 12 مارس الماضي وصل الوفد إلى العاصمة.", 0, 41, published)
    assert [(t.value, t.anchor) for t in first] == [("2024-03-12", "published")]
    anchor = narrative_anchor(first, published, None)
    assert anchor == date(2024, 3, 12)
    text = "وفي اليوم التالي التقى الرئيس، ثم غادر يوم الجمعة."
    assert [(text[t.start:t.end], t.value, t.anchor) for t in find_times(text, 0, len(text), published, anchor)] == [
        ("في اليوم التالي", "2024-03-13", "previous"), ("يوم الجمعة", "2024-03-15", "previous")]
    back = find_times("وقال أمس إن الزيارة نجحت.", 0, 25, published)
    assert narrative_anchor(back, published, anchor) is None  # a day counted from publication: back to the present


def test_future_tense_weekday_is_the_coming_one() -> None:
    text = "وأعلن الوزير أن بعثة فنية ستصل يوم الخميس، بعد أن وصلت بعثة أخرى يوم الاثنين."
    got = times(text, date(2025, 10, 15))  # a Wednesday
    assert got == [("يوم الخميس", "2025-10-16", "day"), ("يوم الاثنين", "2025-10-13", "day")]


@pytest.mark.parametrize(("text", "expected"), [
    ("شيد السد قبل نحو أربعين عاماً.", ("قبل نحو أربعين عاماً", "1985", "year")),
    ("الحرب الدائرة منذ أكثر من عام ونصف العام.", ("منذ أكثر من عام ونصف العام", "2024-04", "month")),
    ("خضع للصيانة في مطلع العقد الماضي.", ("في مطلع العقد الماضي", "2010/2019", "interval")),
    ("سجلات الرصد خلال السنوات العشر الأخيرة.", ("خلال السنوات العشر الأخيرة", "2015/2025", "interval")),
    ("خفضت الوزارة المنسوب في الربيع الماضي.", ("في الربيع الماضي", "2025-03/2025-05", "interval")),
    ("تستمر حتى السادس والعشرين من الشهر الجاري.", ("حتى السادس والعشرين من الشهر الجاري", "2025-10-26", "day")),
    ("وثائق تعود إلى القرن التاسع عشر.", ("القرن التاسع عشر", "1801/1900", "interval")),
    ("ما جرى الليلة الماضية كارثة.", ("الليلة الماضية", "2025-10-15", "day")),
])
def test_more_expressions(text: str, expected: tuple[str, str, str]) -> None:
    assert times(text, date(2025, 10, 16)) == [expected]


@pytest.mark.parametrize("text", ["بدأ التآكل قبل أسابيع من انهياره.", "قبل نحو 40 دقيقة من انهيار السد.",
                                  "في ذكرى الربيع العربي.", "يعمل فريق من ستة مهندسين يوم الخميس."])
def test_not_times_or_not_future(text: str) -> None:
    got = times(text, date(2025, 10, 15))
    assert all(value != "2025-10-16" for _, value, _ in got), got
    assert not any("قبل" in t or "الربيع" in t for t, _, _ in got), got


def test_the_article_wide_pattern_filter_changes_nothing() -> None:
    """``live_patterns`` skips, per sentence, the patterns with no keyword anywhere in the article: the same
    expressions as trying every pattern in every sentence (the example corpus and one sentence of many kinds)."""
    from pathlib import Path

    from marsad.stages.normalize import normalize_with_map
    from marsad.stages.time import _keywords, live_patterns

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parents[2].glob("examples/**/*.txt"))]
    texts.append("ذكرت الوكالة، اليوم السبت، أن كيم التقى الوزير في 12 مارس الماضي. وفي العام 1445 هـ، منذ ثلاثة أعوام.")
    assert len(texts) > 5
    published = date(2024, 11, 30)
    found = skipped = 0
    for text in texts:
        norm = normalize_with_map(text)
        live = live_patterns(norm.text)
        skipped += len(_keywords()) - len(live)
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            every = find_times(text, start, end, published, normalized=norm)
            assert find_times(text, start, end, published, normalized=norm, patterns=live) == every
            found += len(every)
            start = end + 1
    assert found > 20 and skipped > 0  # expressions were found, and some patterns were left out
