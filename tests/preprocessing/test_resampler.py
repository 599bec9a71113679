"""Tests of sklecg.preprocessing.Resampler."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.preprocessing import Resampler, SignalScaler


@parametrize_with_checks(
    [Resampler(length=8), Resampler(fs=2, target_fs=3, short="pad")],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _ragged(rng, lengths, n_leads=None):
    shape = (lambda t: (t,)) if n_leads is None else (lambda t: (n_leads, t))
    return [rng.normal(size=shape(t)) for t in lengths]


def test_variable_length_to_fixed_float32():
    rng = np.random.default_rng(0)
    signals = _ragged(rng, [50, 100, 73, 100, 200])
    out = Resampler(length=100).fit_transform(signals)
    assert out.shape == (5, 100)
    assert out.dtype == np.float32
    # the signals of the target length come out unchanged
    np.testing.assert_array_equal(out[1], signals[1].astype(np.float32))
    np.testing.assert_array_equal(out[3], signals[3].astype(np.float32))
    # short ones are linearly interpolated, keeping both ends
    expected = np.interp(np.linspace(0, 49, 100), np.arange(50), signals[0])
    np.testing.assert_allclose(out[0], expected, rtol=1e-5, atol=1e-5)
    # long ones are cropped at the centre
    np.testing.assert_allclose(out[4], signals[4][50:150], rtol=1e-6)


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("pad", [0, 1, 2, 3, 0, 0, 0, 0, 0, 0]),
        ("repeat", [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]),
        ("interpolate", np.linspace(0, 3, 10)),
    ],
)
def test_short_modes(short, expected):
    out = Resampler(length=10, short=short).fit_transform(np.arange(4.0)[None])
    np.testing.assert_allclose(out[0], expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("long", "expected"),
    [
        ("crop_center", np.arange(2, 8)),
        ("crop_start", np.arange(6)),
        ("interpolate", np.linspace(0, 10, 6)),
    ],
)
def test_long_modes(long, expected):
    out = Resampler(length=6, long=long).fit_transform(np.arange(11.0)[None])
    np.testing.assert_allclose(out[0], expected, rtol=1e-6)


def test_multi_lead_keeps_leads_and_matches_single_lead():
    rng = np.random.default_rng(1)
    signals = _ragged(rng, [40, 90, 64], n_leads=3)
    out = Resampler(length=64).fit_transform(signals)
    assert out.shape == (3, 3, 64)
    lead1 = Resampler(length=64).fit_transform([s[1] for s in signals])
    np.testing.assert_array_equal(out[:, 1], lead1)
    fixed = np.stack([s[:, :40] for s in signals])
    assert Resampler(length=64).fit_transform(fixed).shape == (3, 3, 64)


def test_sampling_rate_change_matches_resample_poly():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(4, 2, 720))
    resampler = Resampler(fs=360, target_fs=125).fit(X)
    assert (resampler.up_, resampler.down_) == (25, 72)
    out = resampler.transform(X)
    assert out.shape == (4, 2, 250)
    np.testing.assert_allclose(
        out, resample_poly(X, 25, 72, axis=-1), rtol=1e-5, atol=1e-5
    )


def test_rate_change_then_length():
    rng = np.random.default_rng(3)
    signals = _ragged(rng, [360, 720, 1080])
    out = Resampler(length=250, fs=360, target_fs=125).fit_transform(signals)
    assert out.shape == (3, 250)
    np.testing.assert_allclose(out[1], resample_poly(signals[1], 25, 72), atol=1e-5)


def test_length_none_keeps_variable_length_after_rate_change():
    signals = [np.ones(300), np.ones(600)]
    out = Resampler(fs=300, target_fs=100).fit_transform(signals)
    assert isinstance(out, list)
    assert [x.shape for x in out] == [(100,), (200,)]
    assert all(x.dtype == np.float32 for x in out)


def test_transform_is_deterministic_and_stateless():
    rng = np.random.default_rng(4)
    signals = _ragged(rng, [30, 80, 55])
    resampler = Resampler(length=50)
    unfitted = resampler.transform(signals)
    fitted = resampler.fit(signals[:1]).transform(signals)
    np.testing.assert_array_equal(unfitted, fitted)
    np.testing.assert_array_equal(fitted, resampler.transform(signals))


def test_feature_names_and_pandas_output():
    resampler = Resampler(length=5).set_output(transform="pandas")
    frame = resampler.fit_transform([np.arange(3.0), np.arange(9.0)])
    assert list(frame.columns) == ["t0", "t1", "t2", "t3", "t4"]
    assert frame.shape == (2, 5)
    multi = Resampler(length=5).fit(np.zeros((2, 3, 8)))
    with pytest.raises(ValueError, match="2-D outputs only"):
        multi.get_feature_names_out()


def test_in_a_pipeline_with_the_scaler():
    pipe = make_pipeline(Resampler(length=16), SignalScaler())
    out = pipe.fit_transform([np.arange(10.0), np.arange(30.0)])
    assert out.shape == (2, 16)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-6)


def test_int_and_float16_input():
    out = Resampler(length=4).fit_transform(np.arange(8, dtype=np.int16)[None])
    np.testing.assert_array_equal(out, [[2, 3, 4, 5]])
    half = Resampler(length=4).fit_transform(np.ones((2, 6), dtype=np.float16))
    assert half.dtype == np.float32


@pytest.mark.parametrize(
    ("params", "X", "message"),
    [
        ({"fs": 360}, np.ones((2, 10)), "fs and target_fs must be given together"),
        ({"length": 0}, np.ones((2, 10)), "'length' parameter"),
        ({"short": "zero"}, np.ones((2, 10)), "'short' parameter"),
        ({}, np.array([[1.0, np.nan, 2.0]]), "1 NaN or infinite"),
        ({}, np.ones(5), r"got an array of shape \(5,\)"),
        ({}, [np.ones((2, 5)), np.ones((3, 5))], r"different numbers of leads"),
    ],
)
def test_invalid_input_messages(params, X, message):
    with pytest.raises(ValueError, match=message):
        Resampler(**{"length": 4, **params}).fit(X)


def test_transform_checks_the_leads_seen_in_fit():
    resampler = Resampler(length=4).fit(np.ones((2, 3, 10)))
    with pytest.raises(ValueError, match=r"has 2 lead\(s\) per signal but 3"):
        resampler.transform(np.ones((2, 2, 10)))


@pytest.mark.realdata
def test_cinc2017_records_to_9000_samples(cinc2017_small):
    records = cinc2017_small.data
    out = Resampler(length=9000).fit_transform(records)
    assert out.shape == (len(records), 9000)
    assert out.dtype == np.float32
    lengths = np.array([len(r) for r in records])
    assert {"short", "long", "exact"} <= {
        "short" if n < 9000 else "long" if n > 9000 else "exact" for n in lengths
    }
    for record, resampled in zip(records, out):
        n = len(record)
        if n == 9000:
            np.testing.assert_array_equal(resampled, record)
        elif n > 9000:
            start = (n - 9000) // 2
            np.testing.assert_array_equal(resampled, record[start : start + 9000])
        else:
            expected = np.interp(np.linspace(0, n - 1, 9000), np.arange(n), record)
            np.testing.assert_allclose(resampled, expected, atol=1e-5)


@pytest.mark.realdata
def test_mitbih_360_to_125_hz_matches_resample_poly(mitbih):
    records = mitbih.data[:3, :, : 360 * 120]  # 2 minutes of 3 two-lead records
    out = Resampler(fs=mitbih.fs, target_fs=125).fit_transform(records)
    assert out.shape == (3, 2, 125 * 120)
    expected = resample_poly(records.astype(np.float64), 25, 72, axis=-1)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
