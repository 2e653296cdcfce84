"""Shared fixtures: the seed articles beside the repo (../shared/seeds) and the dossier validator."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from marsad.doc import Article, Mention

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"
VALIDATOR = SHARED / "tools" / "validate_dossier.py"

# one thread: with a busy second core, more threads slow numeric code down badly (see shared/STACK.md)
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (set MARSAD_SHARED to the shared/ folder)")
    return SEEDS


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not any(EXAMPLES.glob("*.txt")):
        pytest.fail(f"the bundled example corpus is missing from {EXAMPLES}")
    return EXAMPLES


@pytest.fixture(scope="session")
def validate_dossier() -> Callable[[dict[str, Any]], list[str]]:
    """The SPEC validator shipped in shared/tools (standard library only)."""
    if not VALIDATOR.is_file():
        pytest.skip(f"dossier validator not found at {VALIDATOR}")
    spec = importlib.util.spec_from_file_location("validate_dossier", VALIDATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.validate


@pytest.fixture(scope="session")
def seed_dossier(seeds_dir: Path) -> dict[str, Any]:
    from marsad.analyze import analyze

    return analyze([seeds_dir]).to_dict()


@pytest.fixture(scope="session")
def examples_dossier(examples_dir: Path) -> dict[str, Any]:
    from marsad.analyze import analyze

    return analyze([examples_dir]).to_dict()


# Browser tests use Debian's chromium (apt-get install -y chromium), never a downloaded browser.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: the system chromium."""
    return {"executable_path": shutil.which("chromium"), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def chromium() -> Any:
    """A headless Debian chromium driven by playwright; skipped when either is missing."""
    path = shutil.which("chromium")
    if not path:
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_NAME_WORDS = ["كيم", "جونغ", "أون", "جون", "اون", "محمد", "بن", "سلمان", "عبد", "الله", "علي", "حسن", "الحسن", "بوتين",
               "فلاديمير", "ماكرون", "الأمم", "المتحدة", "مصر", "غزة"]


def _random_coverage(seed: int, n: int) -> tuple[list[Article], list[dict]]:
    """Articles naming people from a small pool of words (so names are short forms of one another, across
    articles and stories), with mixed types and story memberships."""
    import random

    rng = random.Random(seed)
    arts, stories = [], {}
    for i in range(n):
        parts, mentions, pos = [], [], 0
        for _ in range(rng.randint(0, 6)):
            first = rng.randrange(len(_NAME_WORDS) - 4)
            # now and then a "name" of 13+ words (a tagging accident), whose short forms are found another way
            size = rng.choices([1, 2, 3, 4, 13, 15], [2, 2, 1, 1, 0.05, 0.05])[0]
            words = [_NAME_WORDS[(first + j) % len(_NAME_WORDS)] if rng.random() < 0.8 else rng.choice(_NAME_WORDS)
                     for j in range(size)]
            surface = " ".join(words)
            typ = rng.choices(["PERS", "ORG", "LOC"], [6, 2, 2])[0]
            mentions.append(Mention(pos, pos + len(surface), typ, None))
            parts.append(surface)
            pos += len(surface) + 1
        art = Article(id=f"a{i}", text="\n".join(parts))
        art.mentions = mentions
        arts.append(art)
        if rng.random() < 0.8:
            sid = f"S{rng.randint(0, n // 4)}"
            stories.setdefault(sid, []).extend({"article": art.id, "start": m.start, "end": m.end}
                                               for m in mentions if rng.random() < 0.9)
    return arts, [{"id": sid, "members": ms} for sid, ms in sorted(stories.items())]


@pytest.fixture(scope="session")
def random_coverage() -> Callable[[int, int], tuple[list[Article], list[dict]]]:
    """``(seed, n) -> (articles, stories)``: hand-made mentions for the entity merge (no model involved)."""
    return _random_coverage
