"""CinC 2017 recipe: 5-fold stratified CV against the AMLS report's forest.

``sklecg.recipes.cinc2017_pipeline()`` (a soft vote of gradient boosting on
RR, beat-morphology and signal-quality features with a ``RhythmResNet``
trained on the records at 100 Hz) and the AMLS report's baseline,
``Resampler(9000) + STFTFeatures(n_fft=256, hop_length=64,
reduce="mean_freq") + RandomForest(100 trees, depth 12, balanced)``, are
scored with the same 5-fold stratified CV (seed 0) on the 7,000 records of
the PhysioNet/CinC 2017 mirror. Each fold clones, fits and predicts the
whole pipeline, features included; the recipe's two members are also
scored alone from the same fitted folds. When the optional ``aeon`` package
is installed (``pip install -e .[benchmark]``), MiniRocket on the records
resampled to 100 Hz and cut or padded to 30 s is scored in the same run.
``--n-jobs`` folds are fitted at a time, in as many worker processes that
share the cores between them; with ``--n-jobs 1`` the gradient boosting and
the network run in this process with ``--threads`` threads (default 1).

It prints a markdown table: challenge F1 (mean F1 of N, A and O, mean and
std over the folds), per-class F1 and accuracy of the pooled out-of-fold
predictions, mean fit time per fold and predict throughput; then the total
time. Nothing is written to disk. The scores of a full run are in
``examples/RESULTS.md`` (section "CinC 2017 recipe").

Run from the repository root::

    python examples/cinc2017_recipe.py --n-jobs 2  # ~35 min on 2 cores
    python examples/cinc2017_recipe.py --quick     # smoke run, ~1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed data are cached in ``--data-home``.
"""

from __future__ import annotations

import importlib.util

import numpy as np
from _common import load_cinc2017, run_cli, timed_fit_predict
from joblib import Parallel, delayed
from sklearn.ensemble import RandomForestClassifier, VotingClassifier
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
QUICK_RECIPE = {
    "features__classifier__max_iter": QUICK_TREES,
    "network__network__max_epochs": 3,
}


def models(quick: bool) -> dict:
    """``{name: estimator}``: the recipe, the AMLS report's forest and, when
    the optional ``aeon`` package is installed, MiniRocket."""
    trees = QUICK_TREES if quick else 100
    recipe = cinc2017_pipeline(**(QUICK_RECIPE if quick else {}))
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
                    random_state=0,
                ),
            ),
        ]
    )
    found = {
        "sklecg recipe (features + RhythmResNet, soft vote)": recipe,
        "AMLS RandomForest on STFT (mean over frequency)": forest,
    }
    if importlib.util.find_spec("aeon") is not None:
        from aeon.classification.convolution_based import MiniRocketClassifier

        # 30 s at 100 Hz: MiniRocket needs one length; 100 Hz keeps the QRS
        found["MiniRocket (aeon), 30 s at 100 Hz"] = Pipeline(
            [
                ("resample", Resampler(length=3000, fs=300, target_fs=100)),
                ("minirocket", MiniRocketClassifier(random_state=0)),
            ]
        )
    return found


def member_predictions(model, X) -> dict:
    """``{member name: predictions}`` of a fitted voting recipe's members."""
    if not isinstance(model, VotingClassifier):
        return {}
    return {
        name: model.classes_[member.predict(X)]
        for name, member in model.named_estimators_.items()
        if member != "drop"
    }


def fit_predict_fold(estimator, X, y, train, test) -> tuple:
    """Fit a clone on one fold: fit and predict seconds, predictions of the
    model (key None) and of its members."""
    X_test = [X[i] for i in test]
    model, labels, fit_s, predict_s = timed_fit_predict(
        estimator, [X[i] for i in train], y[train], X_test
    )
    return fit_s, predict_s, {None: labels, **member_predictions(model, X_test)}


def scores(y, predicted, folds) -> dict:
    """Challenge F1 per fold (mean ± std), pooled per-class F1 and accuracy."""
    fold_f1 = [challenge_f1_score(y[test], predicted[test]) for _, test in folds]
    per_class = f1_score(y, predicted, labels=CLASSES, average=None)
    return {
        "challenge F1": f"{np.mean(fold_f1):.3f} ± {np.std(fold_f1):.3f}",
        **{f"F1 {c}": f for c, f in zip(CLASSES, per_class)},
        "accuracy": accuracy_score(y, predicted),
    }


def cross_validate_model(name, estimator, X, y, n_splits, n_jobs) -> list[dict]:
    """Stratified CV (seed 0), ``n_jobs`` folds at a time: the model's row
    (scores, mean fit time per fold, predict throughput), then one row per
    member of a voting ensemble, scored from the same fitted folds."""
    folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=0).split(X, y))
    results = Parallel(n_jobs=n_jobs)(
        delayed(fit_predict_fold)(estimator, X, y, train, test) for train, test in folds
    )
    pooled = {}
    for (_, test), (_, _, predicted) in zip(folds, results):
        for key, labels in predicted.items():
            pooled.setdefault(key, np.empty_like(y))[test] = labels
    rows = [
        {
            "model": name,
            **scores(y, pooled.pop(None), folds),
            "fit (s/fold)": float(np.mean([fit_s for fit_s, _, _ in results])),
            "predict (records/s)": y.size / sum(p for _, p, _ in results),
        }
    ]
    for member, labels in pooled.items():
        rows.append({"model": f"{name}: {member} alone", **scores(y, labels, folds)})
    return rows


def run(data_home=None, quick: bool = False, n_jobs: int = 1) -> list[dict]:
    """Cross-validate the recipe and the baselines; return the table rows."""
    X, y = load_cinc2017(data_home, QUICK_RECORDS if quick else None)
    n_splits = 3 if quick else 5
    print(f"{len(X)} records, {n_splits}-fold stratified CV", flush=True)
    rows = []
    for name, estimator in models(quick).items():
        found = cross_validate_model(name, estimator, X, y, n_splits, n_jobs)
        rows += found
        for row in found:
            print(f"  {row['model']}: challenge F1 {row['challenge F1']}", flush=True)
    return rows


def main(argv=None) -> None:
    quick = (
        f"{QUICK_RECORDS} records, 3 folds, ensembles of {QUICK_TREES}, "
        f"{QUICK_RECIPE['network__network__max_epochs']} network epochs"
    )
    threads = (
        "OpenMP and torch threads of the gradient boosting and the network (more "
        "than the free cores makes them spin against each other: 100x slower "
        "on a loaded machine)"
    )
    run_cli(run, __doc__, quick, argv=argv, n_jobs=True, threads=threads)


if __name__ == "__main__":
    main()
