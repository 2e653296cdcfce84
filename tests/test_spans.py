"""Lossless spans: every span of every output round-trips into the raw text (SPEC "Offsets")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marsad.analyze import analyze
from marsad.doc import REMOVED_KINDS


@pytest.fixture(scope="module")
def dossiers(seeds_dir: Path, examples_dir: Path) -> list[dict[str, Any]]:
    return [analyze([seeds_dir]).to_dict(), analyze([examples_dir]).to_dict()]


def inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def test_every_span_round_trips(dossiers: list[dict[str, Any]]) -> None:
    checked = 0
    for dossier in dossiers:
        for a in dossier["articles"]:
            text = a["text"]
            assert "\r" not in text and not text.startswith("\ufeff")
            spans = [tuple(s) for s in a["body"] + a["sentences"] + a["paragraphs"]]
            spans += [(r["start"], r["end"]) for r in a["removed"]]
            spans += [(p["start"], p["end"]) for p in a["parts"]] + [tuple(s) for p in a["parts"] for s in p["body"]]
            for s, e in spans:
                piece = text[s:e]
                assert 0 <= s < e <= len(text) and piece.strip(), (a["id"], s, e)
                checked += 1
            for s, e in a["body"] + a["sentences"]:
                assert text[s:e] == text[s:e].strip(), "spans are trimmed"
    assert checked > 500


def test_layers_are_consistent(dossiers: list[dict[str, Any]]) -> None:
    for dossier in dossiers:
        for a in dossier["articles"]:
            body = [tuple(s) for s in a["body"]]
            assert body == sorted(body) and all(body[i][1] <= body[i + 1][0] for i in range(len(body) - 1))
            for r in a["removed"]:
                assert r["kind"] in REMOVED_KINDS
                assert not any(r["start"] < e and s < r["end"] for s, e in body), "removed overlaps body"
            analysed = body + [tuple(s) for p in a["parts"] for s in p["body"]]
            for s in a["sentences"]:
                assert inside(tuple(s), analysed), "a sentence lies in the body or a part's body"
            for p in a["parts"]:
                assert any(r["kind"] == "glued_article" and (r["start"], r["end"]) == (p["start"], p["end"])
                           for r in a["removed"]), "a glued part is also removed as glued_article (SPEC)"
                assert all(p["start"] <= s and e <= p["end"] for s, e in p["body"])
