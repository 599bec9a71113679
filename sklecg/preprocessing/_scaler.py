"""SignalScaler: per-signal z-score or min-max scaling."""

from __future__ import annotations

import numpy as np
from sklearn.utils._param_validation import StrOptions

from sklecg.base import SignalTransformer, iter_length_groups

__all__ = ["SignalScaler"]


def _scale_block(x: np.ndarray, method: str) -> np.ndarray:
    """Scale every row (last axis) of ``x``; flat rows become zeros."""
    if method == "zscore":
        offset = x.mean(axis=-1, keepdims=True)
        spread = x.std(axis=-1, keepdims=True)
    else:
        offset = x.min(axis=-1, keepdims=True)
        spread = x.max(axis=-1, keepdims=True) - offset
    # A row is flat exactly when max == min; a non-flat row can still have a
    # spread that underflows to 0 in float32, so both are guarded.
    flat = np.ptp(x, axis=-1, keepdims=True) == 0
    spread = np.where(flat | (spread == 0), np.float32(1), spread)
    out = (x - offset) / spread
    out[np.broadcast_to(flat, out.shape)] = 0.0
    return out.astype(np.float32, copy=False)


class SignalScaler(SignalTransformer):
    """Scale every signal (and every lead) on its own.

    Stateless: each signal is scaled with its own statistics, so ``fit``
    learns nothing (it validates ``method`` and records the layout of ``X``)
    and ``transform`` also works unfitted. For a scaling learnt over the
    training set use :class:`sklearn.preprocessing.StandardScaler`.

    Parameters
    ----------
    method : {"zscore", "minmax"}, default="zscore"
        ``"zscore"``: subtract the signal's mean and divide by its standard
        deviation. ``"minmax"``: map the signal's minimum to 0 and its
        maximum to 1.

    Attributes
    ----------
    n_leads_ : int
        Number of leads of the signals seen in ``fit``; ``transform`` checks
        the same number.
    n_features_in_ : int
        Number of timesteps of 2-D fixed-length input seen in ``fit`` (only
        set for such input). ``transform`` accepts any length.

    Notes
    -----
    Flat signals (all samples equal) have no spread to divide by: they are
    mapped to zeros by both methods, never to NaN or infinity.

    Input: a 2-D array ``(n, t)``, a 3-D array ``(n, n_leads, t)`` or a list
    of 1-D / ``(n_leads, t_i)`` arrays; the output has the same layout, in
    float32. Multi-lead signals are scaled lead by lead.

    scikit-learn checks expected to fail (``_expected_failed_checks``):
    ``check_n_features_in_after_fitting``, since the scaling is per signal
    and any length is accepted at ``transform``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.preprocessing import SignalScaler
    >>> SignalScaler(method="minmax").fit_transform(np.array([[1.0, 2.0, 3.0]]))
    array([[0. , 0.5, 1. ]], dtype=float32)
    >>> SignalScaler().fit_transform(np.full((1, 4), 7.0))
    array([[0., 0., 0., 0.]], dtype=float32)
    """

    _parameter_constraints: dict = {"method": [StrOptions({"zscore", "minmax"})]}
    _stateless = True

    def __init__(self, method: str = "zscore"):
        self.method = method

    def _fit(self, signals) -> None:
        self._n_features_out = getattr(self, "n_features_in_", None)

    def _transform(self, signals):
        fixed = isinstance(signals, np.ndarray)
        out = np.empty_like(signals) if fixed else [None] * len(signals)
        for idx, block in iter_length_groups(signals):
            scaled = _scale_block(block, self.method)
            if fixed:
                out[idx] = scaled
            else:
                for i, signal in zip(idx, scaled):
                    out[i] = signal
        return out
