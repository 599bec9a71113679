"""CinC 2017 rhythm classification: the AMLS report with sklecg pipelines.

On the 7,000 records of the PhysioNet/CinC 2017 mirror (single lead,
300 Hz, 9-61 s, classes N A O ~):

1. **Exploration figures**: one record of each class, the class and length
   distributions, descriptive statistics per class (table and box plot, from
   ``describe_signals``) and the mean signal per class (records brought to
   9,000 samples by ``Resampler``).
2. **Models**, all scored on ONE stratified 80/20 train/validation split
   (seed 0) with ``cross_validate`` and a ``PredefinedSplit`` of it:

   * the report's network: ``Resampler + STFTFeatures(n_fft=256,
     hop_length=64) + ECGClassifier(SpectrogramCNNLSTM)`` with balanced
     class weights and a ``StepLR`` schedule, with the ``Augmenter`` (noise +
     amplitude scaling of 20 % more N and O records) as a grid over the
     ``augment`` step of an imbalanced-learn ``Pipeline`` (on / off);
   * the report's peer: ``Resampler(9000) + STFTFeatures(reduce="mean_freq")
     + RandomForest(100 trees, depth 12, balanced)``, on the CNN's training
     subset and on the whole training split;
   * a majority-class baseline.

3. **Compression study** with the forest as the classifier (the network is
   too slow on this CPU to be refitted ten times): a ``GridSearchCV`` over
   ``PiecewiseConstantCompressor`` at 50/25/10 % of the samples, inserted
   after the ``Resampler``, against stratified subsets of 50/25/10 % of the
   training split (``cross_validate`` with one split per subset), all
   scored on the same validation records. The compressor runs two ways:
   as a pipeline step (validation records are compressed too) and inside
   an ``imblearn.FunctionSampler`` (only the stored training records are
   compressed; validation records stay raw). Columns: validation challenge
   F1, MAE/MSE of the reconstruction of the training records
   (``compression_error``) and their on-disk size (``save_compressed``; raw
   float32 for the subsets).

CPU budget (a deviation from the report): at the report's 9,000 samples
an epoch of the network over the training split takes about 9 minutes on
one CPU thread. The full run therefore trains it on records resampled from
300 Hz to 100 Hz (``Resampler(length=3000, fs=300, target_fs=100)``: the
same 30 s as the report's 9,000 samples, with the spectrum up to 50 Hz;
``STFTFeatures(n_fft=256, hop_length=64)`` as in the report, i.e. 2.56 s
frames every 0.64 s), on a stratified subset of 1,500 training records
(``CNN_TRAIN_RECORDS``) for 12 epochs (``CNN_EPOCHS``; the learning rate
halves every 4). The forests and the compression study use the report's
9,000 samples at 300 Hz.

It prints the statistics, model and compression tables as markdown, then
the total time, and writes the figures (``amls_*.png``) to ``--output``
(default ``examples/figures``). The scores of a full run are in
``examples/RESULTS.md`` (Experiment 1).

Run from the repository root::

    python examples/cinc2017_amls.py            # full run: 9 min of one core
    python examples/cinc2017_amls.py --quick    # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed data are cached in ``--data-home``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from _common import FIGURES, load_cinc2017, run_cli, stratified_subset
from imblearn import FunctionSampler
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    PredefinedSplit,
    cross_validate,
    train_test_split,
)

from sklecg.augmentation import Augmenter
from sklecg.compression import (
    PiecewiseConstantCompressor,
    compression_error,
    save_compressed,
)
from sklecg.features import STFTFeatures
from sklecg.metrics import challenge_f1_score
from sklecg.nn import ECGClassifier, SpectrogramCNNLSTM, count_parameters
from sklecg.plotting import (
    ClassDistributionDisplay,
    LengthDistributionDisplay,
    MeanSignalDisplay,
    NormalizedConfusionMatrixDisplay,
    SignalExamplesDisplay,
    SignalStatsDisplay,
    TrainingHistoryDisplay,
    describe_signals,
)
from sklecg.preprocessing import Resampler

CLASSES = ["N", "A", "O", "~"]
FS = 300
REPORT_LENGTH = 9000
CNN_FS = 100
CNN_LENGTH = 3000
RATIOS = (0.5, 0.25, 0.1)
DPI = 80

# full run / --quick: records used (None: all 7,000), CNN training subset,
# CNN epochs, trees of the forests
CNN_TRAIN_RECORDS = 1500
CNN_EPOCHS = 12
QUICK_RECORDS = 300
SETTINGS = {
    False: {"records": None, "cnn_train": CNN_TRAIN_RECORDS, "epochs": CNN_EPOCHS},
    True: {"records": QUICK_RECORDS, "cnn_train": None, "epochs": 1, "trees": 20},
}


# ------------------------------------------------------------------- data
def shared_split(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The one stratified 80/20 train/validation split (seed 0) of every row."""
    train, val = train_test_split(
        np.arange(y.size), test_size=0.2, stratify=y, random_state=0
    )
    return np.sort(train), np.sort(val)


def predefined(X, y, train, val):
    """``(X_part, y_part, PredefinedSplit)``: ``train`` then ``val`` records,
    the validation records forming the one test fold."""
    index = np.concatenate([train, val])
    fold = np.r_[np.full(train.size, -1), np.zeros(val.size, dtype=int)]
    return [X[i] for i in index], y[index], PredefinedSplit(fold)


# ----------------------------------------------------------- exploration
def save(display_or_figure, output: Path, name: str) -> Path:
    """Write a display's (or figure's) figure to ``output/amls_<name>.png``."""
    figure = getattr(display_or_figure, "figure_", display_or_figure)
    path = output / f"amls_{name}.png"
    figure.savefig(path, dpi=DPI)
    plt.close(figure)
    return path


def explore(X, y, output: Path) -> list[dict]:
    """The exploration figures; returns the statistics table rows."""
    classes = np.unique(y)
    _, axes = plt.subplots(
        classes.size, 1, figsize=(9, 1.5 * classes.size + 0.5), layout="constrained"
    )
    examples = SignalExamplesDisplay.from_signals(
        X, y, n_examples=1, fs=FS, ax=axes[:, None]
    )
    save(examples, output, "examples")
    save(ClassDistributionDisplay.from_labels(y), output, "class_distribution")
    save(LengthDistributionDisplay.from_signals(X, y, fs=FS), output, "lengths")
    stats = describe_signals(X, y)
    save(SignalStatsDisplay(stats).plot(), output, "statistics")
    fixed = Resampler(length=REPORT_LENGTH).fit_transform(X)
    save(
        MeanSignalDisplay.from_signals(fixed, y, fs=FS, overlay=False),
        output,
        "mean_signal",
    )
    rows = []
    for record in stats:
        row = {"study": "statistics", "class": str(record["class"])}
        row["records"] = int(record["n_signals"])
        row["mean length (s)"] = float(record["mean_length"]) / FS
        for field in stats.dtype.names[3:]:
            row[f"{field} (mV)"] = float(record[field])
        rows.append(row)
    return rows


# ----------------------------------------------------------------- models
def scores(estimator, X, y) -> dict:
    """Scorer for ``cross_validate``: one prediction, every score."""
    predicted = estimator.predict(X)
    per_class = f1_score(y, predicted, labels=CLASSES, average=None)
    return {
        "challenge_f1": challenge_f1_score(y, predicted),
        "macro_f1": f1_score(y, predicted, labels=CLASSES, average="macro"),
        "accuracy": accuracy_score(y, predicted),
        **{f"f1_{c}": f for c, f in zip(CLASSES, per_class)},
    }


def score_columns(result: dict, split: int = 0) -> dict:
    """Table columns from a ``cross_validate`` result (one split)."""
    columns = {
        "challenge F1": result["test_challenge_f1"][split],
        "macro F1": result["test_macro_f1"][split],
        "accuracy": result["test_accuracy"][split],
    }
    columns.update({f"F1 {c}": result[f"test_f1_{c}"][split] for c in CLASSES})
    columns["fit (s)"] = result["fit_time"][split]
    return columns


def forest(trees: int, n_jobs: int) -> RandomForestClassifier:
    """The report's forest: ``trees`` trees, depth 12, balanced weights."""
    return RandomForestClassifier(
        n_estimators=trees,
        max_depth=12,
        class_weight="balanced",
        n_jobs=n_jobs,
        random_state=0,
    )


def forest_pipeline(trees: int, n_jobs: int) -> Pipeline:
    """Resampler(9000) + STFT mean over frequency + forest, with an empty
    ``compress`` step for the compression study."""
    return Pipeline(
        [
            ("resample", Resampler(length=REPORT_LENGTH)),
            ("compress", "passthrough"),
            (
                "stft",
                STFTFeatures(fs=FS, n_fft=256, hop_length=64, reduce="mean_freq"),
            ),
            ("forest", forest(trees, n_jobs)),
        ]
    )


def cnn_pipeline(epochs: int, verbose: int) -> Pipeline:
    """Resampler (100 Hz, 30 s) + augment step + STFT + SpectrogramCNNLSTM."""
    network = ECGClassifier(
        SpectrogramCNNLSTM,
        max_epochs=epochs,
        batch_size=64,
        class_weight="balanced",
        lr_scheduler="step",
        lr_step_size=4,
        lr_factor=0.5,
        random_state=0,
        verbose=verbose,
    )
    return Pipeline(
        [
            (
                "resample",
                Resampler(length=CNN_LENGTH, fs=FS, target_fs=CNN_FS),
            ),
            ("augment", "passthrough"),
            ("stft", STFTFeatures(fs=CNN_FS, n_fft=256, hop_length=64)),
            ("cnn", network),
        ]
    )


def augmenter() -> Augmenter:
    """Noise + amplitude scaling on 20 % more N and O records (no shift)."""
    return Augmenter(
        sampling_strategy={"N": 0.2, "O": 0.2},
        noise_std=0.05,
        scale_range=(0.8, 1.2),
        max_shift=0.0,
        random_state=0,
    )


def validate(pipeline, X, y, train, val):
    """``cross_validate`` on the shared split: ``(result, fitted pipeline)``."""
    X_part, y_part, split = predefined(X, y, train, val)
    result = cross_validate(
        pipeline, X_part, y_part, cv=split, scoring=scores, return_estimator=True
    )
    return result, result["estimator"][0]


def compare_models(X, y, train, val, settings, n_jobs, verbose, output) -> list:
    """The model table: CNN with and without augmentation, forests, baseline."""
    cnn_train = stratified_subset(train, y, settings["cnn_train"])
    X_val, y_val = [X[i] for i in val], y[val]
    trees = settings.get("trees", 100)
    rows, fitted = [], {}
    grid = ParameterGrid({"augment": ["passthrough", augmenter()]})
    for params in grid:
        on = params["augment"] != "passthrough"
        name = "SpectrogramCNNLSTM" + (" + Augmenter" if on else "")
        print(f"  {name}: {cnn_train.size} training records ...", flush=True)
        pipe = clone(cnn_pipeline(settings["epochs"], verbose)).set_params(**params)
        result, fitted[name, cnn_train.size] = validate(pipe, X, y, cnn_train, val)
        network = fitted[name, cnn_train.size][-1]
        rows.append(
            {
                "model": name,
                "training records": int(cnn_train.size),
                "input": f"{CNN_LENGTH} samples at {CNN_FS} Hz",
                "parameters": count_parameters(network.module_),
                "epochs": len(network.history_),
                **score_columns(result),
            }
        )
        print(f"    challenge F1 {rows[-1]['challenge F1']:.3f}", flush=True)
    peers = {
        "RandomForest on STFT (mean over frequency)": forest_pipeline(trees, n_jobs),
        "majority class": Pipeline([("majority", DummyClassifier())]),
    }
    for name, pipe in peers.items():
        parts = {train.size: train}
        if name.startswith("Random"):
            parts = {cnn_train.size: cnn_train, **parts}
        for part in parts.values():
            result, fitted[name, part.size] = validate(pipe, X, y, part, val)
            rows.append(
                {
                    "model": name,
                    "training records": int(part.size),
                    "input": f"{REPORT_LENGTH} samples at {FS} Hz",
                    **score_columns(result),
                }
            )
            challenge = rows[-1]["challenge F1"]
            print(f"  {name}, {part.size} records: {challenge:.3f}", flush=True)
    best_cnn = max(
        (row for row in rows if "parameters" in row), key=lambda r: r["challenge F1"]
    )
    shown = {
        key: fitted[key]
        for key in [
            (best_cnn["model"], best_cnn["training records"]),
            (next(iter(peers)), train.size),
        ]
    }
    model_figures(shown, X_val, y_val, output)
    return [{"study": "models", **row} for row in rows]


def model_figures(shown: dict, X_val, y_val, output) -> None:
    """Training curves of the network (first of ``shown``, a dict
    ``{(name, training records): fitted pipeline}``) and validation confusion
    matrices of every model in ``shown``."""
    network = next(iter(shown.values()))
    save(TrainingHistoryDisplay.from_estimator(network), output, "history")
    figure, axes = plt.subplots(
        1, len(shown), figsize=(5 * len(shown), 4.3), layout="constrained"
    )
    for axis, ((name, n_train), pipeline) in zip(axes, shown.items()):
        NormalizedConfusionMatrixDisplay.from_estimator(
            pipeline, X_val, y_val, labels=CLASSES, ax=axis, colorbar=False
        )
        title = name.replace(" (", "\n(") + f"\n{n_train} training records"
        axis.set_title(title, fontsize="medium")
    save(figure, output, "confusion")


# ------------------------------------------------------------ compression
def compress_training(X, y, ratio: float):
    """FunctionSampler body: the step reconstruction of the training records
    (runs at fit only, so validation records stay raw)."""
    compressor = PiecewiseConstantCompressor(ratio=ratio, output="reconstruction")
    return compressor.fit_transform(X), y


def storage(X_fixed: np.ndarray, ratio: float, folder: Path) -> dict:
    """MAE/MSE of the reconstruction and bytes on disk of the window means."""
    compressor = PiecewiseConstantCompressor(ratio=ratio).fit(X_fixed)
    means = compressor.transform(X_fixed)
    errors = compression_error(X_fixed, compressor.inverse_transform(means))
    path = save_compressed(
        folder / f"ratio_{ratio}.bin", means, n_timesteps=REPORT_LENGTH, fs=FS
    )
    return {
        "MAE (µV)": 1e3 * errors["mae"],
        "MSE (µV²)": 1e6 * errors["mse"],
        "on disk (MB)": path.stat().st_size / 1e6,
    }


def compression_study(X, y, train, val, trees, n_jobs, output) -> list[dict]:
    """Compression vs training subsets, scored with the forest."""
    X_part, y_part, split = predefined(X, y, train, val)
    pipe = forest_pipeline(trees, n_jobs)
    steps = [
        PiecewiseConstantCompressor(ratio=r, output="reconstruction") for r in RATIOS
    ] + [
        FunctionSampler(func=compress_training, kw_args={"ratio": r}, validate=False)
        for r in RATIOS
    ]
    search = GridSearchCV(
        pipe, {"compress": steps}, cv=split, scoring=scores, refit=False
    )
    search.fit(X_part, y_part)
    print("  compression grid done", flush=True)
    fractions = (1.0, *RATIOS)
    subsets = [stratified_subset(np.arange(train.size), y[train], f) for f in fractions]
    val_positions = np.arange(train.size, train.size + val.size)
    by_subset = cross_validate(
        pipe, X_part, y_part, cv=[(s, val_positions) for s in subsets], scoring=scores
    )
    print("  subsets done", flush=True)
    X_train = Resampler(length=REPORT_LENGTH).fit_transform([X[i] for i in train])
    rows = []
    for i, (fraction, subset) in enumerate(zip(fractions, subsets)):
        score = by_subset["test_challenge_f1"][i]
        setting = "all training records" if fraction == 1 else "subset"
        rows.append(
            {
                "setting": f"{setting} ({fraction:.0%})",
                "stored fraction": fraction,
                "training records": int(subset.size),
                "challenge F1 (raw validation)": score,
                # nothing is compressed at 100 %: both columns are the same
                "challenge F1 (compressed validation)": score if i == 0 else None,
                "MAE (µV)": 0.0,
                "MSE (µV²)": 0.0,
                "on disk (MB)": subset.size * REPORT_LENGTH * 4 / 1e6,
                "fit (s)": by_subset["fit_time"][i],
            }
        )
    f1 = search.cv_results_["mean_test_challenge_f1"]
    fit_time = search.cv_results_["mean_fit_time"]
    with tempfile.TemporaryDirectory() as folder:
        for j, ratio in enumerate(RATIOS):
            in_pipeline, sampler = j, j + len(RATIOS)
            rows.append(
                {
                    "setting": f"compression ({ratio:.0%})",
                    "stored fraction": ratio,
                    "training records": int(train.size),
                    "challenge F1 (raw validation)": f1[sampler],
                    "challenge F1 (compressed validation)": f1[in_pipeline],
                    **storage(X_train, ratio, Path(folder)),
                    "fit (s)": fit_time[in_pipeline],
                }
            )
    compression_figure(rows, output)
    return [{"study": "compression", **row} for row in rows]


def compression_figure(rows: list[dict], output: Path) -> None:
    """Validation score and reconstruction error against the stored fraction."""
    subset = [r for r in rows if not r["setting"].startswith("compression")]
    compressed = [r for r in rows if r["setting"].startswith("compression")]
    full = subset[0]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    lines = {
        "training subset, raw validation": (subset, "raw", "o-"),
        "compressed training, raw validation": ([full, *compressed], "raw", "s-"),
        "compressed training and validation": (
            [full, *compressed],
            "compressed",
            "^--",
        ),
    }
    for label, (part, which, style) in lines.items():
        fractions = [100 * r["stored fraction"] for r in part]
        values = [r[f"challenge F1 ({which} validation)"] for r in part]
        left.plot(fractions, values, style, label=label)
    left.set(
        xlabel="stored training data (% of the raw float32 values)",
        ylabel="validation challenge F1",
        title="RandomForest on STFT: compression vs subsets",
    )
    left.invert_xaxis()
    left.legend(frameon=False, fontsize="small")
    ratios = [100 * r["stored fraction"] for r in compressed]
    right.plot(ratios, [r["MAE (µV)"] for r in compressed], "o-", label="MAE")
    twin = right.twinx()
    twin.plot(ratios, [r["MSE (µV²)"] for r in compressed], "s--", color="C1")
    right.plot([], [], "s--", color="C1", label="MSE (right axis)")
    right.set(
        xlabel="kept samples (%)",
        ylabel="MAE (µV)",
        title="PiecewiseConstantCompressor: training records",
    )
    twin.set_ylabel("MSE (µV²)")
    right.invert_xaxis()
    right.legend(frameon=False)
    save(figure, output, "compression")


# -------------------------------------------------------------------- run
def run(
    data_home=None, quick: bool = False, output=None, n_jobs: int = 1, verbose=None
) -> list[dict]:
    """Exploration, model comparison and compression study.

    Returns the rows of the three tables, each with a ``"study"`` key:
    ``"statistics"``, ``"models"`` or ``"compression"``.
    """
    matplotlib.use("Agg")
    settings = SETTINGS[quick]
    output = Path(output or FIGURES)
    output.mkdir(parents=True, exist_ok=True)
    verbose = int(not quick) if verbose is None else verbose
    X, y = load_cinc2017(data_home, settings["records"])
    train, val = shared_split(y)
    print(f"{len(X)} records: {train.size} training, {val.size} validation", flush=True)
    rows = explore(X, y, output)
    print("exploration figures written", flush=True)
    rows += compare_models(X, y, train, val, settings, n_jobs, verbose, output)
    trees = settings.get("trees", 100)
    rows += compression_study(X, y, train, val, trees, n_jobs, output)
    return rows


def main(argv=None) -> None:
    quick = f"{QUICK_RECORDS} records, 1 epoch, forests of 20 trees"
    run_cli(run, __doc__, quick, argv=argv, group="study", output=FIGURES, n_jobs=True)


if __name__ == "__main__":
    main()
