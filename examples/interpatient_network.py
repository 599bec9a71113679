"""The beat-and-rhythm network on unseen patients: chosen on DS1, scored on DS2.

The inter-patient protocol of de Chazal et al. (2004): the network
pipeline ``sklecg.recipes.mitbih_interpatient_network_pipeline`` (the beat,
its patient template and both leads' windows as R-peak-aligned channels,
beside the RR intervals and their ratios) is chosen by patient-wise
cross-validation on the DS1 records **only**
(``PatientStratifiedKFold``, 4 folds, no patient on both sides), over a
small grid of class-weight exponents and epoch counts. The candidate with
the best mean DS1 macro F1 (N, S, V, F) is then trained on all of DS1 and
scored **once** on the DS2 records. Q beats are left out (too few outside
the excluded paced records), as in most studies.

The run is resumable: every finished fold and the final DS2 row are
appended to ``<output>/interpatient_network.jsonl`` (default
``examples/results``); rows already there are not run again, so a stopped
run loses at most the fit in progress. It prints a line per finished fit,
then the DS1 cross-validation table and the DS2 row as markdown, and the
total time. The scores of a full run are in ``examples/RESULTS.md``
(section "Inter-patient network").

Run from the repository root::

    python examples/interpatient_network.py --threads 2   # full run, ~40 min
    python examples/interpatient_network.py --quick       # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
from _common import (
    EXAMPLES,
    append_row,
    load_mitbih_beats,
    load_rows,
    run_cli,
    stratified_subset,
)
from sklearn.metrics import accuracy_score, f1_score

from sklecg.model_selection import InterPatientSplit, PatientStratifiedKFold
from sklecg.recipes import mitbih_interpatient_network_pipeline

RESULTS = EXAMPLES / "results"
RESULTS_FILE = "interpatient_network.jsonl"
CLASSES = ["N", "S", "V", "F"]
N_FOLDS = 4
#: The grid searched on DS1: class-weight exponent (0.5: square-root
#: balanced, 1: balanced) and training epochs.
GRID = {"net__class_weight_alpha": [0.5, 1.0], "net__max_epochs": [6, 12]}
QUICK_BEATS, QUICK_EPOCHS = 3000, 1
#: The per-fold scores averaged in the DS1 table.
FOLD_COLUMNS = ("macro F1", *(f"F1 {c}" for c in CLASSES), "fit (s)")


def candidates(quick: bool) -> list[dict]:
    """The parameter settings of the grid (one tiny setting for ``quick``)."""
    if quick:
        return [{"net__class_weight_alpha": 0.5, "net__max_epochs": QUICK_EPOCHS}]
    keys = list(GRID)
    return [dict(zip(keys, values)) for values in itertools.product(*GRID.values())]


def scores(y_true, y_pred) -> dict:
    """Macro F1 over N, S, V, F, accuracy and the per-class F1."""
    per_class = f1_score(y_true, y_pred, labels=CLASSES, average=None, zero_division=0)
    return {
        "macro F1": float(
            f1_score(y_true, y_pred, labels=CLASSES, average="macro", zero_division=0)
        ),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        **{f"F1 {c}": float(v) for c, v in zip(CLASSES, per_class)},
    }


def load_split(data_home, quick: bool):
    """``(X, y, groups, ds1, ds2)``: the named table, labels, records and the
    DS1 / DS2 row indices without Q beats (subsets of them for ``quick``)."""
    beats = load_mitbih_beats(data_home, as_frame=True)
    y = beats.target_names[beats.target.to_numpy()]
    ds1, ds2 = next(InterPatientSplit().split(y, y, beats.groups))
    ds1, ds2 = ds1[y[ds1] != "Q"], ds2[y[ds2] != "Q"]
    if quick:
        ds1 = stratified_subset(ds1, y, QUICK_BEATS)
        ds2 = stratified_subset(ds2, y, QUICK_BEATS // 3)
    return beats.data, y, beats.groups, ds1, ds2


def _fit_score(params: dict, X, y, train, test) -> dict:
    model = mitbih_interpatient_network_pipeline(**params)
    start = time.perf_counter()
    model.fit(X.iloc[train], y[train])
    fit_s = time.perf_counter() - start
    return {
        **scores(y[test], model.predict(X.iloc[test])),
        "fit (s)": round(fit_s, 1),
        "training beats": int(train.size),
        "test beats": int(test.size),
    }


def _key(params: dict) -> str:
    return ", ".join(f"{k.removeprefix('net__')}={v}" for k, v in params.items())


def run(data_home=None, quick: bool = False, output: str | None = None) -> list:
    """Run every missing fold and the DS2 row; return the table rows."""
    path = Path(output or RESULTS) / RESULTS_FILE
    done = {(r["stage"], r["setting"], r.get("fold")) for r in load_rows(path)}
    X, y, groups, ds1, ds2 = load_split(data_home, quick)
    folds = list(
        PatientStratifiedKFold(N_FOLDS, random_state=0).split(ds1, y[ds1], groups[ds1])
    )
    grid = candidates(quick)
    for params, (fold, (train, test)) in itertools.product(grid, enumerate(folds)):
        if ("DS1 CV", _key(params), fold) in done:
            continue
        row = _fit_score(params, X, y, ds1[train], ds1[test])
        append_row(
            path, {"stage": "DS1 CV", "setting": _key(params), "fold": fold, **row}
        )
        print(
            f"DS1 fold {fold} {_key(params)}: macro F1 {row['macro F1']:.3f}",
            flush=True,
        )
    rows = load_rows(path)
    table = cv_table(rows, grid)
    best = grid[int(np.argmax([entry["mean macro F1"] for entry in table]))]
    if not any(r["stage"] == "DS2" for r in rows):
        row = _fit_score(best, X, y, ds1, ds2)
        append_row(path, {"stage": "DS2", "setting": _key(best), **row})
        print(f"DS2 {_key(best)}: macro F1 {row['macro F1']:.3f}", flush=True)
    ds2_rows = [
        {
            "setting": r["setting"],
            **{k: r[k] for k in ("macro F1", "accuracy")},
            **{f"F1 {c}": r[f"F1 {c}"] for c in CLASSES},
            "fit (s)": r["fit (s)"],
        }
        for r in load_rows(path)
        if r["stage"] == "DS2"
    ]
    return [{"table": "DS1 cross-validation", **e} for e in table] + [
        {"table": "DS2 (once, the chosen setting)", **e} for e in ds2_rows
    ]


def cv_table(rows: list[dict], grid: list[dict]) -> list[dict]:
    """Mean and spread of the DS1 folds of every setting of ``grid``."""
    table = []
    for params in grid:
        folds = [
            r for r in rows if r["stage"] == "DS1 CV" and r["setting"] == _key(params)
        ]
        mean = {key: float(np.mean([r[key] for r in folds])) for key in FOLD_COLUMNS}
        f1 = [r["macro F1"] for r in folds]
        table.append(
            {
                "setting": _key(params),
                "folds": len(folds),
                "mean macro F1": mean.pop("macro F1"),
                "std": float(np.std(f1)),
                **mean,
            }
        )
    return table


def main(argv=None) -> None:
    quick = f"{QUICK_BEATS} DS1 beats, {QUICK_EPOCHS} epoch, one setting"
    run_cli(run, __doc__, quick, argv=argv, group="table", output=RESULTS)


if __name__ == "__main__":
    main()
