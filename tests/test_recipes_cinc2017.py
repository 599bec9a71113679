"""Tests of sklecg.recipes.cinc2017_pipeline and examples/cinc2017_recipe.py."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _examples import run_quick
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from sklecg.datasets import make_ecg_classification
from sklecg.features import BeatMorphologyFeatures, RRIntervalFeatures
from sklecg.metrics import challenge_f1_score
from sklecg.recipes import cinc2017_pipeline
from sklecg.utils import markdown_table


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    # Gradient boosting's OpenMP threads spin against the other processes of
    # a shared 2-core machine (a 100x slow-down was measured).
    with threadpool_limits(1):
        yield


def test_pipeline_is_unfitted_and_takes_overrides():
    pipe = cinc2017_pipeline(classifier__max_iter=7, features__morphology__fs=250)
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["features", "classifier"]
    params = pipe.get_params()
    assert params["classifier__max_iter"] == 7
    assert params["features__morphology__fs"] == 250
    assert isinstance(params["features__rhythm"], RRIntervalFeatures)
    assert isinstance(params["features__morphology"], BeatMorphologyFeatures)
    assert clone(pipe).get_params()["classifier__max_iter"] == 7
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe)
    with pytest.raises(ValueError, match="no_such"):
        cinc2017_pipeline(classifier__no_such=1)
    assert cinc2017_pipeline() is not cinc2017_pipeline()


def test_recipe_fits_variable_length_synthetic_records():
    X, y = make_ecg_classification(n_samples=40, random_state=0, return_X_y=True)
    records = [x[: 600 + 20 * i] for i, x in enumerate(X)]
    pipe = cinc2017_pipeline(classifier__max_iter=10).fit(records, y)
    assert pipe.predict(records).shape == (40,)
    assert pipe.predict_proba(records).shape == (40, len(np.unique(y)))


@pytest.mark.realdata
def test_recipe_fits_real_records(cinc2017_small):
    X, y = cinc2017_small.data, np.asarray(cinc2017_small.target)
    train = np.arange(y.size) % 3 != 0
    pipe = clone(cinc2017_pipeline(classifier__max_iter=100))
    pipe.fit([X[i] for i in np.flatnonzero(train)], y[train])
    test = [X[i] for i in np.flatnonzero(~train)]
    predicted = pipe.predict(test)
    assert set(pipe.classes_) == set("NAO~")
    # 200 training records only; the full 5-fold CV scores 0.80.
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
    recipe, forest = rows[:2]  # then MiniRocket when aeon is installed
    assert recipe["model"].startswith("sklecg recipe")
    assert forest["model"].startswith("AMLS RandomForest")
    mean_f1 = {row["model"]: float(row["challenge F1"].split()[0]) for row in rows}
    assert mean_f1[recipe["model"]] > mean_f1[forest["model"]]
    assert recipe["predict (records/s)"] > 0
