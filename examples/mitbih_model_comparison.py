"""MIT-BIH model comparison and training studies (the PyTorch report).

On the intra-patient split of the Kaggle papers (a stratified random 80/20
split of all 109,398 MIT-BIH beats of ``fetch_mitbih_beats``, seed 0, AAMI
classes N S V F Q), one ``Pipeline`` holding an ``sklecg.nn.ECGClassifier``
is

1. fitted with each of the report's four networks -- the Simple CNN
   (52,229 parameters), Four-layer CNN (217,925), Residual CNN (1,349,637;
   the report: 1,354,981) and Coupled CNN (1,676,645; the report:
   1,686,725), ``sklecg.nn.report_network("pytorch_...")`` -- and scored on
   the **full** 20 % test
   part: parameter count, weighted recall, specificity, precision and F1,
   macro F1, accuracy (``cross_validate`` with that one train/test split);
2. tuned in four studies, each a ``GridSearchCV`` over the same pipeline
   with ``ConvNet()`` (5 blocks of 32 filters of size 3 with BatchNorm,
   23,493 parameters: on this CPU it learns the most per second of
   training, which the studies need): optimizer (Adam vs AdamW, both with
   weight decay 1e-3), ``ReduceLROnPlateau`` factor (none, 0.2, 0.5, 0.8;
   patience one epoch), class-weight exponent alpha (0, 0.1, 0.5, 1 of the
   balanced weights) and balanced-sampler ratio (none, 0.1, 0.25, 0.5, 1).
   The studies never see the test part: they are scored on one stratified
   validation fold holding 25 % of a ``STUDY_BEATS``-beat subset of the
   training beats;
3. finally, the network with the lowest loss on its own early-stopping
   validation split (10 % of its training data) is refitted with the best
   setting of every study (by validation macro F1; of equal scores the
   first listed) and scored once on the test part (the ``"..., tuned"``
   row); its confusion matrix is drawn. No choice is made on test scores.

CPU budget (one thread): the four networks are trained on a stratified
subset of ``TRAIN_BEATS`` = 10,000 beats of the 87,518-beat training part,
the studies on ``STUDY_BEATS`` = 5,000 of those, for at most ``EPOCHS`` = 8
epochs (batch 128, AdamW, lr 1e-3, early stopping with patience 3 on an
internal 10 % validation split), so the scores are below what the full
training part and longer training give.

Run from the repository root::

    python examples/mitbih_model_comparison.py            # full run, ~9 min CPU
    python examples/mitbih_model_comparison.py --quick    # smoke run, < 1 min

It prints the model table and the study table as markdown, then the total
time; the figures (``comparison_models.png``, one
``comparison_<study>.png`` per study and the tuned network's
``comparison_confusion.png``) go to ``--output`` (default
``examples/figures``). The scores of a full run are in
``examples/RESULTS.md`` (Experiment 2).

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from _common import FIGURES, load_mitbih_beats, run_cli, stratified_subset
from matplotlib.figure import Figure
from sklearn.metrics import make_scorer, precision_score
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.pipeline import Pipeline

from sklecg.metrics import get_scorer
from sklecg.nn import (
    ConvNet,
    ECGClassifier,
    SimpleCNN,
    count_parameters,
    report_network,
)
from sklecg.plotting import NormalizedConfusionMatrixDisplay

CLASSES = ["N", "S", "V", "F", "Q"]
TRAIN_BEATS, STUDY_BEATS, EPOCHS, BATCH = 10_000, 5_000, 8, 128
QUICK_TRAIN_BEATS, QUICK_STUDY_BEATS, QUICK_TEST_BEATS = 1_000, 600, 600
QUICK_EPOCHS, QUICK_BATCH = 2, 32
VALIDATION_SHARE = 0.25
SCORING = {
    "recall (w)": "recall_weighted",
    "specificity (w)": get_scorer("specificity_weighted"),
    "precision (w)": make_scorer(precision_score, average="weighted", zero_division=0),
    "F1 (w)": "f1_weighted",
    "F1 (macro)": "f1_macro",
    "accuracy": "accuracy",
}

#: The report's four networks as ``module`` settings of the pipeline.
#: (``sklecg.nn.report_network``: the published parameter counts, within 1 %)
MODELS = {
    "Simple CNN": report_network("pytorch_simple_cnn", "net__"),
    "Four-layer CNN": report_network("pytorch_four_layer_cnn", "net__"),
    "Residual CNN": report_network("pytorch_residual_cnn", "net__"),
    "Coupled CNN": report_network("pytorch_coupled_cnn", "net__"),
}

#: The network of the four studies: ``ConvNet()``, 5 blocks of 32 filters of
#: size 3 with BatchNorm, the fastest learner per CPU second here.
STUDY_MODEL = {"net__module": ConvNet}

#: ``{study: (parameter grid, name of the varied setting)}``.
STUDIES = {
    "optimizer": ({"net__optimizer": ["adam", "adamw"]}, "net__optimizer"),
    "plateau": (
        [
            {"net__lr_scheduler": [None]},
            {
                "net__lr_scheduler": ["plateau"],
                "net__lr_factor": [0.2, 0.5, 0.8],
                "net__callbacks__lr_scheduler__patience": [1],
            },
        ],
        "net__lr_factor",
    ),
    "class_weight": (
        {
            "net__class_weight": ["balanced"],
            "net__class_weight_alpha": [0.0, 0.1, 0.5, 1.0],
        },
        "net__class_weight_alpha",
    ),
    "sampler": (
        {"net__sampler_ratio": [None, 0.1, 0.25, 0.5, 1.0]},
        "net__sampler_ratio",
    ),
}


def intra_patient_split(
    data_home=None, train_size: int | None = None, test_size: int | None = None
):
    """Beats, labels and the intra-patient split, with stratified subsets.

    The beats of all 48 records are split 80/20, stratified by class (seed 0);
    ``train_size`` and ``test_size`` keep stratified subsets (seed 0) of the
    two parts (None keeps a whole part).

    Returns
    -------
    X : ndarray of shape (n_beats, 187)
    y : ndarray of str
        AAMI class letters.
    train, test : ndarray of int
        Indices of the training and test beats.
    """
    beats = load_mitbih_beats(data_home)
    y = beats.target_names[beats.target]
    train, test = train_test_split(
        np.arange(y.size), test_size=0.2, stratify=y, random_state=0
    )
    train = np.sort(stratified_subset(train, y, train_size))
    return beats.data, y, train, np.sort(stratified_subset(test, y, test_size))


def make_net(epochs: int, batch_size: int) -> ECGClassifier:
    """The neural classifier of every study (SimpleCNN unless told otherwise)."""
    return ECGClassifier(
        SimpleCNN,
        max_epochs=epochs,
        batch_size=batch_size,
        patience=3,
        random_state=0,
        device="cpu",
    )


def build_module(params: dict, n_timesteps: int) -> torch.nn.Module:
    """The network a setting of ``MODELS`` trains, sized for 5-class beats."""
    prefix = "net__module__"
    kwargs = {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}
    return params["net__module"](
        n_outputs=len(CLASSES), n_timesteps=n_timesteps, **kwargs
    )


def make_pipeline(epochs: int, batch_size: int, **params) -> Pipeline:
    """A fresh pipeline ``[("net", make_net(...))]`` with ``params`` set."""
    return Pipeline([("net", make_net(epochs, batch_size))]).set_params(**params)


def score_on_test(name: str, params: dict, training: tuple, X, y, train, test):
    """Fit the pipeline with ``params`` on ``train``, score it on ``test``.

    Returns the table row and the fitted pipeline.
    """
    scores = cross_validate(
        make_pipeline(*training, **params),
        X,
        y,
        cv=[(train, test)],
        scoring=SCORING,
        return_estimator=True,
        error_score="raise",
    )
    fitted = scores["estimator"][0]
    row = {
        "model": name,
        "parameters": count_parameters(build_module(params, X.shape[1])),
        **{key: float(scores[f"test_{key}"][0]) for key in SCORING},
        "epochs": len(fitted.named_steps["net"].history_),
        "fit (s)": float(scores["fit_time"][0]),
    }
    print(f"  {name}: test macro F1 {row['F1 (macro)']:.3f}", flush=True)
    return row, fitted


def validation_fold(train: np.ndarray, y: np.ndarray, size: int) -> list[tuple]:
    """One stratified (fit, validation) fold in a ``size``-beat training subset."""
    subset = stratified_subset(train, y, size)
    fit, validation = train_test_split(
        subset, test_size=VALIDATION_SHARE, stratify=y[subset], random_state=0
    )
    return [(np.sort(fit), np.sort(validation))]


def run_study(pipe, X, y, cv, study: str) -> tuple[list[dict], dict]:
    """``GridSearchCV`` of one study, scored on the validation fold.

    Returns the table rows and the setting with the best validation macro F1
    (of equal scores, the first listed).
    """
    grid, setting = STUDIES[study]
    search = GridSearchCV(
        pipe, grid, cv=cv, scoring=SCORING, refit=False, error_score="raise"
    )
    search.fit(X, y)
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        value = params.get(setting)
        rows.append(
            {
                "study": study,
                "setting": "none" if value is None else str(value),
                **{key: float(results[f"mean_test_{key}"][i]) for key in SCORING},
                "fit (s)": float(results["mean_fit_time"][i]),
            }
        )
        print(
            f"  {study} = {rows[-1]['setting']}: validation macro F1 "
            f"{rows[-1]['F1 (macro)']:.3f}",
            flush=True,
        )
    best = int(np.argmin(results["rank_test_F1 (macro)"]))
    return rows, results["params"][best]


def plot_models(rows: list[dict], path: Path) -> None:
    """Grouped bars of the test scores of the four networks."""
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    metrics = [key for key in SCORING if key != "accuracy"]
    width = 0.8 / len(rows)
    for i, row in enumerate(rows):
        positions = np.arange(len(metrics)) + (i - (len(rows) - 1) / 2) * width
        ax.bar(positions, [row[m] for m in metrics], width, label=row["model"])
    ax.set_xticks(np.arange(len(metrics)), metrics)
    ax.set_ylim(min(row["F1 (macro)"] for row in rows) - 0.1, 1.0)
    ax.set_ylabel("test score")
    ax.set_title("MIT-BIH intra-patient test split")
    ax.legend(fontsize="small", loc="lower left")
    fig.savefig(path, dpi=90)


def plot_study(rows: list[dict], study: str, path: Path) -> None:
    """Validation macro and weighted F1 against the studied setting."""
    fig = Figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.subplots()
    settings = [row["setting"] for row in rows]
    for metric, marker in (("F1 (macro)", "o"), ("F1 (w)", "s")):
        ax.plot(settings, [row[metric] for row in rows], marker=marker, label=metric)
    ax.set_xlabel(STUDIES[study][1].removeprefix("net__"))
    ax.set_ylabel("validation score")
    ax.set_title(f"ConvNet: {study} study")
    ax.legend()
    fig.savefig(path, dpi=90)


def plot_confusion(name: str, model, X, y, path: Path) -> None:
    """Row-normalised confusion matrix of ``model`` on the test beats."""
    display = NormalizedConfusionMatrixDisplay.from_estimator(
        model, X, y, labels=CLASSES
    )
    display.ax_.set_title(f"{name}, test split")
    display.figure_.savefig(path, dpi=80)


def run(data_home=None, quick: bool = False, output=None) -> list[dict]:
    """Run the comparison and the four studies; return the table rows.

    Rows of the model comparison have a ``"model"`` key (test scores), rows
    of the studies a ``"study"`` and a ``"setting"`` key (validation scores).
    """
    output = Path(output or FIGURES)
    output.mkdir(parents=True, exist_ok=True)
    if quick:
        sizes, study_size = (QUICK_TRAIN_BEATS, QUICK_TEST_BEATS), QUICK_STUDY_BEATS
    else:
        sizes, study_size = (TRAIN_BEATS, None), STUDY_BEATS
    X, y, train, test = intra_patient_split(data_home, *sizes)
    print(f"intra-patient split: {train.size} training, {test.size} test beats")
    training = (QUICK_EPOCHS, QUICK_BATCH) if quick else (EPOCHS, BATCH)
    rows, fitted = [], {}
    for name, params in MODELS.items():
        row, fitted[name] = score_on_test(name, params, training, X, y, train, test)
        rows.append(row)
    best = min(
        fitted,
        key=lambda name: min(fitted[name].named_steps["net"].history_[:, "valid_loss"]),
    )
    print(f"lowest early-stopping validation loss: {best}")

    pipe = make_pipeline(*training, **STUDY_MODEL)
    cv = validation_fold(train, y, study_size)
    print(f"studies: {cv[0][0].size} fitting, {cv[0][1].size} validation beats")
    tuned = dict(MODELS[best])
    study_rows = []
    for study in STUDIES:
        found, chosen = run_study(pipe, X, y, cv, study)
        plot_study(found, study, output / f"comparison_{study}.png")
        study_rows += found
        tuned.update(chosen)
    print(f"{best} with the studies' best settings: {tuned}")
    row, model = score_on_test(f"{best}, tuned", tuned, training, X, y, train, test)
    rows.append(row)
    plot_models(rows, output / "comparison_models.png")
    plot_confusion(
        row["model"], model, X[test], y[test], output / "comparison_confusion.png"
    )
    return rows + study_rows


def main(argv=None) -> None:
    quick = (
        f"{QUICK_TRAIN_BEATS} training and {QUICK_TEST_BEATS} test beats, "
        f"{QUICK_EPOCHS} epochs of batches of {QUICK_BATCH}"
    )
    run_cli(run, __doc__, quick, argv=argv, tables=("model", "study"), output=FIGURES)


if __name__ == "__main__":
    main()
