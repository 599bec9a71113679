"""How much does a random (intra-patient) split flatter a heartbeat classifier?

Beats of one patient look alike, so a random train/test split of the
MIT-BIH beats puts near copies of every test beat in the training set. The
inter-patient split of de Chazal et al. (DS1 train / DS2 test, no patient on
both sides) measures what happens on a new patient. This script scores the
same classifier (a random forest on the 187-sample beat plus three RR
features) both ways, on the same beats (those of the 44 non-paced records,
Q beats left out): a stratified random 50/50 split against DS1 -> DS2.

It prints the number of beats per class, then a markdown table of macro F1,
macro recall, macro specificity and accuracy under each split and their
difference (intra - inter), then the total time. Nothing is written to disk.

Run from the repository root::

    python examples/inter_vs_intra_patient.py            # all beats, 100 trees
    python examples/inter_vs_intra_patient.py --max-beats 20000 --trees 50
    python examples/inter_vs_intra_patient.py --quick    # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

import numpy as np
from _common import load_mitbih_beats, run_cli
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedShuffleSplit, cross_validate

from sklecg.metrics import get_scorer
from sklecg.model_selection import DS1_RECORDS, DS2_RECORDS, InterPatientSplit

SCORING = {
    name: get_scorer(name)
    for name in ("f1_macro", "recall_macro", "specificity_macro", "accuracy")
}
TREES = 100
QUICK_BEATS, QUICK_TREES = 3000, 10


def load_beats(max_beats: int | None, random_state: int = 0, data_home=None):
    """Beats of DS1 and DS2 with RR features, optionally subsampled."""
    beats = load_mitbih_beats(data_home)
    names = beats.target_names[beats.target]
    # Q (unclassifiable) beats are almost all in the paced records: too few
    # (~15) in DS1 + DS2 to score, so they are left out as in most studies.
    keep = np.flatnonzero(
        np.isin(beats.groups.astype(str), DS1_RECORDS + DS2_RECORDS) & (names != "Q")
    )
    if max_beats is not None and max_beats < len(keep):
        rng = np.random.default_rng(random_state)
        keep = np.sort(rng.choice(keep, size=max_beats, replace=False))
    X = np.hstack([beats.data[keep], beats.rr[keep]])
    return X, names[keep], beats.groups[keep]


def compare_splits(X, y, groups, *, n_estimators: int = TREES, random_state=0):
    """Scores of one random forest under a random and the inter-patient split.

    Returns ``{"intra-patient (random 50/50)": scores, "inter-patient
    (DS1 -> DS2)": scores}`` with one float per scorer of ``SCORING``.
    """
    forest = RandomForestClassifier(
        n_estimators=n_estimators, n_jobs=-1, random_state=random_state
    )
    splits = {
        "intra-patient (random 50/50)": (
            StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=0),
            None,
        ),
        "inter-patient (DS1 -> DS2)": (InterPatientSplit(), groups),
    }
    results = {}
    for name, (cv, cv_groups) in splits.items():
        scores = cross_validate(forest, X, y, groups=cv_groups, cv=cv, scoring=SCORING)
        results[name] = {key: float(scores[f"test_{key}"][0]) for key in SCORING}
    return results


def run(
    data_home=None,
    quick: bool = False,
    max_beats: int | None = None,
    trees: int | None = None,
) -> list[dict]:
    """Score the forest under both splits; return the table rows.

    ``max_beats`` (default: all; ``quick``: ``QUICK_BEATS``) beats drawn at
    random, a forest of ``trees`` trees (default ``TREES``; ``quick``:
    ``QUICK_TREES``). The last row is the difference of the two splits.
    """
    if max_beats is None and quick:
        max_beats = QUICK_BEATS
    if trees is None:
        trees = QUICK_TREES if quick else TREES
    X, y, groups = load_beats(max_beats, data_home=data_home)
    classes, counts = np.unique(y, return_counts=True)
    print(
        f"{len(y)} beats of {len(np.unique(groups))} records; beats per class: "
        + ", ".join(f"{c} {n}" for c, n in zip(classes.tolist(), counts.tolist()))
    )
    results = compare_splits(X, y, groups, n_estimators=trees)
    intra, inter = results.values()
    gap = {key: intra[key] - inter[key] for key in SCORING}
    return [
        {"split": name, **scores}
        for name, scores in {**results, "gap (intra - inter)": gap}.items()
    ]


def main(argv=None) -> None:
    options = {
        "--max-beats": {
            "type": int,
            "default": None,
            "help": f"beats drawn at random (default: all; --quick: {QUICK_BEATS})",
        },
        "--trees": {
            "type": int,
            "default": None,
            "help": f"trees of the forest (default {TREES}; --quick: {QUICK_TREES})",
        },
    }
    quick = f"{QUICK_BEATS} beats, {QUICK_TREES} trees"
    run_cli(run, __doc__, quick, argv=argv, threads=None, options=options)


if __name__ == "__main__":
    main()
