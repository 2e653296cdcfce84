"""The curated gazetteer (``gazetteer.json``: countries, capitals, world leaders, agencies; Arabic + English).

Built by ``training/ner/build_gazetteer.py``. Used as list features by the NER model and, at run time, to give
merged entities their canonical full name and English name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().parent / "gazetteer.json"


@lru_cache(maxsize=1)
def records() -> list[dict[str, Any]]:
    if not PATH.is_file():
        return []
    return json.loads(PATH.read_text(encoding="utf-8"))


def entries() -> list[tuple[str, str]]:
    """Every (Arabic name or alias, type)."""
    out: list[tuple[str, str]] = []
    for r in records():
        out.append((r["ar"], r["type"]))
        out.extend((a, r["type"]) for a in r.get("aliases", []))
    return out
