"""Honest evaluation: one MIT-BIH beat pipeline, intra- vs inter-patient.

The same pipeline, ``sklecg.recipes.mitbih_beat_pipeline()`` (beat shape,
its difference from the patient's template beat, RR-interval ratios, the P
wave before the R peak and the second lead against the patient's template;
gradient boosting with balanced class weights), is scored two ways beside a
peer, a random forest on the raw 187-sample beats:

* intra-patient: a stratified random 80/20 split of all beats (seed 0, five
  AAMI classes N S V F Q) -- the split of the Kaggle papers, where beats of
  every patient are on both sides;
* inter-patient: trained on the DS1 records, tested on the DS2 records of de
  Chazal et al. (no patient on both sides; classes N S V F, Q dropped as it
  is almost absent there).

It prints a markdown table: macro F1, accuracy, per-class F1, fit time and
predict throughput, then the total time; nothing is written to disk. The
scores of a full run are in ``examples/RESULTS.md`` (Experiment 6).
MiniRocket (``aeon``, ``pip install -e .[benchmark]``) is added as a further
peer when it is installed; it is fitted on a stratified subset of 30,000
training beats (its ridge classifier on all of them needs more than 24 GiB
of memory).

Run from the repository root::

    python examples/honest_evaluation.py            # ~8 min, +75 with MiniRocket
    python examples/honest_evaluation.py --quick    # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed data are cached in ``--data-home``.
"""

from __future__ import annotations

import importlib.util

import numpy as np
from _common import (
    load_mitbih_beats,
    run_cli,
    stratified_subset,
    timed_fit_predict,
)
from imblearn import FunctionSampler
from imblearn.pipeline import Pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from sklecg.compose import ColumnGroup
from sklecg.model_selection import InterPatientSplit
from sklecg.recipes import mitbih_beat_pipeline

CLASSES = ["N", "S", "V", "F", "Q"]
QUICK_BEATS = 4000
QUICK_TREES = 20
MINIROCKET_BEATS = 30_000


def load_beats(data_home: str | None):
    """``(X, y, groups)``: the named beat table (beats, templates, RR and
    two-lead windows with their templates: the recipe's input), class letters
    and record numbers."""
    beats = load_mitbih_beats(data_home, as_frame=True)
    return beats.data, beats.target_names[beats.target], beats.groups


def splits(y, groups, size: int | None) -> dict[str, tuple]:
    """``{name: (train, test, classes)}`` for the intra- and inter-patient split."""
    everything = np.arange(y.size)
    train, test = train_test_split(
        everything, test_size=0.2, stratify=y, random_state=0
    )
    ds1, ds2 = next(InterPatientSplit().split(y, y, groups))
    ds1, ds2 = ds1[y[ds1] != "Q"], ds2[y[ds2] != "Q"]
    return {
        "intra-patient (random 80/20)": (
            stratified_subset(train, y, size),
            stratified_subset(test, y, size and size // 4),
            CLASSES,
        ),
        "inter-patient (DS1 -> DS2)": (
            stratified_subset(ds1, y, size),
            stratified_subset(ds2, y, size),
            CLASSES[:4],
        ),
    }


def models(table, quick: bool, n_jobs: int) -> dict:
    """``{name: (estimator, columns)}``: the recipe and its peers.

    ``columns`` names the table columns an estimator sees: all of them for
    the recipe (None), the beat samples ``beat_*`` for the raw-beat peers.

    ``quick`` shrinks the ensembles (``QUICK_TREES`` trees / boosting
    iterations) for a smoke run. The recipe's gradient boosting uses the
    OpenMP threads (``OMP_NUM_THREADS``); ``n_jobs`` sets the peers' workers.
    """
    size = {"n_estimators": QUICK_TREES} if quick else {}
    recipe = mitbih_beat_pipeline(
        **({"classifier__max_iter": QUICK_TREES} if quick else {})
    )
    forest = RandomForestClassifier(
        **{"n_estimators": 100, **size}, n_jobs=n_jobs, random_state=0
    )
    beat_only = ColumnGroup("beat")(table)
    found = {
        "sklecg recipe (beat, P wave, lead 2, RR; gradient boosting)": (recipe, None),
        "RandomForest, raw beats": (forest, beat_only),
    }
    if importlib.util.find_spec("aeon") is not None:
        from aeon.classification.convolution_based import MiniRocketClassifier

        # MiniRocket's ridge on 10,000 features of all 87,518 training beats
        # needs more than 24 GiB of memory: it is fitted on a stratified
        # subset, drawn by a sampler (at fit time only).
        cap = FunctionSampler(
            func=stratified_rows,
            kw_args={"size": MINIROCKET_BEATS},
            validate=False,
        )
        found[f"MiniRocket (aeon), raw beats, {MINIROCKET_BEATS:,} fitted"] = (
            Pipeline(
                [
                    ("subset", cap),
                    ("minirocket", MiniRocketClassifier(random_state=0, n_jobs=n_jobs)),
                ]
            ),
            beat_only,
        )
    return found


def stratified_rows(X, y, size: int):
    """At most ``size`` rows of ``(X, y)``, stratified by ``y`` (seed 0)."""
    index = stratified_subset(np.arange(len(y)), y, size)
    return X[index], y[index]


def score(estimator, X, y, train, test, classes) -> dict:
    """Fit on the rows ``train`` of ``X`` (a table or an array), score on
    ``test``: F1s, accuracy, timings."""
    rows = X.iloc if hasattr(X, "iloc") else X
    _, predicted, fit_s, predict_s = timed_fit_predict(
        estimator, rows[train], y[train], rows[test]
    )
    per_class = f1_score(y[test], predicted, labels=classes, average=None)
    return {
        "macro F1": f1_score(y[test], predicted, labels=classes, average="macro"),
        "accuracy": accuracy_score(y[test], predicted),
        **{f"F1 {c}": f for c, f in zip(classes, per_class)},
        "fit (s)": fit_s,
        "predict (beats/s)": test.size / predict_s,
    }


def run(data_home=None, quick: bool = False, n_jobs: int = 1) -> list[dict]:
    """Score every model on both splits; return the table rows."""
    X, y, groups = load_beats(data_home)
    size = QUICK_BEATS if quick else None
    candidates = models(X, quick, n_jobs)
    rows = []
    for split_name, (train, test, classes) in splits(y, groups, size).items():
        print(f"{split_name}: {train.size} training, {test.size} test beats")
        for model_name, (estimator, columns) in candidates.items():
            seen = X if columns is None else X[columns].to_numpy()
            scores = score(estimator, seen, y, train, test, classes)
            rows.append({"split": split_name, "model": model_name, **scores})
            print(f"  {model_name}: macro F1 {scores['macro F1']:.3f}", flush=True)
    return rows


def main(argv=None) -> None:
    quick = f"{QUICK_BEATS} training beats per split, ensembles of {QUICK_TREES}"
    run_cli(run, __doc__, quick, argv=argv, n_jobs=True, threads=None)


if __name__ == "__main__":
    main()
