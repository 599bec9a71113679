"""Tests of sklecg.preprocessing.SignalScaler."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.preprocessing import SignalScaler


@parametrize_with_checks(
    [SignalScaler(), SignalScaler(method="minmax")],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_zscore_per_signal_and_lead():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=5.0, scale=3.0, size=(4, 2, 500))
    out = SignalScaler().fit_transform(X)
    assert out.dtype == np.float32
    expected = (X - X.mean(axis=-1, keepdims=True)) / X.std(axis=-1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_minmax_maps_to_unit_interval():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 200))
    out = SignalScaler(method="minmax").fit_transform(X)
    np.testing.assert_allclose(out.min(axis=1), 0.0)
    np.testing.assert_allclose(out.max(axis=1), 1.0)
    expected = (X - X.min(1, keepdims=True)) / np.ptp(X, axis=1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("method", ["zscore", "minmax"])
@pytest.mark.parametrize("level", [0.0, 0.1, -3e6, 1e-30])
def test_flat_signals_become_zeros(method, level):
    X = np.vstack([np.full(50, level), np.linspace(0, 1, 50)])
    out = SignalScaler(method=method).fit_transform(X)
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[0], 0.0)
    assert np.ptp(out[1]) > 0


def test_variable_length_list_stays_a_list():
    rng = np.random.default_rng(2)
    signals = [rng.normal(size=n) for n in (30, 70, 30, 5)] + [np.ones(8)]
    out = SignalScaler().fit_transform(signals)
    assert isinstance(out, list)
    assert [x.shape for x in out] == [(30,), (70,), (30,), (5,), (8,)]
    for x, scaled in zip(signals, out):
        assert scaled.dtype == np.float32
        if np.ptp(x) > 0:
            np.testing.assert_allclose(scaled, (x - x.mean()) / x.std(), atol=1e-5)
    np.testing.assert_array_equal(out[-1], 0.0)


def test_stateless_transform_and_pandas_output():
    X = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(
        SignalScaler().transform(X), SignalScaler().fit(X[:1]).transform(X)
    )
    frame = SignalScaler().set_output(transform="pandas").fit_transform(X)
    assert list(frame.columns) == [f"x{i}" for i in range(6)]


def test_int_and_float16_input_are_handled():
    out = SignalScaler(method="minmax").fit_transform(np.array([[0, 5, 10]]))
    np.testing.assert_allclose(out, [[0.0, 0.5, 1.0]])
    half = SignalScaler().fit_transform(np.ones((2, 4), dtype=np.float16))
    assert half.dtype == np.float32


@pytest.mark.parametrize(
    ("X", "error", "message"),
    [
        (np.array([[0.0, np.inf, 1.0]]), ValueError, "1 NaN or infinite"),
        (np.ones((2, 2, 2, 2)), ValueError, r"got an array of shape \(2, 2, 2, 2\)"),
        (np.array([["a", "b"]]), TypeError, "must hold numbers"),
    ],
)
def test_invalid_input_messages(X, error, message):
    with pytest.raises(error, match=message):
        SignalScaler().fit(X)


def test_unknown_method():
    with pytest.raises(ValueError, match="'method' parameter"):
        SignalScaler(method="robust").fit(np.ones((2, 3)))


@pytest.mark.realdata
def test_cinc2017_records_zscored(cinc2017_small):
    out = SignalScaler().fit_transform(cinc2017_small.data)
    assert len(out) == len(cinc2017_small.data)
    assert [len(x) for x in out] == list(cinc2017_small.lengths)
    np.testing.assert_allclose([x.mean() for x in out], 0.0, atol=1e-4)
    np.testing.assert_allclose([x.std() for x in out], 1.0, rtol=1e-3)
    minmax = SignalScaler(method="minmax").fit_transform(cinc2017_small.data)
    assert min(x.min() for x in minmax) == 0.0
    assert max(x.max() for x in minmax) == 1.0
