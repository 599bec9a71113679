"""Input validation shared by every sklecg estimator.

Signals come in two layouts (see ``DESIGN.md``):

* fixed length: a numeric array ``(n_signals, n_timesteps)`` for one lead or
  ``(n_signals, n_leads, n_timesteps)``;
* variable length: a list (or 1-D object array) of 1-D arrays, or of
  ``(n_leads, n_timesteps)`` arrays with the same number of leads.

:func:`check_signals` turns either into float32 and raises a message that names
the argument, what was received and what is accepted;
:func:`check_no_missing_labels` refuses ``None`` and NaN among labels before
they are sorted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = [
    "check_no_missing_labels",
    "check_signals",
    "is_variable_length",
    "signal_lengths",
]

_FLOAT32_MAX = float(np.finfo(np.float32).max)

_ACCEPTED = (
    "Pass a numeric array of shape (n_signals, n_timesteps) or "
    "(n_signals, n_leads, n_timesteps), or a list of 1-D arrays (one per "
    "signal, lengths may differ)."
)


def is_variable_length(X) -> bool:
    """Return True if ``X`` is a list/object array of per-signal arrays.

    Parameters
    ----------
    X : array-like or list of array-like
        Signals.

    Returns
    -------
    bool
        True for a list, tuple or 1-D object array whose items are arrays,
        False for a regular numeric array.

    Examples
    --------
    >>> import numpy as np
    >>> is_variable_length([np.zeros(3), np.zeros(5)])
    True
    >>> is_variable_length(np.zeros((2, 5)))
    False
    """
    if isinstance(X, np.ndarray):
        return X.dtype == object and X.ndim == 1
    if isinstance(X, Sequence) and not isinstance(X, str) and len(X) > 0:
        lengths = {np.shape(x) for x in X}
        return len(lengths) > 1 or any(isinstance(x, np.ndarray) for x in X)
    return False


def _as_float32(x, name: str, index: int | None = None) -> np.ndarray:
    where = name if index is None else f"{name}[{index}]"
    try:
        arr = np.asarray(x)
        if arr.dtype == object and arr.ndim > 1:
            arr = arr.astype(np.float64)
    except ValueError as exc:
        raise ValueError(f"{where} could not be read as an array: {exc}") from exc
    except TypeError as exc:  # e.g. "float() argument must be a string or ..."
        raise TypeError(f"{where} must hold numbers: {exc}. {_ACCEPTED}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{where} must hold numbers, got dtype {arr.dtype}. {_ACCEPTED}"
        )
    if np.iscomplexobj(arr):
        raise ValueError(
            f"Complex data not supported: {where} is complex; pass real-valued signals."
        )
    with np.errstate(over="ignore"):
        converted = arr.astype(np.float32, copy=False)
    finite = np.isfinite(converted)
    if not np.all(finite):
        overflow = ~finite & np.isfinite(arr)
        if overflow.any():
            largest = float(np.max(np.abs(arr[overflow])))
            raise ValueError(
                f"{where} holds {np.count_nonzero(overflow)} finite value(s) "
                f"too large for float32, the precision sklecg computes in "
                f"(largest magnitude {largest:.3g}; float32 holds at most about "
                f"{_FLOAT32_MAX:.3g}); rescale the signals (e.g. to millivolts) "
                "before passing them."
            )
        raise ValueError(
            f"{where} contains {finite.size - np.count_nonzero(finite)} NaN or "
            "infinite value(s); clean or interpolate them before passing the "
            "signals."
        )
    return converted


def check_signals(
    X,
    *,
    name: str = "X",
    allow_variable_length: bool = True,
    min_length: int = 1,
    min_length_reason: str = "",
    n_leads: int | None = None,
) -> np.ndarray | list[np.ndarray]:
    """Validate ECG signals and convert them to float32.

    Parameters
    ----------
    X : array-like of shape (n_signals, n_timesteps) or \
            (n_signals, n_leads, n_timesteps), or list of arrays
        The signals. Integer, boolean, float16 and float64 input is converted
        to float32.
    name : str, default="X"
        Name of the argument, used in error messages.
    allow_variable_length : bool, default=True
        Whether a list of signals of different lengths is accepted. When False
        the error message points to :class:`sklecg.preprocessing.Resampler`.
    min_length : int, default=1
        Minimum number of timesteps of every signal.
    min_length_reason : str, default=""
        What needs ``min_length`` samples (e.g. ``"n_fft=256"``), quoted in the
        error message.
    n_leads : int or None, default=None
        If given, the number of leads every signal must have (checked on the
        lead axis of 3-D input or of 2-D items in a list).

    Returns
    -------
    signals : ndarray of float32 or list of ndarray of float32
        A 2-D or 3-D float32 array for fixed-length input, otherwise a list of
        float32 arrays (1-D, or 2-D ``(n_leads, n_timesteps)``).

    Raises
    ------
    ValueError
        Empty input, wrong number of dimensions, NaN/inf values, signals
        shorter than ``min_length``, mismatched numbers of leads, or
        variable-length input where it is not allowed.
        Complex values ("Complex data not supported").
    TypeError
        Non-numeric values or a scipy sparse matrix.

    Examples
    --------
    >>> import numpy as np
    >>> check_signals(np.arange(6).reshape(2, 3)).dtype
    dtype('float32')
    >>> [x.shape for x in check_signals([np.ones(3), np.ones(4)])]
    [(3,), (4,)]
    """
    if X is None:
        raise ValueError(f"{name} is None. {_ACCEPTED}")
    if sparse.issparse(X):
        raise TypeError(
            f"{name} is a sparse {type(X).__name__}; sparse input is not "
            f"supported. Pass signals as a dense array ({name}.toarray()) or a "
            "list of arrays."
        )
    if is_variable_length(X):
        signals = [_as_float32(x, name, i) for i, x in enumerate(X)]
        if len(signals) == 0:
            raise ValueError(f"{name} is empty: got 0 signals. {_ACCEPTED}")
        ndims = {s.ndim for s in signals}
        if not ndims <= {1, 2} or len(ndims) > 1:
            raise ValueError(
                f"Every signal in {name} must be 1-D (n_timesteps,) or 2-D "
                f"(n_leads, n_timesteps) and all alike; got signals with ndim "
                f"{sorted(ndims)}."
            )
        if signals[0].ndim == 2:
            leads = {s.shape[0] for s in signals}
            if len(leads) > 1:
                raise ValueError(
                    f"Signals in {name} have different numbers of leads "
                    f"{sorted(leads)}; every signal must have the same leads."
                )
        lengths = {s.shape[-1] for s in signals}
        if len(lengths) == 1:
            signals = np.stack(signals)
        elif not allow_variable_length:
            raise ValueError(
                f"{name} holds signals of different lengths "
                f"({min(lengths)} to {max(lengths)} samples); this estimator "
                "needs fixed-length input. Put sklecg.preprocessing.Resampler("
                "length=...) before it in the pipeline."
            )
    else:
        signals = _as_float32(X, name)
        if signals.size == 0 and signals.ndim < 2:
            raise ValueError(
                f"{name} is empty: got an array of shape {signals.shape}. {_ACCEPTED}"
            )
        if signals.ndim not in (2, 3):
            raise ValueError(
                f"{name} must be 2-D (n_signals, n_timesteps) or 3-D "
                f"(n_signals, n_leads, n_timesteps); got an array of shape "
                f"{signals.shape}. Reshape your data: for a single signal use "
                "x.reshape(1, -1)."
            )
        if signals.shape[0] == 0:
            raise ValueError(f"{name} is empty: got 0 signals. {_ACCEPTED}")
        if signals.shape[-1] == 0:
            raise ValueError(
                f"{name} has 0 feature(s) (shape={signals.shape}) while a minimum "
                "of 1 is required: every signal needs at least one timestep."
            )
    shortest = min(signal_lengths(signals))
    if shortest < min_length:
        why = f" ({min_length_reason})" if min_length_reason else ""
        columns = (
            f" Got n_features={shortest} columns."
            if isinstance(signals, np.ndarray) and signals.ndim == 2
            else ""
        )
        raise ValueError(
            f"{name} has a signal of {shortest} samples but at least "
            f"{min_length} are needed{why}; resample or pad the signals first, "
            f"e.g. with sklecg.preprocessing.Resampler.{columns}"
        )
    if n_leads is not None:
        got = _n_leads(signals)
        if got != n_leads:
            raise ValueError(
                f"{name} has {got} lead(s) per signal but {n_leads} were "
                "expected (the number seen during fit)."
            )
    return signals


def check_no_missing_labels(y, *, name: str = "y") -> None:
    """Refuse labels that are missing: ``None`` or NaN.

    Sorting labels (:class:`~sklearn.preprocessing.LabelEncoder`,
    :func:`~sklearn.utils.multiclass.unique_labels`) fails on ``None`` with
    ``TypeError: '<' not supported``; this names the problem instead.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    name : str, default="y"
        Name of the argument, used in the error message.

    Raises
    ------
    ValueError
        If a label is None or NaN; the message gives their number and the
        index of the first.

    Examples
    --------
    >>> check_no_missing_labels(["N", "V"])
    >>> check_no_missing_labels(["N", None, "V"])
    Traceback (most recent call last):
        ...
    ValueError: y has 1 missing label(s) (None or NaN), the first at index 1; ...
    """
    labels = np.asarray(y)
    if labels.dtype == object:
        missing = np.array(
            [
                label is None or isinstance(label, float) and math.isnan(label)
                for label in labels.ravel().tolist()
            ],
            dtype=bool,
        )
    elif labels.dtype.kind == "f":
        missing = np.isnan(labels.ravel())
    else:
        return
    if missing.any():
        raise ValueError(
            f"{name} has {np.count_nonzero(missing)} missing label(s) (None or "
            f"NaN), the first at index {int(np.argmax(missing))}; drop those "
            "samples or give each of them a class."
        )


def _n_leads(signals) -> int:
    first = signals[0]
    return 1 if first.ndim == 1 else first.shape[0]


def signal_lengths(X) -> np.ndarray:
    """Return the number of timesteps of every signal.

    Parameters
    ----------
    X : ndarray or list of ndarray
        Signals as returned by :func:`check_signals`.

    Returns
    -------
    lengths : ndarray of int of shape (n_signals,)

    Examples
    --------
    >>> import numpy as np
    >>> signal_lengths([np.zeros(3), np.zeros(5)])
    array([3, 5])
    """
    if isinstance(X, np.ndarray) and X.dtype != object:
        return np.full(X.shape[0], X.shape[-1], dtype=int)
    return np.array([np.shape(x)[-1] for x in X], dtype=int)
