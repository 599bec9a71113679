"""Parse time of load_heartbeat_csv on a file the size of mitbih_train.csv.

Run from the repository root::

    python benchmarks/bench_heartbeat_csv.py [--rows 87554] [--repeat 3]

The Kaggle files are not in the PhysioNet mirror, so the benchmark writes one
in their layout (``numpy.savetxt`` defaults: ``"%.18e"``, comma-separated, no
header, 187 samples then the label): the MIT-BIH beats of
``fetch_mitbih_beats`` when the mirror is available (``--mirror``, default
``../shared/data/physionet``), random beats otherwise. It then times (best of
``--repeat``) ``load_heartbeat_csv`` against :func:`numpy.loadtxt` (the
baseline, float32) and, when installed, ``pandas.read_csv`` (C engine), and
prints seconds, rows/s and the speed-up over the baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from sklecg.datasets import fetch_mitbih_beats, load_heartbeat_csv

DEFAULT_MIRROR = Path(__file__).resolve().parents[1].parent / "shared/data/physionet"


def _beats(rows: int, mirror: Path) -> tuple[np.ndarray, np.ndarray, str]:
    if mirror.is_dir():
        X, y = fetch_mitbih_beats(mirror=mirror, return_X_y=True, verbose=False)
        index = np.random.default_rng(0).choice(len(y), min(rows, len(y)), False)
        return X[index], y[index], "MIT-BIH beats (fetch_mitbih_beats)"
    rng = np.random.default_rng(0)
    return rng.random((rows, 187)), rng.integers(0, 5, rows), "random beats"


def _best(function, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=87_554)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    args = parser.parse_args()

    X, y, source = _beats(args.rows, args.mirror)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mitbih_train.csv"
        np.savetxt(path, np.column_stack([X, y]), delimiter=",")
        size_mb = path.stat().st_size / 1e6
        print(f"{len(y):,} rows of {source}, {size_mb:.0f} MB, best of {args.repeat}")
        readers = {
            "numpy.loadtxt (baseline)": lambda: np.loadtxt(
                path, delimiter=",", dtype=np.float32
            ),
            "load_heartbeat_csv": lambda: load_heartbeat_csv(path),
        }
        try:
            import pandas as pd

            readers["pandas.read_csv (C engine)"] = lambda: pd.read_csv(
                path, header=None, dtype=np.float32
            ).to_numpy()
        except ImportError:
            pass
        times = {name: _best(read, args.repeat) for name, read in readers.items()}
    baseline = times["numpy.loadtxt (baseline)"]
    print(f"{'reader':<28} {'seconds':>8} {'rows/s':>10} {'speed-up':>9}")
    for name, seconds in times.items():
        print(
            f"{name:<28} {seconds:8.2f} {len(y) / seconds:10,.0f} "
            f"{baseline / seconds:8.1f}x"
        )


if __name__ == "__main__":
    main()
