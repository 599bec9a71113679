"""Tests for sklecg.compression: the compressor, its error and file format."""

from __future__ import annotations

import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.compression import (
    HEADER_SIZE,
    PiecewiseConstantCompressor,
    compression_error,
    load_compressed,
    reconstruct,
    save_compressed,
    segment_starts,
)

RNG = np.random.RandomState(0)


def _reference_means(X, n_segments):
    """Per-signal Python loop over np.array_split-like windows."""
    starts = segment_starts(X.shape[-1], n_segments)
    bounds = list(starts) + [X.shape[-1]]
    out = np.empty(X.shape[:-1] + (n_segments,), dtype=np.float64)
    for k in range(n_segments):
        out[..., k] = X[..., bounds[k] : bounds[k + 1]].astype(np.float64).mean(-1)
    return out


# ------------------------------------------------------------ estimator API
@parametrize_with_checks(
    [
        PiecewiseConstantCompressor(),
        PiecewiseConstantCompressor(output="reconstruction"),
        PiecewiseConstantCompressor(n_segments=1),
    ],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# ------------------------------------------------------------ windows
@pytest.mark.parametrize(("n", "m"), [(10, 4), (9000, 900), (9001, 2250), (7, 7)])
def test_segment_starts_spread_windows_evenly(n, m):
    sizes = np.diff(segment_starts(n, m), append=n)
    assert sizes.sum() == n
    assert set(sizes) <= {n // m, -(-n // m)}
    # same multiset of sizes as np.array_split, only the order differs
    split_sizes = [len(a) for a in np.array_split(np.arange(n), m)]
    assert sorted(sizes) == sorted(split_sizes)


def test_segment_starts_rejects_more_segments_than_samples():
    with pytest.raises(ValueError, match="between 1 and n_timesteps=5; got 6"):
        segment_starts(5, 6)


# ------------------------------------------------------------ transform
@pytest.mark.parametrize("shape", [(7, 1001), (4, 1000), (5, 3, 240)])
@pytest.mark.parametrize("ratio", [0.5, 0.25, 0.1])
def test_transform_matches_reference_loop(shape, ratio):
    X = RNG.randn(*shape)
    compressor = PiecewiseConstantCompressor(ratio=ratio).fit(X)
    n_segments = round(ratio * shape[-1])
    assert compressor.n_segments_ == n_segments
    Z = compressor.transform(X)
    assert Z.dtype == np.float32
    assert Z.shape == shape[:-1] + (n_segments,)
    assert_allclose(Z, _reference_means(X, n_segments), rtol=1e-5, atol=1e-6)
    R = compressor.inverse_transform(Z)
    assert R.shape == X.shape
    bounds = np.append(compressor.segment_starts_, shape[-1])
    for k in range(n_segments):
        window = R[..., bounds[k] : bounds[k + 1]]
        assert_array_equal(window, np.broadcast_to(Z[..., k : k + 1], window.shape))


def test_piecewise_constant_signal_is_reconstructed_exactly():
    compressor = PiecewiseConstantCompressor(n_segments=4).fit(np.zeros((1, 10)))
    starts = compressor.segment_starts_
    X = reconstruct(RNG.randn(3, 4), 10)
    # exact up to float32 rounding of sum / count
    assert_allclose(compressor.transform(X), X[:, starts], rtol=1e-6)
    assert_allclose(compressor.inverse_transform(compressor.transform(X)), X, rtol=1e-6)


def test_n_segments_overrides_ratio_and_output_reconstruction():
    X = RNG.randn(4, 100)
    compressor = PiecewiseConstantCompressor(ratio=0.5, n_segments=7).fit(X)
    assert compressor.transform(X).shape == (4, 7)
    rebuilt = compressor.inverse_transform(compressor.transform(X))
    compressor.set_params(output="reconstruction")
    assert_array_equal(compressor.transform(X), rebuilt)
    assert not hasattr(compressor, "inverse_transform")


def test_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(RNG.randn(3, 8), columns=[f"t{i}" for i in range(8)])
    compressor = PiecewiseConstantCompressor(ratio=0.5).set_output(transform="pandas")
    out = compressor.fit_transform(X)
    assert list(out.columns) == ["segment0", "segment1", "segment2", "segment3"]
    compressor.set_params(output="reconstruction")
    assert list(compressor.fit_transform(X).columns) == list(X.columns)
    compressor.fit(RNG.randn(3, 2, 8))
    with pytest.raises(ValueError, match="for 2-D outputs only"):
        compressor.get_feature_names_out()


# ------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.array([[0.0, np.nan, 1.0]]), ValueError, "1 NaN or infinite"),
        (np.array([[0.0, np.inf, 1.0]]), ValueError, "1 NaN or infinite"),
        (np.zeros(5), ValueError, r"must be 2-D .* got an array of shape \(5,\)"),
        (np.zeros((2, 2, 2, 5)), ValueError, "must be 2-D"),
        ([np.zeros(5), np.zeros(6)], ValueError, "Resampler"),
        (np.array([["a", "b"]]), TypeError, "must hold numbers"),
    ],
)
def test_fit_rejects_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        PiecewiseConstantCompressor().fit(X)


def test_signal_shorter_than_one_window_per_segment():
    with pytest.raises(ValueError, match=r"3 samples but at least 5 .*n_segments=5"):
        PiecewiseConstantCompressor(n_segments=5).fit(np.zeros((2, 3)))


def test_transform_checks_length_leads_and_layout():
    compressor = PiecewiseConstantCompressor().fit(np.zeros((2, 3, 40)))
    with pytest.raises(ValueError, match="2 lead.* but 3 were expected"):
        compressor.transform(np.zeros((2, 2, 40)))
    with pytest.raises(ValueError, match="X has 30 features, .*expecting 40"):
        compressor.transform(np.zeros((2, 3, 30)))
    with pytest.raises(ValueError, match="X has 30 features, .*expecting 40"):
        compressor.fit(np.zeros((2, 40))).transform(np.zeros((2, 30)))
    with pytest.raises(TypeError, match="sparse input is not supported"):
        compressor.transform(sparse.csr_matrix(np.zeros((2, 40))))
    with pytest.raises(ValueError, match="fitted with n_segments_=10"):
        compressor.inverse_transform(np.zeros((2, 9)))


@pytest.mark.parametrize("dtype", [np.float16, np.int16, np.int64, bool])
def test_small_float_and_int_input_is_converted_to_float32(dtype):
    X = (RNG.randn(3, 20) * 10).astype(dtype)
    Z = PiecewiseConstantCompressor(ratio=0.5).fit_transform(X)
    assert Z.dtype == np.float32
    assert_allclose(Z, _reference_means(X.astype(np.float32), 10), rtol=1e-5)


@pytest.mark.parametrize(
    "params", [{"ratio": 0.0}, {"ratio": 1.5}, {"n_segments": 0}, {"output": "x"}]
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        PiecewiseConstantCompressor(**params).fit(np.zeros((2, 10)))


# ------------------------------------------------------------ error
def test_compression_error_matches_numpy():
    X = RNG.randn(4, 2, 50)
    compressor = PiecewiseConstantCompressor(ratio=0.1, output="reconstruction")
    R = compressor.fit_transform(X)
    errors = compression_error(X, R)
    assert errors["mae"] == pytest.approx(np.abs(X - R).mean(), rel=1e-5)
    assert errors["mse"] == pytest.approx(((X - R) ** 2).mean(), rel=1e-5)
    assert compression_error(X, X) == {"mae": 0.0, "mse": 0.0}
    with pytest.raises(ValueError, match=r"same shape; got \(4, 2, 50\) and"):
        compression_error(X, R[:, :1])


# ------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def cinc_9000(cinc2017_small):
    """The CinC records of at least 9,000 samples, cut to the first 9,000."""
    return np.stack([x[:9000] for x in cinc2017_small.data if len(x) >= 9000])


@pytest.mark.realdata
def test_real_cinc_compression_error_and_file_sizes(cinc_9000, tmp_path):
    X = cinc_9000
    variance = X.astype(np.float64).var()
    raw_bytes = X.size * 4
    previous_mse = 0.0
    # MSE relative to the signal variance measured: 0.6 %, 2.7 %, 13 %
    for ratio, max_relative_mse in [(0.5, 0.02), (0.25, 0.06), (0.1, 0.25)]:
        compressor = PiecewiseConstantCompressor(ratio=ratio).fit(X)
        Z = compressor.transform(X)
        errors = compression_error(X, compressor.inverse_transform(Z))
        assert previous_mse < errors["mse"] < max_relative_mse * variance
        assert errors["mae"] ** 2 <= errors["mse"]
        previous_mse = errors["mse"]
        for dtype, itemsize in [("float32", 4), ("float16", 2)]:
            path = save_compressed(
                tmp_path / f"{ratio}_{dtype}.bin",
                Z,
                n_timesteps=9000,
                fs=300,
                dtype=dtype,
            )
            size = os.path.getsize(path)
            assert size == HEADER_SIZE + X.shape[0] * round(ratio * 9000) * itemsize
            assert size / raw_bytes == pytest.approx(ratio * itemsize / 4, rel=1e-3)
            assert_allclose(
                load_compressed(path).reconstruct(),
                compressor.inverse_transform(Z),
                rtol=1e-3 if dtype == "float16" else 0,
                atol=1e-3 if dtype == "float16" else 0,
            )


@pytest.mark.realdata
def test_real_mitbih_beats_compression(mitbih_beats_small):
    X = mitbih_beats_small.data
    compressor = PiecewiseConstantCompressor(ratio=0.25, output="reconstruction")
    errors = compression_error(X, clone(compressor).fit_transform(X))
    # beats are scaled to [0, 1]; a 4x compression stays within 2 % MAE
    assert 0 < errors["mae"] < 0.02


def _forest(n_estimators: int) -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=n_estimators, random_state=0, n_jobs=1)


@pytest.mark.realdata
def test_grid_search_over_compression_ratio_on_mitbih_beats(mitbih_beats_small):
    """A model trained on the compressed representation of real beats."""
    X, y = mitbih_beats_small.data, mitbih_beats_small.target
    pipe = Pipeline([("compress", PiecewiseConstantCompressor()), ("clf", _forest(50))])
    search = GridSearchCV(
        pipe,
        {"compress__ratio": [0.5, 0.25, 0.1]},
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
        scoring="f1_macro",
        error_score="raise",
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    # measured: macro F1 0.71-0.72 at 94, 47 and 19 segments per 187-sample beat
    assert np.all(scores > 0.6)
    assert search.best_estimator_.named_steps["compress"].n_segments_ in (94, 47, 19)
    assert search.best_estimator_.predict(X[:5]).shape == (5,)
