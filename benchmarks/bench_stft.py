"""Benchmark: Resampler(9000) + STFTFeatures on the CinC 2017 records.

Compares, in one process and on the same records,

* ``sklecg``: ``Resampler(length=9000)`` then ``STFTFeatures(n_fft=256,
  hop_length=64)`` over the whole set (vectorised, chunked), on one thread
  and with ``n_jobs=-1`` (all processors);
* ``loop``: a plain per-record loop that brings each record to 9,000 samples
  (linear interpolation up, centre crop down) and calls
  ``scipy.signal.stft`` with the same window and framing, writing ``|Z|``
  into a preallocated output.

Time is the best of ``--repeat`` runs without tracing; peak memory is the
``tracemalloc`` peak of one more run (numpy reports its buffers to
tracemalloc), i.e. the memory allocated on top of the loaded records. The
targets are a speed-up of at least 3x over the loop and a peak under twice
the size of the spectrogram output.

Usage::

    python benchmarks/bench_stft.py [--mirror DIR] [--data-home DIR]
        [--n-records N] [--repeat R] [--synthetic]

The mirror defaults to ``SKLECG_PHYSIONET_MIRROR``, else
``../shared/data/physionet`` next to the repository. ``--synthetic`` times
the same work on ``make_ecg_classification`` records of CinC-like lengths
(2,714 to 18,286 samples, 70 % exactly 9,000) where the mirror is absent;
the cost does not depend on the signal values.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from joblib import effective_n_jobs
from scipy.signal import stft

from sklecg.datasets import fetch_cinc2017, make_ecg_classification
from sklecg.features import STFTFeatures
from sklecg.preprocessing import Resampler

LENGTH, N_FFT, HOP, FS = 9000, 256, 64, 300
MIB = 2**20


def sklecg_pipeline(records: list[np.ndarray], n_jobs: int | None = None):
    X = Resampler(length=LENGTH).fit_transform(records)
    stft_ = STFTFeatures(fs=FS, n_fft=N_FFT, hop_length=HOP, n_jobs=n_jobs)
    return stft_.fit_transform(X)


def synthetic_records(n_records: int) -> list[np.ndarray]:
    """CinC-like records: 70 % of 9,000 samples, the rest 2,714 to 18,286."""
    records = make_ecg_classification(
        n_records, min_length=2714, max_length=18286, random_state=0
    ).data
    keep = np.random.default_rng(0).random(n_records) < 0.7
    return [r if not k else _fix_length(r) for r, k in zip(records, keep)]


def _fix_length(x: np.ndarray) -> np.ndarray:
    n = len(x)
    if n < LENGTH:
        return np.interp(np.linspace(0, n - 1, LENGTH), np.arange(n), x)
    start = (n - LENGTH) // 2
    return x[start : start + LENGTH]


def scipy_loop(records: list[np.ndarray]) -> np.ndarray:
    n_frames = 1 + (LENGTH - N_FFT) // HOP
    out = np.empty((len(records), N_FFT // 2 + 1, n_frames), dtype=np.float32)
    for i, record in enumerate(records):
        _, _, Z = stft(
            _fix_length(record).astype(np.float32),
            fs=FS,
            window="hann",
            nperseg=N_FFT,
            noverlap=N_FFT - HOP,
            boundary=None,
            padded=False,
        )
        out[i] = np.abs(Z)
    return out


def measure(func: Callable, records, repeat: int) -> tuple[float, int, np.ndarray]:
    """Best wall time of ``repeat`` runs, then the tracemalloc peak of one."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(records)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    result = func(records)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak, result


def main() -> None:
    default_mirror = os.environ.get("SKLECG_PHYSIONET_MIRROR") or str(
        Path(__file__).resolve().parents[2] / "shared" / "data" / "physionet"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default=default_mirror)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--n-records", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args()

    if args.synthetic:
        records, source = synthetic_records(args.n_records or 7000), "synthetic"
    else:
        bunch = fetch_cinc2017(
            data_home=args.data_home, mirror=args.mirror, verbose=False
        )
        records, source = bunch.data[: args.n_records], "CinC 2017"
    raw_mib = sum(r.nbytes for r in records) / MIB
    print(f"{len(records)} {source} records, {raw_mib:.0f} MiB of float32 signal")

    methods = {
        "sklecg": sklecg_pipeline,
        f"sklecg x{effective_n_jobs(-1)}": partial(sklecg_pipeline, n_jobs=-1),
        "scipy loop": scipy_loop,
    }
    rows = {name: measure(func, records, args.repeat) for name, func in methods.items()}
    out = rows["sklecg"][2]
    out_mib = out.nbytes / MIB
    max_diff = float(np.abs(out - rows["scipy loop"][2]).max())

    loop_time, loop_peak = rows["scipy loop"][:2]
    header = (
        f"{'method':<12}{'time (s)':>10}{'speed-up':>10}{'peak (MiB)':>12}"
        f"{'peak/output':>13}"
    )
    print(f"output {out.shape} float32: {out_mib:.0f} MiB; max |diff| {max_diff:.2e}")
    print(f"{effective_n_jobs(-1)} processors; best of {args.repeat} runs")
    print(header)
    print("-" * len(header))
    for name, (seconds, peak, _) in rows.items():
        print(
            f"{name:<12}{seconds:>10.2f}{loop_time / seconds:>9.1f}x"
            f"{peak / MIB:>12.0f}{peak / out.nbytes:>13.2f}"
        )
    sk_time, sk_peak = rows["sklecg"][:2]
    print(
        f"targets: speed-up >= 3x: {loop_time / sk_time:.1f}x; peak < 2x output: "
        f"{sk_peak / out.nbytes:.2f}x (loop {loop_peak / out.nbytes:.2f}x)"
    )


if __name__ == "__main__":
    main()
