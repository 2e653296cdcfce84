"""``marsad ingest/stories/story/search/entities/export`` through the real CLI app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_incremental_ingest_and_queries(tmp_path: Path, examples_dir: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "m.db")
    first = tmp_path / "first"
    first.mkdir()
    # the first two seed articles, then the rest in a second run: the later ones join the earlier story
    for name in ("000.txt", "000.meta.json", "001.txt", "001.meta.json"):
        shutil.copy(seeds_dir / name, first / name)
    run("ingest", str(first), "--db", db, "-q")
    before = json.loads(run("stories", "--db", db, "--json"))
    run("ingest", str(seeds_dir), "--db", db, "-q")
    after = json.loads(run("stories", "--db", db, "--json"))
    seed_story = {s["id"]: s for s in before["stories"]}
    grown = [s for s in after["stories"] if s["id"] in seed_story and s["articles"] > seed_story[s["id"]]["articles"]]
    assert grown, "no story of the first run gained the later articles"

    hits = json.loads(run("search", "كيم جون اون", "--db", db, "--json"))["results"]
    assert {h["article"] for h in hits} >= {"000", "002"}
    story = json.loads(run("story", grown[0]["id"], "--db", db, "--format", "json"))
    assert story["stories"][0]["id"] == grown[0]["id"] and len(story["articles"]) == grown[0]["articles"]
    assert run("story", grown[0]["id"], "--db", db, "--format", "md").startswith("# marsad")
    assert 'dir="rtl"' in run("story", grown[0]["id"], "--db", db, "--format", "html")
    entities = json.loads(run("entities", "--db", db, "--json", "--type", "PERS"))
    assert any(e["name"] == "كيم جونغ أون" for e in entities["entities"])

    lines = run("export", "--db", db, "--format", "jsonl").splitlines()
    assert len(lines) == 5 and all(json.loads(x)["text"] for x in lines)
    out = tmp_path / "a.parquet"
    run("export", "--db", db, "--format", "parquet", "--out", str(out))
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.num_rows == 5 and "كيم" in table.column("text")[0].as_py()


def test_bad_inputs_are_reported_and_the_batch_goes_on(tmp_path: Path, examples_dir: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(examples_dir, src)
    (src / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    db = str(tmp_path / "m.db")
    result = runner.invoke(app, ["ingest", str(src), "--db", db])
    assert result.exit_code == 0
    assert "E003" in result.stderr and "empty.txt" in result.stderr
    assert "broken.jsonl" in result.stderr
    assert "13 article(s) added" in result.stderr.replace("\n", " ")


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stories", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no marsad database" in result.stderr
