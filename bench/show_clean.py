"""Print how cleaning splits an article: each line with its decision. usage: python bench/show_clean.py FILE..."""

from __future__ import annotations

import sys
from pathlib import Path

from marsad.doc import Article
from marsad.ingest import read_file
from marsad.options import DEFAULT_OPTIONS
from marsad.stages.clean import Clean


def main() -> None:
    for name in sys.argv[1:]:
        for art in read_file(Path(name)):
            if not isinstance(art, Article):
                print(art)
                continue
            Clean()(art, DEFAULT_OPTIONS)
            print(f"=== {art.id}  title={art.title!r}")
            for r in art.removed:
                print(f"  - {r.kind:14} {r.rule:20} {art.text[r.start:r.end][:90]!r}")
            for p in art.parts:
                print(f"  PART {p.id} {p.start}-{p.end} title={p.title!r} body={len(p.body)}")
                for b in p.body:
                    print(f"     + {art.text[b.start:b.end][:80]!r}")
            for b in art.body:
                print(f"  + {art.text[b.start:b.end][:100]!r}")


if __name__ == "__main__":
    main()
