"""Resampler: signals of any length (and sampling rate) to a fixed length."""

from __future__ import annotations

from fractions import Fraction
from numbers import Integral, Real

import numpy as np
from scipy.signal import resample_poly
from sklearn.utils._param_validation import Interval, StrOptions

from sklecg.base import SignalTransformer, iter_length_groups
from sklecg.utils.validation import signal_lengths

__all__ = ["Resampler"]

_MAX_DENOMINATOR = 1000


def _linear_interpolate(x: np.ndarray, length: int) -> np.ndarray:
    """Linear interpolation of the last axis onto ``length`` samples.

    The first and last samples are kept; positions in between are spread
    evenly (``np.interp`` on ``np.linspace(0, t - 1, length)``), vectorised
    over the leading axes.
    """
    t = x.shape[-1]
    if t == 1:
        return np.repeat(x, length, axis=-1)
    pos = np.linspace(0.0, t - 1, length)
    left = np.minimum(pos.astype(np.intp), t - 2)
    frac = (pos - left).astype(np.float32)
    lo = x[..., left]
    return lo + (x[..., left + 1] - lo) * frac


class Resampler(SignalTransformer):
    """Bring signals to one length and, optionally, one sampling rate.

    First, if ``fs`` and ``target_fs`` are given, every signal is resampled
    with a polyphase anti-aliasing filter (:func:`scipy.signal.resample_poly`
    with ``up / down = Fraction(target_fs / fs).limit_denominator(1000)``).
    Then, if ``length`` is given, signals shorter than ``length`` are
    stretched, padded or repeated (``short``) and longer ones cropped or
    squeezed (``long``). ``transform`` is deterministic: random crops are the
    job of :class:`sklecg.augmentation.Augmenter`.

    The AMLS report's recipe (records shorter than 9,000 samples interpolated
    up, longer ones cropped to 9,000) is ``Resampler(length=9000)`` with
    the defaults ``short="interpolate"``; use ``long="crop_start"`` to keep
    the beginning of long records instead of their centre.

    Parameters
    ----------
    length : int or None, default=None
        Number of samples of every output signal. None keeps the length
        given by the sampling-rate change, so variable-length input stays
        variable-length (a list comes out).
    fs : float or None, default=None
        Sampling rate of the input, in Hz. Give it together with
        ``target_fs``.
    target_fs : float or None, default=None
        Sampling rate of the output, in Hz.
    short : {"interpolate", "pad", "repeat"}, default="interpolate"
        Signals shorter than ``length``: linear interpolation onto
        ``length`` samples (first and last samples kept), zeros appended at
        the end, or the signal repeated from its start until ``length``
        samples are filled.
    long : {"crop_center", "crop_start", "interpolate"}, default="crop_center"
        Signals longer than ``length``: keep the central ``length`` samples
        (the extra odd sample is dropped at the end), keep the first
        ``length`` samples, or linear interpolation onto ``length`` samples
        (no anti-aliasing filter: use ``fs``/``target_fs`` for that).

    Attributes
    ----------
    up_, down_ : int or None
        Polyphase up- and down-sampling factors (None without rate change).
    n_leads_ : int
        Number of leads of the signals seen in ``fit``; ``transform`` checks
        the same number.
    n_features_in_ : int
        Number of timesteps of 2-D fixed-length input seen in ``fit`` (only
        set for such input). ``transform`` accepts any length.

    Notes
    -----
    Input: a 2-D array ``(n, t)``, a 3-D array ``(n, n_leads, t)`` or a list
    of 1-D / ``(n_leads, t_i)`` arrays. Output: a float32 array ``(n,
    length)`` or ``(n, n_leads, length)``. Equal-length signals are processed
    as one array; variable-length ones in blocks of equal length.

    The transformer is stateless: ``fit`` only validates the parameters and
    records the layout of ``X``; ``transform`` also works unfitted.

    scikit-learn checks expected to fail (``_expected_failed_checks``):
    ``check_n_features_in_after_fitting``, since accepting another length at
    ``transform`` than at ``fit`` is the purpose of this transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.preprocessing import Resampler
    >>> signals = [np.arange(5.0), np.arange(12.0)]
    >>> Resampler(length=8).fit_transform(signals).shape
    (2, 8)
    >>> Resampler(fs=360, target_fs=125).fit_transform(np.ones((3, 720))).shape
    (3, 250)
    """

    _parameter_constraints: dict = {
        "length": [Interval(Integral, 1, None, closed="left"), None],
        "fs": [Interval(Real, 0, None, closed="neither"), None],
        "target_fs": [Interval(Real, 0, None, closed="neither"), None],
        "short": [StrOptions({"interpolate", "pad", "repeat"})],
        "long": [StrOptions({"crop_center", "crop_start", "interpolate"})],
    }
    _feature_prefix = "t"
    _stateless = True

    def __init__(
        self,
        length: int | None = None,
        *,
        fs: float | None = None,
        target_fs: float | None = None,
        short: str = "interpolate",
        long: str = "crop_center",
    ):
        self.length = length
        self.fs = fs
        self.target_fs = target_fs
        self.short = short
        self.long = long

    def _fit(self, signals) -> None:
        self.up_, self.down_ = self._ratio()
        self._n_features_out = None
        if signals[0].ndim == 1:
            if self.length is not None:
                self._n_features_out = self.length
            elif isinstance(signals, np.ndarray):
                self._n_features_out = self._output_length(
                    signals.shape[1], (self.up_, self.down_)
                )

    def _transform(self, signals):
        ratio = self._ratio()
        if self.length is None and not isinstance(signals, np.ndarray):
            return [self._resample_block(s[np.newaxis], ratio)[0] for s in signals]
        out_len = self._output_length(signals[0].shape[-1], ratio)
        out = np.empty(
            (len(signals), *signals[0].shape[:-1], out_len), dtype=np.float32
        )
        todo = np.arange(len(signals))
        if not isinstance(signals, np.ndarray) and ratio[0] is None:
            # signals that already have the target length are copied as is
            done = signal_lengths(signals) == out_len
            for i in np.flatnonzero(done):
                out[i] = signals[i]
            todo = np.flatnonzero(~done)
            signals = [signals[i] for i in todo]
        for idx, block in iter_length_groups(signals):
            out[todo[idx]] = self._resample_block(block, ratio)
        return out

    def _ratio(self) -> tuple[int | None, int | None]:
        """The polyphase ``(up, down)`` factors, or ``(None, None)``."""
        if (self.fs is None) != (self.target_fs is None):
            raise ValueError(
                f"fs and target_fs must be given together; got fs={self.fs!r} "
                f"and target_fs={self.target_fs!r}. Pass both to change the "
                "sampling rate, or neither."
            )
        if self.fs is None:
            return None, None
        ratio = Fraction(self.target_fs / self.fs).limit_denominator(_MAX_DENOMINATOR)
        return ratio.numerator, ratio.denominator

    def _output_length(self, t: int, ratio: tuple) -> int:
        if self.length is not None:
            return self.length
        up, down = ratio
        return t if up is None else -(-t * up // down)

    def _resample_block(self, x: np.ndarray, ratio: tuple) -> np.ndarray:
        """Resample a stack of equal-length signals along the last axis."""
        up, down = ratio
        if up is not None and up != down:
            x = resample_poly(x, up, down, axis=-1).astype(np.float32)
        t = x.shape[-1]
        if self.length is None or t == self.length:
            return x
        if t < self.length:
            return self._stretch(x)
        return self._shrink(x)

    def _stretch(self, x: np.ndarray) -> np.ndarray:
        t = x.shape[-1]
        if self.short == "interpolate":
            return _linear_interpolate(x, self.length)
        if self.short == "repeat":
            return x[..., np.arange(self.length) % t]
        padded = np.zeros((*x.shape[:-1], self.length), dtype=np.float32)
        padded[..., :t] = x
        return padded

    def _shrink(self, x: np.ndarray) -> np.ndarray:
        if self.long == "interpolate":
            return _linear_interpolate(x, self.length)
        start = 0 if self.long == "crop_start" else (x.shape[-1] - self.length) // 2
        return x[..., start : start + self.length]
