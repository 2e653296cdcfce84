"""Renderers: article-derived text is data, never markup."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.analyze import analyze
from marsad.render.html import render_html, text_segments
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


def _painted(a: dict, targets: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, str, str, object]]:
    """Reference: paint every character (wider removals first, of equal ones the later, then bodies, then glued parts; the first of
    overlapping citations keeps the text) and read the classes back."""
    n = len(a["text"])
    label = [("gap", "")] * n
    for r in sorted(a["removed"], key=lambda r: (r["start"] - r["end"], r["start"])):
        label[r["start"]:r["end"]] = [("removed", r["kind"])] * (r["end"] - r["start"])
    for s, e in a["body"]:
        label[s:e] = [("body", "")] * (e - s)
    for p in a["parts"]:
        for s, e in p["body"]:
            label[s:e] = [("part", "")] * (e - s)
    owner: list[object] = [None] * n
    for s, e in sorted(set(targets)):
        if all(o is None for o in owner[s:e]):
            owner[s:e] = [(s, e)] * (e - s)
    return [(i, *label[i], owner[i]) for i in range(lo, hi)]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_text_segments_match_per_character_painting(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 60))
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted).map(tuple)
    a = {"id": "a1", "text": "".join(data.draw(st.lists(st.sampled_from("ab ج"), min_size=n, max_size=n))),
         # one kind per removed span: which of two identical spans shows is arbitrary
         "removed": [{"start": s, "end": e, "kind": k} for (s, e), k in dict(
                     data.draw(st.lists(st.tuples(span, st.sampled_from(["caption", "tags"])), max_size=4))).items()],
         "body": data.draw(st.lists(span, max_size=3)),
         "parts": [{"body": data.draw(st.lists(span, max_size=2))} for _ in range(data.draw(st.integers(0, 2)))]}
    targets = data.draw(st.lists(span, max_size=3))
    lo, hi = data.draw(span)
    segs = text_segments(a, targets, lo, hi)
    assert "".join(s["text"] for s in segs) == a["text"][lo:hi]
    got = []
    for s in segs:
        target = None
        if s["target"]:
            _, _, start, end = s["target"].rsplit("-", 3)
            target = (int(start), int(end))
        got += [(i, s["cls"], s["kind"], target) for i in range(s["start"], s["end"])]
    assert got == _painted(a, targets, lo, hi)
    firsts = [s["start"] for s in segs if s["first"]]
    assert len(firsts) == len(set(firsts))
