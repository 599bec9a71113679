"""Tests of the synthetic ECG generator ``make_ecg_classification``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import cross_val_score

from sklecg.datasets import make_ecg_classification


def _rr_intervals(x: np.ndarray, fs: float) -> np.ndarray:
    """RR intervals (s) between the dominant peaks of a signal."""
    x = np.abs(x - np.median(x))
    peaks, _ = find_peaks(
        x, distance=int(0.3 * fs), prominence=0.5 * np.percentile(x, 99)
    )
    return np.diff(peaks) / fs


def _median_rate_and_spread(X, y, label, fs):
    """Median heart rate (bpm) and median RR coefficient of variation."""
    rr = [_rr_intervals(x, fs) for x, t in zip(X, y) if t == label]
    rr = [r for r in rr if r.size > 2]
    return (
        np.median([60 / np.median(r) for r in rr]),
        np.median([np.std(r) / np.mean(r) for r in rr]),
    )


def _simple_features(x: np.ndarray, fs: float) -> np.ndarray:
    """Amplitude percentiles, slope statistics and RR statistics."""
    x = x - np.median(x)
    slope = np.abs(np.diff(x))
    rr = _rr_intervals(x, fs)
    if rr.size < 3:
        rr = np.ones(3)
    jumps = np.abs(np.diff(rr)) / rr.mean()
    return np.r_[
        np.percentile(x, [1, 5, 25, 75, 95, 99]),
        x.std(),
        slope.mean(),
        np.percentile(slope, 99),
        rr.mean(),
        rr.std() / rr.mean(),
        jumps.mean(),
        np.median(jumps),
        rr.size * fs / x.size,
    ]


def test_bunch_holds_float32_records_labels_and_metadata():
    ecg = make_ecg_classification(n_samples=12, random_state=0)
    assert len(ecg.data) == 12
    assert all(x.dtype == np.float32 and x.ndim == 1 for x in ecg.data)
    assert all(np.all(np.isfinite(x)) for x in ecg.data)
    np.testing.assert_array_equal(ecg.lengths, [x.size for x in ecg.data])
    assert ecg.target.shape == (12,)
    np.testing.assert_array_equal(ecg.target_names, ["N", "A", "O", "~"])
    assert set(ecg.target) == {"N", "A", "O", "~"}
    assert ecg.fs == 300.0
    assert ecg.units == "mV"
    assert "Synthetic" in ecg.DESCR


def test_return_X_y_matches_the_bunch():
    ecg = make_ecg_classification(n_samples=6, random_state=3)
    X, y = make_ecg_classification(n_samples=6, random_state=3, return_X_y=True)
    np.testing.assert_array_equal(y, ecg.target)
    for a, b in zip(X, ecg.data):
        np.testing.assert_array_equal(a, b)


def test_same_seed_same_records_other_seed_other_records():
    first, y1 = make_ecg_classification(20, random_state=7, return_X_y=True)
    again, y2 = make_ecg_classification(
        20, random_state=np.random.RandomState(7), return_X_y=True
    )
    other, _ = make_ecg_classification(20, random_state=8, return_X_y=True)
    np.testing.assert_array_equal(y1, y2)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(
        a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(first, other)
    )


@pytest.mark.parametrize(("min_length", "max_length"), [(500, 800), (1000, 1000)])
def test_lengths_stay_in_the_requested_range(min_length, max_length):
    ecg = make_ecg_classification(
        50, min_length=min_length, max_length=max_length, random_state=0
    )
    assert ecg.lengths.min() >= min_length
    assert ecg.lengths.max() <= max_length
    if min_length < max_length:
        assert len(set(ecg.lengths)) > 10


@pytest.mark.parametrize("n_classes", [2, 3, 4])
def test_n_classes_uses_the_first_k_labels(n_classes):
    ecg = make_ecg_classification(40, n_classes=n_classes, random_state=0)
    expected = ["N", "A", "O", "~"][:n_classes]
    np.testing.assert_array_equal(ecg.target_names, expected)
    assert sorted(set(ecg.target)) == sorted(expected)


def test_class_counts_follow_weights_and_every_class_is_present():
    y = make_ecg_classification(
        200, weights=[0.5, 0.3, 0.15, 0.05], max_length=3000, random_state=0
    ).target
    counts = {c: int(np.sum(y == c)) for c in "NAO~"}
    assert counts == {"N": 100, "A": 60, "O": 30, "~": 10}
    y = make_ecg_classification(
        7, n_classes=3, weights=[0.98, 0.01, 0.01], max_length=3000, random_state=0
    ).target
    assert {c: int(np.sum(y == c)) for c in "NAO"} == {"N": 5, "A": 1, "O": 1}


def test_balanced_by_default():
    y = make_ecg_classification(10, n_classes=3, max_length=3000, random_state=1).target
    assert sorted(np.unique(y, return_counts=True)[1]) == [3, 3, 4]


def test_rhythms_have_the_documented_rates_and_irregularity():
    """N, A and O beat at 45-140 bpm; AF RR intervals are the most irregular."""
    fs = 500.0
    X, y = make_ecg_classification(
        120,
        n_classes=3,
        fs=fs,
        noise=0.0,
        min_length=10_000,
        max_length=10_000,
        random_state=0,
        return_X_y=True,
    )
    rate, spread = {}, {}
    for label in "NAO":
        rate[label], spread[label] = _median_rate_and_spread(X, y, label, fs)
    assert all(45 < r < 140 for r in rate.values())
    assert spread["A"] > 2 * spread["N"]
    assert spread["O"] > spread["N"]


def test_noise_parameter_adds_white_noise():
    quiet, _ = make_ecg_classification(8, noise=0.0, random_state=0, return_X_y=True)
    loud, _ = make_ecg_classification(8, noise=0.5, random_state=0, return_X_y=True)
    added = np.concatenate([b - a for a, b in zip(quiet, loud)])
    assert added.std() == pytest.approx(0.5, rel=0.02)


def test_random_forest_learns_it_but_does_not_separate_it_perfectly():
    ecg = make_ecg_classification(400, random_state=0)
    features = np.array([_simple_features(x, ecg.fs) for x in ecg.data])
    forest = RandomForestClassifier(n_estimators=100, random_state=0)
    accuracy = cross_val_score(forest, features, ecg.target, cv=3).mean()
    assert 0.6 < accuracy < 0.95  # chance: 0.25; measured about 0.83


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_classes": 5}, r"n_classes must be an integer in 2..4.*got 5"),
        ({"n_classes": 1}, r"n_classes must be an integer in 2..4.*got 1"),
        ({"n_samples": 3}, r"n_samples must be an integer >= n_classes=4.*got 3"),
        ({"weights": [0.5, 0.5]}, r"one proportion per class.*shape \(2,\)"),
        ({"weights": [0.6, 0.6, 0.2, -0.4]}, r"weights must all be positive"),
        ({"weights": [0.4, 0.4, 0.4, 0.4]}, r"weights must sum to 1.*sum 1.6"),
        ({"min_length": 900, "max_length": 600}, r"min_length=900 is larger"),
        ({"min_length": 0}, r"min_length must be a positive integer.*got 0"),
        ({"max_length": 10.5}, r"max_length must be a positive integer"),
        ({"fs": 0}, r"fs must be a positive number of Hz; got 0"),
        ({"fs": float("nan")}, r"fs must be a positive number"),
        ({"noise": -0.1}, r"noise must be a non-negative std in mV; got -0.1"),
    ],
)
def test_bad_arguments_raise_a_clear_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_ecg_classification(**{"n_samples": 8, **kwargs})


@pytest.mark.realdata
def test_synthetic_records_resemble_real_cinc2017_records(cinc2017_small):
    """Rates, amplitudes and irregularity match real records, and a forest
    trained on synthetic records recognises real rhythms above chance."""
    real = cinc2017_small
    fs = float(real.fs)
    X, y = make_ecg_classification(600, random_state=0, return_X_y=True)
    rate, spread = {}, {}
    for name, (signals, labels) in {
        "real": (real.data, real.target),
        "syn": (X, y),
    }.items():
        for label in "NA":
            rate[name, label], spread[name, label] = _median_rate_and_spread(
                signals, labels, label, fs
            )
    assert abs(rate["syn", "N"] - rate["real", "N"]) < 15
    assert abs(rate["syn", "A"] - rate["real", "A"]) < 15
    assert spread["real", "A"] > 1.5 * spread["real", "N"]
    assert spread["syn", "A"] > 1.5 * spread["syn", "N"]

    def amplitude(signals):
        return np.median([np.percentile(np.abs(x - np.median(x)), 99) for x in signals])

    assert 0.67 < amplitude(X) / amplitude(real.data) < 1.5

    forest = RandomForestClassifier(n_estimators=200, random_state=0)
    forest.fit([_simple_features(x, fs) for x in X], y)
    predicted = forest.predict([_simple_features(x, fs) for x in real.data])
    assert balanced_accuracy_score(real.target, predicted) > 0.35  # chance: 0.25
