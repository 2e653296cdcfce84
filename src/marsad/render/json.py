"""Dossier -> JSON (SPEC), UTF-8, Arabic kept as is."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(data: dict[str, Any], indent: bool = True) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
