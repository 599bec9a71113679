"""Cross-validated scores of the models built on R-peak detection.

``detect_r_peaks`` sits under ``RRIntervalFeatures`` and
``BeatMorphologyFeatures``. This script scores the models that use them by
cross-validation only (never on held-out records), so that a change of the
detector can be judged on them:

* the main job's **RR forest** route (``RRIntervalFeatures`` + a 300-tree
  balanced random forest), on the main job's protocol: its 3-fold
  stratified CV of the 5,600 search records of the CinC 2017 mirror;
* the CinC recipe's **feature member** (``RRIntervalFeatures`` +
  ``BeatMorphologyFeatures`` + gradient boosting, taken from
  ``cinc2017_pipeline()``), on the recipe's protocol: 5-fold stratified CV
  (seed 0) of all 7,000 records.

It prints a markdown table (challenge F1, mean ± std over the folds, and
fit time per fold), then the total time; nothing is written to disk. The
scores of a full run are in ``examples/RESULTS.md`` (section "Models built
on the detector, rescored by cross-validation").

Run from the repository root::

    python examples/r_peak_features_cv.py            # both, a few minutes
    python examples/r_peak_features_cv.py --quick    # 600 records, smoke run

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed data are cached in ``--data-home``.
"""

from __future__ import annotations

import numpy as np
from _common import load_cinc2017, load_example, run_cli
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split

from sklecg.metrics import challenge_f1_scorer
from sklecg.recipes import cinc2017_pipeline

main_job = load_example("main_job")
QUICK_RECORDS = 600


def _cv_row(name: str, protocol: str, model, X, y, cv) -> dict:
    scores = cross_validate(model, X, y, cv=cv, scoring=challenge_f1_scorer)
    f1 = scores["test_score"]
    return {
        "model": name,
        "protocol": protocol,
        "challenge F1": f"{f1.mean():.3f} ± {f1.std():.3f}",
        "fit (s/fold)": float(np.mean(scores["fit_time"])),
    }


def run(data_home=None, quick: bool = False) -> list[dict]:
    """Score both models; returns one table row each."""
    X, y = load_cinc2017(data_home, QUICK_RECORDS if quick else None)
    search_idx, _ = train_test_split(
        np.arange(y.size), test_size=main_job.TEST_SIZE, stratify=y, random_state=0
    )
    # The main job's pipeline as built is its RR forest route.
    rr_forest = main_job.build_search(quick, n_jobs=1, random_state=0).estimator
    ensemble = cinc2017_pipeline()
    features_member = dict(ensemble.estimators)["features"]
    return [
        _cv_row(
            "main job: RR forest",
            f"{main_job.N_SPLITS}-fold CV, {search_idx.size} search records",
            rr_forest,
            [X[i] for i in search_idx],
            y[search_idx],
            StratifiedKFold(main_job.N_SPLITS, shuffle=True, random_state=0),
        ),
        _cv_row(
            "CinC recipe: feature member",
            f"5-fold CV, {y.size} records",
            features_member,
            X,
            y,
            StratifiedKFold(5, shuffle=True, random_state=0),
        ),
    ]


if __name__ == "__main__":
    run_cli(run, __doc__, f"{QUICK_RECORDS} records")
