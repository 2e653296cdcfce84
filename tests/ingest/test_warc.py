"""WARC archives: HTML pages captured with HTTP 200 become articles; everything else is skipped; damage is an
E004 for ``path#recordN`` that keeps what was read before it."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.doc import Article
from marsad.errors import ErrorRecord
from marsad.ingest import read_file
from marsad.ingest.html import short_hash

UNDATED_PAGE = (
    "<html><head><title>مهرجان المسرح العربي</title></head><body><nav><a href='/'>الرئيسية</a></nav><article>"
    "<h1>انطلاق مهرجان المسرح العربي</h1>"
    "<p>انطلقت مساء أمس فعاليات مهرجان المسرح العربي بمشاركة عشرين فرقة من مختلف الدول العربية.</p>"
    "<p>ويتنافس في المسابقة الرسمية اثنا عشر عرضاً مسرحياً على جوائز المهرجان.</p></article></body></html>"
)
WIN1256_PAGE = (
    "<html><head><title>الأمطار الغزيرة</title></head><body><div class='story'>"
    "<p>شهدت المناطق الشمالية أمطاراً غزيرة أدت إلى إغلاق عدد من الطرق الرئيسية.</p>"
    "<p>ودعت الدفاع المدني المواطنين إلى توخي الحذر وتجنب الأودية.</p></div></body></html>"
)


def http(status: str, content_type: str, extra: list[tuple[str, str]] | None = None) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")


def build_warc(fixtures: Path, *, gz: bool) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc", {"software": "marsad-tests", "format": "WARC/1.1"}))
    # 2: the request that fetched the page (skipped)
    w.write_record(
        w.create_warc_record(
            "https://alsharq.example/summit",
            "request",
            payload=io.BytesIO(b"GET /summit HTTP/1.1\r\nHost: alsharq.example\r\n\r\n"),
        )
    )
    # 3: the news page, dated by its own metadata
    w.write_record(
        w.create_warc_record(
            "https://alsharq.example/summit",
            "response",
            payload=io.BytesIO((fixtures / "news_page.html").read_bytes()),
            http_headers=http("200 OK", "text/html; charset=utf-8"),
            warc_headers_dict={"WARC-Date": "2024-03-06T08:00:00Z"},
        )
    )
    # 4: an image (skipped)
    w.write_record(
        w.create_warc_record(
            "https://alsharq.example/summit.jpg",
            "response",
            payload=io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 64),
            http_headers=http("200 OK", "image/jpeg"),
        )
    )
    # 5: a redirect (skipped)
    w.write_record(
        w.create_warc_record(
            "https://alsharq.example/old",
            "response",
            payload=io.BytesIO(b"<html><body>Moved</body></html>"),
            http_headers=http("301 Moved Permanently", "text/html", [("Location", "https://alsharq.example/summit")]),
        )
    )
    # 6: a page without a date of its own, sent gzip-encoded: dated by the capture
    w.write_record(
        w.create_warc_record(
            "https://masrah.example/festival",
            "response",
            payload=io.BytesIO(gzip.compress(UNDATED_PAGE.encode())),
            http_headers=http("200 OK", "text/html; charset=UTF-8", [("Content-Encoding", "gzip")]),
            warc_headers_dict={"WARC-Date": "2023-11-02T21:15:00Z"},
        )
    )
    # 7: Windows-1256, declared only in the HTTP header
    w.write_record(
        w.create_warc_record(
            "https://matar.example/rain",
            "response",
            payload=io.BytesIO(WIN1256_PAGE.encode("cp1256")),
            http_headers=http("200 OK", "text/html; charset=windows-1256"),
            warc_headers_dict={"WARC-Date": "2022-01-15T06:00:00Z"},
        )
    )
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_html_responses_become_articles(tmp_path: Path, fixtures: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(build_warc(fixtures, gz=gz))
    results = list(read_file(path))
    assert all(isinstance(r, Article) for r in results), results
    summit, festival, rain = results
    assert summit.id == short_hash("https://alsharq.example/summit")  # stable: same id in .warc and .warc.gz
    assert summit.input == f"{path}#record3"
    assert summit.url == "https://alsharq.example/summit"  # where it was fetched, not the canonical link
    assert summit.format == "warc"
    assert summit.title == "قمة عربية طارئة في القاهرة لبحث الأوضاع في غزة"
    assert summit.published == "2024-03-04" and summit.meta["published_from"] == "page"
    assert summit.outlet == "الشرق اليوم"
    assert summit.text.startswith("انطلقت صباح اليوم الإثنين في العاصمة المصرية القاهرة")
    assert "سياسة الخصوصية" not in summit.text
    assert summit.meta["warc_record_id"].startswith("urn:uuid:")

    assert festival.input == f"{path}#record6"
    assert festival.published == "2023-11-02" and festival.meta["published_from"] == "warc-date"
    assert festival.outlet == "masrah.example" and festival.meta["outlet_from"] == "hostname"
    assert "ويتنافس في المسابقة الرسمية" in festival.text

    assert rain.encoding == "cp1256"
    assert rain.text.split("\n") == [
        "شهدت المناطق الشمالية أمطاراً غزيرة أدت إلى إغلاق عدد من الطرق الرئيسية.",
        "ودعت الدفاع المدني المواطنين إلى توخي الحذر وتجنب الأودية.",
    ]


def test_ids_and_output_are_stable(tmp_path: Path, fixtures: Path) -> None:
    plain, gz = tmp_path / "a.warc", tmp_path / "b.warc.gz"
    plain.write_bytes(build_warc(fixtures, gz=False))
    gz.write_bytes(build_warc(fixtures, gz=True))
    first = [r.to_dict() for r in read_file(plain)]
    again = [r.to_dict() for r in read_file(plain)]
    assert first == again
    assert [a["id"] for a in first] == [r.id for r in read_file(gz) if isinstance(r, Article)]


def test_bad_content_length_stops_cleanly(tmp_path: Path, fixtures: Path) -> None:
    data = build_warc(fixtures, gz=False)
    # corrupt the 4th record's Content-Length: records 1-3 are read, then one E004, no exception
    marker = b"WARC-Target-URI: https://alsharq.example/summit.jpg"
    at = data.index(marker)
    cl = data.index(b"Content-Length: ", at)
    end = data.index(b"\r\n", cl)
    data = data[:cl] + b"Content-Length: 5" + data[end:]
    path = tmp_path / "damaged.warc"
    path.write_bytes(data)
    results = list(read_file(path))
    articles = [r for r in results if isinstance(r, Article)]
    errors = [r for r in results if isinstance(r, ErrorRecord)]
    assert [a.input for a in articles] == [f"{path}#record3"]
    assert errors and errors[0].code == "E004" and errors[0].input == f"{path}#record4"
    assert "Content-Length" in errors[0].message


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_truncated_archive_keeps_earlier_records(tmp_path: Path, fixtures: Path, gz: bool) -> None:
    data = build_warc(fixtures, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: len(data) - 200])  # the last page (record 7) is cut off
    results = list(read_file(path))
    assert [r.input for r in results if isinstance(r, Article)] == [f"{path}#record3", f"{path}#record6"]
    errors = [r for r in results if isinstance(r, ErrorRecord)]
    assert len(errors) == 1 and errors[0].code == "E004"
    assert errors[0].input == f"{path}#record7"
    assert "truncated" in errors[0].message


def test_archive_without_pages(tmp_path: Path) -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    w.write_record(w.create_warcinfo_record("empty.warc.gz", {"software": "marsad-tests"}))
    w.write_record(
        w.create_warc_record(
            "https://x.example/data.json",
            "response",
            payload=io.BytesIO(b"{}"),
            http_headers=http("200 OK", "application/json"),
        )
    )
    path = tmp_path / "nopages.warc.gz"
    path.write_bytes(buf.getvalue())
    (err,) = list(read_file(path))
    assert isinstance(err, ErrorRecord) and err.code == "E003"
    assert "no HTML page" in err.message and "2 WARC records" in err.message


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("ملاحظات محفوظة بامتداد خاطئ\n", encoding="utf-8")
    (err,) = list(read_file(path))
    assert isinstance(err, ErrorRecord) and err.code == "E004" and "not a WARC file" in err.message
