"""``marsad serve``: the JSON API and server-rendered right-to-left pages over a store (FastAPI).

A thin layer: every answer comes from ``marsad.store.read`` / ``marsad.store.search``. Pages need no
JavaScript and load nothing from elsewhere; every article-derived string is escaped by Jinja's autoescape, and
the Content-Security-Policy forbids scripts outright. Read-only unless started with an ingest token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..render.graph import reuse_graph_svg
from ..render.html import text_segments
from ..render.markdown import entity_groups, excerpt, quotes_by_speaker
from ..store import read
from ..store.gateway import Store
from ..store.search import MAX_QUERY_CHARS, QueryError, search
from . import svg

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none';"
       " frame-ancestors 'none'")
ARTICLE_PAGE_CHARS = 100_000  # a long article is shown in pages of this many characters
MAX_ID = 200
MAX_INGEST_BYTES = 5_000_000
MAX_REUSE_ROWS = 200  # reuse passages listed on a story page
_TEMPLATES = Path(__file__).parent / "templates"

# bidirectional controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): shown as visible marks, never obeyed, so an
# article cannot reorder the page around it; the stored text keeps them
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_controls(text: str) -> Markup:
    escaped = str(escape(text))
    return Markup(_BIDI.sub(lambda m: f'<span class="ctl">U+{ord(m.group()):04X}</span>', escaped))


_env = Environment(loader=PackageLoader("marsad", "web/templates"), autoescape=select_autoescape(default=True,
                   default_for_string=True), trim_blocks=True, lstrip_blocks=True)
_env.filters["visible_controls"] = visible_controls
# an id in a URL path: "?", "#" and "/" escaped (article routes also accept a decoded "/")
_env.filters["path"] = lambda value: quote(str(value), safe="")


def open_store(request: Request) -> Iterator[Store]:
    """A read-only connection per request: readers never block the ingest writer, nor it them."""
    s = Store(request.app.state.db, readonly=True)
    try:
        yield s
    finally:
        s.close()


StoreDep = Annotated[Store, Depends(open_store)]


def _page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("max_query", MAX_QUERY_CHARS)
    context.setdefault("version", __version__)
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


def _check_id(value: str) -> str:
    if len(value) > MAX_ID:
        raise HTTPException(404, "no such id")
    return value


def create_app(db: str | Path, ingest_token: str | None = None, max_ingest_bytes: int = MAX_INGEST_BYTES) -> FastAPI:
    """The app over the store at ``db``. ``ingest_token`` enables POST /api/ingest for requests bearing it."""
    db = Path(db)
    app = FastAPI(title="marsad", version=__version__, docs_url=None, redoc_url=None,
                  description="Arabic multi-source news intelligence: stories, articles, entities, search. "
                              "Every span is a character range of an article's raw text.")
    app.state.db = db
    app.state.ingest_token = ingest_token
    app.state.max_ingest_bytes = max_ingest_bytes

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return _page("error.html.j2", exc.status_code, status=exc.status_code, message=str(exc.detail))

    # ------------------------------------------------------------------ JSON API
    @app.get("/api/stories", summary="Latest stories, with outlet and independent-source counts")
    def api_stories(s: StoreDep, limit: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        items, total = read.stories(s, limit, offset)
        return {"stories": items, "total": total, "limit": limit, "offset": offset}

    @app.get("/api/stories/{story_id}", summary="A story's dossier (SPEC JSON restricted to the story)")
    def api_story(s: StoreDep, story_id: str) -> dict[str, Any]:
        d = read.story(s, _check_id(story_id))
        if d is None:
            raise HTTPException(404, f"no story {story_id}")
        return d

    @app.get("/api/articles/{article_id:path}", summary="An article with every annotation")
    def api_article(s: StoreDep, article_id: str) -> dict[str, Any]:
        a = read.article(s, _check_id(article_id))
        if a is None:
            raise HTTPException(404, f"no article {article_id}")
        return a

    @app.get("/api/entities", summary="Entities, most mentioned first")
    def api_entities(s: StoreDep, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
                     type: str | None = Query(None, pattern="^(PERS|ORG|LOC|MISC)$")) -> dict[str, Any]:
        items, total = read.entities(s, limit, offset, type)
        return {"entities": items, "total": total, "limit": limit, "offset": offset}

    @app.get("/api/entities/{entity_id}", summary="An entity with its quotes and stories")
    def api_entity(s: StoreDep, entity_id: str, limit: int = Query(50, ge=1, le=200),
                   offset: int = Query(0, ge=0)) -> dict[str, Any]:
        e = read.entity(s, _check_id(entity_id), limit, offset)
        if e is None:
            raise HTTPException(404, f"no entity {entity_id}")
        return e

    @app.get("/api/search", summary="Full-text search; results are raw-text spans with a snippet")
    def api_search(s: StoreDep, q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
                   limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        try:
            hits, total = search(s.conn, q, limit, offset)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        return {"results": [h.to_dict() for h in hits], "total": total, "limit": limit, "offset": offset}

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        paths = []
        for path, methods in app.openapi()["paths"].items():
            for method, op in methods.items():
                params = ", ".join(p["name"] for p in op.get("parameters", []))
                paths.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "params": params})
        return _page("api_docs.html.j2", paths=paths)

    # ------------------------------------------------------------------ pages
    @app.get("/static/marsad.css", include_in_schema=False)
    def css() -> Response:
        return Response((_TEMPLATES / "marsad.css").read_text(encoding="utf-8"), media_type="text/css",
                        headers={"Cache-Control": "max-age=3600"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(s: StoreDep, limit: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0)) -> HTMLResponse:
        items, total = read.stories(s, limit, offset)
        counts = {t: s.count(t) for t in ("articles", "stories", "entities")}
        return _page("index.html.j2", stories=items, total=total, limit=limit, offset=offset, counts=counts,
                     chart=svg.activity_chart(read.activity(s)))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(s: StoreDep, story_id: str) -> HTMLResponse:
        d = read.story(s, _check_id(story_id))
        if d is None:
            raise HTTPException(404, f"لا توجد قصة {story_id}")
        return _page("story.html.j2", **story_context(d))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(s: StoreDep, article_id: str, start: int | None = Query(None, ge=0),
                     end: int | None = Query(None, ge=0), page: int | None = Query(None, ge=0)) -> HTMLResponse:
        a = read.article(s, _check_id(article_id))
        if a is None:
            raise HTTPException(404, f"لا يوجد مقال {article_id}")
        n = len(a["text"])
        pages = max(1, -(-n // ARTICLE_PAGE_CHARS))
        mark = (start, end) if start is not None and end is not None and start < end <= n else None
        if page is None:
            page = mark[0] // ARTICLE_PAGE_CHARS if mark else 0
        page = min(page, pages - 1)
        lo, hi = page * ARTICLE_PAGE_CHARS, min(n, (page + 1) * ARTICLE_PAGE_CHARS)
        return _page("article.html.j2", a=a, segments=text_segments(a, [mark] if mark else [], lo, hi), mark=mark,
                     page=page, pages=pages, lo=lo, hi=hi)

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(s: StoreDep, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
                      type: str | None = Query(None, pattern="^(PERS|ORG|LOC|MISC)$")) -> HTMLResponse:
        items, total = read.entities(s, limit, offset, type)
        return _page("entities.html.j2", entities=items, total=total, limit=limit, offset=offset, type=type)

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(s: StoreDep, entity_id: str, limit: int = Query(50, ge=1, le=200),
                    offset: int = Query(0, ge=0)) -> HTMLResponse:
        e = read.entity(s, _check_id(entity_id), limit, offset)
        if e is None:
            raise HTTPException(404, f"لا يوجد علم {entity_id}")
        return _page("entity.html.j2", e=e, limit=limit, offset=offset)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(s: StoreDep, q: str = Query("", max_length=MAX_QUERY_CHARS), limit: int = Query(20, ge=1, le=100),
                    offset: int = Query(0, ge=0)) -> HTMLResponse:
        hits: list[Any] = []
        total, error = 0, None
        if q.strip():
            try:
                hits, total = search(s.conn, q, limit, offset)
            except QueryError as exc:
                error = str(exc)
        return _page("search.html.j2", q=q, hits=hits, total=total, limit=limit, offset=offset, error=error)

    from .ingest_api import add_ingest_route

    add_ingest_route(app)
    return app


def story_context(d: dict[str, Any]) -> dict[str, Any]:
    """What the story page shows, from a story dossier."""
    story = d["stories"][0]
    by_id = {a["id"]: a for a in d["articles"]}
    for a in d["articles"]:
        first = a["sentences"][0] if a["sentences"] else (a["body"][0] if a["body"] else None)
        a["lead"] = ({"article": a["id"], "start": first[0], "end": first[1],
                      "text": a["text"][first[0]:first[1]]} if first else None)
    reuse: list[dict[str, Any]] = []
    for r in d["reuse"]:
        if len(reuse) == MAX_REUSE_ROWS:
            break  # the page shows no more: cut no more excerpts
        first, second = (r["b"], r["a"]) if r["earlier"] == "b" else (r["a"], r["b"])
        if first["article"] in by_id and second["article"] in by_id:
            reuse.append({**r, "first": first, "second": second, "excerpt": excerpt(d, first)})
    return {"d": d, "story": story, "quotes": quotes_by_speaker(d), "reuse": reuse,
            "entity_groups": entity_groups(d), "timeline_chart": svg.coverage_timeline(d["articles"]),
            "copy_chart": reuse_graph_svg(d, story) if len(story["members"]) > 1 else None}
