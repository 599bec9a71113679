"""sklecg.nn._inputs: the checks of ECGClassifier's X and y, called directly."""

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.exceptions import DataConversionWarning
from skorch.helper import SliceDict

from sklecg.nn._inputs import (
    SAMPLE_WEIGHT,
    SIGNALS,
    check_input,
    check_input_like_fit,
    check_labels,
    encode_labels,
    fit_label_encoder,
    input_shape,
    module_input,
    module_sizes,
    takes_any_length,
    takes_spectrograms,
    with_sample_weight,
)


# ------------------------------------------------------------- check_input
@pytest.mark.parametrize(
    ("X", "spectrogram", "expected"),
    [
        (np.zeros((4, 50)), False, (4, 1, 50)),  # one lead: a channel axis
        (np.zeros((4, 3, 50)), False, (4, 3, 50)),  # leads are the channels
        (np.zeros((4, 5, 8)), True, (4, 1, 5, 8)),  # spectrograms: a channel
        ([np.zeros(50), np.ones(50)], False, (2, 1, 50)),  # equal-length list
        (np.zeros((4, 50), dtype=np.int16), False, (4, 1, 50)),
    ],
)
def test_accepted_arrays_become_float32_with_channels(X, spectrogram, expected):
    inputs, shape = check_input(X, spectrogram=spectrogram)
    assert inputs.shape == expected and inputs.dtype == np.float32
    assert shape == np.shape(X)
    assert input_shape(inputs) == expected[1:]


def test_a_dict_becomes_a_slicedict_of_float32_arrays():
    X = {"signal": np.zeros((4, 50)), "features": np.ones((4, 3)), "rr": [1, 2, 3, 4]}
    inputs, shape = check_input(X)
    assert isinstance(inputs, SliceDict) and shape is None
    assert {key: value.dtype for key, value in inputs.items()} == dict.fromkeys(
        X, np.float32
    )
    assert input_shape(inputs) == {"signal": (1, 50), "features": (3,), "rr": ()}
    spectrograms = check_input({"signal": np.zeros((4, 5, 8))}, spectrogram=True)[0]
    assert spectrograms["signal"].shape == (4, 1, 5, 8)
    slices = SliceDict(signal=np.zeros((4, 50)), rr=np.ones(4))
    assert isinstance(check_input(slices)[0], SliceDict)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.full((3, 50), np.nan), "NaN or infinite"),
        (np.zeros(50), "Expected 2D array"),
        (np.zeros((3, 1, 2, 50)), "must be 2-D"),
        (np.zeros((0, 50)), "is empty"),
        ([], "is empty"),
        ([np.zeros(50), np.zeros(40)], "Resampler"),
        (np.zeros((3, 50)) + 1j, "Complex data not supported"),
    ],
)
def test_bad_arrays_are_refused(X, match):
    with pytest.raises(ValueError, match=match):
        check_input(X)


def test_sparse_input_is_refused_as_a_matrix_not_a_dict():
    with pytest.raises(TypeError, match="dense data is required"):
        check_input(sparse.dok_matrix(np.eye(3)))  # a dok matrix is a dict


def test_a_spectrogram_module_refuses_signals():
    with pytest.raises(ValueError, match=r"takes spectrograms .* shape \(3, 50\)"):
        check_input(np.zeros((3, 50)), spectrogram=True)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ({}, r"X is a dict with keys \[\]; pass one array per module input"),
        (
            {"signal": np.zeros((3, 50)), SAMPLE_WEIGHT: np.ones(3)},
            "under any key but 'sample_weight' \\(use fit's sample_weight\\)",
        ),
        (
            {"signal": np.zeros((3, 50)), "features": np.zeros((2, 4))},
            r"one row per sample; got these numbers of rows: \{'signal': 3, "
            r"'features': 2\}",
        ),
        ({"features": np.full((3, 2), np.nan)}, r"X\['features'\]: Input contains"),
        ({"features": np.full((3, 2), "x")}, r"X\['features'\]: could not convert"),
        ({"signal": np.zeros((3, 1, 2, 50))}, r"X\['signal'\]: X must be 2-D"),
    ],
)
def test_bad_dicts_are_refused_naming_the_key(X, match):
    with pytest.raises(ValueError, match=match):
        check_input(X)
    with pytest.raises(ValueError, match=r"X\['signal'\]: This module takes spectro"):
        check_input({"signal": np.zeros((3, 50))}, spectrogram=True)


# ---------------------------------------------------- check_input_like_fit
def like_fit(X, fitted, n_features_in=None, free_length=False, spectrogram=False):
    inputs, shape = check_input(X, spectrogram=spectrogram)
    check_input_like_fit(
        inputs,
        shape,
        fitted,
        n_features_in=n_features_in,
        free_length=free_length,
        name="Net",
    )


def test_inputs_shaped_as_in_fit_pass():
    like_fit(np.zeros((3, 50)), (1, 50), n_features_in=50)
    like_fit(np.zeros((3, 1, 50)), (1, 50), n_features_in=50)  # same network input
    like_fit(np.zeros((3, 2, 80)), (2, 50), n_features_in=2, free_length=True)
    X = {"signal": np.zeros((3, 2, 80)), "features": np.zeros((3, 4))}
    like_fit(X, {"signal": (2, 50), "features": (4,)}, free_length=True)


@pytest.mark.parametrize(
    ("X", "fitted", "n_features_in", "match"),
    [
        (
            np.zeros((3, 40)),
            (1, 50),
            50,
            r"X has 40 features, but Net is expecting 50 features as input "
            r"\(signals of length 50 seen in fit\); resample them with "
            r"sklecg.preprocessing.Resampler\(length=50\)\.",
        ),
        (
            np.zeros((3, 2, 50)),
            (1, 50),
            50,
            r"Net was fitted on 1-lead signals of length 50 and received a 3-D "
            r"array of shape \(3, 2, 50\); pass an array of shape "
            r"\(n_samples, 50\)\.",
        ),
        (
            np.zeros((3, 50)),
            (2, 50),
            2,
            r"fitted on 2-lead signals of length 50 and received a 2-D array of "
            r"shape \(3, 50\); pass an array of shape \(n_samples, 2, 50\)\.",
        ),
        (
            np.zeros((3, 4, 8)),
            (1, 5, 8),
            5,
            r"Net was fitted on spectrograms of shape \(5, 8\) and received a 3-D"
            r" array of shape \(3, 4, 8\); pass an array of shape "
            r"\(n_samples, 5, 8\)\.",
        ),
        (
            {"signal": np.zeros((3, 50))},
            (1, 50),
            50,
            "Net was fitted on X given as an array; pass X in the same form.",
        ),
        (
            np.zeros((3, 50)),
            {"signal": (1, 50)},
            None,
            r"fitted on X given as a dict with keys \['signal'\]; pass X in the",
        ),
        (
            {"signal": np.zeros((3, 50))},
            {"signal": (1, 50), "rr": (2,)},
            None,
            r"a dict with keys \['rr', 'signal'\]",
        ),
        (
            {"signal": np.zeros((3, 50)), "rr": np.zeros((3, 3))},
            {"signal": (1, 50), "rr": (2,)},
            None,
            r"Net was fitted on X\['rr'\] rows of shape \(2,\) and received "
            r"\(3,\); pass that shape\.",
        ),
        (
            {"signal": np.zeros((3, 2, 50))},
            {"signal": (1, 50)},
            None,
            r"X\['signal'\] rows of shape \(1, 50\) and received \(2, 50\)",
        ),
    ],
)
def test_inputs_unlike_fit_are_refused(X, fitted, n_features_in, match):
    with pytest.raises(ValueError, match=match):
        like_fit(X, fitted, n_features_in)


def test_a_free_length_frees_only_the_signals_last_axis():
    like_fit(np.zeros((3, 5, 9)), (1, 5, 8), free_length=True, spectrogram=True)
    with pytest.raises(ValueError, match="spectrograms of shape"):
        like_fit(np.zeros((3, 5, 9)), (1, 5, 8), spectrogram=True)
    with pytest.raises(ValueError, match="spectrograms of shape"):
        like_fit(np.zeros((3, 4, 9)), (1, 5, 8), free_length=True, spectrogram=True)
    X = {"signal": np.zeros((3, 50)), "rr": np.zeros((3, 3))}
    with pytest.raises(ValueError, match=r"X\['rr'\] rows of shape \(2,\)"):
        like_fit(X, {"signal": (1, 40), "rr": (2,)}, free_length=True)


# ------------------------------------------------------------------ labels
def test_labels_are_checked_encoded_and_decoded():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        y = check_labels(np.array([["N"], ["V"], ["N"]]), 3)
    assert y.tolist() == ["N", "V", "N"]
    encoder = fit_label_encoder(y)
    codes = encode_labels(["V", "N"], encoder)
    assert codes.tolist() == [1, 0] and codes.dtype == np.int64
    assert encoder.inverse_transform(codes).tolist() == ["V", "N"]


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (["N", "V"], "X and y have different numbers of samples: 3 and 2."),
        (np.linspace(0, 1, 3), "Unknown label type"),
        (["N", None, "V"], r"y has 1 missing label\(s\) \(None or NaN\)"),
    ],
)
def test_bad_labels_are_refused(y, match):
    with pytest.raises(ValueError, match=match):
        check_labels(y, 3)


def test_one_class_and_unseen_labels_are_refused():
    with pytest.raises(ValueError, match=r"y has only one class \(.*'N'.*\); a class"):
        fit_label_encoder(np.array(["N", "N"]))
    encoder = fit_label_encoder(["N", "V"])
    with pytest.raises(
        ValueError,
        match=r"y contains labels \['Q'\] that the model never saw; its classes_ "
        r"are \['N', 'V'\]\. Call fit",
    ):
        encode_labels(["N", "Q"], encoder)


# ------------------------------------------------------------ module sizes
class TakesAll:
    def __init__(
        self, n_outputs, n_channels, n_timesteps, n_freqs, n_frames, n_features
    ):
        pass


class TakesClasses:
    def __init__(self, n_outputs, n_hidden=8):
        pass


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((2, 90), {"n_outputs": 3, "n_channels": 2, "n_timesteps": 90}),
        ((1, 5, 8), {"n_outputs": 3, "n_channels": 1, "n_freqs": 5, "n_frames": 8}),
        (
            {"signal": (2, 90), "features": (4,)},
            {"n_outputs": 3, "n_channels": 2, "n_timesteps": 90, "n_features": 4},
        ),
        ({"features": (4, 2), "rr": (3,)}, {"n_outputs": 3}),  # nothing to infer
    ],
)
def test_module_sizes_are_read_from_the_input_shape(shape, expected):
    assert module_sizes(shape, 3, TakesAll) == expected
    assert module_sizes(shape, 3, TakesClasses) == {"n_outputs": 3}


def test_what_a_module_class_takes():
    class Fixed:
        def __init__(self, n_timesteps=None):
            pass

    class Free:
        input_kind = "spectrogram"
        any_length = True

        def __init__(self, n_frames=12, n_freqs=33):
            pass

    # declared by the class, not guessed from its constructor's defaults
    assert not takes_any_length(Fixed) and not takes_any_length(TakesAll)
    assert takes_any_length(Free) and not takes_any_length(TakesClasses)
    assert takes_spectrograms(Free) and not takes_spectrograms(Fixed)


# ----------------------------------------------------------- sample weight
def test_sample_weights_travel_beside_the_inputs_and_are_dropped_after():
    signals = np.zeros((4, 1, 50), dtype=np.float32)
    data = with_sample_weight(signals, [1, 2, 0, 1])
    assert set(data) == {SIGNALS, SAMPLE_WEIGHT}
    assert data[SAMPLE_WEIGHT].dtype == np.float32
    batch = {key: torch.as_tensor(value) for key, value in data[:2].items()}
    assert module_input(batch, named=False).shape == (2, 1, 50)
    assert with_sample_weight(signals, None) is signals  # no weights: as it is
    named = with_sample_weight(SliceDict(signal=signals, rr=np.ones((4, 2))), [1] * 4)
    assert set(named) == {"signal", "rr", SAMPLE_WEIGHT}
    assert set(module_input(dict(named), named=True)) == {"signal", "rr"}
    tensor = torch.zeros(2, 1, 50)
    assert module_input(tensor, named=False) is tensor


@pytest.mark.parametrize(
    ("weights", "match"),
    [([1, -1, 1, 1], "Negative values in data"), ([1, 1], r"\(2,\)")],
)
def test_bad_sample_weights_are_refused(weights, match):
    with pytest.raises(ValueError, match=match):
        with_sample_weight(np.zeros((4, 1, 50), dtype=np.float32), weights)
