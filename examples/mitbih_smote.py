"""SMOTE + 1-D CNN vs class weights vs nothing on MIT-BIH beats (USTH report).

One imbalanced-learn ``Pipeline``,
``[("resample", SMOTE or "passthrough"), ("net", ECGClassifier(ConvNet))]``,
is fitted three ways on the intra-patient split of the Kaggle papers (a
stratified random 80/20 split of all 109,398 MIT-BIH beats, seed 0, AAMI
classes N S V F Q):

* **SMOTE**: every minority class over-sampled to the size of N with
  synthetic beats (``imblearn.over_sampling.SMOTE``, 5 neighbours). The
  sampler runs only while fitting; the test beats are never resampled;
* **class weights**: no resampling, the loss weighted by the balanced class
  weights ``n / (k n_c)``;
* **nothing**: no resampling, no weights.

The network is ``sklecg.nn.ConvNet()`` (5 blocks of 32 filters of size 3
with BatchNorm, 23,493 parameters), the 1-D CNN that learns fastest on this
CPU (see ``mitbih_model_comparison.py``). The three settings are the grid of
one ``GridSearchCV`` whose single split is the train/test split; nothing is
selected on the test scores (``refit=False``): they are the table itself.
It prints a markdown table of per-class F1 (N S V F Q), macro F1, accuracy
and fit time on the **full** 20 % test part, then the total time, and draws
one bar figure (``smote_f1.png``) in ``--output`` (default
``examples/figures``). The scores of a full run are in
``examples/RESULTS.md`` (Experiment 4).

CPU budget (one thread): every setting is trained on a stratified subset of
``TRAIN_BEATS`` = 15,000 beats of the 87,518-beat training part (SMOTE turns
it into about 62,000) for at most 8 epochs (batch 128, AdamW, lr 1e-3,
early stopping with patience 3 on an internal 10 % validation split, drawn
after resampling): the training settings of ``mitbih_model_comparison.py``.

Run from the repository root::

    python examples/mitbih_smote.py            # full run, ~6 min CPU
    python examples/mitbih_smote.py --quick    # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
The beats, the split and the network come from
``examples/mitbih_model_comparison.py``.
"""

from __future__ import annotations

from pathlib import Path

import mitbih_model_comparison as comparison
import numpy as np
from _common import FIGURES, run_cli
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from matplotlib.figure import Figure
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV

from sklecg.nn import ConvNet

CLASSES = comparison.CLASSES
TRAIN_BEATS = 15_000
QUICK_TRAIN_BEATS = comparison.QUICK_TRAIN_BEATS
QUICK_HELP = (
    f"{QUICK_TRAIN_BEATS} training and {comparison.QUICK_TEST_BEATS} test beats, "
    f"{comparison.QUICK_EPOCHS} epochs"
)
SCORING = {
    **{
        f"F1 {c}": make_scorer(
            f1_score, labels=[c], average="macro", pos_label=None, zero_division=0
        )
        for c in CLASSES
    },
    "macro F1": "f1_macro",
    "accuracy": "accuracy",
}

#: ``{method: grid point}``: the three ways of handling the imbalance.
METHODS = {
    "SMOTE": {"resample": SMOTE(random_state=0)},
    "class weights": {"resample": "passthrough", "net__class_weight": "balanced"},
    "nothing": {"resample": "passthrough", "net__class_weight": None},
}


def make_pipeline(epochs: int, batch_size: int) -> Pipeline:
    """``[("resample", "passthrough"), ("net", ECGClassifier(ConvNet))]``."""
    net = comparison.make_net(epochs, batch_size).set_params(module=ConvNet)
    return Pipeline([("resample", "passthrough"), ("net", net)])


def plot_f1(rows: list[dict], path: Path) -> None:
    """Grouped bars: per-class and macro F1 of every method."""
    fig = Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.subplots()
    metrics = [f"F1 {c}" for c in CLASSES] + ["macro F1"]
    width = 0.8 / len(rows)
    for i, row in enumerate(rows):
        positions = np.arange(len(metrics)) + (i - (len(rows) - 1) / 2) * width
        ax.bar(positions, [row[m] for m in metrics], width, label=row["method"])
    ax.set_xticks(np.arange(len(metrics)), metrics)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("test F1")
    ax.set_title("MIT-BIH intra-patient test split: 1-D CNN and class imbalance")
    ax.legend(fontsize="small", loc="lower left")
    fig.savefig(path, dpi=90)


def run(data_home=None, quick: bool = False, output=None) -> list[dict]:
    """Fit the pipeline with each method, score it on the test beats."""
    output = Path(output or FIGURES)
    output.mkdir(parents=True, exist_ok=True)
    if quick:
        sizes = (QUICK_TRAIN_BEATS, comparison.QUICK_TEST_BEATS)
        training = (comparison.QUICK_EPOCHS, comparison.QUICK_BATCH)
    else:
        sizes, training = (TRAIN_BEATS, None), (comparison.EPOCHS, comparison.BATCH)
    X, y, train, test = comparison.intra_patient_split(data_home, *sizes)
    print(f"intra-patient split: {train.size} training, {test.size} test beats")
    search = GridSearchCV(
        make_pipeline(*training),
        [{key: [value] for key, value in point.items()} for point in METHODS.values()],
        cv=[(train, test)],
        scoring=SCORING,
        refit=False,
        error_score="raise",
        verbose=2,
    )
    search.fit(X, y)
    results = search.cv_results_
    rows = [
        {
            "method": next(m for m, point in METHODS.items() if point == params),
            **{key: float(results[f"mean_test_{key}"][i]) for key in SCORING},
            "fit (s)": float(results["mean_fit_time"][i]),
        }
        for i, params in enumerate(results["params"])
    ]
    plot_f1(rows, output / "smote_f1.png")
    return rows


def main(argv=None) -> None:
    run_cli(run, __doc__, QUICK_HELP, argv=argv, output=FIGURES)


if __name__ == "__main__":
    main()
