"""The pages in real headless Chromium (Debian's /usr/bin/chromium through playwright; never downloaded).

list -> story -> citation -> article; search for another spelling; a hostile article shown inert. Screenshots of
the story and search pages over the seeds go to docs/ (README).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.doc import Span
from marsad.ingest.base import make_article
from marsad.options import Options
from marsad.store import Ingester, Store

DOCS = Path(__file__).resolve().parents[2] / "docs"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
HOSTILE = ("<script>window.__pwned = 1</script> خبر عاجل عن سد تل الريحان "
           "<img src=x onerror=\"window.__pwned=2\"> \u202eمقلوب\u202c "
           "<a href=\"javascript:window.__pwned=3\">رابط</a> وقال المسؤول إن الوضع تحت السيطرة.\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on PATH (apt-get install chromium); page tests need a real browser")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    import sqlite3

    import uvicorn

    from marsad.web.app import create_app

    conn = sqlite3.connect(built_db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db = tmp_path_factory.mktemp("served") / "m.db"
    shutil.copy(built_db, db)
    with Store(db) as store:
        # a hostile article through the real ingest path ...
        hostile = make_article(HOSTILE * 3, id="hostile", input="hostile.txt", format="text", encoding="utf-8",
                               metadata={"title": "<script>alert(1)</script>\u202eعنوان", "outlet": "<b>منفذ</b>",
                                         "published": "2025-10-18"}, options=Options())
        Ingester(store).ingest_article(hostile)
        # ... and a 10 MB one written straight through the gateway (analysing 10 MB is not what is tested here)
        big = ("<script>window.__pwned = 4</script>" + "نص طويل جدا " * 20) * 22_000
        article = make_article(big, id="huge", input="huge.txt", format="text", encoding="utf-8",
                               metadata={"title": "مقال ضخم"}, options=Options())
        assert len(big.encode("utf-8")) > 10_000_000
        article.body = [Span(0, len(big))]
        store.add_article(article)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chrome(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(java_script_enabled=True, viewport={"width": 1200, "height": 900},
                                      locale="ar")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def test_list_story_citation_article(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    page = chrome
    page.goto(server + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    first = page.locator("a.story-link").first
    label = first.inner_text()
    first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == label
    assert page.locator("svg.chart").count() >= 1
    cite = page.locator("td.lead a.cite").first
    href = cite.get_attribute("href")
    assert href and "start=" in href
    cite.click()
    page.wait_for_url("**/articles/**")
    marked = page.locator("mark#cite").inner_text()
    assert marked.strip()
    # the cited text is exactly the article's text at the cited offsets
    from urllib.parse import parse_qs, urlparse

    qs = parse_qs(urlparse(page.url).query)
    aid = urlparse(page.url).path.rsplit("/", 1)[1]
    api = page.request.get(f"{server}/api/articles/{aid}").json()
    shown = re.sub("U\\+([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), marked)  # visible bidi controls
    assert api["text"][int(qs["start"][0]):int(qs["end"][0])] == shown


def test_removed_boilerplate_is_greyed(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    page = chrome
    page.goto(server + "/articles/02")
    removed = page.locator(".text span.removed").first
    body = page.locator(".text span.body").first
    assert removed.count() and body.count()
    assert removed.evaluate("e => getComputedStyle(e).color") != body.evaluate("e => getComputedStyle(e).color")


def test_search_finds_other_spelling(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    page = chrome
    page.goto(server + "/")
    page.fill("form.search input[name=q]", "كيم جون اون")
    page.click("form.search button")
    page.wait_for_url("**/search?**")
    marks = page.locator(".snippet mark").all_inner_texts()
    assert "جونغ" in marks and "أون" in marks  # found through another spelling, highlighted in the raw text


def test_hostile_article_is_inert(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    page = chrome
    for url in ("/articles/hostile", "/search?q=" + "سد تل الريحان", "/articles/huge", "/articles/huge?page=2"):
        response = page.goto(server + url)
        assert response is not None and response.status == 200
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("main script").count() == 0 and page.locator("main img").count() == 0
    page.goto(server + "/articles/hostile")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()  # shown as text
    assert page.locator(".text .ctl").count() >= 1  # the right-to-left override is shown, not obeyed
    page.goto(server + "/articles/huge")
    assert page.locator("nav.pager a[rel=next]").count() == 1  # 10 MB in pages, not one page


def test_screenshots_for_the_readme(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    page = chrome
    page.goto(server + "/api/stories?limit=200")
    stories = page.request.get(server + "/api/stories?limit=200").json()["stories"]
    seeds = max((s for s in stories if any(o.startswith("site-") for o in s["outlets"])),
                key=lambda s: s["articles"])
    # screenshots go to tests/artifacts (to be looked at); MARSAD_UPDATE_DOCS=1 also refreshes the README's copies
    out = DOCS if os.environ.get("MARSAD_UPDATE_DOCS") == "1" else ARTIFACTS
    out.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/stories/{seeds['id']}")
    page.screenshot(path=str(out / "story-page.png"), full_page=False)
    page.goto(server + "/search?q=" + "كيم جون اون")
    page.screenshot(path=str(out / "search-page.png"), full_page=False)
    assert (out / "story-page.png").stat().st_size > 10_000


def test_copy_graph_is_styled(server: str, chrome) -> None:  # type: ignore[no-untyped-def]
    # the story page's "who copied whom" graph is the dossier's SVG (render/graph.py); its boxes need the same
    # rules on the served page, where the CSP allows no inline style: SVG's default fill is black, over black labels
    page = chrome
    stories = page.request.get(server + "/api/stories?limit=200").json()["stories"]
    many = max(stories, key=lambda s: s["articles"])
    page.goto(f"{server}/stories/{many['id']}")
    rect = page.locator("svg.reuse-graph rect").first
    assert rect.count() == 1
    fill = rect.evaluate("e => getComputedStyle(e).fill")
    label = page.locator("svg.reuse-graph .g-outlet").first.evaluate("e => getComputedStyle(e).fill")
    assert fill != label, (fill, label)
