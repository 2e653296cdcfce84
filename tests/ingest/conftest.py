"""Shared fixtures for the ingest tests: the fixture folder and a batch folder with one good article in it."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD_TEXT = (
    "أعلنت وزارة الخارجية اليوم الأحد أن الوزير سيبدأ جولة إقليمية تشمل ثلاث عواصم عربية.\n"
    "وقال المتحدث باسم الوزارة إن الجولة تهدف إلى بحث التعاون الاقتصادي والأوضاع في المنطقة.\n"
)


@pytest.fixture
def fixtures() -> Path:
    return Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """A folder holding one good article (``good.txt``); a test puts a bad input beside it."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return folder
