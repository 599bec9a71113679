"""Grid searches run on a Dask cluster score exactly as they do in-process.

``joblib.parallel_backend("dask")`` hands the fits of a ``GridSearchCV`` to
the workers of a ``distributed`` cluster: the estimators and the data are
pickled to worker processes, fitted there and their scores sent back. Here
the cluster is a :class:`distributed.LocalCluster` with two worker processes;
a real cluster differs only in the scheduler address the ``Client`` is given.
"""

from __future__ import annotations

import joblib
import numpy as np
import pytest
import torch
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklecg.datasets import make_ecg_classification
from sklecg.features import RRIntervalFeatures
from sklecg.nn import ConvNet, ECGClassifier
from sklecg.preprocessing import Resampler, SignalScaler

distributed = pytest.importorskip("distributed")  # the dask extra


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # each worker trains with one torch thread, as a single-core fit does
        env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def records():
    return make_ecg_classification(
        n_samples=60,
        n_classes=3,
        min_length=1500,
        max_length=2400,
        random_state=0,
        return_X_y=True,
    )


def _network_search() -> GridSearchCV:
    pipe = make_pipeline(
        Resampler(length=500, fs=300, target_fs=100),
        SignalScaler(),
        ECGClassifier(
            ConvNet,
            module__filters=(4, 8),
            max_epochs=2,
            batch_size=16,
            device="cpu",
            random_state=0,
        ),
    )
    grid = {"ecgclassifier__lr": [1e-3, 1e-2]}
    return GridSearchCV(pipe, grid, cv=StratifiedKFold(2), error_score="raise")


def _forest_search() -> GridSearchCV:
    pipe = make_pipeline(
        SignalScaler(),
        RRIntervalFeatures(fs=300),
        RandomForestClassifier(n_estimators=20, random_state=0),
    )
    grid = {"randomforestclassifier__max_depth": [2, None]}
    return GridSearchCV(pipe, grid, cv=StratifiedKFold(3), error_score="raise")


def _split_scores(search: GridSearchCV) -> np.ndarray:
    keys = sorted(k for k in search.cv_results_ if k.startswith("split"))
    return np.array([search.cv_results_[k] for k in keys])


def _assert_dask_scores_equal_in_process_scores(make_search, X, y) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the workers' setting, for identical arithmetic
    try:
        local = make_search().set_params(n_jobs=1).fit(X, y)
    finally:
        torch.set_num_threads(threads)
    with joblib.parallel_backend("dask"):
        remote = make_search().set_params(n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(_split_scores(remote), _split_scores(local))
    assert remote.best_params_ == local.best_params_
    # the refitted best model came back from the search and predicts here
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


@pytest.mark.parametrize("make_search", [_network_search, _forest_search])
def test_dask_backend_scores_equal_in_process_scores(client, records, make_search):
    assert len(client.run(lambda: True)) == 2  # two worker processes
    _assert_dask_scores_equal_in_process_scores(make_search, *records)


def test_dask_backend_on_real_cinc2017_records(client, cinc2017_small):
    X, y = cinc2017_small.data, cinc2017_small.target  # 300 records, 4 classes
    _assert_dask_scores_equal_in_process_scores(_forest_search, X, y)


def test_fits_ran_on_the_workers(client, records):
    X, y = records
    with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        _forest_search().set_params(n_jobs=-1).fit(X, y)
    workers = {task["worker"] for task in stream.data}
    assert len(stream.data) >= 6  # 2 candidates x 3 folds, at least
    assert workers <= set(client.scheduler_info()["workers"])
