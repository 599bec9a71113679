"""Piecewise-constant (window-mean) compression of fixed-length signals."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from sklecg.base import SignalTransformer
from sklecg.utils.validation import check_signals

__all__ = [
    "PiecewiseConstantCompressor",
    "compression_error",
    "reconstruct",
    "segment_starts",
]


def segment_starts(n_timesteps: int, n_segments: int) -> np.ndarray:
    """Return the first sample index of every compression window.

    Window ``k`` covers samples ``[k * n // m, (k + 1) * n // m)`` for
    ``n = n_timesteps`` and ``m = n_segments``: every window holds
    ``floor(n / m)`` or ``ceil(n / m)`` samples and the longer ones are spread
    evenly along the signal (Bresenham-style), so a length that is not a
    multiple of the window needs no padding and loses no sample.

    Parameters
    ----------
    n_timesteps : int
        Length of the original signals.
    n_segments : int
        Number of windows, ``1 <= n_segments <= n_timesteps``.

    Returns
    -------
    starts : ndarray of int64 of shape (n_segments,)

    Examples
    --------
    >>> segment_starts(10, 4)
    array([0, 2, 5, 7])
    """
    if not 1 <= n_segments <= n_timesteps:
        raise ValueError(
            f"n_segments must be between 1 and n_timesteps={n_timesteps}; got "
            f"{n_segments}."
        )
    return np.arange(n_segments, dtype=np.int64) * n_timesteps // n_segments


def _window_sizes(starts: np.ndarray, n_timesteps: int) -> np.ndarray:
    return np.diff(starts, append=n_timesteps)


# Up to this window width, equal windows are summed with strided adds: the
# per-window overhead of ``np.add.reduceat`` makes it 2-5x slower there
# (measured on 7,000 x 9,000 float32; see benchmarks/bench_compression.py).
_MAX_STRIDED_WIDTH = 8


def _window_sums(X: np.ndarray, starts: np.ndarray, n_timesteps: int) -> np.ndarray:
    """Sum of every window along the last axis of ``X``."""
    width, rest = divmod(n_timesteps, starts.size)
    if rest or width > _MAX_STRIDED_WIDTH:
        return np.add.reduceat(X, starts, axis=-1)
    windows = X.reshape(X.shape[:-1] + (starts.size, width))
    sums = windows[..., 0].copy()
    for offset in range(1, width):
        sums += windows[..., offset]
    return sums


def reconstruct(X_compressed: np.ndarray, n_timesteps: int) -> np.ndarray:
    """Rebuild step signals of ``n_timesteps`` samples from window means.

    Parameters
    ----------
    X_compressed : ndarray of shape (n_signals, n_segments) or \
            (n_signals, n_leads, n_segments)
        Window means, e.g. from :meth:`PiecewiseConstantCompressor.transform`
        or :func:`load_compressed`.
    n_timesteps : int
        Length of the original signals.

    Returns
    -------
    X_reconstructed : ndarray of float32 of shape (..., n_timesteps)
        Every sample of a window holds the window's mean.

    Examples
    --------
    >>> import numpy as np
    >>> reconstruct(np.array([[1.0, 3.0]]), 5)
    array([[1., 1., 3., 3., 3.]], dtype=float32)
    """
    X_compressed = check_signals(
        X_compressed, name="X_compressed", allow_variable_length=False
    )
    return _expand(X_compressed, n_timesteps)


def _expand(X_compressed: np.ndarray, n_timesteps: int) -> np.ndarray:
    """:func:`reconstruct` of already validated float32 window means."""
    starts = segment_starts(n_timesteps, X_compressed.shape[-1])
    segment_of_sample = np.repeat(
        np.arange(starts.size), _window_sizes(starts, n_timesteps)
    )
    return np.take(X_compressed, segment_of_sample, axis=-1)


def compression_error(X, X_reconstructed) -> dict[str, float]:
    """Mean absolute and mean squared error of a reconstruction.

    Parameters
    ----------
    X : array-like of shape (n_signals, n_timesteps) or \
            (n_signals, n_leads, n_timesteps)
        Original signals.
    X_reconstructed : array-like of the same shape
        Reconstruction, e.g. from
        :meth:`PiecewiseConstantCompressor.inverse_transform`.

    Returns
    -------
    errors : dict
        ``{"mae": float, "mse": float}``, averaged over every sample of every
        signal (accumulated in float64).

    Examples
    --------
    >>> compression_error([[0.0, 2.0]], [[1.0, 1.0]])
    {'mae': 1.0, 'mse': 1.0}
    """
    X = check_signals(X, allow_variable_length=False)
    X_reconstructed = check_signals(
        X_reconstructed, name="X_reconstructed", allow_variable_length=False
    )
    if X.shape != X_reconstructed.shape:
        raise ValueError(
            f"X and X_reconstructed must have the same shape; got {X.shape} and "
            f"{X_reconstructed.shape}. Pass the output of inverse_transform "
            "(or of transform with output='reconstruction')."
        )
    diff = X.astype(np.float64) - X_reconstructed
    return {"mae": float(np.mean(np.abs(diff))), "mse": float(np.mean(diff**2))}


def _outputs_compressed(estimator) -> bool:
    return estimator.output == "compressed"


class PiecewiseConstantCompressor(SignalTransformer):
    """Compress signals to the means of consecutive windows.

    Each signal of ``n_timesteps`` samples is cut into ``n_segments``
    contiguous windows (see :func:`segment_starts`: window sizes differ by at
    most one sample, so any length works) and every window is replaced by its
    mean. :meth:`transform` returns the window means and
    :meth:`inverse_transform` the step reconstruction at the original length.
    With ``output="reconstruction"``, :meth:`transform` returns the step
    reconstruction directly, so a model placed after it in a pipeline is
    trained and evaluated on compressed signals. The work is vectorised over
    the batch (strided adds for equal windows of up to 8 samples,
    ``np.add.reduceat`` otherwise).

    Parameters
    ----------
    ratio : float, default=0.25
        Fraction of samples kept: ``n_segments = max(1, round(ratio *
        n_timesteps))``. Ignored when ``n_segments`` is given.
    n_segments : int or None, default=None
        Number of windows per signal; overrides ``ratio``.
    output : {"compressed", "reconstruction"}, default="compressed"
        What :meth:`transform` returns.

    Attributes
    ----------
    n_timesteps_ : int
        Length of the signals seen during :meth:`fit`; :meth:`transform`
        requires the same length.
    n_segments_ : int
        Number of windows per signal.
    segment_starts_ : ndarray of int64 of shape ``(n_segments_,)``
        First sample of every window.
    n_leads_ : int
        Number of leads (1 for 2-D input).
    n_features_in_ : int
        Number of timesteps; only set for 2-D input.
    feature_names_in_ : ndarray of str
        Column names of a DataFrame passed to :meth:`fit`.

    See Also
    --------
    compression_error : MAE and MSE of a reconstruction.
    save_compressed, load_compressed : compact binary files of window means.

    Notes
    -----
    Input: a fixed-length float array ``(n_signals, n_timesteps)`` or
    ``(n_signals, n_leads, n_timesteps)`` (variable-length lists are rejected
    with a pointer to :class:`sklecg.preprocessing.Resampler`). Output is
    float32 and keeps the lead axis. NaN/inf, wrong ``ndim``, a length other
    than the fitted one, a different number of leads, or signals shorter than
    ``n_segments`` (a window needs at least one sample) raise a
    ``ValueError``, sparse input a ``TypeError``. Integer, boolean and
    float16 input is converted to float32.

    ``sklearn.utils.estimator_checks.parametrize_with_checks`` passes with no
    check skipped.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]])
    >>> compressor = PiecewiseConstantCompressor(ratio=0.5).fit(X)
    >>> compressor.transform(X)
    array([[1., 5., 9.]], dtype=float32)
    >>> compressor.inverse_transform(compressor.transform(X))
    array([[1., 1., 5., 5., 9., 9.]], dtype=float32)
    >>> compressor.set_params(output="reconstruction").transform(X)
    array([[1., 1., 5., 5., 9., 9.]], dtype=float32)
    """

    _feature_prefix = "segment"
    _parameter_constraints: dict = {
        "ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "n_segments": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "output": [StrOptions({"compressed", "reconstruction"})],
    }

    def __init__(self, ratio=0.25, n_segments=None, output="compressed"):
        self.ratio = ratio
        self.n_segments = n_segments
        self.output = output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.unequal_length = False
        tags.input_tags.min_length = self.n_segments or 1
        tags.input_tags.min_length_reason = (
            f"one sample per compression window, n_segments={self.n_segments or 1}"
        )
        return tags

    def _check_input(self, X, *, reset: bool) -> np.ndarray:
        validate_data(self, X, skip_check_array=True, ensure_2d=False, reset=reset)
        signals = super()._check_input(X, reset=reset)
        if not reset and signals.shape[-1] != self.n_timesteps_:
            raise ValueError(
                f"X has {signals.shape[-1]} features, but {type(self).__name__} is "
                f"expecting {self.n_timesteps_} features as input (signals of "
                f"{self.n_timesteps_} timesteps, the length seen during fit). "
                "Resample the signals to that length or refit."
            )
        return signals

    def _fit(self, signals: np.ndarray) -> None:
        self.n_timesteps_ = signals.shape[-1]
        self.n_segments_ = self.n_segments or max(
            1, round(self.ratio * self.n_timesteps_)
        )
        self.segment_starts_ = segment_starts(self.n_timesteps_, self.n_segments_)

    @property
    def _n_features_out(self) -> int | None:
        if not hasattr(self, "n_features_in_"):
            return None
        return self.n_segments_ if self.output == "compressed" else self.n_timesteps_

    def _transform(self, signals: np.ndarray) -> np.ndarray:
        sums = _window_sums(signals, self.segment_starts_, self.n_timesteps_)
        sums /= _window_sizes(self.segment_starts_, self.n_timesteps_).astype(
            np.float32
        )
        if self.output == "compressed":
            return sums
        return _expand(sums, self.n_timesteps_)

    @available_if(_outputs_compressed)
    def inverse_transform(self, X) -> np.ndarray:
        """Rebuild step signals at the original length from window means.

        Only available with ``output="compressed"`` (with
        ``output="reconstruction"`` :meth:`transform` already returns it).

        Parameters
        ----------
        X : array-like of shape (n_signals, n_segments_) or \
                (n_signals, n_leads_, n_segments_)
            Window means from :meth:`transform`.

        Returns
        -------
        X_reconstructed : ndarray of float32 of shape (..., n_timesteps_)
        """
        check_is_fitted(self)
        X = check_signals(X, name="X_compressed", allow_variable_length=False)
        if X.shape[-1] != self.n_segments_:
            raise ValueError(
                f"X_compressed has {X.shape[-1]} segments per signal but "
                f"{type(self).__name__} was fitted with n_segments_="
                f"{self.n_segments_}; pass the output of transform."
            )
        return _expand(X, self.n_timesteps_)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns (2-D input only).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input column names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            The input names for ``output="reconstruction"``, otherwise
            ``segment0, segment1, ...``.
        """
        names = super().get_feature_names_out()
        if self.output == "reconstruction":
            return _check_feature_names_in(self, input_features)
        return names
