"""Main job: stratified 5-fold cross-validation of an sklecg pipeline.

Uses the PhysioNet/CinC 2017 records of the local mirror when
``SKLECG_PHYSIONET_MIRROR`` (or ``--mirror``) names a folder holding
``training2017.zip``; otherwise the synthetic default
:func:`sklecg.datasets.make_ecg_classification`. Prints a per-class report
with specificity and the CinC 2017 challenge F1 (mean F1 of N, A and O).

Run it with ``make run`` or ``python examples/main_job.py [--help]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from sklecg.datasets import fetch_cinc2017, make_ecg_classification
from sklecg.features import RRIntervalFeatures
from sklecg.metrics import challenge_f1_score, classification_report

FS = 300.0


def load_data(mirror: str | None, n_synthetic: int, random_state: int):
    """CinC 2017 from the mirror if there is one, else synthetic records."""
    if mirror and Path(mirror, "training2017.zip").is_file():
        print(f"data: PhysioNet/CinC 2017 records from the mirror {mirror}")
        return fetch_cinc2017(mirror=mirror, return_X_y=True)
    print(
        "data: synthetic records (make_ecg_classification); set "
        "SKLECG_PHYSIONET_MIRROR to a folder holding training2017.zip for the "
        "real CinC 2017 records"
    )
    return make_ecg_classification(
        n_samples=n_synthetic, random_state=random_state, return_X_y=True
    )


def make_pipeline(random_state: int, n_jobs: int) -> Pipeline:
    """Heart-rhythm statistics of the variable-length records, then a forest."""
    return Pipeline(
        [
            ("rhythm", RRIntervalFeatures(fs=FS)),
            (
                "forest",
                RandomForestClassifier(
                    n_estimators=300,
                    min_samples_leaf=2,
                    class_weight="balanced_subsample",
                    n_jobs=n_jobs,
                    random_state=random_state,
                ),
            ),
        ]
    )


def main(argv: list[str] | None = None) -> dict:
    """Run the cross-validation and print the report; return the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirror",
        default=os.environ.get("SKLECG_PHYSIONET_MIRROR") or None,
        help="folder or URL holding training2017.zip "
        "(default: $SKLECG_PHYSIONET_MIRROR)",
    )
    parser.add_argument("--n-splits", type=int, default=5)
    parser.add_argument("--n-synthetic", type=int, default=1000)
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = load_data(args.mirror, args.n_synthetic, args.random_state)
    labels, counts = np.unique(y, return_counts=True)
    print(
        f"{len(y)} records; classes "
        + ", ".join(f"{c}: {n}" for c, n in zip(labels, counts))
    )
    pipe = make_pipeline(args.random_state, args.n_jobs)
    cv = StratifiedKFold(args.n_splits, shuffle=True, random_state=args.random_state)
    print(f"{args.n_splits}-fold stratified cross-validation of:\n{pipe}")
    start = time.perf_counter()
    y_pred = cross_val_predict(pipe, X, y, cv=cv, verbose=1)
    elapsed = time.perf_counter() - start

    print(f"\nout-of-fold predictions in {elapsed:.1f} s\n")
    print(classification_report(y, y_pred))
    scores = {
        "challenge_f1": challenge_f1_score(y, y_pred),
        "accuracy": float(np.mean(y == y_pred)),
    }
    print(
        f"challenge F1 (mean F1 of N, A, O): {scores['challenge_f1']:.3f}   "
        f"accuracy: {scores['accuracy']:.3f}"
    )
    return scores


if __name__ == "__main__":
    main()
