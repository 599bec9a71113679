"""How many networks the MIT-BIH network recipe averages, chosen on validation beats.

The network recipe (``sklecg.recipes.mitbih_network_pipeline``) is a soft
vote of networks that differ only in their seed. This script measures, on
validation beats only, what each added network buys: the intra-patient
training part of ``examples/full_scale_networks.py`` (87,518 beats) is split
again, stratified 80/20 (seed 0), into 70,014 fitting and 17,504 validation
beats; the recipe's networks are fitted one by one on the fitting beats, and
after each one the script scores that network alone and the soft vote of
all networks fitted so far on the validation beats. No test beat is ever
scored.

The run is resumable: each network's validation probabilities are kept in
``<data-home>/network_ensemble_selection/`` (never in the repository) and
its two rows are appended to ``<output>/network_ensemble_selection.jsonl``;
a network whose probabilities are on disk is not fitted again. Run from the
repository root::

    python examples/network_ensemble_selection.py --threads 1
    python examples/network_ensemble_selection.py --quick   # smoke run

Results: ``examples/RESULTS.md``, section "Full-scale networks".
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from _common import EXAMPLES, append_row, load_example, load_rows, run_cli
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from sklecg.datasets import get_data_home
from sklecg.recipes import mitbih_network_pipeline

RESULTS = EXAMPLES / "results"
RESULTS_FILE = "network_ensemble_selection.jsonl"
N_NETWORKS = 5
QUICK_NETWORKS, QUICK_EPOCHS = 2, 1

full_scale = load_example("full_scale_networks")
comparison = load_example("mitbih_model_comparison")


def fit_and_validation(data_home, quick: bool):
    """Fitting and validation beats: a stratified 80/20 split of the training part."""
    train_size = full_scale.QUICK_TRAIN if quick else None
    X, y, train, _ = comparison.intra_patient_split(data_home, train_size)
    fit, valid = train_test_split(
        train, test_size=0.2, stratify=y[train], random_state=0
    )
    return X[fit], y[fit], X[valid], y[valid]


def _probabilities(cache: Path, name: str, fit_network) -> tuple[np.ndarray, float]:
    """A network's validation probabilities and fit time, from the cache or fitted."""
    path = cache / f"{name}.npz"
    if path.is_file():
        with np.load(path) as stored:
            return stored["proba"], float(stored["fit_s"])
    proba, fit_s = fit_network()
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{name}.partial.npz"  # complete files only under the name
    np.savez(partial, proba=proba, fit_s=fit_s)
    partial.replace(path)
    return proba, fit_s


def run(data_home=None, quick: bool = False, output: str | None = None) -> list:
    """Fit every missing network, append its rows, return all rows."""
    path = Path(output or RESULTS) / RESULTS_FILE
    done = {record["row"] for record in load_rows(path)}
    X_fit, y_fit, X_valid, y_valid = fit_and_validation(data_home, quick)
    n_networks, overrides = (
        (QUICK_NETWORKS, {"max_epochs": QUICK_EPOCHS}) if quick else (N_NETWORKS, {})
    )
    ensemble = mitbih_network_pipeline(n_networks=n_networks, **overrides)
    classes = np.unique(y_fit)
    cache = (
        get_data_home(data_home)
        / "network_ensemble_selection"
        / ("quick" if quick else "full")
    )
    summed, summed_fit_s = np.zeros((y_valid.size, classes.size)), 0.0
    for k, (name, network) in enumerate(ensemble.estimators, start=1):

        def fit_network(network=network):
            start = time.perf_counter()
            fitted = clone(network).fit(X_fit, y_fit)
            fit_s = time.perf_counter() - start
            return fitted.predict_proba(X_valid), round(fit_s, 1)

        proba, fit_s = _probabilities(cache, name, fit_network)
        summed += proba
        summed_fit_s += fit_s
        rows = {
            f"network {name}": (proba, fit_s),
            f"soft vote of {k}": (summed / k, round(summed_fit_s, 1)),
        }
        for row, (scores_of, row_fit_s) in rows.items():
            if row in done:
                continue
            record = {
                "row": row,
                "networks": 1 if row.startswith("network") else k,
                "scores": full_scale.scores(y_valid, classes[scores_of.argmax(1)]),
                "fit (s)": row_fit_s,
                "fitting beats": int(y_fit.size),
                "validation beats": int(y_valid.size),
                "date": time.strftime("%Y-%m-%d"),
            }
            append_row(path, record)
            done.add(row)
            print(f"{row}: macro F1 {record['scores']['F1 (macro)']:.4f}", flush=True)
    return [_table_row(record) for record in load_rows(path)]


def _table_row(record: dict) -> dict:
    scores = record["scores"]
    return {
        "model": record["row"],
        "networks": record["networks"],
        **{
            metric: f"{scores[metric]:.4f}"
            for metric in ("F1 (macro)", "F1 (w)", "accuracy", "F1 S", "F1 F")
        },
        "fit (s)": record["fit (s)"],
    }


def main(argv=None) -> None:
    quick = (
        f"{full_scale.QUICK_TRAIN} training beats split 80/20, "
        f"{QUICK_NETWORKS} networks of {QUICK_EPOCHS} epoch"
    )
    run_cli(run, __doc__, quick, argv=argv, output=RESULTS)


if __name__ == "__main__":
    main()
