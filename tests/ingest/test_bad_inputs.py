"""One bad input never stops the batch: each bad file gives one error (code, file, reason) and the good file
beside it is still read."""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.doc import Article
from marsad.errors import ErrorRecord
from marsad.ingest import read_inputs
from marsad.options import Options


def run(paths: list[Path], options: Options | None = None) -> tuple[list[Article], list[ErrorRecord]]:
    results = list(read_inputs(paths, options or Options()))
    return [r for r in results if isinstance(r, Article)], [r for r in results if isinstance(r, ErrorRecord)]


def only_error(errors: list[ErrorRecord], code: str, name: str) -> ErrorRecord:
    """The batch's single error: it has ``code`` and names the file ``name`` (in ``input`` and when printed)."""
    assert len(errors) == 1, errors
    err = errors[0]
    assert err.code == code, err
    assert name in err.input
    assert name in str(err)
    return err


def assert_good_read(articles: list[Article]) -> None:
    assert [a.id for a in articles] == ["good"]
    assert articles[0].text.startswith("أعلنت وزارة الخارجية")


def test_unreadable_file(batch_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = batch_dir / "locked.txt"
    bad.write_text("نص لا يمكن قراءته لأن الملف مقفل أمام القارئ تماماً.", encoding="utf-8")
    bad.chmod(0)
    if os.geteuid() == 0:  # root reads through chmod 000: make the read fail the way it would for a user
        real_read_bytes = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    try:
        articles, errors = run([batch_dir])
    finally:
        bad.chmod(0o644)
    err = only_error(errors, "E001", "locked.txt")
    assert "Permission denied" in err.message
    assert_good_read(articles)


def test_binary_file(batch_dir: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
    (batch_dir / "photo.txt").write_bytes(png * 30)
    articles, errors = run([batch_dir])
    err = only_error(errors, "E005", "photo.txt")
    assert "binary" in err.message
    assert_good_read(articles)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  \n"], ids=["empty", "whitespace"])
def test_empty_and_whitespace_files(batch_dir: Path, content: bytes) -> None:
    (batch_dir / "blank.txt").write_bytes(content)
    articles, errors = run([batch_dir])
    err = only_error(errors, "E003", "blank.txt")
    assert "empty" in err.message
    assert_good_read(articles)


def test_too_short_text(batch_dir: Path) -> None:
    (batch_dir / "stub.txt").write_text("عاجل", encoding="utf-8")
    articles, errors = run([batch_dir])
    err = only_error(errors, "E003", "stub.txt")
    assert "characters" in err.message
    assert_good_read(articles)


def test_undecodable_bytes(batch_dir: Path) -> None:
    (batch_dir / "mystery.txt").write_bytes(b"\xa2\xa3\xa4\xa6\xa7\xb0\xb1" * 40)
    articles, errors = run([batch_dir])
    err = only_error(errors, "E002", "mystery.txt")
    assert "UTF-8" in err.message and "Windows-1256" in err.message
    assert_good_read(articles)


@pytest.mark.parametrize(
    ("html", "code", "reason"),
    [
        (
            "<html><head><title></title><script>var a = 1;</script></head><body><div><span></span></div>",
            "E003",
            "no visible text",
        ),
        ("<!-- an export that wrote nothing but a comment -->", "E004", "could not be parsed"),
        ("<html><body><p>عاجل</p></body></html>", "E003", "characters of article text"),
        # nesting deeper than libxml2 accepts: the text is in the file but not in the parsed tree
        (
            "<html><body>" + "<div>" * 3000 + "<p>" + "نص الخبر في أعماق الصفحة. " * 5 + "</p></body></html>",
            "E004",
            "malformed",
        ),
    ],
    ids=["no-text", "no-document", "too-short", "too-deep"],
)
def test_malformed_html(batch_dir: Path, html: str, code: str, reason: str) -> None:
    (batch_dir / "broken.html").write_text(html, encoding="utf-8")
    articles, errors = run([batch_dir])
    err = only_error(errors, code, "broken.html")
    assert reason in err.message
    assert_good_read(articles)


def test_malformed_jsonl_line(batch_dir: Path) -> None:
    lines = [
        '{"id": "j1", "text": "ارتفعت أسعار النفط في الأسواق العالمية اليوم بنسبة اثنين بالمئة."}',
        '{"id": "j2", "text": "هذا السطر مقطوع',
        '{"id": "j3", "text": "أعلن البنك المركزي تثبيت أسعار الفائدة للمرة الثالثة على التوالي."}',
    ]
    (batch_dir / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = run([batch_dir])
    err = only_error(errors, "E004", "feed.jsonl")
    assert err.input.endswith("feed.jsonl:2")
    assert "line 2 is not valid JSON" in err.message
    assert sorted(a.id for a in articles) == ["good", "j1", "j3"]


@pytest.mark.parametrize("kind", ["garbage", "truncated", "truncated-gz"])
def test_bad_warc(batch_dir: Path, kind: str) -> None:
    name = "crawl.warc.gz" if kind == "truncated-gz" else "crawl.warc"
    if kind == "garbage":
        data = b"this is a note someone saved with a .warc extension\n" * 20
    else:
        page = (
            "<html><body><article>"
            + "<p>فقرة من خبر طويل عن الاقتصاد العربي والأسواق.</p>" * 30
            + "</article></body></html>"
        ).encode("utf-8")
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=kind == "truncated-gz")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/a", "response", payload=io.BytesIO(page), http_headers=headers
            )
        )
        data = buf.getvalue()[: len(buf.getvalue()) // 2]
    (batch_dir / name).write_bytes(data)
    articles, errors = run([batch_dir])
    err = only_error(errors, "E004", name)
    assert ("not a WARC file" in err.message) if kind == "garbage" else ("truncated" in err.message)
    assert_good_read(articles)


def test_gzip_text_with_plain_name_is_read(batch_dir: Path) -> None:
    # not an error: a gzip file named .txt is decompressed (a common mistake in exports)
    (batch_dir / "zipped.txt").write_bytes(gzip.compress("خبر مضغوط عن افتتاح الطريق السريع الجديد.".encode()))
    articles, errors = run([batch_dir])
    assert errors == []
    assert sorted(a.id for a in articles) == ["good", "zipped"]


def test_oversized_file(batch_dir: Path) -> None:
    (batch_dir / "huge.txt").write_text("خبر طويل جداً. " * 400, encoding="utf-8")
    articles, errors = run([batch_dir], Options(max_bytes=2_000))
    err = only_error(errors, "E006", "huge.txt")
    assert "over the limit of 2,000" in err.message
    assert_good_read(articles)


def test_unknown_extension_named_explicitly(batch_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    (batch_dir / "ignored.docx").write_bytes(b"PK\x03\x04")  # in a folder, unknown types are skipped silently
    articles, errors = run([batch_dir, report])
    err = only_error(errors, "E007", "report.pdf")
    assert "unknown file type '.pdf'" in err.message
    assert_good_read(articles)


def test_missing_path(batch_dir: Path, tmp_path: Path) -> None:
    articles, errors = run([tmp_path / "nowhere" / "lost.txt", batch_dir])
    err = only_error(errors, "E009", "lost.txt")
    assert "no such file" in err.message
    assert_good_read(articles)


def test_broken_symlink_named_explicitly(batch_dir: Path, tmp_path: Path) -> None:
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "was-deleted.txt")
    articles, errors = run([link, batch_dir])
    only_error(errors, "E009", "dangling.txt")
    assert_good_read(articles)


def test_sidecar_not_json(batch_dir: Path) -> None:
    (batch_dir / "story.txt").write_text("نص خبر عادي يرافقه ملف بيانات وصفية تالف لا يمكن قراءته.", encoding="utf-8")
    (batch_dir / "story.meta.json").write_text('{"outlet": "الجزيرة", published: 2024}', encoding="utf-8")
    articles, errors = run([batch_dir])
    err = only_error(errors, "E008", "story.txt")
    assert "story.meta.json is not valid JSON" in err.message
    assert_good_read(articles)


def test_xml_that_is_not_a_feed(batch_dir: Path) -> None:
    (batch_dir / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://news.example/a</loc></url></urlset>",
        encoding="utf-8",
    )
    articles, errors = run([batch_dir])
    err = only_error(errors, "E007", "sitemap.xml")
    assert "not an RSS or Atom feed" in err.message and "<urlset>" in err.message
    assert_good_read(articles)
