"""The JSON API and pages, in-process (FastAPI TestClient) over a real store file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marsad.store import Store, read
from marsad.web.app import create_app


@pytest.fixture()
def client(built_db: Path) -> TestClient:
    return TestClient(create_app(built_db))


def test_api_list_story_article_entity(client: TestClient) -> None:
    stories = client.get("/api/stories").json()["stories"]
    assert stories and {"id", "label", "outlets", "independent_sources"} <= set(stories[0])
    big = max(stories, key=lambda s: s["articles"])
    d = client.get(f"/api/stories/{big['id']}").json()
    assert d["stories"][0]["id"] == big["id"] and len(d["articles"]) == big["articles"]
    aid = d["articles"][0]["id"]
    a = client.get(f"/api/articles/{aid}").json()
    assert a["id"] == aid and big["id"] in [s["id"] for s in a["stories"]]
    ents = client.get("/api/entities", params={"type": "PERS", "limit": 5}).json()
    assert len(ents["entities"]) == 5 and ents["total"] > 5
    e = client.get(f"/api/entities/{ents['entities'][0]['id']}").json()
    assert e["stories"] and e["mentions"] > 0
    assert client.get("/api/stories/NOPE").status_code == 404
    assert client.get("/api/articles/" + "x" * 300).status_code == 404
    assert "/api/search" in client.get("/openapi.json").json()["paths"]


def test_api_search_spans_are_raw(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "كيم جون اون"}).json()
    assert body["results"]
    texts = {}
    for r in body["results"]:
        text = texts.setdefault(r["article"], client.get(f"/api/articles/{r['article']}").json()["text"])
        assert text[r["start"]:r["end"]].startswith("كيم")
        assert r["snippet"] in text
    assert {"كيم جونغ أون", "كيم جون اون"} <= {texts[r["article"]][r["start"]:r["end"]] for r in body["results"]}
    assert client.get("/api/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/api/search", params={"q": "!!"}).status_code == 400


def test_pagination(client: TestClient) -> None:
    first = client.get("/api/stories", params={"limit": 2}).json()
    second = client.get("/api/stories", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] > 4
    assert not {s["id"] for s in first["stories"]} & {s["id"] for s in second["stories"]}
    page = client.get("/", params={"limit": 2})
    assert 'rel="next"' in page.text
    assert client.get("/api/stories", params={"limit": 10_000}).status_code == 422


def test_pages_are_rtl_scriptless_and_have_csp(client: TestClient) -> None:
    for url in ("/", "/stories/S1", "/entities", "/search?q=سد", "/api/docs"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert 'dir="rtl"' in r.text and "<script" not in r.text.lower()
        assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in r.text
    story = client.get("/stories/S1").text
    assert story.count("<svg") >= 1 and "/articles/" in story
    assert client.get("/nope").status_code == 404


def test_ingest_needs_a_token(db_copy: Path) -> None:
    line = json.dumps({"id": "api-1", "outlet": "وكالة الاختبار", "published": "2025-10-18",
                       "title": "سد تل الريحان: بدء أعمال الترميم",
                       "text": "بدأت فرق الهندسة أعمال ترميم سد تل الريحان بعد انهياره الجزئي في وادي الغيم، "
                               "وقال وزير الموارد المائية إن الأعمال ستستمر ثلاثة أشهر."}, ensure_ascii=False)
    body = (line + "\n").encode("utf-8")
    read_only = TestClient(create_app(db_copy))
    assert read_only.post("/api/ingest", content=body).status_code == 403
    client = TestClient(create_app(db_copy, ingest_token="s3cret", max_ingest_bytes=10_000))
    assert client.post("/api/ingest", content=body).status_code == 401
    assert client.post("/api/ingest", content=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    assert client.post("/api/ingest", content=b"x" * 20_000, headers=auth).status_code == 413
    r = client.post("/api/ingest", content=body + b"{broken\n", headers=auth)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["added"] == ["api-1"] and out["errors"][0]["code"] == "E004"
    assert client.get("/api/articles/api-1").status_code == 200
    again = client.post("/api/ingest", content=body, headers=auth).json()
    assert again["added"] == [] and again["unchanged"] == 1
    with Store(db_copy, readonly=True) as store:
        assert read.article(store, "api-1")["stories"]  # type: ignore[index]


def test_ingest_writer_closed_at_shutdown(db_copy: Path) -> None:
    # POST /api/ingest opens one writing connection for the server's life; shutting the app down closes it (the
    # last connection to close checkpoints the WAL and removes it: a writer left open would keep it)
    line = json.dumps({"id": "api-2", "outlet": "وكالة الاختبار", "published": "2025-10-18",
                       "text": "وقال وزير الموارد المائية إن أعمال ترميم سد تل الريحان ستستمر ثلاثة أشهر."},
                      ensure_ascii=False)
    with TestClient(create_app(db_copy, ingest_token="s3cret")) as client:
        r = client.post("/api/ingest", content=(line + "\n").encode("utf-8"),
                        headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200 and r.json()["added"] == ["api-2"], r.text
        assert Path(f"{db_copy}-wal").exists()
    assert not Path(f"{db_copy}-wal").exists()


def test_links_carry_awkward_ids_as_one_path_segment(db_copy: Path) -> None:
    """An article id from a file name or a JSONL record may hold "?", "#" or "/": links still reach it."""
    odd = "خبر?نسخة#2/أ"
    line = json.dumps({"id": odd, "outlet": "وكالة الاختبار", "published": "2025-10-18", "title": "عنوان",
                       "text": "بدأت فرق الهندسة أعمال ترميم سد تل الريحان بعد انهياره الجزئي في وادي الغيم، "
                               "وقال وزير الموارد المائية إن الأعمال ستستمر ثلاثة أشهر."}, ensure_ascii=False)
    client = TestClient(create_app(db_copy, ingest_token="t"))
    r = client.post("/api/ingest", content=(line + "\n").encode("utf-8"), headers={"Authorization": "Bearer t"})
    assert r.status_code == 200 and r.json()["added"] == [odd]
    page = client.get("/search", params={"q": "ترميم سد"}).text
    from urllib.parse import quote

    href = f'/articles/{quote(odd, safe="")}'
    assert f'href="{href}?start=' in page
    assert client.get(href).status_code == 200
