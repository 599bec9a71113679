"""Throughput of PiecewiseConstantCompressor and its file format.

Run from the repository root::

    python benchmarks/bench_compression.py [--mirror ../shared/data/physionet]

The CinC 2017 mirror (7,000 records) is resampled to 9,000 samples (shorter
records interpolated up, longer ones cropped at the centre, as in the AMLS
report); the 252 MB of float32 signals are then compressed at 50, 25 and
10 % with ``transform``, rebuilt with ``inverse_transform``, saved with
``save_compressed`` and read back with ``load_compressed``. Each stage is
timed (best of ``--repeat``) and reported as MB/s of *raw float32 signal*
(``n_signals * 9000 * 4`` bytes / seconds). The baseline, timed in the same
run, is the obvious per-signal Python loop: ``np.array_split`` + ``mean``
per window, ``np.concatenate`` of ``np.full`` blocks, and one ``write`` /
``read`` per signal; it runs on ``--baseline-records`` records (throughput
per byte does not depend on the count). Target (issue 3): > 100 MB/s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from sklecg.compression import (
    PiecewiseConstantCompressor,
    compression_error,
    load_compressed,
    save_compressed,
)
from sklecg.datasets import fetch_cinc2017
from sklecg.preprocessing import Resampler

DEFAULT_MIRROR = Path(__file__).resolve().parents[1].parent / "shared/data/physionet"
LENGTH = 9000


def _best(function, repeat: int) -> tuple[float, object]:
    """Smallest wall time of ``repeat`` calls, and the last result."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _vectorised_stages(X, ratio, folder):
    compressor = PiecewiseConstantCompressor(ratio=ratio).fit(X)
    path = Path(folder) / f"vectorised_{ratio}.bin"
    Z = compressor.transform(X)
    return compressor, {
        "transform": lambda: compressor.transform(X),
        "inverse_transform": lambda: compressor.inverse_transform(Z),
        "save": lambda: save_compressed(path, Z, n_timesteps=LENGTH, fs=300),
        "load": lambda: load_compressed(path).data,
    }


def _naive_stages(X, ratio, folder):
    n_segments = round(ratio * LENGTH)
    path = Path(folder) / f"naive_{ratio}.bin"

    def compress():
        return [
            np.array([w.mean() for w in np.array_split(x, n_segments)], np.float32)
            for x in X
        ]

    Z = compress()

    def rebuild():
        sizes = [len(w) for w in np.array_split(np.arange(LENGTH), n_segments)]
        return [
            np.concatenate([np.full(n, v, np.float32) for n, v in zip(sizes, z)])
            for z in Z
        ]

    def save():
        with open(path, "wb") as f:
            for z in Z:
                f.write(z.tobytes())

    def load():
        with open(path, "rb") as f:
            return [np.frombuffer(f.read(4 * n_segments), np.float32) for _ in Z]

    return {
        "transform": compress,
        "inverse_transform": rebuild,
        "save": save,
        "load": load,
    }


def _throughputs(stages, raw_bytes, repeat):
    seconds = {name: _best(stage, repeat)[0] for name, stage in stages.items()}
    seconds["total"] = sum(seconds.values())
    return {name: raw_bytes / 1e6 / s for name, s in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirror",
        default=os.environ.get("SKLECG_PHYSIONET_MIRROR", str(DEFAULT_MIRROR)),
    )
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-records", type=int, default=300)
    args = parser.parse_args()
    if not Path(args.mirror).is_dir():
        raise SystemExit(f"mirror folder {args.mirror} not found; pass --mirror")

    cinc = fetch_cinc2017(data_home=args.data_home, mirror=args.mirror, verbose=False)
    X = Resampler(length=LENGTH).fit_transform(cinc.data)
    X_base = X[: args.baseline_records]
    print(
        f"CinC 2017: {X.shape[0]} records resampled to {LENGTH} samples = "
        f"{X.nbytes / 1e6:.0f} MB float32; baseline on {X_base.shape[0]} records"
    )
    stages = ("transform", "inverse_transform", "save", "load", "total")
    header = (
        f"{'ratio':>5} {'stage':>17} {'sklecg MB/s':>12} {'loop MB/s':>10} {'x':>6}"
    )
    print(header)
    print("-" * len(header))
    summary = []
    with tempfile.TemporaryDirectory() as folder:
        for ratio in (0.5, 0.25, 0.1):
            compressor, fast_stages = _vectorised_stages(X, ratio, folder)
            fast = _throughputs(fast_stages, X.nbytes, args.repeat)
            naive = _throughputs(
                _naive_stages(X_base, ratio, folder), X_base.nbytes, args.repeat
            )
            for stage in stages:
                print(
                    f"{ratio:>5} {stage:>17} {fast[stage]:>12.0f} "
                    f"{naive[stage]:>10.1f} {fast[stage] / naive[stage]:>6.1f}"
                )
            Z = compressor.transform(X)
            errors = compression_error(X, compressor.inverse_transform(Z))
            sizes = {}
            for dtype in ("float32", "float16"):
                path = save_compressed(
                    Path(folder) / f"{dtype}.bin", Z, n_timesteps=LENGTH, dtype=dtype
                )
                sizes[dtype] = os.path.getsize(path)
            summary.append((ratio, errors, sizes))
    print()
    print(
        f"{'ratio':>5} {'MAE':>8} {'MSE':>9} {'float32 file':>21} {'float16 file':>21}"
    )
    for ratio, errors, sizes in summary:
        files = " ".join(
            f"{sizes[d] / 1e6:>9.2f} MB ({sizes[d] / X.nbytes:.4f}x)"
            for d in ("float32", "float16")
        )
        print(f"{ratio:>5} {errors['mae']:>8.5f} {errors['mse']:>9.6f} {files}")


if __name__ == "__main__":
    main()
