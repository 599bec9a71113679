"""Tests of sklecg.features.BeatMorphologyFeatures."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.features import BeatMorphologyFeatures
from sklecg.features._beat_morphology import FEATURE_NAMES

FS = 300


def _gauss(t, center, width, amplitude):
    return amplitude * np.exp(-((t - center) ** 2) / (2 * width**2))


def _ecg(beat_times, duration, *, p_wave=True, polarity=1.0, seed=0):
    """Synthetic ECG: P (0.15 mV, 160 ms before R), R (1 mV), T (0.3 mV)."""
    t = np.arange(int(duration * FS)) / FS
    x = np.zeros_like(t)
    for b in beat_times:
        x += _gauss(t, b, 0.012, 1.0) + _gauss(t, b + 0.3, 0.04, 0.3)
        if p_wave:
            x += _gauss(t, b - 0.16, 0.02, 0.15)
    noise = np.random.default_rng(seed).normal(scale=0.005, size=t.size)
    return polarity * x + noise


def _named(features):
    return dict(zip(FEATURE_NAMES, features))


@parametrize_with_checks(
    [BeatMorphologyFeatures(fs=100.0)],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_shape_and_names():
    X = [_ecg(0.5 + np.arange(10) * 0.8, 9.0), _ecg(0.5 + np.arange(20), 21.0)]
    est = BeatMorphologyFeatures(fs=FS).fit(X)
    F = est.transform(X)
    assert F.shape == (2, len(FEATURE_NAMES)) and F.dtype == np.float32
    assert list(est.get_feature_names_out()) == list(FEATURE_NAMES)
    assert np.isfinite(F).all()


@pytest.mark.parametrize("polarity", [1.0, -1.0])
def test_template_values_match_the_synthetic_beat(polarity):
    beats = 0.5 + np.arange(12) * 0.8
    x = _ecg(beats, beats[-1] + 0.6, polarity=polarity)
    got = _named(BeatMorphologyFeatures(fs=FS).fit_transform(x[None])[0])
    assert got["duration"] == pytest.approx(x.size / FS)
    # Band-passing shrinks the narrow R spike a little; the shape stays.
    assert 0.6 < got["r_amplitude"] < 1.05
    assert got["t_amplitude"] == pytest.approx(0.3 / got["r_amplitude"], rel=0.25)
    assert got["pr_interval"] == pytest.approx(0.16, abs=0.01)
    assert got["p_peak"] > 0.08
    # Identical beats: the template explains each one.
    assert got["beat_correlation_mean"] > 0.99
    assert got["outlier_beat_fraction"] == 0.0
    assert got["premature_fraction"] == 0.0
    assert got["local_rr_cv_max"] < 0.01
    assert got["qrs_width"] == pytest.approx(0.03, abs=0.015)


def test_missing_p_waves_lower_p_features():
    beats = 0.5 + np.arange(12) * 0.8
    with_p = _ecg(beats, 10.0)
    without_p = _ecg(beats, 10.0, p_wave=False)
    F = BeatMorphologyFeatures(fs=FS).fit_transform([with_p, without_p])
    p_peak = list(FEATURE_NAMES).index("p_peak")
    p_correlation = list(FEATURE_NAMES).index("p_correlation")
    assert F[1, p_peak] < 0.5 * F[0, p_peak]
    assert F[1, p_correlation] < F[0, p_correlation]


def test_premature_beats_are_counted():
    rr = np.tile([0.8, 0.8, 0.5, 1.1], 6)  # every 4th beat premature
    beats = 0.5 + np.concatenate([[0], np.cumsum(rr)])
    got = _named(
        BeatMorphologyFeatures(fs=FS).fit_transform(_ecg(beats, beats[-1] + 0.6)[None])[
            0
        ]
    )
    # One (short, long) pair per 4 intervals of the 23 pairs with a successor.
    assert got["premature_fraction"] == pytest.approx(6 / (rr.size - 1), abs=0.05)
    assert got["local_rr_cv_min"] > 0.1
    # Median RR 0.8 s: shortest 0.5 s, longest 1.1 s, a quarter of each.
    assert got["rr_min_ratio"] == pytest.approx(0.5 / 0.8, abs=0.02)
    assert got["rr_max_ratio"] == pytest.approx(1.1 / 0.8, abs=0.02)
    assert got["short_rr_fraction"] == pytest.approx(0.25, abs=0.01)
    assert got["long_rr_fraction"] == pytest.approx(0.25, abs=0.01)
    assert got["local_heart_rate_min"] == pytest.approx(60 / 0.8, rel=0.02)


def test_spectral_shares_sum_to_one_and_flat_signal_gives_zeros():
    est = BeatMorphologyFeatures(fs=FS)
    x = _ecg(0.5 + np.arange(10) * 0.8, 9.0)
    F = est.fit_transform(np.stack([x, np.zeros_like(x)]))
    power = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith("power_")]
    assert F[0, power].sum() == pytest.approx(1.0, abs=1e-4)
    assert F[1, 0] == pytest.approx(9.0)
    np.testing.assert_array_equal(F[1, 1:], 0.0)


def test_multilead_uses_the_chosen_lead():
    x = _ecg(0.5 + np.arange(10) * 0.8, 9.0)
    X = np.stack([np.zeros_like(x), x])[None]
    r_amplitude = list(FEATURE_NAMES).index("r_amplitude")
    assert BeatMorphologyFeatures(fs=FS, lead=0).fit_transform(X)[0, r_amplitude] == 0
    assert BeatMorphologyFeatures(fs=FS, lead=1).fit_transform(X)[0, r_amplitude] > 0.5


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"lead=2 but the signals have 1 lead"):
        BeatMorphologyFeatures(lead=2).fit(np.ones((2, 50)))
    with pytest.raises(ValueError, match="NaN"):
        BeatMorphologyFeatures().fit_transform(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError, match="fs"):
        BeatMorphologyFeatures(fs=-1.0).fit(np.ones((2, 50)))


@pytest.mark.realdata
def test_af_records_lack_consistent_p_waves(cinc2017_small):
    X, y = cinc2017_small.data, np.asarray(cinc2017_small.target)
    F = BeatMorphologyFeatures(fs=300).fit_transform(X)
    assert F.shape == (len(X), len(FEATURE_NAMES)) and np.isfinite(F).all()
    got = dict(zip(FEATURE_NAMES, F.T))
    p_corr = got["p_correlation"]
    assert np.median(p_corr[y == "A"]) < np.median(p_corr[y == "N"]) - 0.1
    # Normal beats look alike; noisy records' beats do not.
    corr = got["beat_correlation_mean"]
    assert np.median(corr[y == "N"]) > 0.9 > np.median(corr[y == "~"])
    width = got["qrs_width"][y == "N"]
    assert 0.03 < np.median(width) < 0.12
