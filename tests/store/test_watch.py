"""``marsad watch`` against a real HTTP server on 127.0.0.1 whose feed changes between polls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from marsad.store import Ingester, Store
from marsad.store.watch import Fetcher, parse_every, poll_once

PAGE = """<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head><body>
<nav>الرئيسية | أخبار | رياضة</nav><article><h1>{title}</h1>
<p>{body}</p><p>وأضاف المتحدث أن فرق الإنقاذ ما زالت تعمل في المنطقة منذ ساعات الصباح الأولى، وأن الطرق أغلقت.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>"""


class Site:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []  # (path, title, body)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.version = 0

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{t}</title><link>{{base}}{p}</link><pubDate>Wed, 15 Oct 2025 10:00:00 GMT</pubDate>"
            f"<description>{b}</description></item>" for p, t, b in self.items)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>موقع الاختبار</title>'
                f"{entries}</channel></rss>").encode()


@pytest.fixture()
def site() -> Iterator[tuple[Site, str]]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers)))
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if self.path == "/feed.rss":
                etag = f'"v{state.version}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", "text/plain", etag)
                return self._send(200, state.feed().replace(b"{base}", base.encode()), "application/rss+xml", etag)
            if self.path == "/broken.rss":
                return self._send(500, b"oops", "text/plain")
            for p, t, b in state.items:
                if self.path == p:
                    return self._send(200, PAGE.format(title=t, body=b).encode(), "text/html; charset=utf-8")
            self._send(404, b"not found", "text/plain")

        def _send(self, code: int, body: bytes, ctype: str, etag: str | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_watch_polls_changing_feeds(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.items = [("/a/1.html", "انهيار سد تل الريحان في وادي الغيم",
                    "انهار جزء من سد تل الريحان فجر الثلاثاء، ما أدى إلى غرق قرى في وادي الغيم ومقتل تسعة أشخاص."),
                   ("/private/2.html", "خبر خاص بالمشتركين",
                    "هذا الخبر محجوب عن الزواحف بحسب ملف robots.txt ولا يجوز جلب صفحته من الموقع مباشرة أبدا.")]
    feeds = [base + "/feed.rss", base + "/broken.rss"]
    waits: list[float] = []
    fetcher = Fetcher(timeout=5, retries=1, backoff=0.01, min_interval=0.2, sleep=waits.append)
    with Store(tmp_path / "m.db") as store:
        ingester = Ingester(store)
        first = poll_once(store, ingester, feeds, fetcher)
        assert sorted(first.ingest.added) and len(first.ingest.added) == 2
        assert any(e.input.endswith("/broken.rss") for e in first.errors)  # reported; the other feed went on
        assert any("robots.txt" in e.message for e in first.errors)
        assert not any(p.startswith("/private/") for p, _ in state.requests)  # robots.txt respected
        assert any(p == "/a/1.html" for p, _ in state.requests)
        assert waits, "requests to one host were not spaced"

        second = poll_once(store, ingester, feeds[:1], fetcher)  # unchanged: a conditional GET, 304
        assert second.not_modified == 1 and second.ingest.added == []
        assert state.requests[-1][1].get("If-None-Match") == '"v0"'

        state.version = 1  # the feed changes: one new article joins the dam story
        state.items.append(("/a/3.html", "ارتفاع عدد ضحايا انهيار سد تل الريحان",
                            "ارتفعت حصيلة ضحايا انهيار سد تل الريحان في وادي الغيم إلى اثني عشر قتيلا بحسب الدفاع"
                            " المدني، وما زال البحث جاريا عن مفقودين."))
        third = poll_once(store, ingester, feeds[:1], fetcher)
        assert len(third.ingest.added) == 1
        new = store.article(third.ingest.added[0])
        assert new is not None and new.url == base + "/a/3.html" and "حصيلة" in new.text
        assert "جميع الحقوق" not in new.text[new.body[0].start:new.body[-1].end]
        assert store.count("articles") == 3


def test_parse_every() -> None:
    assert parse_every("10m") == 600 and parse_every("90s") == 90 and parse_every("2h") == 7200
    assert parse_every("45") == 45
