"""R-peak detection on the 48 MIT-BIH records: sklecg against wfdb and neurokit2.

Each detector runs on lead 0 of every full record (30 min at 360 Hz) and is
scored against the reference beat annotations with
:func:`sklecg.metrics.r_peak_detection_scores` (``wfdb``'s matching, 150 ms
window). Detectors, all in the same process:

* ``sklecg``: :func:`sklecg.features.detect_r_peaks`;
* ``xqrs``: :func:`wfdb.processing.xqrs_detect`;
* ``neurokit2`` and ``pantompkins``: :func:`neurokit2.ecg_peaks` with its
  default method and with ``method="pantompkins1985"`` (skipped when
  neurokit2, in the ``benchmark`` extra, is not installed).

Printed: one row per record (sensitivity / PPV of each detector), the
overall figures, the median distance of matched pairs, the time for all
records and its ratio to sklecg's. Record 207's rows are also given with its
ventricular flutter episodes left out (the annotations' ``[`` ... ``]``; no
beats are annotated inside them), as ANSI/AAMI EC57 prescribes.

Run: ``python benchmarks/bench_r_peaks.py [--records 100 207] [--skip xqrs]``.
The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR``.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
from wfdb.processing import xqrs_detect

from sklecg.datasets import fetch_mitbih
from sklecg.features import detect_r_peaks
from sklecg.metrics import r_peak_detection_scores
from sklecg.utils import markdown_table

BEAT_SYMBOLS = list("NLRBAaJSVrFejnE/fQ?")


def _neurokit(signal, fs, method):
    import neurokit2

    cleaned = neurokit2.ecg_clean(signal, sampling_rate=fs, method=method)
    _, info = neurokit2.ecg_peaks(cleaned, sampling_rate=fs, method=method)
    return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)


def detectors(skip: set[str]) -> dict:
    """name -> function(signal, fs) returning sample indices."""
    found = {
        "sklecg": detect_r_peaks,
        "xqrs": lambda signal, fs: xqrs_detect(signal, fs, verbose=False),
    }
    try:
        import neurokit2  # noqa: F401
    except ImportError:
        print("neurokit2 is not installed (pip install -e '.[benchmark]'): skipped")
    else:
        found["neurokit2"] = partial(_neurokit, method="neurokit")
        found["pantompkins"] = partial(_neurokit, method="pantompkins1985")
    return {name: f for name, f in found.items() if name not in skip}


def flutter_episodes(samples: np.ndarray, symbols: np.ndarray) -> list:
    """(start, stop) sample ranges of ventricular flutter ('[' to ']')."""
    return list(zip(samples[symbols == "["], samples[symbols == "]"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", nargs="*", help="record names (default all)")
    parser.add_argument("--skip", nargs="*", default=[], help="detectors to skip")
    args = parser.parse_args()
    mit = fetch_mitbih(verbose=False)
    chosen = [
        i
        for i, name in enumerate(mit.record_names)
        if not args.records or name in args.records
    ]
    runs = detectors(set(args.skip))
    detections, seconds = {}, {}
    for name, detect in runs.items():
        start = time.perf_counter()
        detections[name] = [
            detect(mit.data[i][0].astype(np.float64), mit.fs) for i in chosen
        ]
        seconds[name] = time.perf_counter() - start
    rows, totals, offsets = [], {}, {}
    for k, i in enumerate(chosen):
        samples, symbols = mit.annotation_samples[i], mit.annotation_symbols[i]
        reference = samples[np.isin(symbols, BEAT_SYMBOLS)]
        excluded = flutter_episodes(samples, symbols)
        variants = [("", ())] + ([(" (no VFL)", excluded)] if excluded else [])
        for suffix, exclude in variants:
            row = {"record": mit.record_names[i] + suffix}
            for name in runs:
                s = r_peak_detection_scores(
                    reference, detections[name][k], mit.fs, exclude=exclude
                )
                row[f"{name} Se / PPV"] = f"{s['sensitivity']:.4f} / {s['ppv']:.4f}"
                if not suffix:
                    counts = totals.setdefault(name, np.zeros(3))
                    counts += (s["tp"], s["fn"], s["fp"])
                    offsets.setdefault(name, []).append(s["median_offset"])
            rows.append(row)
    print(markdown_table(rows))
    summary = []
    for name in runs:
        tp, fn, fp = totals[name]
        summary.append(
            {
                "detector": name,
                "sensitivity": tp / (tp + fn),
                "PPV": tp / (tp + fp),
                "median offset (ms)": np.nanmedian(offsets[name]) * 1000,
                "time (s)": seconds[name],
                "time / sklecg": seconds[name] / seconds["sklecg"]
                if "sklecg" in runs
                else None,
            }
        )
    print()
    print(markdown_table(summary, digits=4))


if __name__ == "__main__":
    main()
