"""Tests of sklecg.recipes.cinc2017_pipeline and examples/cinc2017_recipe.py."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _examples import run_quick
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from sklecg.datasets import make_ecg_classification
from sklecg.features import BeatMorphologyFeatures, RRIntervalFeatures
from sklecg.metrics import challenge_f1_score
from sklecg.nn import RhythmResNet
from sklecg.recipes import cinc2017_pipeline
from sklecg.utils import markdown_table


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    # Gradient boosting's OpenMP threads spin against the other processes of
    # a shared 2-core machine (a 100x slow-down was measured).
    with threadpool_limits(1):
        yield


FAST = {
    "features__classifier__max_iter": 10,
    "network__network__max_epochs": 2,
}


def test_pipeline_is_unfitted_and_takes_overrides():
    pipe = cinc2017_pipeline(
        fs=250,
        features__classifier__max_iter=7,
        network__network__max_epochs=3,
    )
    assert isinstance(pipe, VotingClassifier)
    assert [name for name, _ in pipe.estimators] == ["features", "network"]
    params = pipe.get_params()
    assert (params["voting"], params["weights"]) == (
        "soft",
        [0.4, 0.6],
    )
    assert params["features__classifier__max_iter"] == 7
    # fs, given once, reaches every step that needs it
    assert params["features__features__morphology__fs"] == 250
    assert params["features__features__rhythm__fs"] == 250
    assert params["network__network__max_epochs"] == 3
    assert params["network__network__module"] is RhythmResNet
    rhythm = params["features__features__rhythm"]
    assert isinstance(rhythm, RRIntervalFeatures)
    morphology = params["features__features__morphology"]
    assert isinstance(morphology, BeatMorphologyFeatures)
    resample = params["network__resample"]
    assert (resample.length, resample.fs, resample.target_fs) == (6000, 250, 100)
    assert cinc2017_pipeline().get_params()["network__resample__fs"] == 300
    assert params["network__network__train_crop_length"] == 3000
    cloned = clone(pipe).get_params()
    assert cloned["features__classifier__max_iter"] == 7
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe)
    with pytest.raises(ValueError, match="no_such"):
        cinc2017_pipeline(features__classifier__no_such=1)
    assert cinc2017_pipeline() is not cinc2017_pipeline()


def test_recipe_fits_variable_length_synthetic_records():
    X, y = make_ecg_classification(n_samples=40, random_state=0, return_X_y=True)
    records = [x[: 600 + 20 * i] for i, x in enumerate(X)]
    pipe = cinc2017_pipeline(**FAST).fit(records, y)
    assert pipe.predict(records).shape == (40,)
    proba = pipe.predict_proba(records)
    assert proba.shape == (40, len(np.unique(y)))
    # the soft vote: 0.4 x the boosting's + 0.6 x the network's probabilities
    members = pipe.named_estimators_
    expected = 0.4 * members["features"].predict_proba(records)
    expected += 0.6 * members["network"].predict_proba(records)
    np.testing.assert_allclose(proba, expected, rtol=1e-5)
    np.testing.assert_array_equal(pipe.classes_, np.unique(y))


def test_dropping_the_network_leaves_the_feature_model():
    X, y = make_ecg_classification(n_samples=40, random_state=0, return_X_y=True)
    pipe = cinc2017_pipeline(network="drop", features__classifier__max_iter=10).fit(
        X, y
    )
    members = pipe.named_estimators_
    assert list(members) == ["features", "network"]
    assert members["network"] == "drop"
    np.testing.assert_allclose(
        pipe.predict_proba(X), members["features"].predict_proba(X), rtol=1e-6
    )


@pytest.mark.realdata
def test_recipe_fits_real_records(cinc2017_small):
    X, y = cinc2017_small.data, np.asarray(cinc2017_small.target)
    train = np.arange(y.size) % 3 != 0
    pipe = clone(cinc2017_pipeline(features__classifier__max_iter=100))
    pipe.fit([X[i] for i in np.flatnonzero(train)], y[train])
    test = [X[i] for i in np.flatnonzero(~train)]
    predicted = pipe.predict(test)
    assert set(pipe.classes_) == set("NAO~")
    # 200 training records only; the full 5-fold CV scores 0.83.
    assert challenge_f1_score(y[~train], predicted) > 0.5
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(test), predicted)


def test_markdown_table():
    table = markdown_table(
        [{"model": "a", "F1": 0.5, "n": 1234.0}, {"model": "b", "F1": 0.25, "n": 5.0}]
    )
    assert table.splitlines() == [
        "| model | F1 | n |",
        "|---|---|---|",
        "| a | 0.500 | 1,234 |",
        "| b | 0.250 | 5.000 |",
    ]


@pytest.mark.realdata
def test_example_quick(physionet_mirror, sklecg_data_home, monkeypatch):
    _, rows = run_quick(
        "cinc2017_recipe", monkeypatch, physionet_mirror, sklecg_data_home
    )
    names = [row["model"] for row in rows]
    recipe = "sklecg recipe (features + RhythmResNet, soft vote)"
    forest = "AMLS RandomForest on STFT (mean over frequency)"
    # the recipe, its two members scored from the same folds, the forest
    # (then MiniRocket when aeon is installed)
    assert names[:4] == [
        recipe,
        f"{recipe}: features alone",
        f"{recipe}: network alone",
        forest,
    ]
    mean_f1 = {row["model"]: float(row["challenge F1"].split()[0]) for row in rows}
    assert mean_f1[recipe] > mean_f1[forest]
    assert rows[0]["predict (records/s)"] > 0
    assert "fit (s/fold)" not in rows[1] and "fit (s/fold)" in rows[3]
