"""Messages of the shared validators in sklecg.utils.validation."""

import numpy as np
import pytest

from sklecg.utils.validation import check_no_missing_labels, check_signals


@pytest.mark.parametrize("X", [[], (), np.zeros(0)])
def test_empty_input_is_called_empty(X):
    with pytest.raises(ValueError, match=r"^X is empty: got an array of shape \(0,\)"):
        check_signals(X)


def test_empty_message_names_the_argument_and_a_valid_layout():
    with pytest.raises(ValueError) as info:
        check_signals([], name="X_compressed")
    assert "X_compressed is empty" in str(info.value)
    assert "(n_signals, n_timesteps)" in str(info.value)
    assert "reshape" not in str(info.value)


@pytest.mark.parametrize(
    ("X", "expected"),
    [
        (
            np.array([[1e39, 0.0, 1.0], [-2e39, 0.5, 0.0]]),
            "X holds 2 finite value(s) too large for float32, the precision "
            "sklecg computes in (largest magnitude 2e+39; float32 holds at most "
            "about 3.4e+38); rescale the signals (e.g. to millivolts) before "
            "passing them.",
        ),
        (
            [np.array([0.0, 1e39]), np.zeros(3)],
            "X[0] holds 1 finite value(s) too large for float32, the precision "
            "sklecg computes in (largest magnitude 1e+39; float32 holds at most "
            "about 3.4e+38); rescale the signals (e.g. to millivolts) before "
            "passing them.",
        ),
    ],
)
def test_finite_values_beyond_float32_are_not_called_infinite(X, expected):
    with pytest.raises(ValueError) as info:
        check_signals(X)
    assert str(info.value) == expected


def test_the_largest_float32_is_accepted_and_nan_is_still_nan():
    largest = float(np.finfo(np.float32).max)
    assert check_signals([[largest, -largest]]).max() == np.float32(largest)
    with pytest.raises(ValueError, match=r"contains 1 NaN or infinite value\(s\)"):
        check_signals([[0.0, np.nan]])


@pytest.mark.parametrize(
    ("y", "count", "first"),
    [
        (["N", None, "V", None], 2, 1),
        (np.array(["N", "V", float("nan")], dtype=object), 1, 2),
        (np.array([0.0, 1.0, np.nan]), 1, 2),
    ],
)
def test_missing_labels_are_named(y, count, first):
    with pytest.raises(ValueError) as info:
        check_no_missing_labels(y, name="y_true")
    assert str(info.value) == (
        f"y_true has {count} missing label(s) (None or NaN), the first at index "
        f"{first}; drop those samples or give each of them a class."
    )


@pytest.mark.parametrize("y", [["N", "V"], [0, 1, 2], np.array([0.0, 2.0])])
def test_complete_labels_pass(y):
    assert check_no_missing_labels(y) is None
