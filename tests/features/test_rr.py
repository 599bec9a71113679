"""Tests of sklecg.features.RRIntervalFeatures."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.features import RRIntervalFeatures
from sklecg.features._rr import FEATURE_NAMES


def _beats(beat_times, fs, duration, width=0.012, amplitude=1.0):
    """A train of Gaussian QRS-like spikes at ``beat_times`` seconds."""
    t = np.arange(int(duration * fs)) / fs
    x = np.zeros_like(t)
    for b in beat_times:
        x += amplitude * np.exp(-((t - b) ** 2) / (2 * width**2))
    return x


@parametrize_with_checks(
    [RRIntervalFeatures(fs=100.0)],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_features_match_hand_computation():
    fs = 250
    rr = np.array([0.8, 1.0, 0.8, 1.0, 0.8, 1.0, 0.8])
    times = 0.5 + np.concatenate([[0], np.cumsum(rr)])
    x = _beats(times, fs, times[-1] + 0.5)
    features = RRIntervalFeatures(fs=fs).fit_transform(x[None, :])[0]
    got = dict(zip(FEATURE_NAMES, features))
    assert got["rr_mean"] == pytest.approx(rr.mean(), abs=0.01)
    assert got["heart_rate"] == pytest.approx(60 / rr.mean(), rel=0.02)
    assert got["rr_std"] == pytest.approx(rr.std(), abs=0.01)
    assert got["rr_min"] == pytest.approx(0.8, abs=0.01)
    assert got["rr_max"] == pytest.approx(1.0, abs=0.01)
    assert got["rmssd"] == pytest.approx(0.2, abs=0.01)
    # Successive differences alternate +0.2 / -0.2: every one flips sign.
    assert got["rr_diff_sign_changes"] == pytest.approx(1.0)
    assert got["pnn50"] == pytest.approx(1.0)


def test_regular_rhythm_scores_lower_irregularity_than_irregular():
    fs = 300
    rng = np.random.default_rng(1)
    regular = 0.5 + np.arange(30) * 0.8
    irregular = 0.5 + np.cumsum(rng.uniform(0.4, 1.2, size=30))
    X = [_beats(regular, fs, 25.0), _beats(irregular, fs, irregular[-1] + 0.5)]
    F = RRIntervalFeatures(fs=fs).fit_transform(X)
    cv = list(FEATURE_NAMES).index("rr_cv")
    assert F[0, cv] < 0.01 < 0.1 < F[1, cv]


def test_flat_or_beatless_signal_gives_zeros():
    F = RRIntervalFeatures(fs=100).fit_transform(np.zeros((2, 500)))
    np.testing.assert_array_equal(F, 0.0)


def test_multilead_uses_the_chosen_lead():
    fs = 200
    beats = _beats(0.5 + np.arange(10) * 0.6, fs, 7.0)
    X = np.stack([np.zeros_like(beats), beats])[None]
    assert RRIntervalFeatures(fs=fs, lead=0).fit_transform(X)[0, 0] == 0.0
    assert RRIntervalFeatures(fs=fs, lead=1).fit_transform(X)[0, 0] == pytest.approx(
        100.0, rel=0.02
    )


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"lead=2 but the signals have 1 lead"):
        RRIntervalFeatures(lead=2).fit(np.ones((2, 50)))
    with pytest.raises(ValueError, match="NaN"):
        RRIntervalFeatures().fit_transform(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"1 samples but at least 2 .*RR"):
        RRIntervalFeatures().fit_transform([np.ones(1), np.ones(4)])
    with pytest.raises(ValueError, match=r"fs=8 Hz is too low .* at least 25 Hz"):
        RRIntervalFeatures(fs=8).fit_transform(np.ones((2, 50)))


@pytest.mark.realdata
def test_af_records_are_more_irregular_than_normal_ones(cinc2017_small):
    X, y = cinc2017_small.data, np.asarray(cinc2017_small.target)
    F = RRIntervalFeatures(fs=300).fit_transform(X)
    cv = F[:, list(FEATURE_NAMES).index("rr_cv")]
    assert np.median(cv[y == "A"]) > 2 * np.median(cv[y == "N"])
    hr = F[:, 0][y == "N"]
    assert 55 < np.median(hr) < 95
