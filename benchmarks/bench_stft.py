"""Benchmark: Resampler(9000) + STFTFeatures on the CinC 2017 records.

Compares, in one process and on the same records,

* ``sklecg``: ``Resampler(length=9000)`` then ``STFTFeatures(n_fft=256,
  hop_length=64)`` over the whole set (vectorised, chunked), on one thread
  and with ``n_jobs=-1`` (all processors);
* ``loop``: a plain per-record loop that brings each record to 9,000 samples
  (linear interpolation up, centre crop down) and calls
  ``scipy.signal.stft`` with the same window and framing, writing ``|Z|``
  into a preallocated output.

Times are the best of ``--repeat`` interleaved runs without tracing, as wall
and as CPU (user + system) time, the latter less sensitive to other loads on
the machine. Peak memory is the ``tracemalloc`` peak of one more run (NumPy
reports its buffers to tracemalloc): the memory allocated on top of the
loaded records. The targets are a speed-up of at least 3x over the loop and
a peak under twice the size of the spectrogram output.

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


def time_runs(methods: dict[str, Callable], records, repeat: int) -> dict:
    """Best wall and CPU (user + system) time of each method, runs interleaved
    so that a change in the machine's load hits every method alike."""
    best = {name: (np.inf, np.inf) for name in methods}
    for _ in range(repeat):
        for name, func in methods.items():
            wall, cpu = time.perf_counter(), time.process_time()
            func(records)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def peak_memory(func: Callable, records) -> tuple[int, np.ndarray]:
    """tracemalloc peak of one run (NumPy reports its buffers) and its result."""
    tracemalloc.start()
    result = func(records)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, result


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
    times = time_runs(methods, records, args.repeat)
    memory = {name: peak_memory(methods[name], records) for name in methods}
    out = memory["sklecg"][1]
    max_diff = float(np.abs(out - memory["scipy loop"][1]).max())
    print(
        f"output {out.shape} float32: {out.nbytes / MIB:.0f} MiB; max |diff| vs "
        f"loop {max_diff:.2e}; {effective_n_jobs(-1)} processors; best of "
        f"{args.repeat} interleaved runs"
    )
    header = (
        f"{'method':<12}{'wall (s)':>9}{'speed-up':>10}{'cpu (s)':>9}"
        f"{'cpu ratio':>11}{'peak (MiB)':>12}{'peak/output':>13}"
    )
    print(header)
    print("-" * len(header))
    loop_wall, loop_cpu = times["scipy loop"]
    for name, (wall, cpu) in times.items():
        peak = memory[name][0]
        print(
            f"{name:<12}{wall:>9.2f}{loop_wall / wall:>9.1f}x{cpu:>9.2f}"
            f"{loop_cpu / cpu:>10.1f}x{peak / MIB:>12.0f}{peak / out.nbytes:>13.2f}"
        )
    wall, cpu = times["sklecg"]
    print(
        f"targets (one thread): speed-up >= 3x: {loop_wall / wall:.1f}x wall, "
        f"{loop_cpu / cpu:.1f}x cpu; peak < 2x output: "
        f"{memory['sklecg'][0] / out.nbytes:.2f}x"
    )


if __name__ == "__main__":
    main()
