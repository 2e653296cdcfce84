"""Plain text files with an optional ``NAME.meta.json`` sidecar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import MarsadError
from ..options import Options
from .base import ReadResult, make_article
from .decode import decode


def sidecar_path(path: Path) -> Path:
    """``a/b/000.txt`` -> ``a/b/000.meta.json``."""
    return path.with_name(path.stem + ".meta.json")


def read_sidecar(path: Path) -> dict[str, Any]:
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MarsadError("E008", f"sidecar {side.name} is not valid JSON: {exc}", str(path)) from None
    if not isinstance(meta, dict):
        raise MarsadError("E008", f"sidecar {side.name} holds a {type(meta).__name__}, not an object", str(path))
    return meta


def read_text(path: str, data: bytes, options: Options) -> Iterator[ReadResult]:
    p = Path(path)
    text, encoding = decode(data, path)
    meta = read_sidecar(p)
    yield make_article(text, id=p.stem, input=path, format="text", encoding=encoding, metadata=meta, options=options)
