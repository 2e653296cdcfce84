"""JSON Lines: one article a line; a bad line is an error for ``path:LINE`` and the rest of the file is read."""

from __future__ import annotations

import json
from pathlib import Path

from marsad.doc import Article
from marsad.errors import ErrorRecord
from marsad.ingest import read_file, read_inputs
from marsad.options import Options

TEXT_1 = "أعلن البنك المركزي تثبيت أسعار الفائدة.\r\nوقال المحافظ إن التضخم بدأ يتراجع تدريجياً."
PAGE = (
    '<html><head><meta charset="utf-8"><title>ملعب جديد | الرياضي</title>'
    '<meta property="og:site_name" content="الرياضي"><meta property="article:published_time" content="2024-01-20">'
    '</head><body><nav><a href="/">الرئيسية</a><a href="/football">كرة القدم</a></nav>'
    "<article><h1>افتتاح ملعب جديد في العاصمة</h1>"
    "<p>افتتح وزير الشباب والرياضة اليوم السبت الملعب الأولمبي الجديد في العاصمة بسعة ستين ألف متفرج.</p>"
    "<p>ومن المقرر أن يستضيف الملعب مباريات المنتخب الوطني في التصفيات المقبلة.</p></article>"
    "<footer>جميع الحقوق محفوظة</footer></body></html>"
)


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_lines() -> list[str]:
    return [
        json.dumps(
            {
                "id": "cb-1",
                "text": TEXT_1,
                "outlet": "الاقتصادية",
                "published": "2024-02-01T10:00:00Z",
                "url": "https://eco.example/cb",
                "title": "تثبيت الفائدة",
                "language": "ar",
                "section": "اقتصاد",
            },
            ensure_ascii=False,
        ),
        "",  # blank lines are skipped, but still counted for line numbers
        json.dumps({"html": PAGE, "url": "https://sport.example/stadium"}, ensure_ascii=False),
        json.dumps(
            {
                "id": 7,
                "text": "خبر قصير بما يكفي ليكون مقالاً صالحاً للتحليل.",
                "published": "Sat, 20 Jan 2024 09:00:00 GMT",
            },
            ensure_ascii=False,
        ),
    ]


def test_records(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "wire.jsonl", good_lines())
    results = list(read_file(path))
    assert all(isinstance(r, Article) for r in results), results
    first, page, third = results
    assert first.id == "cb-1"
    assert first.text == "أعلن البنك المركزي تثبيت أسعار الفائدة.\nوقال المحافظ إن التضخم بدأ يتراجع تدريجياً."
    assert (first.outlet, first.published, first.url, first.title, first.language) == (
        "الاقتصادية",
        "2024-02-01",
        "https://eco.example/cb",
        "تثبيت الفائدة",
        "ar",
    )
    assert first.published_source == "metadata" and first.meta["published_from"] == "record"
    assert first.meta["section"] == "اقتصاد" and first.meta["line"] == 1
    assert first.format == "jsonl"
    assert first.input == f"{path}:1"

    # an html record goes through the same extraction as an .html file
    assert page.id == "wire-3"  # no id: STEM-LINE
    assert page.meta["extractor"] == "trafilatura"
    assert page.text.split("\n")[-2:] == [
        "افتتح وزير الشباب والرياضة اليوم السبت الملعب الأولمبي الجديد في العاصمة بسعة ستين ألف متفرج.",
        "ومن المقرر أن يستضيف الملعب مباريات المنتخب الوطني في التصفيات المقبلة.",
    ]
    assert "كرة القدم" not in page.text and "جميع الحقوق" not in page.text
    assert (page.outlet, page.published, page.url) == ("الرياضي", "2024-01-20", "https://sport.example/stadium")
    assert page.meta["published_from"] == "page"
    assert page.title == "افتتاح ملعب جديد في العاصمة"

    assert third.id == "7"
    assert third.published == "2024-01-20"  # RFC 2822 date normalised


def test_record_metadata_beats_the_page(tmp_path: Path) -> None:
    record = {"id": "p1", "html": PAGE, "outlet": "وكالة الأنباء الرسمية", "published": "2024-01-21", "title": "عنوان"}
    path = write_jsonl(tmp_path / "pages.jsonl", [json.dumps(record, ensure_ascii=False)])
    (article,) = list(read_file(path))
    assert isinstance(article, Article)
    assert (article.outlet, article.published, article.title) == ("وكالة الأنباء الرسمية", "2024-01-21", "عنوان")
    assert article.meta["published_from"] == "record"


def test_bad_lines_are_errors_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "ok-1", "text": "ارتفعت أسعار النفط في الأسواق العالمية اليوم."}, ensure_ascii=False),
        '{"id": "cut", "text": "سطر مقطوع',  # 2: invalid JSON
        '["مصفوفة", "لا كائن"]',  # 3: not an object
        json.dumps({"id": "no-body", "title": "عنوان بلا نص"}, ensure_ascii=False),  # 4: neither text nor html
        json.dumps({"id": "blank", "text": "   \n  "}),  # 5: empty text
        json.dumps({"id": "num", "text": 42}),  # 6: text is not a string
        json.dumps({"id": "tiny", "text": "عاجل"}, ensure_ascii=False),  # 7: too short
        json.dumps({"id": "ok-2", "text": "أعلن البنك المركزي تثبيت أسعار الفائدة للمرة الثالثة."}, ensure_ascii=False),
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)
    results = list(read_file(path))
    articles = [r for r in results if isinstance(r, Article)]
    errors = {int(e.input.rsplit(":", 1)[1]): e for e in results if isinstance(e, ErrorRecord)}
    assert [a.id for a in articles] == ["ok-1", "ok-2"]
    assert all(e.input == f"{path}:{n}" for n, e in errors.items())
    assert {n: e.code for n, e in errors.items()} == {2: "E004", 3: "E004", 4: "E004", 5: "E003", 6: "E004", 7: "E003"}
    assert "line 2 is not valid JSON" in errors[2].message
    assert "not an object" in errors[3].message
    assert "neither a 'text' nor an 'html'" in errors[4].message
    assert "'text' is empty" in errors[5].message
    assert "'text' is a int" in errors[6].message
    assert "characters" in errors[7].message


def test_crlf_file_and_ids_stable_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    body = "\r\n".join(good_lines()) + "\r\n"
    path.write_bytes(body.encode("utf-8"))
    first = [r.to_dict() for r in read_file(path) if isinstance(r, Article)]
    second = [r.to_dict() for r in read_file(path) if isinstance(r, Article)]
    assert first == second
    assert [a["id"] for a in first] == ["cb-1", "crlf-3", "7"]
    assert all("\r" not in a["text"] for a in first)


def test_same_id_in_two_files_is_made_unique(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "a.jsonl",
        [json.dumps({"id": "same", "text": "افتتاح المعرض الدولي للكتاب اليوم."}, ensure_ascii=False)],
    )
    write_jsonl(
        tmp_path / "b.jsonl",
        [json.dumps({"id": "same", "text": "ختام بطولة كرة السلة العربية أمس."}, ensure_ascii=False)],
    )
    ids = [r.id for r in read_inputs([tmp_path], Options()) if isinstance(r, Article)]
    assert ids == ["same", "same~2"]
