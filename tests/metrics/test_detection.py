"""Tests of sklecg.metrics.r_peak_detection_scores."""

import numpy as np
import pytest

from sklecg.metrics import r_peak_detection_scores


def test_counts_and_rates_against_hand_matching():
    fs = 360
    reference = [100, 460, 820, 1180]
    # 101 and 470 match (1 and 10 samples off); 900 is 80 samples (222 ms)
    # from 820: outside the 150 ms window; 1180 has no detection.
    scores = r_peak_detection_scores(reference, [101, 470, 900], fs)
    assert (scores["tp"], scores["fn"], scores["fp"]) == (2, 2, 1)
    assert scores["sensitivity"] == pytest.approx(0.5)
    assert scores["ppv"] == pytest.approx(2 / 3)
    assert scores["median_offset"] == pytest.approx(np.median([1, 10]) / fs)


def test_window_and_exclusion():
    fs = 100
    assert r_peak_detection_scores([100], [110], fs, window=0.05)["tp"] == 0
    assert r_peak_detection_scores([100], [110], fs, window=0.15)["tp"] == 1
    excluded = r_peak_detection_scores(
        [100, 500], [100, 300, 320, 340], fs, exclude=[(250, 400)]
    )
    assert (excluded["tp"], excluded["fn"], excluded["fp"]) == (1, 1, 0)


def test_empty_sides_and_bad_fs():
    none_found = r_peak_detection_scores([10, 20], [], fs=100)
    assert (none_found["tp"], none_found["fn"], none_found["sensitivity"]) == (0, 2, 0)
    assert np.isnan(none_found["ppv"]) and np.isnan(none_found["median_offset"])
    with pytest.raises(ValueError, match="fs must be a positive sampling rate"):
        r_peak_detection_scores([1], [1], fs=0)
