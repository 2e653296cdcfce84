"""RSS and Atom feeds: each entry with content or a summary is an article (feed title = outlet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.doc import Article
from marsad.errors import ErrorRecord
from marsad.ingest import read_file
from marsad.ingest.html import short_hash


def articles_of(path: Path) -> list[Article]:
    results = list(read_file(path))
    assert all(isinstance(r, Article) for r in results), results
    return results  # type: ignore[return-value]


def test_rss(fixtures: Path) -> None:
    fair, gold = articles_of(fixtures / "feed.rss")
    assert fair.id == "kna-2024-0211-118"  # the guid
    assert fair.input.endswith("feed.rss#entry1")
    assert fair.format == "feed"
    assert fair.outlet == "وكالة الخليج للأنباء - آخر الأخبار"
    assert fair.title == "افتتاح معرض الكتاب الدولي بمشاركة 900 دار نشر"
    assert fair.url == "https://khaleej-news.example/culture/book-fair-2024"
    assert fair.published == "2024-02-11" and fair.meta["published_from"] == "feed"
    assert fair.meta["feed_body"] == "content"  # content:encoded preferred to the one-line description
    assert fair.text.split("\n") == [
        "افتتح وزير الثقافة صباح اليوم الأحد معرض الكتاب الدولي في دورته السابعة والأربعين، بمشاركة أكثر من تسعمئة"
        " دار نشر عربية وأجنبية.",
        'وقال الوزير في كلمته إن المعرض "بات منصة سنوية للحوار بين الثقافات"، مشيراً إلى أن دورة هذا العام تحتفي'
        " بالأدب الرقمي.",
        "جانب من حفل الافتتاح",  # the caption stays (the cleaning stage marks it)
        "ويستمر المعرض عشرة أيام، ويتضمن برنامجاً ثقافياً يضم ندوات وأمسيات شعرية وورش عمل للأطفال.",
    ]
    assert "track(" not in fair.text

    # no guid: the id is a hash of the link; the HTML summary becomes lines
    assert gold.id == short_hash("https://khaleej-news.example/economy/gold-price?id=77&src=rss")
    assert gold.meta["feed_body"] == "summary"
    assert gold.published == "2024-02-12"
    assert gold.text == (
        "ارتفعت أسعار الذهب في تعاملات اليوم الإثنين مع تراجع الدولار الأمريكي.\n"
        "وسجل المعدن النفيس أعلى مستوى له منذ أسبوعين."
    )


def test_atom(fixtures: Path) -> None:
    budget, olives = articles_of(fixtures / "feed.atom")
    assert budget.id == short_hash("tag:maghreb-today.example,2024:article-5501")  # a URI-like id is hashed
    assert budget.meta["guid"] == "tag:maghreb-today.example,2024:article-5501"
    assert budget.outlet == "صحيفة المغرب اليوم"
    assert budget.url == "https://maghreb-today.example/politique/5501"
    assert budget.published == "2024-05-19"  # <published>, not <updated>
    assert budget.text.split("\n")[1] == "وصوت لصالح المشروع 190 نائباً مقابل معارضة 70 وامتناع 5 عن التصويت."
    assert olives.id == "article-5502"
    assert olives.published == "2024-05-20"  # only <updated>
    assert olives.text.startswith("انطلق موسم جني الزيتون في المناطق الشمالية")
    assert len(olives.text.split("\n")) == 2  # xhtml content keeps its paragraphs


def test_feed_output_is_stable(fixtures: Path) -> None:
    assert [a.to_dict() for a in articles_of(fixtures / "feed.atom")] == [
        a.to_dict() for a in articles_of(fixtures / "feed.atom")
    ]


def test_date_is_the_outlets_local_day(tmp_path: Path) -> None:
    path = tmp_path / "late.rss"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>الصباح</title><item>'
        "<title>خبر بعد منتصف الليل</title><guid>s-1</guid><pubDate>Sun, 11 Feb 2024 01:15:00 +0300</pubDate>"
        "<description>عقد مجلس الوزراء جلسة طارئة بعد منتصف الليل لبحث الأوضاع.</description></item></channel></rss>",
        encoding="utf-8",
    )
    (article,) = articles_of(path)
    assert article.published == "2024-02-11"  # in UTC it is still the 10th


def test_entry_without_content_is_an_error_and_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "partial.rss"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>الخبر</title>'
        "<item><title>عنوان فقط</title><link>https://x.example/1</link></item>"
        "<item><title>خبر كامل</title><link>https://x.example/2</link>"
        "<description>أعلنت وزارة الصحة تسجيل انخفاض ملحوظ في عدد الإصابات هذا الأسبوع.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    err, article = list(read_file(path))
    assert isinstance(err, ErrorRecord) and err.code == "E003"
    assert err.input == f"{path}#entry1" and "عنوان فقط" in err.message
    assert isinstance(article, Article) and article.input == f"{path}#entry2"


@pytest.mark.parametrize(
    ("name", "content", "code", "reason"),
    [
        ("broken.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><ite', "E004", "malformed"),
        (
            "sitemap.xml",
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://a.example/</loc></url></urlset>",
            "E007",
            "not an RSS or Atom feed",
        ),
        ("notes.xml", "ملاحظات عادية وليست ملف XML", "E004", "not an RSS or Atom feed"),
        (
            "empty.atom",
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>',
            "E003",
            "no entries",
        ),
    ],
)
def test_bad_feeds(tmp_path: Path, name: str, content: str, code: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    (err,) = list(read_file(path))
    assert isinstance(err, ErrorRecord)
    assert (err.code, err.input) == (code, str(path))
    assert reason in err.message
