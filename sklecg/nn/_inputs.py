"""Validation of the data :class:`~sklecg.nn.ECGClassifier` is given.

``X`` is an array of signals or spectrograms, or a dict of named arrays (one
per keyword argument of the module's ``forward``). :func:`check_input` turns
it into the network input: a float32 array with a channel axis, or a
:class:`~skorch.helper.SliceDict`. :func:`check_input_like_fit` compares a
later ``X`` with the one seen in ``fit``; :func:`check_labels`,
:func:`fit_label_encoder` and :func:`encode_labels` validate ``y``. Every
check raises a ``ValueError`` that says what was wrong and what to pass.

What the module's class takes is read from its declarations
(:func:`takes_spectrograms`, :func:`takes_any_length`) and its constructor
(:func:`module_sizes`);
:func:`with_sample_weight` and :func:`module_input` carry sample weights
beside the inputs through skorch's batches.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np
from scipy.sparse import issparse
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_array, column_or_1d
from skorch.helper import SliceDict

from sklecg.utils.validation import (
    check_no_missing_labels,
    check_signals,
    is_variable_length,
)

__all__ = [
    "SAMPLE_WEIGHT",
    "SIGNALS",
    "check_input",
    "check_input_like_fit",
    "check_labels",
    "encode_labels",
    "fit_label_encoder",
    "input_shape",
    "module_input",
    "module_sizes",
    "takes_any_length",
    "takes_spectrograms",
    "with_sample_weight",
]

#: keys of the training data when sample weights travel beside the inputs
SIGNALS, SAMPLE_WEIGHT = "signals", "sample_weight"


def check_input(X, *, spectrogram: bool = False):
    """Validate ``X`` and return the network input and the checked shape.

    Parameters
    ----------
    X : array-like of shape (n, n_timesteps), (n, n_leads, n_timesteps) or \
            (n, n_freqs, n_frames), or dict of array-like
        Signals, spectrograms, or named inputs. A dict's ``"signal"`` entry is
        checked like an array ``X``; its other entries are numeric arrays.
    spectrogram : bool, default=False
        Whether the module takes spectrograms: ``X`` must then be 3-D.

    Returns
    -------
    inputs : ndarray of float32 or SliceDict
        ``X`` with a channel axis added to 2-D signals and to spectrograms.
    shape : tuple of int or None
        The shape of the checked array ``X`` (None for a dict).

    Examples
    --------
    >>> import numpy as np
    >>> inputs, shape = check_input(np.zeros((4, 100)))
    >>> inputs.shape, inputs.dtype, shape
    ((4, 1, 100), dtype('float32'), (4, 100))
    >>> named, _ = check_input({"signal": np.zeros((4, 100)), "rr": np.ones((4, 2))})
    >>> {key: value.shape for key, value in named.items()}
    {'signal': (4, 1, 100), 'rr': (4, 2)}
    """
    if isinstance(X, Mapping) and not issparse(X):  # dok arrays are dicts
        return _check_named_input(X, spectrogram), None
    if not (_is_empty(X) or is_variable_length(X)):
        # scikit-learn's messages for sparse, complex, 1-D and object arrays;
        # check_signals' for empty input, NaN and ragged lists
        X = check_array(X, allow_nd=True, ensure_all_finite=False)
    signals = check_signals(X, allow_variable_length=False)
    if spectrogram and signals.ndim != 3:
        raise ValueError(
            "This module takes spectrograms of shape (n_samples, n_freqs, "
            f"n_frames); got an array of shape {signals.shape}. Compute "
            "them with sklecg.features.STFTFeatures."
        )
    channel_axis = spectrogram or signals.ndim == 2
    return (signals[:, None] if channel_axis else signals), signals.shape


def _is_empty(X) -> bool:
    if isinstance(X, np.ndarray):
        return X.size == 0
    return isinstance(X, list | tuple) and len(X) == 0


def _check_named_input(X: Mapping, spectrogram: bool) -> SliceDict:
    if not X or SAMPLE_WEIGHT in X:
        raise ValueError(
            f"X is a dict with keys {list(X)}; pass one array per module input, "
            f"under any key but {SAMPLE_WEIGHT!r} (use fit's sample_weight)."
        )
    inputs = {}
    for key, value in X.items():
        try:
            if key == "signal":
                inputs[key] = check_input(value, spectrogram=spectrogram)[0]
            else:
                inputs[key] = check_array(value, dtype=np.float32, ensure_2d=False)
        except ValueError as exc:
            raise ValueError(f"X[{key!r}]: {exc}") from exc
    rows = {key: len(value) for key, value in inputs.items()}
    if len(set(rows.values())) > 1:
        raise ValueError(
            "The arrays of X must have one row per sample; got these numbers "
            f"of rows: {rows}."
        )
    return SliceDict(**inputs)


def input_shape(inputs) -> tuple | dict:
    """The shape of one sample of the network input (per key for a dict)."""
    if isinstance(inputs, Mapping):
        return {key: value.shape[1:] for key, value in inputs.items()}
    return inputs.shape[1:]


def check_input_like_fit(
    inputs, shape, fitted, *, n_features_in=None, free_length=False, name="Net"
) -> None:
    """Raise unless ``inputs`` has the form and sample shape seen in fit.

    Parameters
    ----------
    inputs : ndarray or SliceDict
        The network input of ``X``, from :func:`check_input`.
    shape : tuple of int or None
        The shape of the checked array ``X``, from :func:`check_input`.
    fitted : tuple of int or dict
        :func:`input_shape` of the input seen in fit.
    n_features_in : int or None, default=None
        ``X.shape[1]`` seen in fit, for an array ``X``.
    free_length : bool, default=False
        Whether the signals (or spectrograms') last axis may differ from fit.
    name : str, default="Net"
        The estimator's name, for the messages.

    Examples
    --------
    >>> import numpy as np
    >>> inputs, shape = check_input(np.zeros((4, 90)))
    >>> check_input_like_fit(inputs, shape, (1, 90), n_features_in=90)
    >>> check_input_like_fit(inputs, shape, (1, 100), n_features_in=100)
    Traceback (most recent call last):
    ...
    ValueError: X has 90 features, but Net is expecting 100 features as input ...
    """
    got = input_shape(inputs)
    named = isinstance(fitted, Mapping)
    if isinstance(got, Mapping) != named or named and got.keys() != fitted.keys():
        form = f"a dict with keys {sorted(fitted)}" if named else "an array"
        raise ValueError(
            f"{name} was fitted on X given as {form}; pass X in the same form."
        )
    for key in fitted if named else [None]:
        have, want = (got[key], fitted[key]) if named else (got, tuple(fitted))
        free = free_length and key in (None, "signal")
        if have[:-1] == want[:-1] and (free or have[-1] == want[-1]):
            continue
        if named:
            raise ValueError(
                f"{name} was fitted on X[{key!r}] rows of shape {want} and "
                f"received {have}; pass that shape."
            )
        raise ValueError(_array_mismatch(shape, want, n_features_in, name))


def _array_mismatch(shape: tuple, fitted: tuple, n_features_in, name: str) -> str:
    """Say what fit saw, what ``X`` of ``shape`` is, and what to pass."""
    if len(fitted) == 3:
        return (
            f"{name} was fitted on spectrograms of shape {fitted[1:]} and "
            f"received a {len(shape)}-D array of shape {shape}; pass an "
            f"array of shape (n_samples, {fitted[1]}, {fitted[2]})."
        )
    n_leads, length = fitted
    two_d = fitted == (1, n_features_in)  # fitted on (n, n_timesteps)
    if two_d and len(shape) == 2:
        return (
            f"X has {shape[1]} features, but {name} is expecting {length} "
            f"features as input (signals of length {length} seen in fit); "
            f"resample them with sklecg.preprocessing.Resampler(length={length})."
        )
    expected = (
        f"(n_samples, {length})" if two_d else f"(n_samples, {n_leads}, {length})"
    )
    return (
        f"{name} was fitted on {n_leads}-lead signals of length {length} and "
        f"received a {len(shape)}-D array of shape {shape}; pass an array of "
        f"shape {expected}."
    )


def check_labels(y, n_samples: int) -> np.ndarray:
    """Validate class labels ``y``, one per sample of ``X``, as a 1-D array.

    Examples
    --------
    >>> check_labels(["N", "V", "N"], 3)
    array(['N', 'V', 'N'], dtype='<U1')
    """
    y = column_or_1d(y, warn=True)
    check_no_missing_labels(y)
    check_classification_targets(y)
    if len(y) != n_samples:
        raise ValueError(
            f"X and y have different numbers of samples: {n_samples} and {len(y)}."
        )
    return y


def fit_label_encoder(y) -> LabelEncoder:
    """A label encoder fitted on ``y``, which must hold two classes at least.

    Examples
    --------
    >>> fit_label_encoder(["N", "V", "N"]).classes_
    array(['N', 'V'], dtype='<U1')
    """
    encoder = LabelEncoder().fit(y)
    if len(encoder.classes_) < 2:
        raise ValueError(
            f"y has only one class ({y[0]!r}); a classifier needs at least 2."
        )
    return encoder


def encode_labels(y, encoder: LabelEncoder) -> np.ndarray:
    """The int64 codes of labels ``y``, all among ``encoder.classes_``.

    Examples
    --------
    >>> encode_labels(["V", "N"], fit_label_encoder(["N", "V"]))
    array([1, 0])
    """
    classes = encoder.classes_
    unseen = np.setdiff1d(y, classes)
    if unseen.size:
        raise ValueError(
            f"y contains labels {unseen.tolist()} that the model never saw; its "
            f"classes_ are {classes.tolist()}. Call fit to train on a new set of "
            "classes."
        )
    return encoder.transform(y).astype(np.int64)


def takes_spectrograms(module_class) -> bool:
    """Whether the module's class declares ``input_kind = "spectrogram"``."""
    return getattr(module_class, "input_kind", "") == "spectrogram"


def takes_any_length(module_class) -> bool:
    """Whether the module's class declares ``any_length = True``.

    :class:`~sklecg.nn.ECGModule` subclasses declare it when they take any
    length along the time axis (global pooling, a recurrent layer); a module
    that does not declare it is taken to be sized for the length of ``fit``.

    Examples
    --------
    >>> from sklecg.nn import ConvNet, SimpleCNN
    >>> takes_any_length(SimpleCNN), takes_any_length(ConvNet)
    (True, False)
    """
    return getattr(module_class, "any_length", False) is True


def module_sizes(shape, n_outputs: int, module_class) -> dict:
    """The sizes of the data that the constructor of ``module_class`` takes.

    Parameters
    ----------
    shape : tuple of int or dict
        :func:`input_shape` of the training input.
    n_outputs : int
        The number of classes.
    module_class : type
        The module's class; sizes it does not take are left out.

    Examples
    --------
    >>> from sklecg.nn import ConvNet
    >>> module_sizes((2, 90), 3, ConvNet)
    {'n_outputs': 3, 'n_channels': 2, 'n_timesteps': 90}
    """
    accepted = inspect.signature(module_class).parameters
    named = shape if isinstance(shape, Mapping) else {"signal": shape}
    sizes = {"n_outputs": n_outputs}
    if "signal" in named:
        signal = named["signal"]
        axes = ("n_freqs", "n_frames") if len(signal) == 3 else ("n_timesteps",)
        sizes.update(n_channels=signal[0], **dict(zip(axes, signal[1:])))
    if len(named.get("features", ())) == 1:
        sizes["n_features"] = named["features"][0]
    return {key: value for key, value in sizes.items() if key in accepted}


def with_sample_weight(inputs, sample_weight):
    """The training data: ``inputs`` and validated sample weights in a SliceDict.

    The weights travel under ``SAMPLE_WEIGHT``, an array input under
    ``SIGNALS``; :func:`module_input` takes the module's input back. Without
    weights (None) ``inputs`` are returned as they are.
    """
    if sample_weight is None:
        return inputs
    weights = _check_sample_weight(
        sample_weight, inputs, dtype=np.float32, ensure_non_negative=True
    )
    named = inputs if isinstance(inputs, Mapping) else {SIGNALS: inputs}
    return SliceDict(**named, **{SAMPLE_WEIGHT: weights})


def module_input(batch, named: bool):
    """The module's input in a ``batch``: sample weights dropped.

    ``named`` says whether the module takes named inputs (a dict ``X``).
    """
    if not isinstance(batch, Mapping):
        return batch
    batch = {key: value for key, value in batch.items() if key != SAMPLE_WEIGHT}
    return batch if named else batch[SIGNALS]
