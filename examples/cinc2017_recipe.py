"""CinC 2017 recipe: 5-fold stratified CV against the AMLS report's forest.

``sklecg.recipes.cinc2017_pipeline()`` (RR statistics + beat morphology and
signal-quality features, gradient boosting) and the AMLS report's baseline,
``Resampler(9000) + STFTFeatures(n_fft=256, hop_length=64,
reduce="mean_freq") + RandomForest(100 trees, depth 12, balanced)``, are
scored with the same 5-fold stratified CV (seed 0) on the 7,000 records of
the PhysioNet/CinC 2017 mirror. Each fold clones, fits and predicts the
whole pipeline, features included. When the optional ``aeon`` package is
installed (``pip install -e .[benchmark]``), MiniRocket on the records
resampled to 100 Hz and cut or padded to 30 s is scored in the same run.
The gradient boosting runs with
``--threads`` OpenMP threads (default 1).

It prints a markdown table: challenge F1 (mean F1 of N, A and O, mean and
std over the folds), per-class F1 and accuracy of the pooled out-of-fold
predictions, mean fit time per fold and predict throughput.

Run from the repository root::

    python examples/cinc2017_recipe.py            # ~5 min, +8 with MiniRocket
    python examples/cinc2017_recipe.py --quick    # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed data are cached in ``--data-home``.
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np
from _common import load_cinc2017, run_cli
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from sklecg.features import STFTFeatures
from sklecg.metrics import challenge_f1_score
from sklecg.preprocessing import Resampler
from sklecg.recipes import cinc2017_pipeline

CLASSES = ["N", "A", "O", "~"]
QUICK_RECORDS = 300
QUICK_TREES = 20


def models(quick: bool, n_jobs: int) -> dict:
    """``{name: estimator}``: the recipe, the AMLS report's forest and, when
    the optional ``aeon`` package is installed, MiniRocket."""
    trees = QUICK_TREES if quick else 100
    recipe = cinc2017_pipeline(**({"classifier__max_iter": trees} if quick else {}))
    forest = Pipeline(
        [
            ("resample", Resampler(length=9000)),
            (
                "stft",
                STFTFeatures(fs=300, n_fft=256, hop_length=64, reduce="mean_freq"),
            ),
            (
                "forest",
                RandomForestClassifier(
                    n_estimators=trees,
                    max_depth=12,
                    class_weight="balanced",
                    n_jobs=n_jobs,
                    random_state=0,
                ),
            ),
        ]
    )
    found = {
        "sklecg recipe (RR + morphology, gradient boosting)": recipe,
        "AMLS RandomForest on STFT (mean over frequency)": forest,
    }
    if importlib.util.find_spec("aeon") is not None:
        from aeon.classification.convolution_based import MiniRocketClassifier

        # 30 s at 100 Hz: MiniRocket needs one length; 100 Hz keeps the QRS
        found["MiniRocket (aeon), 30 s at 100 Hz"] = Pipeline(
            [
                ("resample", Resampler(length=3000, fs=300, target_fs=100)),
                ("minirocket", MiniRocketClassifier(random_state=0, n_jobs=n_jobs)),
            ]
        )
    return found


def cross_validate_model(estimator, X, y, n_splits: int) -> dict:
    """Stratified CV (seed 0): challenge F1 per fold, pooled scores, timings."""
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=0).split(X, y)
    predicted = np.empty_like(y)
    fold_f1, fit_s, predict_s = [], [], []
    for train, test in folds:
        model = clone(estimator)
        start = time.perf_counter()
        model.fit([X[i] for i in train], y[train])
        fit_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        predicted[test] = model.predict([X[i] for i in test])
        predict_s.append(time.perf_counter() - start)
        fold_f1.append(challenge_f1_score(y[test], predicted[test]))
    per_class = f1_score(y, predicted, labels=CLASSES, average=None)
    return {
        "challenge F1": f"{np.mean(fold_f1):.3f} ± {np.std(fold_f1):.3f}",
        **{f"F1 {c}": f for c, f in zip(CLASSES, per_class)},
        "accuracy": accuracy_score(y, predicted),
        "fit (s/fold)": float(np.mean(fit_s)),
        "predict (records/s)": y.size / sum(predict_s),
    }


def run(data_home=None, quick: bool = False, n_jobs: int = 1) -> list[dict]:
    """Cross-validate the recipe and the baseline; return the table rows."""
    X, y = load_cinc2017(data_home, QUICK_RECORDS if quick else None)
    n_splits = 3 if quick else 5
    print(f"{len(X)} records, {n_splits}-fold stratified CV", flush=True)
    rows = []
    for name, estimator in models(quick, n_jobs).items():
        scores = cross_validate_model(estimator, X, y, n_splits)
        rows.append({"model": name, **scores})
        print(f"  {name}: challenge F1 {scores['challenge F1']}", flush=True)
    return rows


def main(argv=None) -> None:
    quick = f"{QUICK_RECORDS} records, 3 folds, ensembles of {QUICK_TREES}"
    threads = (
        "OpenMP threads of the gradient boosting (more than the free cores makes "
        "them spin against each other: 100x slower on a loaded machine)"
    )
    run_cli(run, __doc__, quick, argv=argv, n_jobs=True, threads=threads)


if __name__ == "__main__":
    main()
