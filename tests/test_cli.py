"""The `marsad` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import marsad


def marsad_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marsad", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


def test_version() -> None:
    result = marsad_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"marsad {marsad.__version__}"


def test_analyze_examples_writes_three_valid_outputs(
    examples_dir: Path, tmp_path: Path, validate_dossier: Callable[[dict[str, Any]], list[str]]
) -> None:
    out = tmp_path / "out"
    result = marsad_cli("analyze", str(examples_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    dossier = json.loads((out / "dossier.json").read_text("utf-8"))
    assert validate_dossier(dossier) == []
    assert dossier["spec_version"] == 1 and dossier["marsad_version"] == marsad.__version__
    assert len(dossier["articles"]) >= 10
    formats = {a["format"] for a in dossier["articles"]}
    assert {"text", "html", "jsonl", "feed"} <= formats
    assert dossier["errors"] == []
    html = (out / "dossier.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "<link" not in html and "<script" not in html, "the page is self-contained"
    md = (out / "dossier.md").read_text("utf-8")
    assert md.startswith("# marsad dossier")


def test_json_to_stdout(seeds_dir: Path, tmp_path: Path) -> None:
    result = marsad_cli("analyze", str(seeds_dir / "002.txt"), "--out", str(tmp_path), "--json", "-")
    assert result.returncode == 0, result.stderr
    dossier = json.loads(result.stdout)
    assert [a["id"] for a in dossier["articles"]] == ["002"]


def test_bad_inputs_are_reported_and_the_batch_goes_on(seeds_dir: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.txt").write_bytes((seeds_dir / "004.txt").read_bytes())
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = marsad_cli("analyze", str(batch), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, "one good article is enough for success"
    dossier = json.loads((tmp_path / "out" / "dossier.json").read_text("utf-8"))
    assert [a["id"] for a in dossier["articles"]] == ["good"]
    codes = {Path(e["input"]).name: e["code"] for e in dossier["errors"]}
    assert codes == {"empty.txt": "E003", "binary.txt": "E005", "missing.txt": "E009"}
    for name in codes:
        assert name in result.stderr, f"the terminal names the bad file {name}"


def test_no_article_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    result = marsad_cli("analyze", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2
    assert "E003" in result.stderr


def test_rerun_gives_the_same_output(seeds_dir: Path, tmp_path: Path) -> None:
    """Re-running the same input changes nothing: outputs are byte-identical."""
    for name in ("a", "b"):
        assert marsad_cli("analyze", str(seeds_dir), "--out", str(tmp_path / name), "-q").returncode == 0
    assert (tmp_path / "a" / "dossier.json").read_bytes() == (tmp_path / "b" / "dossier.json").read_bytes()


def test_copied_file_is_read_once_and_taken_ids_are_renamed(seeds_dir: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    (batch / "x").mkdir(parents=True)
    (batch / "004.txt").write_bytes((seeds_dir / "004.txt").read_bytes())
    (batch / "x" / "004.txt").write_bytes((seeds_dir / "004.txt").read_bytes())  # same text: one article
    (batch / "x" / "002.txt").write_bytes((seeds_dir / "002.txt").read_bytes())
    (batch / "002.txt").write_bytes((seeds_dir / "003.txt").read_bytes())  # same id, other text
    result = marsad_cli("analyze", str(batch), "--out", str(tmp_path / "out"), "-q")
    assert result.returncode == 0
    dossier = json.loads((tmp_path / "out" / "dossier.json").read_text("utf-8"))
    assert sorted(a["id"] for a in dossier["articles"]) == ["002", "002~2", "004"]


def test_eval_quotes_and_time_print_one_json_object_or_a_table(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    golds = {}
    for kind, name in (("quotes", "quotes.json"), ("times", "times.json")):
        full = json.loads((repo / "tests" / "gold" / name).read_text("utf-8"))
        small = {"inputs": ["examples/06-almarsad.txt"], "articles": {"06": full["articles"]["06"]}}
        golds[kind] = (tmp_path / name, len(small["articles"]["06"][kind]))
        golds[kind][0].write_text(json.dumps(small, ensure_ascii=False), "utf-8")
    # inputs are relative to the working directory when no pyproject.toml lies above the gold file
    result = marsad_cli("eval", "quotes", "--gold", str(golds["quotes"][0]), "--json", cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["articles"] == 1 and data["quotes"]["gold"] == golds["quotes"][1]
    assert 0.0 <= data["quotes"]["recall"] <= 1.0 and "errors" not in data
    table = marsad_cli("eval", "time", "--gold", str(golds["times"][0]), "-v", cwd=repo)
    assert table.returncode == 0, table.stderr
    assert "resolved right" in table.stdout and f"│ {golds['times'][1]:>4} │" in table.stdout
