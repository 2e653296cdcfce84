"""Renderers: article-derived text is data, never markup."""

from __future__ import annotations

from pathlib import Path

from marsad.analyze import analyze
from marsad.render.html import render_html
from marsad.render.markdown import render_markdown

HOSTILE = (
    "عنوان <script>alert('x')</script> خبير\n"
    "انتهت المحادثات بين الرئيس الروسي والزعيم الكوري الشمالي <img src=x onerror=alert(1)> في قاعدة فضائية، "
    "بعد نحو ساعتين على بدئها \u202eمقلوب\u202c.\n"
)


def test_hostile_article_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "hostile.meta.json").write_text('{"outlet": "<b>bold</b> outlet", "title": "<i>t</i>"}', "utf-8")
    data = analyze([path]).to_dict()
    html = render_html(data)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Content-Security-Policy" in html
    md = render_markdown(data)
    assert "<script>" not in md and "\\<script\\>" in md


def test_html_marks_removed_text_and_parts(seeds_dir: Path) -> None:
    data = analyze([seeds_dir / "001.txt"]).to_dict()
    html = render_html(data)
    assert 'class="removed" data-kind="caption"' in html
    assert 'data-kind="related"' in html
    assert 'class="part"' in html
    # every character of the article text is shown exactly once (escaped), nothing dropped
    article = data["articles"][0]
    assert html.count("بوتين يأمر بـ«اختبارات»") >= 2  # title row + text
    assert len(article["text"]) > 10000


def test_dossiers_list_people_organisations_places(seed_dossier: dict) -> None:
    md = render_markdown(seed_dossier)
    html = render_html(seed_dossier)
    assert "## Entities" in md and "### People" in md and "### Places" in md
    people = md.split("### People", 1)[1].split("###", 1)[0]
    assert "كيم جونغ أون" in people and "كيم جون اون" in people, "spelling variants listed with the person"
    assert "<h2>الأعلام</h2>" in html and "كيم جون اون" in html


def test_dossiers_group_quotes_by_speaker(seed_dossier: dict) -> None:
    md = render_markdown(seed_dossier)
    section = md.split("## Quotes by speaker", 1)[1]
    assert "### كيم جونغ أون" in section and "### فلاديمير بوتين" in section
    assert "<h2>الأقوال حسب القائل</h2>" in render_html(seed_dossier)


def test_dossiers_show_resolved_dates(seed_dossier: dict) -> None:
    md = render_markdown(seed_dossier)
    section = md.split("## Dates mentioned", 1)[1]
    assert "| 004 | يوم الجمعة | 2024-11-29 | day | published |" in section
    assert "في يونيو/حزيران | 2024-06 | month" in section
    html = render_html(seed_dossier)
    assert "<h2>التواريخ المذكورة</h2>" in html and '<bdi dir="ltr">2024-11-29</bdi>' in html
