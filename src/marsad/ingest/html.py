"""HTML pages -> article text (SPEC: for HTML input ``text`` is the extracted article text, one paragraph a line).

Extraction is trafilatura first, our own lxml extractor as the fallback, and the page's visible text as the last
resort: a page is never dropped because an extractor found nothing. The JSONL, WARC and feed readers share
``extract_html`` / ``article_from_html`` / ``html_to_text`` from here.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree as etree
import lxml.html

from ..doc import Article
from ..errors import MarsadError
from ..options import Options
from .base import ReadResult, make_article
from .decode import decode, fix_newlines, single_byte_arabic

log = logging.getLogger(__name__)

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_WS = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_TAGS = re.compile(r"<[^>]*>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»«•·]\s+|\s*::\s*")

# Never article text, whatever the page.
_ALWAYS_DROP = frozenset(
    """
    script style noscript template svg canvas iframe object embed head title meta link select option button
    input textarea
    """.split()
)
# Page furniture: dropped by the fallback extractor unless it holds most of the page's text.
_FURNITURE = frozenset({"nav", "footer", "aside", "form", "menu", "dialog"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"})
# class/id words of page furniture ("share-bar" -> share, "read_also" -> read also)
_JUNK_WORDS = frozenset(
    """
    nav navbar navigation menu footer share sharing sharethis social sidebar related comment comments breadcrumb
    breadcrumbs newsletter subscribe subscription ad ads advert advertisement adsense banner cookie cookies
    popup modal tags topbar toolbar login signup promo sponsored outbrain taboola mostread trending ticker
    """.split()
)
_JUNK_PHRASES = ("read-also", "read_also", "readalso", "more-news", "most-read", "also-read")
_BLOCK = frozenset(
    """
    address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead
    tr ul br html
    """.split()
)
# Where the article body can live; inline tags and single paragraphs are not candidates (they would cut the
# article down to its longest paragraph).
_CONTAINERS = frozenset(
    {"body", "article", "main", "section", "div", "td", "center", "table", "tbody", "tr", "font", "span"}
)
_BODY_SHARE = 0.65  # the article container: the deepest element holding this share of the page's non-link text
_SENTENCE_END = re.compile(r"[.!?؟…][\"'»”)\]]*\s*$")
_LINK_LINE = 0.6  # a line whose letters are mostly link text is navigation ("اقرأ أيضاً" lists, tag clouds)


@dataclass(slots=True)
class Extracted:
    """What one HTML page gives: its article text and page metadata."""

    text: str
    extractor: str  # trafilatura | fallback | visible
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Line:
    text: str
    letters: int
    link_letters: int


# ---------------------------------------------------------------------------------------------------- small helpers


def letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def arabic_share(text: str) -> float:
    n = letters(text)
    return len(_ARABIC.findall(text)) / n if n else 0.0


def short_hash(value: str, n: int = 12) -> str:
    """A stable id from any string (URLs, guids, urn:uuid record ids)."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:n]


_SIMPLE_ID = re.compile(r"^[\w.\-]{1,48}$")


def stable_id(value: object | None) -> str | None:
    """Short ids are kept as given; URL-like or long ones become a short hash (same input -> same id)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return text if _SIMPLE_ID.match(text) else short_hash(text)


def iso_date(value: object | None) -> str | None:
    """``YYYY-MM-DD`` from an ISO string, an RFC 2822 date, a ``struct_time``/datetime or epoch; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if hasattr(value, "tm_year"):  # time.struct_time from feedparser (UTC)
        return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    if isinstance(value, int | float) and not isinstance(value, bool):  # epoch seconds
        return datetime.fromtimestamp(value, tz=UTC).date().isoformat()
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return m.group(0)
    m = re.match(r"^(\d{4})(\d{2})(\d{2})(?:\D|$)", text)  # 20240304 / 20240304T101500Z
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    try:  # "Mon, 04 Mar 2024 10:00:00 GMT" (RSS, HTTP)
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None


def hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


# ---------------------------------------------------------------------------------------------------- decoding


def _codec(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>`` or ``http-equiv``)."""
    m = _META_CHARSET.search(data[:4096])
    return _codec(m.group(1)) if m else None


_LATIN = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"})


def decode_html(data: bytes, source: str, hint: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then the declared charset (HTTP header ``hint``, then ``<meta>``) when it really fits,
    then ``decode()``'s detection. Arabic sites often declare one charset and send another, so a declaration is
    only trusted when the bytes decode cleanly with it and valid UTF-8 is taken as UTF-8."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, source)
    declared = [c for c in (_codec(hint), sniff_charset(data)) if c]
    if declared:
        try:
            return fix_newlines(data.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            pass
        for codec in declared:
            if codec == "utf-8" or codec.startswith("utf-16") or codec.startswith("utf-32"):
                continue  # not valid as declared: let detection find what it is
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if codec in _LATIN and not _ARABIC.search(text):
                # "iso-8859-1" on a page that is Windows-1256 Arabic is a classic misdeclaration
                single = single_byte_arabic(data)
                if single is not None:
                    return fix_newlines(single[0]), single[1]
            return fix_newlines(text), codec
    return decode(data, source)


# ---------------------------------------------------------------------------------------------------- lxml helpers


def parse_html(html: str, source: str) -> lxml.html.HtmlElement:
    """An lxml tree; E004 when the parser finds no document at all."""
    html = _XML_DECL.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise MarsadError("E004", f"HTML could not be parsed ({exc})", source) from None


def _tag(el: Any) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _junk_attr(el: lxml.html.HtmlElement) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not attrs.strip():
        return False
    if any(p in attrs for p in _JUNK_PHRASES):
        return True
    words = set(re.split(r"[\s_\-]+", attrs))
    return bool(words & _JUNK_WORDS)


def _drop(el: lxml.html.HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()  # keeps the tail text, which belongs to the parent


def _strip_invisible(root: lxml.html.HtmlElement) -> None:
    for el in list(root.iter()):
        tag = _tag(el)
        if tag is None:  # comments and processing instructions
            if el.getparent() is not None:
                el.drop_tree()
        elif tag in _ALWAYS_DROP or _is_hidden(el):
            _drop(el)


def _strip_furniture(root: lxml.html.HtmlElement) -> None:
    """Drop navigation, share bars, asides, footers... but never an element holding most of the page's text:
    sites that put the article in an ``<aside>`` or a ``class="...comments..."`` wrapper must not lose it."""
    body = root.find("body")
    total = letters((body if body is not None else root).text_content()) or 1
    for el in list(root.iter()):
        tag = _tag(el)
        if tag is None or tag in ("html", "body", "main", "article") or el.getparent() is None:
            continue
        furniture = (
            tag in _FURNITURE
            or (el.get("role") or "").lower() in _FURNITURE_ROLES
            or (tag == "header" and not any(_tag(a) in ("article", "main") for a in el.iterancestors()))
            or _junk_attr(el)
        )
        if furniture and letters(el.text_content()) < 0.5 * total:
            _drop(el)


def _lines(root: lxml.html.HtmlElement) -> list[_Line]:
    """Visible text of ``root`` as lines: one per block element (paragraph, heading, list item, cell, ``<br>``),
    whitespace collapsed as a browser does, with each line's share of link text."""
    out: list[_Line] = []
    chunks: list[tuple[str, bool]] = []
    link_depth = 0
    pre_depth = 0

    def flush() -> None:
        if not chunks:
            return
        text = _WS.sub(" ", "".join(t for t, _ in chunks)).strip()
        if text:
            link = sum(letters(t) for t, in_link in chunks if in_link)
            out.append(_Line(text, letters(text), link))
        chunks.clear()

    def add(text: str) -> None:
        if pre_depth:  # <pre> keeps its line breaks
            parts = text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    flush()
                chunks.append((part, link_depth > 0))
        else:
            chunks.append((text, link_depth > 0))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = _tag(el)
        if event == "start":
            if tag is None:
                continue
            if tag in _BLOCK:
                flush()
            if tag == "a":
                link_depth += 1
            elif tag == "pre":
                pre_depth += 1
            if el.text:
                add(el.text)
        else:
            if tag == "a":
                link_depth -= 1
            elif tag == "pre":
                pre_depth -= 1
            if tag in _BLOCK:
                flush()
            if el is not root and el.tail:
                add(el.tail)
    flush()
    return out


def _join(lines: list[_Line]) -> str:
    return "\n".join(line.text for line in lines)


def _densest_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The deepest container holding most of the page's non-link text (the article body, its headline and
    captions), computed bottom-up in one pass."""
    good: dict[Any, int] = {}  # element -> letters not inside links
    elements = list(root.iter())
    for el in reversed(elements):  # children come after their parent in document order
        tag = _tag(el)
        if tag is None:
            continue
        if tag == "a":
            good[el] = 0
            continue
        total = letters(el.text or "")
        for child in el:
            total += good.get(child, 0) + (letters(child.tail) if child.tail else 0)
        good[el] = total
    body = root.find("body")
    top = body if body is not None else root
    need = _BODY_SHARE * good.get(top, 0)
    best, best_depth = top, 0
    if need <= 0:
        return top
    depth: dict[Any, int] = {top: 0}
    for el in top.iterdescendants():
        parent = el.getparent()
        d = depth.get(parent, 0) + 1
        depth[el] = d
        if _tag(el) in _CONTAINERS and good.get(el, 0) >= need and d > best_depth:
            best, best_depth = el, d
    return best


def _meta_content(root: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for el in root.iterfind(".//meta"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
            if key == name and (el.get("content") or "").strip():
                return _WS.sub(" ", el.get("content")).strip()
    return None


def _page_title(root: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """(``og:title`` or first ``<h1>`` or ``<title>``, the raw ``<title>``)."""
    title_el = root.find(".//title")
    raw = _WS.sub(" ", title_el.text_content()).strip() if title_el is not None else None
    og = _meta_content(root, "og:title", "twitter:title")
    if og:
        return og, raw
    h1 = root.find(".//h1")
    if h1 is not None and _WS.sub(" ", h1.text_content()).strip():
        return _WS.sub(" ", h1.text_content()).strip(), raw
    return raw or None, raw


def _better_title(title: str | None, raw_title: str | None, outlet: str | None) -> str | None:
    """trafilatura splits "Site | Headline" titles and sometimes keeps the site half; take the longest part that
    is not the outlet's name when the chosen title is one of the shorter parts."""
    if not title or not raw_title:
        return title
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(raw_title) if p and p.strip()]
    if len(parts) < 2 or title.strip() not in parts:
        return title
    candidates = [p for p in parts if not outlet or p != outlet]
    longest = max(candidates, key=len, default=title)
    return longest if len(longest) > len(title) else title


# ---------------------------------------------------------------------------------------------------- extractors


def _trafilatura(html: str, url: str | None) -> dict[str, Any] | None:
    import trafilatura

    try:
        out = trafilatura.extract(
            html,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            # precision: measured on tests/fixtures/ingest it drops the nav/ad lines "balanced" keeps; the
            # paragraphs it sometimes loses are recovered by the fallback ratio check below
            favor_precision=True,
            # extensive search guesses dates from "© 2024" footers (-> 2024-01-01); only trust page markup
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception:  # a trafilatura bug on one page falls back to our extractor
        log.debug("trafilatura failed", exc_info=True)
        return None
    if not out:
        return None
    try:
        doc = json.loads(out)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _looks_like_layout_table(text: str) -> bool:
    """trafilatura flattens table-layout pages (old Arabic news sites) into ``| cell | cell |`` rows with the
    menu and footer inside: most letters on such rows means the extraction is not an article."""
    rows = [line for line in text.split("\n") if line.lstrip().startswith("|")]
    return bool(rows) and letters("\n".join(rows)) > 0.5 * letters(text)


def fallback_extract(root: lxml.html.HtmlElement) -> str:
    """Our own extraction: drop invisible elements and page furniture, take the densest container, drop lines
    that are mostly links. ``root`` is modified."""
    _strip_invisible(root)
    _strip_furniture(root)
    container = _densest_container(root)
    lines = _lines(container)
    return _join([ln for ln in lines if not _is_link_line(ln)])


def _is_link_line(line: _Line) -> bool:
    """Mostly link text and not a sentence: menus, tag clouds, "اقرأ أيضاً: ..." teasers. Prose that links many
    names ("أعلن <a>قصر الإليزيه</a> أن ...") still ends like a sentence and is kept."""
    if not line.letters or line.link_letters <= _LINK_LINE * line.letters:
        return False
    return not _SENTENCE_END.search(line.text)


def visible_text(root: lxml.html.HtmlElement) -> str:
    """Every visible line of the page (the last resort, so that no page is dropped for want of an extractor)."""
    _strip_invisible(root)
    body = root.find("body")
    return _join(_lines(body if body is not None else root))


def extract_html(html: str, *, source: str, options: Options, url: str | None = None) -> Extracted:
    """Article text and page metadata from an HTML string (the one extraction all HTML-carrying readers use).

    Raises E004 when the page cannot be parsed and E003 when it has no visible text.
    """
    doc = _trafilatura(html, url)
    traf_text = fix_newlines(doc.get("text") or "").strip("\n") if doc else ""
    root = parse_html(html, source)
    page_title, raw_title = _page_title(root)
    page_url = _canonical(root) or _meta_content(root, "og:url")
    own = fallback_extract(parse_html(html, source))

    reason = None  # why trafilatura's text is not used
    if not letters(traf_text):
        reason = "trafilatura found no text"
    elif _looks_like_layout_table(traf_text):
        reason = "trafilatura flattened a layout table"
    elif arabic_share(own) >= 0.3 and letters(traf_text) < options.html_min_ratio * letters(own):
        reason = f"trafilatura kept {letters(traf_text) / letters(own):.0%} of the fallback's text"
    text, extractor = (own, "fallback") if reason else (traf_text, "trafilatura")
    if letters(text) < max(1, options.min_text_chars // 2):
        # both extractors came back (nearly) empty: keep what a reader would see rather than drop the page
        text, extractor = visible_text(root), "visible"
        reason = f"{reason or 'trafilatura found little text'}; the fallback found little text"
    if not text.strip():
        if letters(_TAGS.sub(" ", _SCRIPTS.sub(" ", html))) >= options.min_text_chars:
            # text in the markup that the parser could not place (e.g. nesting deeper than libxml2 allows)
            raise MarsadError("E004", "the HTML is malformed: it holds text but the parser finds none", source)
        raise MarsadError("E003", "the HTML page has no visible text", source)

    meta: dict[str, Any] = {"extractor": extractor}
    if reason:
        meta["extractor_reason"] = reason
    outlet = doc.get("source-hostname") if doc else None
    outlet = outlet or _meta_content(root, "og:site_name", "application-name")
    title = (doc.get("title") if doc else None) or page_title
    title = _better_title(title, raw_title, outlet)
    published = iso_date(doc.get("date")) if doc else None
    if doc and doc.get("author"):
        meta["author"] = doc["author"]
    return Extracted(
        text=text,
        extractor=extractor,
        title=title,
        published=published,
        outlet=outlet,
        url=(doc.get("source") if doc else None) or page_url,
        meta=meta,
    )


def _canonical(root: lxml.html.HtmlElement) -> str | None:
    for el in root.iterfind(".//link"):
        if (el.get("rel") or "").lower() == "canonical" and (el.get("href") or "").strip():
            return el.get("href").strip()
    return None


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content, a JSONL ``html`` snippet): one paragraph a line, scripts and
    styles dropped, nothing else judged (a fragment is all article)."""
    if "<" not in fragment:
        return fix_newlines(fragment).strip()
    try:
        root = lxml.html.fragment_fromstring(_XML_DECL.sub("", fragment, count=1), create_parent="div")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return fix_newlines(fragment).strip()
    _strip_invisible(root)
    return _join(_lines(root))


# ---------------------------------------------------------------------------------------------------- articles


def article_from_html(
    html: str,
    *,
    id: str,
    input: str,
    format: str,
    encoding: str | None,
    options: Options,
    metadata: Mapping[str, Any] | None = None,
    url: str | None = None,
    published_fallback: tuple[str, str] | None = None,
    metadata_origin: str = "record",
) -> Article:
    """An article from a decoded page. ``metadata`` (a sidecar, a JSONL record) wins over what the page says;
    ``url`` is where the page was fetched (WARC); ``published_fallback`` is ``(date, origin)`` for pages without
    a date of their own (the WARC capture date). ``meta["published_from"]`` says where the date came from:
    ``metadata_origin`` (the record or sidecar), ``page``, or the fallback's origin."""
    given = {k: v for k, v in (metadata or {}).items() if v not in (None, "")}
    page = extract_html(html, source=input, options=options, url=url or given.get("url"))
    if len(page.text.strip()) < options.min_text_chars:
        raise MarsadError(
            "E003",
            f"the page yields only {len(page.text.strip())} characters of article text "
            f"(fewer than {options.min_text_chars}; extractor: {page.extractor})",
            input,
        )
    meta: dict[str, Any] = dict(page.meta)
    meta.update(given)
    meta.setdefault("url", url or page.url)
    meta.setdefault("title", page.title)
    if not meta.get("outlet"):
        host = hostname(meta.get("url"))
        meta["outlet"] = page.outlet or host
        if meta["outlet"] and meta["outlet"] in (host, f"www.{host}"):
            meta["outlet_from"] = "hostname"  # a site name would be better; say that this is only the host
    given_date = iso_date(given.get("published"))
    published_from = None
    if given_date:
        meta["published"], published_from = given_date, metadata_origin
    elif page.published:
        meta["published"], published_from = page.published, "page"
    elif published_fallback and published_fallback[0]:
        meta["published"], published_from = published_fallback
    if given.get("published") and not given_date:
        meta["published_raw"] = given["published"]  # kept for the record; not a date we can read
    if published_from:
        meta["published_from"] = published_from
    title_source = "metadata" if given.get("title") else "page"
    article = make_article(
        page.text,
        id=id,
        input=input,
        format=format,
        encoding=encoding,
        metadata=meta,
        options=options,
        title_source=title_source,
    )
    return article


def read_html(path: str, data: bytes, options: Options) -> Iterator[ReadResult]:
    from .text import read_sidecar

    p = Path(path)
    html, encoding = decode_html(data, path)
    sidecar = read_sidecar(p)  # page.meta.json beside page.html, as for .txt
    yield article_from_html(
        html,
        id=p.stem,
        input=path,
        format="html",
        encoding=encoding,
        options=options,
        metadata=sidecar,
        metadata_origin="sidecar",
    )
