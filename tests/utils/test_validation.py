"""Messages of the shared validators in sklecg.utils.validation."""

import numpy as np
import pytest
from _nn_common import toy_signals

from sklecg.compression import PiecewiseConstantCompressor
from sklecg.metrics import classification_report, specificity_score
from sklecg.nn import ECGClassifier, SimpleCNN
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


# --- check_signals on its own: every accepted layout, every refusal ---------


@pytest.mark.parametrize(
    ("X", "shape"),
    [
        (np.arange(6).reshape(2, 3), (2, 3)),
        (np.ones((2, 2, 5), dtype=np.float64), (2, 2, 5)),
        (np.ones((2, 4), dtype=bool), (2, 4)),
        ([np.ones(3), np.zeros(3)], (2, 3)),  # equal lengths are stacked
        ([np.ones((2, 4)), np.zeros((2, 4))], (2, 2, 4)),
    ],
)
def test_fixed_length_layouts_become_float32_arrays(X, shape):
    signals = check_signals(X)
    assert isinstance(signals, np.ndarray)
    assert signals.dtype == np.float32 and signals.shape == shape


def test_variable_length_lists_stay_lists_of_float32():
    signals = check_signals([np.arange(3), np.arange(5.0)])
    assert isinstance(signals, list)
    assert [s.dtype for s in signals] == [np.float32, np.float32]
    assert [s.shape for s in signals] == [(3,), (5,)]
    with pytest.raises(
        ValueError, match=r"different lengths \(3 to 5 samples\).*Resampler"
    ):
        check_signals([np.arange(3), np.arange(5.0)], allow_variable_length=False)


@pytest.mark.parametrize(
    ("X", "kwargs", "message"),
    [
        (np.ones(5), {}, r"must be 2-D .* x\.reshape\(1, -1\)"),
        (
            np.ones((1, 2, 3, 4)),
            {},
            r"must be 2-D .*got an array of shape \(1, 2, 3, 4\)",
        ),
        ([np.ones(3), np.ones((2, 3))], {}, r"must be 1-D .*all alike"),
        (
            [np.ones((2, 3)), np.ones((3, 3))],
            {},
            r"different numbers of leads \[2, 3\]",
        ),
        (np.array([[1.0, np.nan]]), {}, r"NaN"),
        (
            np.ones((2, 3)),
            {"min_length": 4, "min_length_reason": "one window"},
            r"at least 4.*one window",
        ),
        (np.ones((2, 2, 3)), {"n_leads": 1}, r"lead"),
        (None, {}, r"X is None"),
    ],
)
def test_refusals_say_what_was_wrong(X, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_signals(X, **kwargs)


def test_errors_name_the_argument_and_refuse_sparse_and_text():
    from scipy import sparse

    with pytest.raises(ValueError, match=r"^X_compressed is None"):
        check_signals(None, name="X_compressed")
    with pytest.raises(TypeError, match=r"sparse .*toarray\(\)"):
        check_signals(sparse.csr_matrix(np.ones((2, 3))))
    with pytest.raises((TypeError, ValueError)):
        check_signals(np.array([["a", "b"]]))


# ------------------------------------- the same messages through each caller
def small_net(**params):
    defaults = {"module": SimpleCNN, "max_epochs": 1, "batch_size": 16}
    return ECGClassifier(**{**defaults, "random_state": 0, **params})


@pytest.mark.parametrize(
    "call",
    [
        lambda y: small_net().fit(toy_signals(n=4)[0], y),
        lambda y: specificity_score(y, ["N", "S", "V", "N"], average="macro"),
        lambda y: classification_report(["N", "S", "V", "N"], y),
    ],
    ids=["ECGClassifier.fit", "specificity_score", "classification_report"],
)
def test_labels_holding_none_are_called_missing(call):
    y = ["N", None, "V", "N"]
    with pytest.raises(ValueError, match=r"has 1 missing label\(s\) \(None or NaN\)"):
        call(y)


@pytest.mark.parametrize(
    "call",
    [
        check_signals,
        lambda X: PiecewiseConstantCompressor().fit(X),
        lambda X: small_net().fit(X, ["N", "V"]),
    ],
    ids=["check_signals", "PiecewiseConstantCompressor", "ECGClassifier"],
)
def test_a_finite_value_beyond_float32_is_not_called_infinite(call):
    X = np.zeros((2, 64))
    X[1, 5] = 1e39
    with pytest.raises(ValueError) as info:
        call(X)
    assert str(info.value) == (
        "X holds 1 finite value(s) too large for float32, the precision sklecg "
        "computes in (largest magnitude 1e+39; float32 holds at most about "
        "3.4e+38); rescale the signals (e.g. to millivolts) before passing them."
    )


@pytest.mark.parametrize(
    "call",
    [
        check_signals,
        lambda X: PiecewiseConstantCompressor().fit(X),
        lambda X: small_net().fit(X, []),
    ],
    ids=["check_signals", "PiecewiseConstantCompressor", "ECGClassifier"],
)
def test_an_empty_list_is_called_empty(call):
    with pytest.raises(ValueError) as info:
        call([])
    assert str(info.value).startswith("X is empty: got an array of shape (0,).")
    assert "reshape" not in str(info.value)
