"""POST /api/ingest: add articles over HTTP, only when the server was started with a token.

The body is JSON Lines, one article per line (the ``.jsonl`` input format: ``text`` plus ``id``, ``outlet``,
``url``, ``published``, ``title``). One writer at a time (a lock): the store has one writing gateway per process.
"""

from __future__ import annotations

import hmac
import threading
from typing import Any

from fastapi import FastAPI, HTTPException, Request

from ..doc import Article
from ..errors import ErrorRecord
from ..ingest.jsonl import read_jsonl
from ..options import Options
from ..store.gateway import Store
from ..store.ingest import Ingester, IngestReport


def add_ingest_route(app: FastAPI) -> None:
    lock = threading.Lock()
    holder: dict[str, Ingester] = {}

    def ingester() -> Ingester:
        if "it" not in holder:
            holder["it"] = Ingester(Store(app.state.db))
        return holder["it"]

    def close() -> None:  # the writing connection lives as long as the app
        with lock:
            it = holder.pop("it", None)
            if it is not None:
                it.store.close()

    app.router.on_shutdown.append(close)

    @app.post("/api/ingest", summary="Add articles (JSON Lines body); needs the server's ingest token",
              status_code=200)
    async def api_ingest(request: Request) -> dict[str, Any]:
        token = app.state.ingest_token
        if not token:
            raise HTTPException(403, "this server is read-only (start it with --ingest-token to accept articles)")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode("utf-8"), f"Bearer {token}".encode()):
            raise HTTPException(401, "missing or wrong ingest token (send 'Authorization: Bearer TOKEN')")
        limit = app.state.max_ingest_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPException(413, f"request body over the limit of {limit:,} bytes")
        body = bytearray()
        async for chunk in request.stream():  # counted as it arrives: a missing or false length is no way round
            body += chunk
            if len(body) > limit:
                raise HTTPException(413, f"request body over the limit of {limit:,} bytes")
        if not body.strip():
            raise HTTPException(400, "empty body: send one JSON article per line")
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(_ingest, bytes(body))

    def _ingest(body: bytes) -> dict[str, Any]:
        report = IngestReport()
        with lock:
            it = ingester()
            for item in read_jsonl("api.jsonl", body, Options()):
                if isinstance(item, ErrorRecord):
                    report.errors.append(item)
                    continue
                assert isinstance(item, Article)
                it.add(item, report)
            it.store.add_errors(report.errors)
            it.finish()
        return {"added": report.added, "unchanged": report.unchanged,
                "errors": [e.to_dict() for e in report.errors], "stories": sorted(report.stories)}
