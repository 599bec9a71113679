"""CNN ablation on MIT-BIH heartbeats: ConvNet models 1-11 and a CNN-LSTM.

The SC4001 report's models 1-11, each a ``sklecg.nn.ConvNet`` setting
named ``sc4001_model_<n>`` by ``sklecg.nn.report_network`` (1 to 5 blocks
of ``Conv1d("same") - BatchNorm - ReLU - AvgPool 2``, from one [32x3] layer
to [64x3 ... 1024x3], then two dense layers), and its CNN-LSTM
(``sklecg.nn.CNNLSTM``) as the twelfth row. The settings are
``ABLATION_GRID``, a list of parameter grids over ``classifier__module...``
of one ``Pipeline`` (``sklecg.nn.report_network_grid``), searched
by ``GridSearchCV`` with a single train/test split: the intra-patient split
of the Kaggle papers, a stratified random 80/20 split of all 109,398 beats
(seed 0, AAMI classes N S V F Q).

For each model the table gives the parameter count, the convolution
parameters beside the report's count, macro F1, weighted F1
and accuracy on the **full** 20 % test part, and the fit time. No model is
selected on these test scores: they are the ablation table itself. Two
figures: macro F1 against parameter count, and Grad-CAM maps (last
convolution) of test beats of every class for model 1.

CPU budget (one thread): every model is trained on a stratified subset of
``TRAIN_BEATS`` beats of the training part for ``EPOCHS`` epochs (AdamW,
lr 1e-3, batch 64, no early stopping), so the scores are below what the full
87,000 training beats and longer training give: those full-scale scores,
beside the report's, come from ``examples/full_scale_networks.py``.

Run from the repository root::

    python examples/convnet_ablation.py            # full run, ~8 min CPU
    python examples/convnet_ablation.py --quick    # smoke run, < 1 min

It prints the ablation table as markdown, then the total time; the two
figures (``ablation_f1_vs_parameters.png``, ``ablation_grad_cam.png``) go
to ``--output`` (default ``examples/figures``). The scores of a full run
are in ``examples/RESULTS.md`` (Experiment 3).

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from _common import FIGURES, load_mitbih_beats, run_cli, stratified_subset
from matplotlib.figure import Figure
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from torch import nn

from sklecg.inspection import grad_cam
from sklecg.nn import (
    REPORT_NETWORKS,
    ConvNet,
    ECGClassifier,
    count_parameters,
    report_network_grid,
)
from sklecg.plotting import GradCAMDisplay

FS = 125.0
TRAIN_BEATS, EPOCHS = 12_000, 6
QUICK_TRAIN_BEATS, QUICK_TEST_BEATS, QUICK_EPOCHS = 1_500, 1_000, 2
CAM_BEATS_PER_CLASS = 3
SCORING = {"macro F1": "f1_macro", "weighted F1": "f1_weighted", "accuracy": "accuracy"}

#: The SC4001 report's models 1-11 and its CNN-LSTM (``sklecg.nn.REPORT_NETWORKS``).
MODELS = [f"sc4001_model_{n}" for n in range(1, 12)] + ["sc4001_cnn_lstm"]

#: The same models as parameter grids of :func:`make_pipeline` (one point
#: each): pass it to ``GridSearchCV`` as it is.
ABLATION_GRID = report_network_grid(MODELS, prefix="classifier__")


def make_pipeline(epochs: int) -> Pipeline:
    """The searched pipeline: a neural classifier on the raw beats."""
    net = ECGClassifier(
        ConvNet,
        max_epochs=epochs,
        batch_size=64,
        validation_fraction=None,
        random_state=0,
        device="cpu",
    )
    return Pipeline([("classifier", net)])


def describe(params: dict) -> str:
    """Short name of a grid point, e.g. ``ConvNet [32x3, 64x3]``."""
    module = params["classifier__module"]
    if module is not ConvNet:
        return module.__name__
    filters = params["classifier__module__filters"]
    kernels = params["classifier__module__kernel_sizes"]
    return f"ConvNet [{', '.join(f'{f}x{k}' for f, k in zip(filters, kernels))}]"


def build_module(params: dict, n_outputs: int, n_timesteps: int) -> torch.nn.Module:
    """The network a grid point trains, sized for the data."""
    prefix = "classifier__module__"
    kwargs = {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}
    return params["classifier__module"](
        n_outputs=n_outputs, n_timesteps=n_timesteps, **kwargs
    )


def intra_patient_split(y: np.ndarray, quick: bool) -> tuple[np.ndarray, np.ndarray]:
    """Stratified 80/20 split (seed 0); a stratified training subset.

    The full run tests on the whole 20 % part; ``quick`` subsamples it too.
    """
    train, test = train_test_split(
        np.arange(y.size), test_size=0.2, stratify=y, random_state=0
    )
    n_train = QUICK_TRAIN_BEATS if quick else TRAIN_BEATS
    n_test = QUICK_TEST_BEATS if quick else None
    return (
        stratified_subset(train, y, n_train),
        np.sort(stratified_subset(test, y, n_test)),
    )


def ablation_rows(search: GridSearchCV, n_outputs: int, n_timesteps: int) -> list:
    """One table row per grid point of a fitted single-split search."""
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        module = build_module(params, n_outputs, n_timesteps)
        network = REPORT_NETWORKS[MODELS[i]]
        rows.append(
            {
                "model": str(i + 1) if network.module is ConvNet else "CNN-LSTM",
                "architecture": describe(params),
                "parameters": count_parameters(module),
                "conv parameters": count_parameters(module, layer_types=(nn.Conv1d,)),
                "report's conv parameters": network.reported_conv_parameters,
                **{name: results[f"mean_test_{name}"][i] for name in SCORING},
                "fit (s)": results["mean_fit_time"][i],
            }
        )
    return rows


def plot_f1_vs_parameters(rows: list, path: Path) -> None:
    """Scatter of test macro F1 against parameter count, models labelled."""
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for row in rows:
        lstm = row["model"] == "CNN-LSTM"
        ax.scatter(
            row["parameters"],
            row["macro F1"],
            marker="s" if lstm else "o",
            color="tab:red" if lstm else "tab:blue",
        )
        ax.annotate(row["model"], (row["parameters"], row["macro F1"]), xytext=(4, 3),
                    textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set(
        xscale="log",
        xlabel="trainable parameters",
        ylabel="test macro F1",
        title="ConvNet models 1-11 (circles) and CNN-LSTM (square)",
    )
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=90)


def plot_grad_cam(model, X, y, classes, path: Path, rng) -> None:
    """Grad-CAM maps of a few beats of every class (one row per class)."""
    fig = Figure(
        figsize=(3.4 * CAM_BEATS_PER_CLASS, 1.9 * len(classes)), layout="constrained"
    )
    axes = fig.subplots(len(classes), CAM_BEATS_PER_CLASS, sharex=True)
    for row, label in zip(axes, classes):
        chosen = rng.choice(np.flatnonzero(y == label), len(row), replace=False)
        cams = grad_cam(model, X[chosen], target=label)
        predicted = model.predict(X[chosen])
        for ax, index, cam, guess in zip(row, chosen, cams, predicted):
            GradCAMDisplay.from_cam(
                X[index], cam, fs=FS, title=f"true {label}, predicted {guess}", ax=ax
            )
            ax.set(xlabel="", ylabel="")
    fig.suptitle("Grad-CAM of model 1 (last convolution) for the true class")
    fig.savefig(path, dpi=80)


def run(data_home=None, quick: bool = False, output=None) -> list[dict]:
    """Train every model, score it on the test part, draw the figures."""
    output = Path(output or FIGURES)
    output.mkdir(parents=True, exist_ok=True)
    beats = load_mitbih_beats(data_home)
    X, y = beats.data, beats.target_names[beats.target]
    train, test = intra_patient_split(y, quick)
    print(f"{train.size} training beats, {test.size} test beats", flush=True)
    epochs = QUICK_EPOCHS if quick else EPOCHS
    pipe = make_pipeline(epochs)
    # one split: index into the concatenation of training and test beats
    both = np.concatenate([train, test])
    split = [(np.arange(train.size), np.arange(train.size, both.size))]
    search = GridSearchCV(
        pipe, ABLATION_GRID, scoring=SCORING, refit=False, cv=split, verbose=2
    )
    search.fit(X[both], y[both])
    n_outputs, n_timesteps = len(beats.target_names), X.shape[1]
    majority = np.full(test.size, "N")
    rows = ablation_rows(search, n_outputs, n_timesteps) + [
        {
            "model": "majority class",
            "parameters": 0,
            "macro F1": f1_score(y[test], majority, average="macro"),
            "weighted F1": f1_score(y[test], majority, average="weighted"),
            "accuracy": np.mean(y[test] == majority),
        }
    ]
    plot_f1_vs_parameters(rows[:-1], output / "ablation_f1_vs_parameters.png")
    print("refitting model 1 for Grad-CAM", flush=True)
    model = clone(pipe).set_params(**search.cv_results_["params"][0])
    model.fit(X[train], y[train])
    rng = np.random.default_rng(0)
    path = output / "ablation_grad_cam.png"
    plot_grad_cam(model, X[test], y[test], beats.target_names, path, rng)
    return rows


def main(argv=None) -> None:
    quick = (
        f"{QUICK_TRAIN_BEATS} training / {QUICK_TEST_BEATS} test beats, "
        f"{QUICK_EPOCHS} epochs"
    )
    run_cli(run, __doc__, quick, argv=argv, output=FIGURES)


if __name__ == "__main__":
    main()
