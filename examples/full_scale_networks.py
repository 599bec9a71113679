"""The reports' networks trained on all MIT-BIH training beats, beside their numbers.

On the intra-patient split of the Kaggle-cut papers (a stratified random
80/20 split of all beats of ``fetch_mitbih_beats``, seed 0: 87,518 training
and 21,880 test beats, AAMI classes N S V F Q), every network of the five
reference reports that works on single beats (``sklecg.nn.report_network``)
is trained on the **full** training part and scored once on the **full**
test part, next to the sklecg network recipe
(``sklecg.recipes.mitbih_network_pipeline``, a soft vote of five networks),
one five-block ``ConvNet`` of 30 epochs (the earlier recipe) and a random
forest on the raw beats. When the optional ``aeon`` package is installed
(``pip install -e .[benchmark]``), MiniRocket on the raw beats joins them:
aeon's ``MiniRocket`` transform (about 10,000 features) followed by
standardisation and a multinomial logistic regression, the classifier the
ROCKET authors advise for large training sets (aeon's
``MiniRocketClassifier`` uses a ridge classifier with leave-one-out
cross-validation, whose SVD of a 87,518 x 9,996 table does not fit in
24 GiB). Each row follows its report's protocol where the CPU allows it:

* PyTorch report (Simple, Four-layer, Residual, Coupled CNN): z-scored
  beats, AdamW (lr 1e-3, weight decay 1e-3), batch 128;
* USTH report: SMOTE (k=5) of every class up to the N count, then its 1-D
  CNN with Adam (lr 1e-3), batch 128;
* SC4001 report (models 1-11, CNN-LSTM): beats in [0, 1], AdamW lr 1e-3,
  batch 128;
* Technion report: class-weighted cross-entropy (balanced weights), Adam
  lr 1e-3, batch 128.

One row, ``sc4001_model_11 fp32``, trains model 11 again in full
precision: its scores against the bf16 row show what bfloat16 costs.

Every network keeps the weights of its epoch with the lowest loss on a
stratified 10 % validation part of the training beats. The reports train
for 40-100 epochs with early stopping; on a 2-core CPU the rows here use
``EPOCHS`` epochs along a cosine learning-rate schedule, which converges
in fewer epochs, and bfloat16 autocast (``precision="bf16"``), which
``benchmarks/bench_training.py`` shows holds the score. The table states
the epochs run and the fit time of every row.

The run is resumable: each finished row is appended to
``<output>/full_scale_networks.jsonl`` (default ``examples/results``; one
JSON object per line) and rows already there are not trained again, so a
stopped run loses at most the row in progress. Rows run in the order of
``ROWS`` (cheapest and most telling first). It prints a line per trained
row, then the table of every row in the file as markdown, and the total
time. The scores of the full run are in ``examples/RESULTS.md`` (section
"Full-scale networks").

Run from the repository root::

    python examples/full_scale_networks.py --threads 2   # full run, hours on CPU
    python examples/full_scale_networks.py --quick       # smoke run, < 1 min

The PhysioNet mirror is read from ``SKLECG_PHYSIONET_MIRROR`` (default
``../shared/data/physionet``); parsed beats are cached in ``--data-home``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from _common import EXAMPLES, append_row, load_example, load_rows, run_cli
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
    recall_score,
)
from sklearn.preprocessing import StandardScaler

from sklecg.metrics import specificity_score
from sklecg.nn import ConvNet, ECGClassifier, count_parameters, report_network
from sklecg.preprocessing import SignalScaler
from sklecg.recipes import mitbih_network_pipeline

RESULTS = EXAMPLES / "results"
RESULTS_FILE = "full_scale_networks.jsonl"
FP32 = " fp32"
CLASSES = ["N", "S", "V", "F", "Q"]
EPOCHS, BATCH = 12, 128
#: one five-block ConvNet (365,317 parameters) of 30 epochs, the earlier recipe
CONVNET_FIVE_BLOCKS = "convnet_five_blocks, 30 epochs"
QUICK_TRAIN, QUICK_TEST, QUICK_EPOCHS = 1_500, 600, 1
MINIROCKET = "minirocket"
HAS_AEON = importlib.util.find_spec("aeon") is not None
QUICK_ROWS = ("random forest", "recipe", "pytorch_simple_cnn", "usth_cnn")

#: The reports' numbers, in their own metrics (macro F1 for SC4001's models,
#: weighted F1 for its CNN-LSTM, as their values read).
REPORTED = {
    "pytorch_simple_cnn": {"F1 (macro)": 0.9012, "F1 (w)": 0.9807},
    "pytorch_four_layer_cnn": {"F1 (macro)": 0.9171},
    "pytorch_residual_cnn": {"F1 (macro)": 0.9154},
    "pytorch_coupled_cnn": {
        "F1 (macro)": 0.9290,
        "F1 (w)": 0.9869,
        "specificity (w)": 0.9630,
    },
    "usth_cnn": {"accuracy": 0.9464, "F1 S": 0.50, "F1 F": 0.72},
    **{
        f"sc4001_model_{n}": {"F1 (macro)": score}
        for n, score in zip(
            range(1, 12),
            (
                0.892,
                0.892,
                0.890,
                0.888,
                0.878,
                0.915,
                0.917,
                0.917,
                0.921,
                0.916,
                0.920,
            ),
        )
    },
    "sc4001_cnn_lstm": {"F1 (w)": 0.983},
    "technion_cnn": {"accuracy": 0.9726, "balanced accuracy": 0.938},
}

_REPORT_OPTIMIZER = {"pytorch": "adamw", "usth": "adam", "sc4001": "adamw"}


def _network(name: str, epochs: int) -> ECGClassifier:
    """A report network with the settings every row shares."""
    report = name.split("_")[0]
    return ECGClassifier(
        **report_network(name),
        optimizer=_REPORT_OPTIMIZER.get(report, "adam"),
        lr=1e-3,
        max_epochs=epochs,
        batch_size=BATCH,
        validation_fraction=0.1,
        patience=epochs,  # never stops early; restores the best epoch
        lr_scheduler="cosine",
        class_weight="balanced" if report == "technion" else None,
        precision="bf16",
        random_state=0,
    )


def make_estimator(row: str, epochs: int):
    """The unfitted estimator of one row of ``ROWS``.

    A row named ``"<row> fp32"`` is ``<row>`` trained in full precision, to
    check that bfloat16 holds the score; ``"<row>, <n> epochs"`` is ``<row>``
    (the caller passes ``epochs=n``, see :func:`row_epochs`).
    """
    row = report_row(row)
    if row.endswith(FP32):
        return make_estimator(row.removesuffix(FP32), epochs).set_params(
            net__precision="fp32"
        )
    if row == "random forest":
        return RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0)
    if row == MINIROCKET:
        from aeon.transformations.collection.convolution_based import MiniRocket

        return Pipeline(
            [
                ("minirocket", MiniRocket(random_state=0)),
                ("scale", StandardScaler()),
                ("logistic", LogisticRegression(max_iter=1_000)),
            ]
        )
    if row == "recipe":
        return mitbih_network_pipeline(max_epochs=epochs)
    if row == report_row(CONVNET_FIVE_BLOCKS):
        net = ECGClassifier(
            ConvNet,
            module__filters=(32, 64, 128, 128, 256),
            module__kernel_sizes=(7, 5, 5, 3, 3),
            module__n_hidden=128,
            module__dropout=0.3,
            lr=2e-3,
            max_epochs=epochs,
            batch_size=BATCH,
            validation_fraction=0.1,
            patience=None,
            lr_scheduler="cosine",
            precision="bf16",
            random_state=0,
        )
        return Pipeline([("net", net)])
    net = _network(row, epochs)
    if row.startswith("pytorch"):
        return Pipeline([("scale", SignalScaler()), ("net", net)])
    if row == "usth_cnn":
        smote = SMOTE(k_neighbors=5, random_state=0)
        return Pipeline([("smote", smote), ("net", net)])
    return Pipeline([("net", net)])


#: Row order: the recipe and the peer first, then by cost (SMOTE to the N
#: count makes the USTH row's epochs five times longer than the others').
ROWS = (
    "recipe",
    CONVNET_FIVE_BLOCKS,
    "random forest",
    *((MINIROCKET,) if HAS_AEON else ()),
    "pytorch_simple_cnn",
    "pytorch_coupled_cnn",
    "pytorch_four_layer_cnn",
    "sc4001_model_11",
    "sc4001_model_11" + FP32,
    "sc4001_model_1",
    "sc4001_model_6",
    "sc4001_model_7",
    "sc4001_cnn_lstm",
    "technion_cnn",
    "sc4001_model_8",
    "sc4001_model_2",
    "sc4001_model_3",
    "sc4001_model_4",
    "sc4001_model_5",
    "pytorch_residual_cnn",
    "sc4001_model_9",
    "sc4001_model_10",
    "usth_cnn",
    # the rows that missed their report's number in EPOCHS epochs, cheapest first
    "sc4001_cnn_lstm, 30 epochs",
    "pytorch_simple_cnn, 30 epochs",
    "pytorch_coupled_cnn, 30 epochs",
    "technion_cnn, 30 epochs",
)


def scores(y_true, y_pred) -> dict:
    """The metrics of every report, on string labels."""
    out = {
        "accuracy": accuracy_score(y_true, y_pred),
        "balanced accuracy": balanced_accuracy_score(y_true, y_pred),
        "F1 (macro)": f1_score(y_true, y_pred, average="macro"),
        "F1 (w)": f1_score(y_true, y_pred, average="weighted"),
        "recall (w)": recall_score(y_true, y_pred, average="weighted"),
        "precision (w)": precision_score(
            y_true, y_pred, average="weighted", zero_division=0
        ),
        "specificity (w)": specificity_score(y_true, y_pred, average="weighted"),
    }
    per_class = f1_score(y_true, y_pred, labels=CLASSES, average=None)
    out.update({f"F1 {c}": float(v) for c, v in zip(CLASSES, per_class)})
    return {key: float(value) for key, value in out.items()}


def _networks(model) -> list[ECGClassifier]:
    """The fitted networks of a row: a pipeline's last step or a vote's members."""
    last = model.steps[-1][1] if hasattr(model, "steps") else model
    members = getattr(last, "estimators_", [last])
    return [net for net in members if isinstance(net, ECGClassifier)]


def _split(data_home, quick: bool):
    """Training and test beats of the comparison script's intra-patient split."""
    sizes = (QUICK_TRAIN, QUICK_TEST) if quick else (None, None)
    X, y, train, test = load_example("mitbih_model_comparison").intra_patient_split(
        data_home, *sizes
    )
    return X[train], y[train], X[test], y[test]


def _longer(row: str) -> tuple[str, int | None]:
    """(name, n) for a row named "<name>, <n> epochs", else (row, None)."""
    name, comma, count = row.rpartition(", ")
    number, _, unit = count.partition(" ")
    if comma and unit == "epochs" and number.isdigit():
        return name, int(number)
    return row, None


def report_row(row: str) -> str:
    """The row whose report and network a row trains (without ``", <n> epochs"``)."""
    return _longer(row)[0]


def row_epochs(row: str, quick: bool = False) -> int:
    """The epochs a row trains for.

    ``QUICK_EPOCHS`` in a quick run; ``n`` for ``"<row>, <n> epochs"`` (the
    earlier recipe, and longer trainings of rows that missed their report's
    number); else ``EPOCHS``.
    """
    if quick:
        return QUICK_EPOCHS
    longer = _longer(row)[1]
    return EPOCHS if longer is None else longer


def _table_row(record: dict) -> dict:
    """One printed row: our scores, the report's in brackets where it has one."""
    reported = REPORTED.get(report_row(record["row"]), {})
    row = {"model": record["row"], "parameters": record["parameters"]}
    for metric in ("F1 (macro)", "F1 (w)", "accuracy", "specificity (w)"):
        row[metric] = f"{record['scores'][metric]:.4f}"  # as the reports print
    row["report's number"] = ", ".join(f"{k} {v}" for k, v in reported.items())
    met = all(record["scores"][k] >= v for k, v in reported.items())
    row["meets it"] = ("yes" if met else "no") if reported else ""
    row.update(
        {
            "F1 S": f"{record['scores']['F1 S']:.4f}",
            "F1 F": f"{record['scores']['F1 F']:.4f}",
            "epochs": record["epochs"],
            "fit (s)": record["fit (s)"],
        }
    )
    return row


def run(data_home=None, quick: bool = False, output: str | None = None) -> list:
    """Train every missing row, append it to the results file, return all rows."""
    path = Path(output or RESULTS) / RESULTS_FILE
    done = {record["row"] for record in load_rows(path)}
    X_train, y_train, X_test, y_test = _split(data_home, quick)
    for row in QUICK_ROWS if quick else ROWS:
        if row in done:
            continue
        model = make_estimator(row, row_epochs(row, quick))
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        networks = _networks(model)
        record = {
            "row": row,
            "scores": scores(y_test, model.predict(X_test)),
            "parameters": (
                sum(count_parameters(net.module_) for net in networks)
                if networks
                else None
            ),
            "epochs": max((len(net.history_) for net in networks), default=None),
            "fit (s)": round(fit_s, 1),
            "training beats": len(y_train),
            "test beats": len(y_test),
            "date": time.strftime("%Y-%m-%d"),
        }
        append_row(path, record)
        print(f"{row}: macro F1 {record['scores']['F1 (macro)']:.4f}", flush=True)
    return [_table_row(record) for record in load_rows(path)]


def main(argv=None) -> None:
    quick = (
        f"{QUICK_TRAIN} training / {QUICK_TEST} test beats, {QUICK_EPOCHS} epoch, "
        f"rows {', '.join(QUICK_ROWS)}"
    )
    run_cli(run, __doc__, quick, argv=argv, output=RESULTS)


if __name__ == "__main__":
    main()
