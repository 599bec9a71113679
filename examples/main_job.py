"""Main job (``make run``): grid search over neural and forest ECG pipelines.

One ``GridSearchCV`` (stratified 3-fold CV, scored by the CinC 2017
challenge F1) over one ``Pipeline(resample, features, classifier)`` whose
steps are swapped by a list of parameter grids:

* **RR forest** -- ``RRIntervalFeatures`` (16 heart-rhythm statistics of the
  detected R peaks, any record length) and a balanced random forest of 300
  trees;
* **STFT forest** -- the AMLS report's baseline: ``Resampler(9000)``,
  ``STFTFeatures(n_fft=256, hop_length=64, reduce="mean_freq")``, a random
  forest of 100 trees of depth 12, balanced;
* **network** -- ``Resampler`` to 50 Hz and 60 s (3,000 samples; shorter
  records repeated), each record z-scored (``SignalScaler``), and
  ``ECGClassifier(RhythmResNet)`` trained on random 30-s windows
  (``train_crop_length``) for 16 epochs along a cosine schedule, AdamW
  (lr 3e-3, weight decay 1e-2), bfloat16 autocast; it sees the whole 60 s
  at predict. Widths searched: 6 or 7 residual blocks (8 to 64 filters).

Data: the 7,000 PhysioNet/CinC 2017 records of the local mirror
(``SKLECG_PHYSIONET_MIRROR`` or ``--mirror``; default
``../shared/data/physionet`` beside the clone) when it holds
``training2017.zip``, else 1,000 synthetic records of
:func:`sklecg.datasets.make_ecg_classification`. A stratified 20 % of the
records is held out first; the search never sees it. The best pipeline,
refitted on the other 80 %, is scored on it (per-class report with
specificity, challenge F1), and so is the best network configuration, fitted
once more on the same 80 % so that its training curve can be drawn.

Output: progress lines, the grid's ``cv_results_`` and the held-out scores as
markdown tables on stdout, then the total wall-clock and CPU time, and two
PNGs in ``--output`` (default ``output/``): the normalised confusion matrix
of the best model on the held-out records and the network's training curve
(its training loss per epoch).

Measured scores (cross-validated challenge F1 on the mirror: the network
0.76 and 0.75, the RR forest 0.74, the STFT forest 0.41; on the synthetic
default the network 0.86, the RR forest 0.83) and run times are in
``examples/RESULTS.md``.

Run from the repository root::

    make run                               # about 10 min of CPU, one thread
    python examples/main_job.py --quick    # smoke run, < 1 min
    python examples/main_job.py --help
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from _common import physionet_mirror, run_cli, stratified_subset
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline

from sklecg.datasets import fetch_cinc2017, make_ecg_classification
from sklecg.features import RRIntervalFeatures, STFTFeatures
from sklecg.metrics import (
    challenge_f1_score,
    classification_report,
    specificity_score,
)
from sklecg.nn import ECGClassifier, RhythmResNet, count_parameters
from sklecg.plotting import (
    NormalizedConfusionMatrixDisplay,
    TrainingHistoryDisplay,
)
from sklecg.preprocessing import Resampler, SignalScaler
from sklecg.utils import markdown_table

FS = 300.0
NET_FS = 50.0
NET_SECONDS = 60
NET_CROP_SECONDS = 30
NET_EPOCHS = 16
#: The two network widths of the grid (one residual block per entry).
NET_FILTERS = ((8, 16, 16, 32, 32, 64), (8, 16, 16, 32, 32, 64, 64))
TEST_SIZE = 0.2
N_SPLITS = 3
SYNTHETIC_RECORDS = 1000
QUICK_RECORDS = 240
QUICK_EPOCHS = 2
QUICK_TREES = 30
NETWORK = "RhythmResNet"
# The searched scalar parameters (the "setting" column of the tables).
SEARCHED = ("classifier__module__filters",)


def has_cinc2017(mirror: str | None) -> bool:
    """Whether ``mirror`` is a URL or a folder holding ``training2017.zip``."""
    if not mirror:
        return False
    return mirror.startswith(("http://", "https://")) or (
        Path(mirror, "training2017.zip").is_file()
    )


def load_data(data_home, mirror, quick: bool, random_state: int):
    """``(X, y, description)``: CinC 2017 records, else synthetic ones."""
    if has_cinc2017(mirror):
        X, y = fetch_cinc2017(
            data_home=data_home, mirror=mirror, return_X_y=True, verbose=False
        )
        source = f"PhysioNet/CinC 2017 records from the mirror {mirror}"
        if quick:
            source += f" (stratified subset of {QUICK_RECORDS} for --quick)"
    else:
        X, y = make_ecg_classification(
            n_samples=SYNTHETIC_RECORDS, random_state=random_state, return_X_y=True
        )
        source = (
            "synthetic records (make_ecg_classification): no training2017.zip in "
            f"{mirror!r}; set SKLECG_PHYSIONET_MIRROR to a folder holding it"
        )
    y = np.asarray(y)
    if quick:
        keep = stratified_subset(np.arange(y.size), y, QUICK_RECORDS, random_state)
        X, y = [X[i] for i in keep], y[keep]
    return X, y, source


class ProgressScoring:
    """Multi-metric ``scoring`` that prints one line per scored CV fold.

    Scores the challenge F1, accuracy and macro specificity of the fitted
    pipeline on the fold's test records, and prints them with the candidate's
    route and setting (GridSearchCV's own verbose lines print the whole
    estimators).
    """

    def __init__(self, n_fits: int):
        self.n_fits = n_fits
        self.n_done = 0
        self.start = time.perf_counter()

    def __call__(self, estimator, X, y) -> dict:
        y_pred = estimator.predict(X)
        scores = {
            "challenge_f1": challenge_f1_score(y, y_pred),
            "accuracy": float(np.mean(y_pred == y)),
            "specificity_macro": float(specificity_score(y, y_pred, average="macro")),
        }
        self.n_done += 1
        params = estimator.get_params()
        setting = setting_of(params)
        print(
            f"  [{self.n_done:2d}/{self.n_fits} folds, "
            f"{time.perf_counter() - self.start:4.0f} s] {route_of(params)}"
            + ("" if setting == "-" else f" {setting}")
            + f": challenge F1 {scores['challenge_f1']:.3f}",
            flush=True,
        )
        return scores


def build_search(quick: bool, n_jobs: int, random_state: int) -> GridSearchCV:
    """The pipeline, its three routes as parameter grids, stratified CV."""
    trees = QUICK_TREES if quick else 300
    rr_forest = RandomForestClassifier(
        n_estimators=trees,
        min_samples_leaf=2,
        class_weight="balanced_subsample",
        n_jobs=n_jobs,
        random_state=random_state,
    )
    amls_forest = RandomForestClassifier(
        n_estimators=QUICK_TREES if quick else 100,
        max_depth=12,
        class_weight="balanced",
        n_jobs=n_jobs,
        random_state=random_state,
    )
    network = ECGClassifier(
        RhythmResNet,
        module__kernel_size=7,
        module__stem_kernel_size=7,
        lr=3e-3,
        max_epochs=QUICK_EPOCHS if quick else NET_EPOCHS,
        batch_size=64,
        validation_fraction=None,
        patience=None,
        lr_scheduler="cosine",
        train_crop_length=int(NET_FS * NET_CROP_SECONDS),
        optimizer__weight_decay=1e-2,
        precision="bf16",
        random_state=random_state,
    )
    param_grid = [
        {
            "resample": ["passthrough"],
            "features": [RRIntervalFeatures(fs=FS)],
            "classifier": [rr_forest],
        },
        {
            "resample": [Resampler(length=9000)],
            "features": [
                STFTFeatures(fs=FS, n_fft=256, hop_length=64, reduce="mean_freq")
            ],
            "classifier": [amls_forest],
        },
        {
            "resample": [
                Resampler(
                    int(NET_FS * NET_SECONDS), fs=FS, target_fs=NET_FS, short="repeat"
                )
            ],
            "features": [SignalScaler()],  # each record z-scored
            "classifier": [network],
            "classifier__module__filters": list(NET_FILTERS),
        },
    ]
    pipeline = Pipeline(
        [
            ("resample", "passthrough"),
            ("features", RRIntervalFeatures(fs=FS)),
            ("classifier", rr_forest),
        ]
    )
    n_fits = N_SPLITS * len(ParameterGrid(param_grid))
    cv = StratifiedKFold(N_SPLITS, shuffle=True, random_state=random_state)
    return GridSearchCV(
        pipeline,
        param_grid,
        scoring=ProgressScoring(n_fits),
        refit="challenge_f1",
        cv=cv,
        verbose=1,
        error_score="raise",
    )


def route_of(params: dict) -> str:
    """Short name of the route that pipeline parameters select."""
    if isinstance(params["classifier"], ECGClassifier):
        return NETWORK
    if isinstance(params["features"], RRIntervalFeatures):
        return "RR forest"
    return "STFT forest"


def setting_of(params: dict) -> str:
    """The searched scalar settings in ``params``, e.g. ``filters=(8, 16)``."""
    setting = ", ".join(
        f"{key.rsplit('__', 1)[-1]}={value}"
        for key, value in params.items()
        if key in SEARCHED
    )
    return setting or "-"


def cv_rows(search: GridSearchCV) -> list[dict]:
    """One table row per candidate of ``search.cv_results_``."""
    res = search.cv_results_
    return [
        {
            "rank": int(res["rank_test_challenge_f1"][i]),
            "route": route_of(params),
            "setting": setting_of(params),
            "challenge F1": f"{res['mean_test_challenge_f1'][i]:.3f} ± "
            f"{res['std_test_challenge_f1'][i]:.3f}",
            "accuracy": float(res["mean_test_accuracy"][i]),
            "specificity (macro)": float(res["mean_test_specificity_macro"][i]),
            "fit (s)": float(res["mean_fit_time"][i]),
        }
        for i, params in enumerate(res["params"])
    ]


def best_network_params(search: GridSearchCV) -> dict:
    """Parameters of the best-ranked network candidate."""
    res = search.cv_results_
    candidates = [i for i, p in enumerate(res["params"]) if route_of(p) == NETWORK]
    best = min(candidates, key=lambda i: res["rank_test_challenge_f1"][i])
    return res["params"][best]


def held_out_row(name: str, model, seconds: float, y_test, y_pred) -> dict:
    """Scores of a fitted pipeline's predictions of the held-out records."""
    network = model.named_steps["classifier"]
    return {
        "model": name,
        "route": route_of(model.get_params()),
        "setting": setting_of(model.get_params()),
        "challenge F1": challenge_f1_score(y_test, y_pred),
        "accuracy": float(np.mean(y_pred == y_test)),
        "specificity (macro)": float(
            specificity_score(y_test, y_pred, average="macro")
        ),
        "parameters": count_parameters(network.module_)
        if isinstance(network, ECGClassifier)
        else None,
        "fit (s)": seconds,
    }


def fit_timed(model, X, y) -> float:
    """Fit ``model`` and return the seconds it took."""
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def save_figures(best, y_test, y_pred, network, output: Path) -> list[Path]:
    """Confusion matrix of ``best`` and training curve of ``network``."""
    output.mkdir(parents=True, exist_ok=True)
    confusion = NormalizedConfusionMatrixDisplay.from_predictions(
        y_test, y_pred, labels=best.classes_
    )
    confusion.ax_.set_title(
        f"{route_of(best.get_params())} on {len(y_test):,} held-out records"
    )
    history = TrainingHistoryDisplay.from_estimator(network)
    history.figure_.suptitle(
        f"RhythmResNet ({setting_of(network.get_params())}) training curve"
    )
    paths = []
    for display, name in ((confusion, "confusion"), (history, "training_curve")):
        path = output / f"main_job_{name}.png"
        display.figure_.savefig(path, dpi=90)
        plt.close(display.figure_)
        paths.append(path)
    return paths


def run(
    data_home=None,
    quick: bool = False,
    output=None,
    *,
    mirror: str | None = None,
    n_jobs: int = 1,
    random_state: int = 0,
) -> dict:
    """Run the search, score on held-out records, write the figures.

    Returns a dict: ``cv_results`` and ``held_out`` (table rows), the
    search's ``best_params`` (route and setting), the held-out ``report``
    text and the ``figures`` written.
    """
    mirror = physionet_mirror() if mirror is None else mirror
    output = Path("output" if output is None else output)
    X, y, source = load_data(data_home, mirror, quick, random_state)
    index = np.arange(y.size)
    search_idx, test_idx = train_test_split(
        index, test_size=TEST_SIZE, stratify=y, random_state=random_state
    )
    X_search, y_search = [X[i] for i in search_idx], y[search_idx]
    X_test, y_test = [X[i] for i in test_idx], y[test_idx]
    labels, counts = np.unique(y, return_counts=True)
    search = build_search(quick, n_jobs, random_state)
    print(f"data: {source}", flush=True)
    print(
        f"{y.size} records ("
        + ", ".join(f"{c}: {n}" for c, n in zip(labels, counts))
        + f"); search on {y_search.size}, held out {y_test.size} "
        f"(stratified {TEST_SIZE:.0%}, seed {random_state})",
        flush=True,
    )
    print(
        f"grid: RR forest, STFT forest, {NETWORK} x {N_SPLITS}-fold stratified "
        "CV, scored by the challenge F1 (mean F1 of N, A, O); network input: "
        f"records at {NET_FS:.0f} Hz, {NET_SECONDS} s, trained on random "
        f"{NET_CROP_SECONDS}-s windows"
        + (f"; --quick: {QUICK_EPOCHS} epochs, {QUICK_TREES} trees" if quick else ""),
        flush=True,
    )
    start = time.perf_counter()
    search.fit(X_search, y_search)
    print(f"search done in {time.perf_counter() - start:.0f} s", flush=True)
    rows = cv_rows(search)
    print("\ncross-validation (search records):\n" + markdown_table(rows), flush=True)

    best = search.best_estimator_
    y_pred = best.predict(X_test)
    held_out = [
        held_out_row("best of the search", best, search.refit_time_, y_test, y_pred)
    ]
    network = best
    if route_of(search.best_params_) != NETWORK:
        print(
            "\nfitting the best network configuration on the search records "
            "for its training curve",
            flush=True,
        )
        network = clone(search.estimator).set_params(
            **best_network_params(search), classifier__verbose=1
        )
        seconds = fit_timed(network, X_search, y_search)
        held_out.append(
            held_out_row(
                "best network", network, seconds, y_test, network.predict(X_test)
            )
        )
    report = classification_report(y_test, y_pred)
    print(
        f"\nheld-out records ({y_test.size}), best model "
        f"({route_of(search.best_params_)}):\n{report}",
        flush=True,
    )
    print(f"challenge F1: {challenge_f1_score(y_test, y_pred):.3f}\n", flush=True)
    print(markdown_table(held_out), flush=True)
    figures = save_figures(best, y_test, y_pred, network, output)
    return {
        "cv_results": rows,
        "held_out": held_out,
        "best_params": {
            "route": route_of(search.best_params_),
            "setting": setting_of(search.best_params_),
        },
        "report": report,
        "figures": figures,
    }


def main(argv=None) -> dict:
    """Run the job from the command line (``make run``).

    Returns what :func:`run` returns.
    """
    sys.stdout.reconfigure(line_buffering=True)  # progress of GridSearchCV too
    matplotlib.use("Agg")
    options = {
        "--mirror": {
            "default": None,
            "help": "folder or URL holding training2017.zip (default: "
            "$SKLECG_PHYSIONET_MIRROR, else ../shared/data/physionet)",
        },
        "--random-state": {"type": int, "default": 0},
    }
    quick = f"{QUICK_RECORDS} records, {QUICK_EPOCHS} epochs, {QUICK_TREES} trees"
    return run_cli(
        run,
        __doc__,
        quick,
        argv=argv,
        output=Path("output"),
        n_jobs=True,
        options=options,
        print_rows=False,
    )


if __name__ == "__main__":
    main()
