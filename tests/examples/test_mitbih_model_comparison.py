"""examples/mitbih_model_comparison.py: the --quick run on real MIT-BIH beats."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import load_example, run_quick
from sklearn.dummy import DummyClassifier
from sklearn.metrics import f1_score

SCORES = [
    "recall (w)",
    "specificity (w)",
    "precision (w)",
    "F1 (w)",
    "F1 (macro)",
    "accuracy",
]


@pytest.mark.realdata
def test_comparison_quick(physionet_mirror, sklecg_data_home, monkeypatch, tmp_path):
    example, rows = run_quick(
        "mitbih_model_comparison",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )

    models = {row["model"]: row for row in rows if "model" in row}
    *compared, tuned = models
    assert compared == ["Simple CNN", "Four-layer CNN", "Residual CNN", "Coupled CNN"]
    # the tuned row refits one of the four networks with the studies' settings
    base = tuned.removesuffix(", tuned")
    assert base in compared and tuned == f"{base}, tuned"
    assert models.pop(tuned)["parameters"] == models[base]["parameters"]
    assert {name: row["parameters"] for name, row in models.items()} == {
        "Simple CNN": 52_229,
        "Four-layer CNN": 217_925,
        "Residual CNN": 1_349_637,
        "Coupled CNN": 1_676_645,
    }

    studies = {}
    for row in rows:
        if "study" in row:
            studies.setdefault(row["study"], []).append(row["setting"])
    assert studies == {
        "optimizer": ["adam", "adamw"],
        "plateau": ["none", "0.2", "0.5", "0.8"],
        "class_weight": ["0.0", "0.1", "0.5", "1.0"],
        "sampler": ["none", "0.1", "0.25", "0.5", "1.0"],
    }
    for row in rows:
        assert all(0.0 <= row[key] <= 1.0 for key in SCORES)
        assert row["fit (s)"] > 0
        # weighted recall is accuracy, by definition
        assert row["recall (w)"] == pytest.approx(row["accuracy"])

    # the best network beats always answering the majority class N
    _, y, train, test = example.intra_patient_split(
        sklecg_data_home, example.QUICK_TRAIN_BEATS, example.QUICK_TEST_BEATS
    )
    majority = DummyClassifier().fit(np.zeros(train.size), y[train])
    baseline = f1_score(y[test], majority.predict(np.zeros(test.size)), average="macro")
    assert max(row["F1 (macro)"] for row in models.values()) > baseline + 0.1

    for name in ("models", "confusion", *studies):
        figure = tmp_path / f"comparison_{name}.png"
        assert figure.is_file() and 0 < figure.stat().st_size < 150_000


@pytest.mark.realdata
def test_split_is_stratified_and_disjoint(
    physionet_mirror, sklecg_data_home, monkeypatch
):
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(physionet_mirror))
    example = load_example("mitbih_model_comparison")
    X, y, train, test = example.intra_patient_split(sklecg_data_home, 5_000, None)
    assert X.shape == (y.size, 187)
    assert train.size == 5_000 and test.size == round(0.2 * y.size)
    assert np.intersect1d(train, test).size == 0
    shares = [np.mean(y[part] == "S") for part in (train, test)]
    assert shares == pytest.approx([np.mean(y == "S")] * 2, abs=0.002)
    fit, validation = example.validation_fold(train, y, 2_000)[0]
    assert (fit.size, validation.size) == (1_500, 500)
    assert np.isin(np.r_[fit, validation], train).all()
