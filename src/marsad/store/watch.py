"""``marsad watch``: poll RSS/Atom feeds, fetch new article pages, ingest them incrementally.

Polite and robust: conditional GET (ETag / Last-Modified remembered in the store), robots.txt respected, at most
one request per host every ``min_interval`` seconds, timeouts, retries with exponential backoff; a failing feed
is reported and the others go on. A page that cannot be fetched is ingested from its feed entry instead.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
import typer

from ..doc import Article
from ..errors import ErrorRecord
from ..ingest.feed import read_feed
from ..ingest.html import read_html
from ..options import DEFAULT_OPTIONS, Options
from .gateway import Store
from .ingest import Ingester, IngestReport

log = logging.getLogger(__name__)
USER_AGENT = "marsad-watch/0.1 (+https://github.com/marsad)"


@dataclass(slots=True)
class PollReport:
    feeds_ok: int = 0
    not_modified: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)


class Fetcher:
    """HTTP GET with per-host spacing, robots.txt, timeouts and retries."""

    def __init__(self, timeout: float = 10.0, retries: int = 2, backoff: float = 0.5, min_interval: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})
        self.retries = retries
        self.backoff = backoff
        self.min_interval = min_interval
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def _wait_turn(self, host: str) -> None:
        gap = time.monotonic() - self._last.get(host, -1e9)
        if gap < self.min_interval:
            self.sleep(self.min_interval - gap)
        self._last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                self._wait_turn(parts.netloc)
                r = self.client.get(root + "/robots.txt")
                if r.status_code >= 400:
                    parser = None  # no robots.txt: everything allowed
                else:
                    assert parser is not None
                    parser.parse(r.text.splitlines())
            except httpx.HTTPError:
                parser = None
            self._robots[root] = parser
        robots = self._robots[root]
        return robots is None or robots.can_fetch(USER_AGENT, url)

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """The response (2xx or 304); raises httpx.HTTPError after the retries."""
        host = urlsplit(url).netloc
        error: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_turn(host)
            try:
                r = self.client.get(url, headers=headers or {})
                if r.status_code >= 500 or r.status_code == 429:
                    raise httpx.HTTPStatusError(f"HTTP {r.status_code}", request=r.request, response=r)
                if r.status_code == 304:  # not modified (a conditional GET)
                    return r
                r.raise_for_status()
                return r
            except httpx.HTTPStatusError as exc:
                error = exc
                if exc.response.status_code < 500 and exc.response.status_code != 429:
                    raise  # a 404 will not get better
            except httpx.HTTPError as exc:
                error = exc
        assert error is not None
        raise error


def poll_once(store: Store, ingester: Ingester, feeds: list[str], fetcher: Fetcher,
              options: Options = DEFAULT_OPTIONS) -> PollReport:
    """One pass over the feeds: new entries' pages are fetched and ingested; then ``finish``."""
    report = PollReport()
    for feed_url in feeds:
        try:
            _poll_feed(store, ingester, feed_url, fetcher, options, report)
        except (httpx.HTTPError, OSError, ValueError) as exc:
            report.errors.append(ErrorRecord(feed_url, "E001", f"feed failed: {type(exc).__name__}: {exc}"))
    store.add_errors(report.errors)
    ingester.finish()
    return report


def _poll_feed(store: Store, ingester: Ingester, feed_url: str, fetcher: Fetcher, options: Options,
               report: PollReport) -> None:
    if not fetcher.allowed(feed_url):
        report.errors.append(ErrorRecord(feed_url, "E001", "robots.txt disallows this feed"))
        return
    key = "watch:" + feed_url
    cache = json.loads(store.get_meta(key) or "{}")
    headers = {}
    if cache.get("etag"):
        headers["If-None-Match"] = cache["etag"]
    if cache.get("modified"):
        headers["If-Modified-Since"] = cache["modified"]
    r = fetcher.get(feed_url, headers)
    report.feeds_ok += 1
    if r.status_code == 304:
        report.not_modified += 1
        return
    seen = set(cache.get("seen", []))
    for item in read_feed(feed_url, r.content, options):
        if isinstance(item, ErrorRecord):
            report.errors.append(item)
            continue
        if item.url and item.url in seen:
            continue
        article = _page_article(item, fetcher, options, report) if item.url else item
        ingester.add(article, report.ingest)
        if item.url:
            seen.add(item.url)
    store.set_meta(key, json.dumps({"etag": r.headers.get("etag"), "modified": r.headers.get("last-modified"),
                                    "seen": sorted(seen)[-5000:]}, ensure_ascii=False))


def _page_article(entry: Article, fetcher: Fetcher, options: Options, report: PollReport) -> Article:
    """The article page behind a feed entry (metadata the page lacks comes from the entry); the entry itself when
    the page cannot be fetched or read."""
    url = entry.url or ""
    if not fetcher.allowed(url):
        report.errors.append(ErrorRecord(url, "E001", "robots.txt disallows this page; using the feed entry"))
        return entry
    try:
        page = fetcher.get(url)
        found = [a for a in read_html(url, page.content, options) if isinstance(a, Article)]
    except (httpx.HTTPError, ValueError) as exc:
        report.errors.append(ErrorRecord(url, "E001", f"page failed ({exc}); using the feed entry"))
        return entry
    if not found:
        return entry
    article = found[0]
    article.url = article.url or url
    article.outlet = article.outlet or entry.outlet
    if not article.published and entry.published:
        article.published, article.published_source = entry.published, entry.published_source
    if not article.title and entry.title:
        article.title, article.title_source = entry.title, entry.title_source
    article.id = entry.id
    return article


def parse_every(value: str) -> float:
    """'90', '90s', '10m', '2h' -> seconds."""
    value = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600}
    if value and value[-1] in units:
        return float(value[:-1]) * units[value[-1]]
    return float(value)


def watch_command(
    feeds: Annotated[Path, typer.Option("--feeds", help="A file with one feed URL per line (# comments).")],
    db: Annotated[Path, typer.Option("--db", help="The marsad database.", envvar="MARSAD_DB")] = Path("marsad.db"),
    every: Annotated[str, typer.Option("--every", help="Poll interval: 90s, 10m, 1h.")] = "10m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    min_interval: Annotated[float, typer.Option(help="Seconds between two requests to one host.")] = 1.0,
) -> None:
    """Poll RSS/Atom feeds and ingest new articles as they appear (Ctrl-C to stop)."""
    urls = [line.strip() for line in feeds.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    interval = parse_every(every)
    fetcher = Fetcher(min_interval=min_interval)
    with Store(db) as store:
        ingester = Ingester(store)
        try:
            while True:
                rep = poll_once(store, ingester, urls, fetcher)
                for e in rep.errors:
                    typer.echo(f"{e.code} {e.input}: {e.message}", err=True)
                typer.echo(f"{rep.feeds_ok}/{len(urls)} feeds read ({rep.not_modified} unchanged), "
                           f"{len(rep.ingest.added)} article(s) added", err=True)
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return
        finally:
            fetcher.close()


__all__: list[Any] = ["Fetcher", "PollReport", "parse_every", "poll_once", "watch_command"]
