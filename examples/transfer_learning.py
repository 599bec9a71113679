"""Hyper-parameter search and transfer learning to unseen MIT-BIH patients.

The Technion report's experiment, on the inter-patient split of de Chazal
et al. (DS1 records for training, DS2 records never seen; AAMI classes
N S V F, the almost absent Q dropped, paced records left out):

1. ``RandomizedSearchCV`` over the optimizer (Adam, RMSprop, SGD), the
   learning rate (log-uniform 1e-4..1e-2), the weight decay (log-uniform
   1e-5..1e-3) and the batch size (64..256) of a ``sklecg.nn.ConvNet``
   (model 1 of ``convnet_ablation.py``: 5 blocks of Conv1d(32, 3) +
   BatchNorm, a hidden dense layer, the output layer), scored by macro F1
   with patient-wise 3-fold CV on DS1 (``PatientStratifiedKFold``, the
   record as group).
2. The best setting is trained on DS1 (the reference: no adaptation). Then
   a small labelled fraction of every DS2 record's beats (``ADAPT_FRACTION``,
   drawn at random per record) adapts it to the new patients:
   ``ECGClassifier(init_from=<DS1 network>, n_trainable_layers=k)`` retrains
   the last k layers with parameters (k = 1: the new output layer; 2: + the
   hidden dense layer, every convolution frozen; 3: + the last batch norm;
   4: + the last convolution), a ``GridSearchCV`` over k (plus "all layers"
   and "from scratch on the fraction" rows). Every row is scored on
   the same held-out rest of the DS2 beats (accuracy, macro F1) with its
   training time -- the report's accuracy/time-vs-k plot.
3. t-SNE (``sklearn.manifold.TSNE``) of held-out DS2 beats in the DS1
   network's feature space, coloured by class: the output of the last
   convolutional block (flattened) and the penultimate layer
   (``sklecg.inspection.embeddings``).

CPU budget (one thread): the search runs on a stratified subset of
``SEARCH_BEATS`` DS1 beats (``N_ITER`` candidates x 3 folds, ``EPOCHS``
epochs, no early stopping), the DS1 model on ``TRAIN_BEATS`` DS1 beats; the
adaptation uses every DS2 record and scores the full held-out DS2 rest.

Run from the repository root::

    python examples/transfer_learning.py            # full run, ~5 min CPU
    python examples/transfer_learning.py --quick    # smoke run, < 1 min

It prints the search and adaptation tables as markdown, then the total
time; the figures (``transfer_*.png``: the candidates' CV scores, accuracy
and training time against k, the t-SNE maps) go to ``--output`` (default
``examples/figures``). The scores of a full run are in
``examples/RESULTS.md`` (Experiment 5).

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import FIGURES, load_mitbih_beats, run_cli, stratified_subset
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from scipy.stats import loguniform, randint
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
)
from sklearn.pipeline import Pipeline

from sklecg.inspection import embeddings
from sklecg.model_selection import InterPatientSplit, PatientStratifiedKFold
from sklecg.nn import ConvNet, ECGClassifier, count_parameters, transfer_module
from sklecg.plotting import EmbeddingDisplay

CLASSES = ["N", "S", "V", "F"]
SCORING = {"accuracy": "accuracy", "macro F1": "f1_macro"}
ADAPT_FRACTION = 0.05
K_VALUES = [1, 2, 3, 4]
#: full and quick (``--quick``) sizes: beats, epochs, search candidates
SIZES = {
    False: {
        "search_beats": 6_000,
        "train_beats": 15_000,
        "ds2_beats": None,
        "epochs": 5,
        "adapt_epochs": 10,
        "n_iter": 8,
        "tsne_beats": 2_000,
    },
    True: {
        "search_beats": 1_200,
        "train_beats": 3_000,
        "ds2_beats": 3_000,
        "epochs": 3,
        "adapt_epochs": 5,
        "n_iter": 2,
        "tsne_beats": 300,
    },
}
SEARCH_SPACE = {
    "classifier__optimizer": ["adam", "rmsprop", "sgd"],
    "classifier__lr": loguniform(1e-4, 1e-2),
    "classifier__optimizer__weight_decay": loguniform(1e-5, 1e-3),
    "classifier__batch_size": randint(64, 257),
}


def make_pipeline(epochs: int, **params) -> Pipeline:
    """ConvNet (model 1 of the ablation) on the raw beats."""
    net = ECGClassifier(
        ConvNet,
        max_epochs=epochs,
        validation_fraction=None,
        random_state=0,
        device="cpu",
        **params,
    )
    return Pipeline([("classifier", net)])


def per_class_subset(index, y, size: int, rng) -> np.ndarray:
    """Up to ``size // n_classes`` random beats of every class of ``index``."""
    labels = np.unique(y[index])
    cap = size // labels.size
    chosen = [index[y[index] == label] for label in labels]
    picks = [rng.choice(c, min(cap, c.size), replace=False) for c in chosen]
    return np.sort(np.concatenate(picks))


def labelled_fraction(index, groups, fraction: float, rng) -> tuple:
    """Split ``index`` into a random ``fraction`` of every record's beats
    (at least one) and the rest."""
    chosen = []
    for record in np.unique(groups[index]):
        beats = index[groups[index] == record]
        size = max(1, round(fraction * beats.size))
        chosen.append(rng.choice(beats, size, replace=False))
    labelled = np.sort(np.concatenate(chosen))
    return labelled, np.setdiff1d(index, labelled)


def search_hyperparameters(X, y, groups, sizes: dict) -> RandomizedSearchCV:
    """Randomized search with patient-wise CV on the DS1 subset."""
    search = RandomizedSearchCV(
        make_pipeline(sizes["epochs"]),
        SEARCH_SPACE,
        n_iter=sizes["n_iter"],
        scoring="f1_macro",
        cv=PatientStratifiedKFold(n_splits=3, random_state=0),
        refit=False,
        random_state=0,
        verbose=2,
    )
    with warnings.catch_warnings():
        # F beats come from few DS1 records: some folds hold none of them
        warnings.filterwarnings("ignore", message="Class .* occurs in")
        return search.fit(X, y, groups=groups)


def search_rows(search: RandomizedSearchCV) -> list[dict]:
    """One row per candidate, best first."""
    results = search.cv_results_
    rows = [
        {
            "rank": int(results["rank_test_score"][i]),
            "optimizer": params["classifier__optimizer"],
            "lr": f"{params['classifier__lr']:.2e}",
            "weight decay": f"{params['classifier__optimizer__weight_decay']:.1e}",
            "batch size": int(params["classifier__batch_size"]),
            "CV macro F1": results["mean_test_score"][i],
            "CV std": results["std_test_score"][i],
            "fit (s)": results["mean_fit_time"][i],
        }
        for i, params in enumerate(results["params"])
    ]
    return sorted(rows, key=lambda row: row["rank"])


#: The adaptation search: last k layers, all layers, from scratch.
ADAPTATION_GRID = [
    {"classifier__n_trainable_layers": [*K_VALUES, None]},
    {
        "classifier__init_from": [None],
        "classifier__module": [ConvNet],
    },
]


def adapt(model: Pipeline, X, y, labelled, held_out, epochs: int) -> GridSearchCV:
    """Fit every adaptation setting on ``labelled``, score it on ``held_out``."""
    source = model[-1].module_
    net = ECGClassifier(
        init_from=source,
        max_epochs=epochs,
        validation_fraction=None,
        random_state=0,
        device="cpu",
    )
    both = np.concatenate([labelled, held_out])
    split = [(np.arange(labelled.size), np.arange(labelled.size, both.size))]
    search = GridSearchCV(
        Pipeline([("classifier", net)]),
        ADAPTATION_GRID,
        scoring=SCORING,
        cv=split,
        refit=False,
    )
    return search.fit(X[both], y[both])


def adaptation_rows(search: GridSearchCV, source, n_classes: int) -> list[dict]:
    """One row per adaptation setting with its trainable parameter count."""
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        k = params.get("classifier__n_trainable_layers", "scratch")
        if k == "scratch":
            setting = "from scratch on the DS2 fraction"
            trainable = count_parameters(ConvNet(n_outputs=n_classes))
        else:
            setting = "all layers" if k is None else f"last {k}"
            module, _ = transfer_module(source, n_classes, k)
            trainable = count_parameters(module, trainable_only=True)
        rows.append(
            {
                "adaptation": setting,
                "k": k,
                "trainable parameters": trainable,
                **{name: results[f"mean_test_{name}"][i] for name in SCORING},
                "fit (s)": results["mean_fit_time"][i],
            }
        )
    return rows


def plot_search(rows: list[dict], path: Path) -> None:
    """CV macro F1 of every candidate against its learning rate."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for optimizer in SEARCH_SPACE["classifier__optimizer"]:
        mine = [row for row in rows if row["optimizer"] == optimizer]
        ax.scatter(
            [float(row["lr"]) for row in mine],
            [row["CV macro F1"] for row in mine],
            label=optimizer,
        )
    ax.set(
        xscale="log",
        xlabel="learning rate",
        ylabel="patient-wise 3-fold CV macro F1",
        title="RandomizedSearchCV on DS1",
    )
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(frameon=False)
    fig.savefig(path, dpi=90)


def plot_adaptation(rows: list[dict], reference: dict, path: Path) -> None:
    """Accuracy, macro F1 and training time against k (the report's plot)."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    scores, times = fig.subplots(1, 2)
    ks = [row for row in rows if row["k"] in K_VALUES]
    x = [row["k"] for row in ks]
    for name, color in zip(SCORING, ("tab:blue", "tab:orange")):
        scores.plot(x, [row[name] for row in ks], "o-", color=color, label=name)
        scores.axhline(reference[name], ls="--", color=color, label=f"{name}, DS1 only")
    scores.set(
        xlabel="k (last layers retrained)",
        ylabel="held-out DS2 score",
        xticks=x,
        title=f"adapted with {ADAPT_FRACTION:.0%} of each DS2 record",
    )
    scores.legend(
        frameon=False, fontsize=8, loc="lower right", bbox_to_anchor=(1, 0.12)
    )
    times.bar(x, [row["fit (s)"] for row in ks], color="tab:gray")
    times.set(
        xlabel="k (last layers retrained)",
        ylabel="training time (s, wall clock)",
        xticks=x,
    )
    fig.savefig(path, dpi=90)


def last_conv_features(model: Pipeline, X) -> np.ndarray:
    """Flattened output of the last convolutional block of a fitted ConvNet."""
    net = model[-1]
    net.module_.eval()
    with torch.no_grad():
        return net.module_.blocks(net.prepare_input(X)).cpu().numpy()


def plot_tsne(model: Pipeline, X, y, path: Path) -> None:
    """t-SNE of two layers of the DS1 network, coloured by class."""
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    layers = {
        "last convolutional block": last_conv_features(model, X),
        "penultimate layer": embeddings(model, X),
    }
    for ax, (name, features) in zip(axes, layers.items()):
        EmbeddingDisplay.from_embeddings(features, y, random_state=0, ax=ax)
        ax.set_title(f"t-SNE, {name} ({features.shape[1]} features)")
    fig.suptitle("Held-out DS2 beats in the feature space of the DS1 network")
    fig.savefig(path, dpi=70)


def load_inter_patient(data_home):
    """``(X, y, groups, ds1, ds2)``: beats, labels, records, N/S/V/F halves."""
    beats = load_mitbih_beats(data_home)
    X, y, groups = beats.data, beats.target_names[beats.target], beats.groups
    ds1, ds2 = next(InterPatientSplit().split(X, y, groups))
    return X, y, groups, ds1[y[ds1] != "Q"], ds2[y[ds2] != "Q"]


def run(data_home=None, quick: bool = False, output=None) -> list[dict]:
    """Search, train on DS1, adapt to DS2, draw the figures; return the rows.

    Every row has a ``"part"``: ``"search"`` (one per candidate) or
    ``"transfer"`` (the DS1 reference and one per adaptation setting).
    """
    sizes = SIZES[quick]
    output = Path(output or FIGURES)
    output.mkdir(parents=True, exist_ok=True)
    X, y, groups, ds1, ds2 = load_inter_patient(data_home)
    searched = stratified_subset(ds1, y, sizes["search_beats"])
    print(f"search: {searched.size} DS1 beats", flush=True)
    search = search_hyperparameters(X[searched], y[searched], groups[searched], sizes)
    found = search_rows(search)
    plot_search(found, output / "transfer_search.png")
    print(f"best: {search.best_params_}", flush=True)

    train = stratified_subset(ds1, y, sizes["train_beats"])
    model = clone(make_pipeline(sizes["epochs"])).set_params(**search.best_params_)
    start = time.perf_counter()
    model.fit(X[train], y[train])
    fit_s = time.perf_counter() - start
    ds2 = stratified_subset(ds2, y, sizes["ds2_beats"])
    rng = np.random.default_rng(0)
    labelled, held_out = labelled_fraction(ds2, groups, ADAPT_FRACTION, rng)
    print(
        f"DS1 model: {train.size} beats, {fit_s:.0f} s; DS2: {labelled.size} "
        f"labelled, {held_out.size} held-out beats",
        flush=True,
    )
    majority = DummyClassifier(strategy="most_frequent").fit(X[train], y[train])
    reference, baseline = (
        {
            "adaptation": name,
            "k": 0,
            "trainable parameters": 0,
            **{
                score: get_scorer(scorer)(estimator, X[held_out], y[held_out])
                for score, scorer in SCORING.items()
            },
        }
        for name, estimator in [
            ("none (DS1 model)", model),
            ("majority class of DS1 (N)", majority),
        ]
    )
    reference["fit (s)"] = fit_s
    adapted = adapt(model, X, y, labelled, held_out, sizes["adapt_epochs"])
    source = model[-1].module_
    transfer = [reference, *adaptation_rows(adapted, source, len(CLASSES)), baseline]
    plot_adaptation(transfer, reference, output / "transfer_accuracy_vs_k.png")
    shown = per_class_subset(held_out, y, sizes["tsne_beats"], rng)
    plot_tsne(model, X[shown], y[shown], output / "transfer_tsne.png")
    return [{"part": "search", **row} for row in found] + [
        {"part": "transfer", **row} for row in transfer
    ]


def main(argv=None) -> None:
    run_cli(run, __doc__, "small subsets", argv=argv, group="part", output=FIGURES)


if __name__ == "__main__":
    main()
