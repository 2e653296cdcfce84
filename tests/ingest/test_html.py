"""HTML pages: article text with one paragraph a line, page metadata, and a fallback that never drops a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.doc import Article
from marsad.errors import ErrorRecord
from marsad.ingest import read_file
from marsad.ingest.html import decode_html, extract_html, html_to_text, iso_date, sniff_charset
from marsad.options import Options

OPTIONS = Options()


def read_one(path: Path, options: Options = OPTIONS) -> Article:
    results = list(read_file(path, options))
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


def write(tmp_path: Path, name: str, html: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


NEWS_PARAGRAPHS = [
    "انطلقت صباح اليوم الإثنين في العاصمة المصرية القاهرة أعمال القمة العربية الطارئة",
    'وقال الأمين العام لجامعة الدول العربية أحمد أبو الغيط في كلمته الافتتاحية إن "المنطقة',
    "من جهته، أكد وزير الخارجية المصري",
    'وبحسب مسودة البيان الختامي التي اطلعت عليها "الشرق اليوم"',
    "وتأتي القمة بعد أسابيع من المشاورات المكثفة",
    "ومن المنتظر أن تختتم القمة أعمالها مساء اليوم",
]
NEWS_FURNITURE = [
    "مقالات الرأي",  # nav
    "انقطاع الكهرباء",  # breaking-news ticker in the header
    "شارك:",  # share bar
    "واتساب",
    "وزراء الخارجية العرب يعقدون اجتماعاً تحضيرياً",  # "اقرأ أيضاً" aside
    "اقرأ أيضاً",
    "السعودية تعلن عن مساعدات إنسانية",  # related
    "الأكثر قراءة",  # sidebar
    "ارتفاع أسعار الذهب",
    "جميع الحقوق محفوظة",  # footer
    "سياسة الخصوصية",
    "dataLayer",  # script
]


def test_realistic_arabic_page(fixtures: Path) -> None:
    article = read_one(fixtures / "news_page.html")
    assert article.id == "news_page"
    assert article.format == "html"
    assert article.encoding == "utf-8"
    assert article.title == "قمة عربية طارئة في القاهرة لبحث الأوضاع في غزة"
    assert article.published == "2024-03-04"
    assert article.published_source == "metadata"
    assert article.meta["published_from"] == "page"
    assert article.outlet == "الشرق اليوم"
    assert article.url == "https://www.alsharq-alyawm.example/news/2024/03/04/arab-summit-cairo"
    assert article.meta["extractor"] == "trafilatura"
    lines = article.text.split("\n")
    # every body paragraph is there, each on a line of its own, in page order
    starts = [next(i for i, line in enumerate(lines) if line.startswith(p)) for p in NEWS_PARAGRAPHS]
    assert starts == sorted(starts) and len(set(starts)) == len(NEWS_PARAGRAPHS)
    for junk in NEWS_FURNITURE:
        assert junk not in article.text, junk
    assert "\r" not in article.text


def test_structured_page_keeps_subheads_quotes_and_lists(fixtures: Path) -> None:
    article = read_one(fixtures / "analysis_page.html")
    assert article.published == "2023-10-05"  # from JSON-LD datePublished
    assert article.outlet == "الاقتصاد العربي"
    assert article.url == "https://iqtisad.example/analysis/opec-cut"
    lines = article.text.split("\n")
    assert "الإيرادات أولاً" in lines  # <h2> on its own line
    assert any(line.startswith('"المعادلة بسيطة') for line in lines)  # blockquote
    assert any("انهيار التوافق داخل التحالف" in line for line in lines)  # list item
    assert "نعم." in lines  # a one-word paragraph is still a paragraph
    for junk in ["تحليل ممتاز", "لا أتفق", "اشترك في نشرتنا", "تسجيل الدخول", "الشروط والأحكام", "لينكدإن"]:
        assert junk not in article.text, junk


def test_meta_charset_windows_1256_and_site_prefixed_title(fixtures: Path) -> None:
    article = read_one(fixtures / "div_soup.html")
    assert article.encoding == "cp1256"
    # <title> is "وكالة الأنباء - الحكومة تقر موازنة العام الجديد": the headline, not the site name
    assert article.title == "الحكومة تقر موازنة العام الجديد"
    assert article.published == "2023-12-18"
    for p in ["أقر مجلس الوزراء في جلسته الأسبوعية", "وقال وزير المالية", "وأضاف أن الحكومة ستحيل"]:
        assert any(line.startswith(p) for line in article.text.split("\n")), p
    assert "حقوق النشر" not in article.text
    assert "محليات" not in article.text


def test_table_layout_page_uses_fallback(fixtures: Path) -> None:
    # trafilatura flattens this old-style layout table into one "| cell |" row, menu and footer included
    article = read_one(fixtures / "br_table_page.html")
    assert article.meta["extractor"] == "fallback"
    assert "layout table" in article.meta["extractor_reason"]
    lines = article.text.split("\n")
    for p in ["افتتح وزير الصحة اليوم الثلاثاء", "وأوضح الوزير في كلمة", "وأشار إلى أن الوزارة"]:
        assert any(line.startswith(p) for line in lines), p  # <br><br> separated paragraphs stay separate
    for junk in ["أخبار محلية", "إعلانات مبوبة", "جميع الحقوق محفوظة", "|"]:
        assert junk not in article.text, junk
    assert article.published == "2022-05-10"
    assert article.title == "وزير الصحة يفتتح مستشفى جديداً في الجنوب"


def test_nested_divs_page_falls_back_when_trafilatura_keeps_little(tmp_path: Path) -> None:
    # body text only in nested <section>/<div>/<span>: trafilatura (precision) keeps the first paragraph only
    paragraphs = [f"الفقرة {i}: أعلنت لجنة الانتخابات البلدية نتائج الدائرة رقم {i} بعد فرز الأصوات." for i in range(5)]
    html = (
        '<html lang="ar"><head><meta charset="utf-8"><title>نتائج الانتخابات البلدية</title></head><body>'
        '<div class="menu"><a href="/">الرئيسية</a><a href="/local">محليات</a></div>'
        + "".join(f"<section><div><div><span>{p}</span></div></div></section>" for p in paragraphs)
        + '<div class="footer">© الموقع</div></body></html>'
    )
    article = read_one(write(tmp_path, "municipal.html", html))
    assert article.meta["extractor"] == "fallback"
    assert article.text.split("\n") == paragraphs


def test_short_page(fixtures: Path) -> None:
    article = read_one(fixtures / "short_page.html")
    assert "ضرب زلزال بقوة 5 درجات جنوب تركيا فجر اليوم" in article.text
    assert "بث مباشر" not in article.text
    assert article.outlet == "نبأ"
    # the footer's "© 2024" is not a publication date (trafilatura's extensive date search would say 2024-01-01)
    assert article.published is None


def test_inline_links_are_prose(fixtures: Path) -> None:
    article = read_one(fixtures / "linky_page.html")
    assert "وتأتي الزيارة بعد انفجار المرفأ والأزمة الاقتصادية." in article.text.split("\n")
    assert article.published == "2021-08-30"


def test_page_with_only_furniture_keeps_visible_text(tmp_path: Path) -> None:
    # a menu and a footer: trafilatura finds nothing, the fallback drops both, and the page is still not dropped
    html = (
        '<html><body><nav><a href="/">الرئيسية</a> <a href="/a">أخبار العالم العربي</a> <a href="/b">الاقتصاد'
        " والأعمال</a></nav><footer>جميع الحقوق محفوظة لموقع الخبر</footer></body></html>"
    )
    article = read_one(write(tmp_path, "furniture.html", html))
    assert article.meta["extractor"] == "visible"
    assert article.text == "الرئيسية أخبار العالم العربي الاقتصاد والأعمال\nجميع الحقوق محفوظة لموقع الخبر"


def test_furniture_holding_most_of_the_page_is_kept(tmp_path: Path) -> None:
    # a <footer> with most of the page's text is not dropped as furniture
    html = (
        '<html><body><nav><a href="/">الرئيسية</a></nav>'
        "<footer>أعلنت الشركة الوطنية للكهرباء عن انقطاع مبرمج للتيار في ثلاثة أحياء غداً.</footer></body></html>"
    )
    article = read_one(write(tmp_path, "footer.html", html))
    assert "أعلنت الشركة الوطنية للكهرباء" in article.text


def test_misdeclared_latin1_page_is_read_as_windows_1256(tmp_path: Path) -> None:
    body = "<p>أكد رئيس الوزراء أن الحكومة ماضية في تنفيذ برنامج الإصلاح الاقتصادي رغم الصعوبات.</p>" * 3
    html = f'<html><head><meta charset="iso-8859-1"><title>خبر</title></head><body>{body}</body></html>'
    article = read_one(write(tmp_path, "old.html", html, encoding="cp1256"))
    assert article.encoding == "cp1256"
    assert "أكد رئيس الوزراء" in article.text


def test_utf8_page_declaring_windows_1256_is_utf8(tmp_path: Path) -> None:
    body = "<p>وصل الوفد الرسمي إلى العاصمة مساء أمس في زيارة تستغرق ثلاثة أيام.</p>"
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"></head><body>{body}'
    article = read_one(write(tmp_path, "wrong.html", html))
    assert article.encoding == "utf-8"
    assert "وصل الوفد الرسمي" in article.text


def test_decode_html_prefers_bom_and_http_header() -> None:
    text = "<p>مرحبا بكم</p>"
    assert decode_html("\ufeff".encode() + text.encode(), "x") == (text, "utf-8")
    assert decode_html(text.encode("cp1256"), "x", hint="windows-1256") == (text, "cp1256")
    assert sniff_charset(b'<meta charset="UTF-8">') == "utf-8"
    assert sniff_charset(b"<html><body>no declaration</body></html>") is None


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>خبر</title>'
        "</head><body><article><p>افتتحت البلدية اليوم حديقة عامة جديدة في وسط المدينة بمساحة عشرة آلاف متر مربع."
        "</p></article></body></html>"
    )
    article = read_one(write(tmp_path, "page.xhtml", html))
    assert article.text.startswith("افتتحت البلدية اليوم حديقة عامة جديدة")


def test_sidecar_metadata_wins(tmp_path: Path, fixtures: Path) -> None:
    page = tmp_path / "summit.html"
    page.write_bytes((fixtures / "news_page.html").read_bytes())
    (tmp_path / "summit.meta.json").write_text(
        json.dumps({"id": "S-1", "outlet": "وكالة الأنباء", "published": "2024-03-05"}), encoding="utf-8"
    )
    article = read_one(page)
    assert (article.id, article.outlet, article.published) == ("S-1", "وكالة الأنباء", "2024-03-05")
    assert article.meta["published_from"] == "sidecar"
    assert article.title == "قمة عربية طارئة في القاهرة لبحث الأوضاع في غزة"  # not in the sidecar: from the page


def test_reading_twice_gives_the_same_article(fixtures: Path) -> None:
    for name in ["news_page.html", "br_table_page.html"]:
        first, second = read_one(fixtures / name), read_one(fixtures / name)
        assert first.to_dict() == second.to_dict()
        assert first.meta == second.meta


def test_html_to_text_fragment() -> None:
    fragment = (
        "<p>الفقرة الأولى <b>مهمة</b></p><script>alert(1)</script><p>الفقرة\n   الثانية<br>سطر جديد</p>"
        "<ul><li>بند أول</li><li>بند ثان</li></ul>"
    )
    assert html_to_text(fragment) == "الفقرة الأولى مهمة\nالفقرة الثانية\nسطر جديد\nبند أول\nبند ثان"
    assert html_to_text("نص بلا وسوم\r\nسطر") == "نص بلا وسوم\nسطر"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04T09:30:00+02:00", "2024-03-04"),
        ("Sun, 11 Feb 2024 08:15:00 +0300", "2024-02-11"),
        ("20240304T101500Z", "2024-03-04"),
        ("الأحد", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_extract_html_reports_no_text() -> None:
    results = list(read_file(Path("/nonexistent.html")))
    assert isinstance(results[0], ErrorRecord) and results[0].code == "E001"
    with pytest.raises(Exception, match="no visible text"):
        extract_html("<html><body><div> </div></body></html>", source="empty.html", options=OPTIONS)
