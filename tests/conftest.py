"""Shared fixtures: the seed articles beside the repo (../shared/seeds) and the dossier validator."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
