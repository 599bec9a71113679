"""Time the PhysioNet fetchers: first call (fresh data_home) vs cached call.

Run from the repository root::

    python benchmarks/bench_datasets.py [--mirror ../shared/data/physionet]

The first call parses the mirror's zip and writes the cache; the cached call
is timed ``--repeat`` times (median). "cached + read all" also touches every
sample, since the cache is memory-mapped and pages are read on first use.
Targets (issue 2): CinC 2017 cached < 3 s, first < 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from sklecg.datasets import fetch_cinc2017, fetch_mitbih_beats

DEFAULT_MIRROR = Path(__file__).resolve().parents[1].parent / "shared/data/physionet"


def _timed(fetch, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fetch(**kwargs)
    return time.perf_counter() - start, result


def _read_all(bunch) -> float:
    data = bunch.data if isinstance(bunch.data, list) else [bunch.data]
    return float(sum(np.asarray(x, dtype=np.float64).sum() for x in data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirror",
        default=os.environ.get("SKLECG_PHYSIONET_MIRROR", str(DEFAULT_MIRROR)),
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.mirror).is_dir():
        raise SystemExit(f"mirror folder {args.mirror} not found; pass --mirror")

    rows = []
    for fetch in (fetch_cinc2017, fetch_mitbih_beats):
        with tempfile.TemporaryDirectory() as home:
            kwargs = {"data_home": home, "mirror": args.mirror, "verbose": False}
            first, _ = _timed(fetch, **kwargs)
            cached = statistics.median(
                _timed(fetch, **kwargs)[0] for _ in range(args.repeat)
            )
            start = time.perf_counter()
            _read_all(fetch(**kwargs))
            cached_read = time.perf_counter() - start
        rows.append((fetch.__name__, first, cached, cached_read))

    print(f"mirror: {args.mirror}")
    header = (
        f"{'fetcher':<20} {'first (s)':>10} {'cached (s)':>11} "
        f"{'speed-up':>9} {'cached + read all (s)':>22} {'speed-up':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, first, cached, cached_read in rows:
        print(
            f"{name:<20} {first:>10.2f} {cached:>11.3f} {first / cached:>8.0f}x "
            f"{cached_read:>22.3f} {first / cached_read:>8.0f}x"
        )


if __name__ == "__main__":
    main()
