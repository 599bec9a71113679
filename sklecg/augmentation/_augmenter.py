"""Over-sampling by augmented copies of ECG signals."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from sklecg.augmentation import _transforms as T
from sklecg.utils.validation import check_signals

__all__ = ["Augmenter"]

#: Copies of fixed-length signals transformed at once.
_BLOCK = 256


def _check_range(name: str, value, *, upper: float | None = None) -> np.ndarray:
    """Validate a ``(low, high)`` pair with ``0 < low <= high [<= upper]``."""
    pair = np.asarray(value, dtype=float)
    bad = pair.shape != (2,) or not 0 < pair[0] <= pair[1]
    if not bad and upper is not None:
        bad = pair[1] > upper
    if bad:
        bound = "" if upper is None else f" <= {upper}"
        raise ValueError(
            f"{name} must be a pair (low, high) with 0 < low <= high{bound}; got "
            f"{value!r}."
        )
    return pair


def _select(params: dict, index) -> dict:
    """The random parameters of some copies."""
    return {name: values[index] for name, values in params.items()}


def _is_fraction_dict(strategy) -> bool:
    """True for ``{class: float}``: fractions of each class to add."""
    if not isinstance(strategy, Mapping) or not strategy:
        return False
    is_float = [isinstance(v, (float, np.floating)) for v in strategy.values()]
    if any(is_float) and not all(is_float):
        raise ValueError(
            "sampling_strategy mixes int counts and float fractions: "
            f"{strategy!r}. Use ints for target counts ({{'A': 500}}) or floats "
            "for fractions of each class to add ({'A': 0.2}), not both."
        )
    return all(is_float)


class Augmenter(BaseOverSampler):
    """Over-sample classes with randomly augmented copies of their signals.

    An imbalanced-learn over-sampler: :meth:`fit_resample` returns the
    original signals followed by new ones, each a transformed copy of a
    signal of the class it tops up. Inside an ``imblearn.pipeline.Pipeline``
    it therefore runs during ``fit`` only; ``predict`` and cross-validation
    test folds see untouched signals.

    Transforms, applied in this order to every copy (each with its own
    random draw; set the strength to 0/None to switch one off):

    1. time warp (``warp_range``): speed change by a factor ``s``;
    2. random crop (``crop_range``): keep a random window of a fraction of
       the signal;
    3. time shift (``max_shift``, ``shift_mode``);
    4. amplitude scaling (``scale_range``);
    5. baseline wander (``wander_amplitude``): a low-frequency sinusoid;
    6. Gaussian noise (``noise_std``).

    Fixed-length signals keep their length: a warped signal is read from a
    random offset and edge-padded where it runs out, a cropped window is
    stretched back to the full length. Variable-length lists change length:
    a warped signal has ``round(n / s)`` samples, a cropped one
    ``round(fraction * n)``. (A list whose signals all have one length is
    fixed-length, as :func:`~sklecg.utils.validation.check_signals` reads it.)
    All leads of a signal share its random draws.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many signals to add. imbalanced-learn conventions: ``"auto"``
        (= ``"not majority"``), ``"minority"``, ``"not minority"``,
        ``"all"`` (classes are topped up to the majority count), a dict of
        class -> target count (ints), a float (binary only: minority /
        majority ratio after resampling) or a callable ``y -> dict``. In
        addition, a dict of class -> **float** adds that fraction of the
        class: ``{"N": 0.2, "O": 0.2}`` adds ``round(0.2 * n_N)`` copies of
        class ``N`` and ``round(0.2 * n_O)`` of ``O`` (``1.0`` doubles a
        class). Int and float values cannot be mixed.
    noise_std : float, default=0.05
        Standard deviation of the added Gaussian noise, relative to each
        signal's own standard deviation (computed over leads and samples).
    scale_range : (float, float) or None, default=(0.9, 1.1)
        Range of the uniform random amplitude factor.
    max_shift : float, default=0.1
        Largest time shift as a fraction of the signal length; the shift is
        uniform in ``[-max_shift, max_shift]``.
    shift_mode : {"circular", "edge"}, default="circular"
        ``"circular"`` wraps the samples shifted out around to the other
        end (no samples lost); ``"edge"`` repeats the first/last sample.
    wander_amplitude : float, default=0.0
        Amplitude of the baseline-wander sinusoid relative to each signal's
        standard deviation; 0 disables it. Needs ``fs``.
    wander_freq : (float, float), default=(0.05, 0.5)
        Range of the wander frequency in Hz (phase uniform in [0, 2 pi)).
    fs : float or None, default=None
        Sampling rate in Hz, needed for baseline wander.
    crop_range : (float, float) or None, default=None
        Range of the fraction of the signal kept by a random crop, within
        (0, 1].
    warp_range : (float, float) or None, default=None
        Range of the speed factor ``s`` (``s > 1`` shortens the beats).
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of signals to copy and every transform.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class -> number of signals added (imbalanced-learn convention).
    sample_indices_ : ndarray of int of shape (n_samples_resampled,)
        Row of the input each output row comes from: ``arange(n_samples)``
        for the originals, then the source of every augmented copy.
    n_features_in_ : int
        Number of timesteps; set for 2-D array input only.
    feature_names_in_ : ndarray of str
        Column names of a DataFrame passed as ``X``.

    Notes
    -----
    Input: ``(n, n_timesteps)`` or ``(n, n_leads, n_timesteps)`` arrays, or
    lists of 1-D / ``(n_leads, n)`` arrays of any lengths, validated with
    :func:`sklecg.utils.validation.check_signals` (imbalanced-learn's own
    check only accepts 2-D tables, imbalanced-learn issue #1102). Output
    keeps the layout: an array in gives a float32 array out (originals
    first, then the copies), a list in gives a list of float32 arrays; a
    list ``y`` gives a list, a one-vs-all encoded ``y`` stays encoded.
    Copies of a class are drawn evenly: each signal of the class is copied
    ``floor`` or ``ceil`` of ``n_new / n_class`` times, in a random order.

    imbalanced-learn's estimator checks
    (``imblearn.utils.estimator_checks.parametrize_with_checks``) pass
    without exception; sparse and DataFrame input are not supported (the
    ``sparse`` and ``dataframe`` input tags are False, so the checks for
    them do not run), and output is always float32.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.RandomState(0).randn(6, 100)
    >>> y = np.array(["N", "N", "N", "N", "A", "A"])
    >>> X_res, y_res = Augmenter(random_state=0).fit_resample(X, y)
    >>> X_res.shape, sorted(y_res.tolist()).count("A")
    ((8, 100), 4)
    >>> aug = Augmenter(sampling_strategy={"N": 0.5}, random_state=0)
    >>> _, y_res = aug.fit_resample(X, y)
    >>> aug.sampling_strategy_, aug.sample_indices_[6:]
    ({'N': 2}, array([2, 3]))
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "noise_std": [Interval(numbers.Real, 0, None, closed="left")],
        "scale_range": ["array-like", None],
        "max_shift": [Interval(numbers.Real, 0, 1, closed="both")],
        "shift_mode": [StrOptions({"circular", "edge"})],
        "wander_amplitude": [Interval(numbers.Real, 0, None, closed="left")],
        "wander_freq": ["array-like"],
        "fs": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "crop_range": ["array-like", None],
        "warp_range": ["array-like", None],
    }

    def __init__(
        self,
        sampling_strategy="auto",
        *,
        noise_std=0.05,
        scale_range=(0.9, 1.1),
        max_shift=0.1,
        shift_mode="circular",
        wander_amplitude=0.0,
        wander_freq=(0.05, 0.5),
        fs=None,
        crop_range=None,
        warp_range=None,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.noise_std = noise_std
        self.scale_range = scale_range
        self.max_shift = max_shift
        self.shift_mode = shift_mode
        self.wander_amplitude = wander_amplitude
        self.wander_freq = wander_freq
        self.fs = fs
        self.crop_range = crop_range
        self.warp_range = warp_range
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _validate(self, X, y):
        """Check parameters, signals and targets; set sampling_strategy_."""
        self._validate_params()
        check_classification_targets(y)
        y_flat, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        validate_data(self, X, skip_check_array=True, ensure_2d=False, reset=True)
        signals = check_signals(X)
        if len(signals) != len(y_flat):
            raise ValueError(
                f"X has {len(signals)} signals but y has {len(y_flat)} labels; "
                "pass one label per signal."
            )
        if isinstance(signals, np.ndarray) and signals.ndim == 2:
            self.n_features_in_ = signals.shape[1]
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
        self._ranges = self._check_transform_params()
        self.sampling_strategy_ = self._compute_sampling_strategy(y_flat)
        return signals, y_flat, binarize_y

    def _check_transform_params(self) -> dict:
        ranges = {}
        if self.scale_range is not None:
            ranges["scale"] = _check_range("scale_range", self.scale_range)
        if self.crop_range is not None:
            ranges["crop"] = _check_range("crop_range", self.crop_range, upper=1.0)
        if self.warp_range is not None:
            ranges["warp"] = _check_range("warp_range", self.warp_range)
        if self.wander_amplitude > 0:
            if self.fs is None:
                raise ValueError(
                    "wander_amplitude > 0 needs the sampling rate: pass fs=... "
                    "(Hz) or set wander_amplitude=0."
                )
            ranges["wander"] = _check_range(
                "wander_freq", self.wander_freq, upper=self.fs / 2
            )
        return ranges

    def _compute_sampling_strategy(self, y: np.ndarray) -> dict:
        if not _is_fraction_dict(self.sampling_strategy):
            return check_sampling_strategy(self.sampling_strategy, y, "over-sampling")
        classes, counts = np.unique(y, return_counts=True)
        count_of = dict(zip(classes.tolist(), counts.tolist()))
        strategy = {}
        for label, fraction in self.sampling_strategy.items():
            if label not in count_of:
                raise ValueError(
                    f"sampling_strategy names class {label!r}, absent from y "
                    f"(classes: {sorted(count_of)})."
                )
            if fraction < 0:
                raise ValueError(
                    f"sampling_strategy fractions must be >= 0; got {fraction} "
                    f"for class {label!r}."
                )
            strategy[label] = int(round(fraction * count_of[label]))
        return strategy

    def fit(self, X, y):
        """Validate the input and compute ``sampling_strategy_``.

        Use :meth:`fit_resample` to get the augmented data.

        Parameters
        ----------
        X : array-like or list of array-like
            Signals (see Notes of the class).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : Augmenter
        """
        self._validate(X, y)
        return self

    def fit_resample(self, X, y):
        """Return the signals followed by augmented copies.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_leads, n_timesteps), or list of arrays
            Signals.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : ndarray of float32 or list of ndarray
            Same layout as ``X``: originals first, then the copies.
        y_resampled : ndarray or list
            Labels of ``X_resampled``, same type as ``y``.
        """
        signals, y_flat, binarize_y = self._validate(X, y)
        X_res, y_res = self._fit_resample(signals, y_flat)
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y_flat))
        return self._restore_types(X, X_res), self._restore_types(y, y_res)

    @staticmethod
    def _restore_types(original, resampled):
        if isinstance(original, (list, tuple)):
            return list(resampled)
        if type(original).__name__ == "Series":
            return type(original)(resampled, name=original.name)
        return resampled

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        sources = [
            np.resize(rng.permutation(np.flatnonzero(y == label)), n_new)
            for label, n_new in self.sampling_strategy_.items()
        ]
        source = np.concatenate([np.arange(len(y)), *sources]).astype(np.intp)
        self.sample_indices_ = source
        new = source[len(y) :]
        params = self._draw(new.size, rng)
        # float32 Gaussian noise from a Generator seeded by random_state: 2x
        # faster than RandomState.standard_normal, no float64 temporaries
        noise_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
        if isinstance(X, np.ndarray):
            return self._append_copies(X, new, params, noise_rng), y[source]
        copies = [
            self._augment(X[i][None], _select(params, [j]), noise_rng, False)[0]
            for j, i in enumerate(new)
        ]
        return list(X) + copies, y[source]

    def _append_copies(self, X, new, params, noise_rng) -> np.ndarray:
        """Originals then copies, filled block by block: peak memory is the
        output plus the temporaries of one block of copies."""
        X_res = np.empty((len(X) + new.size,) + X.shape[1:], dtype=np.float32)
        X_res[: len(X)] = X
        for start in range(0, new.size, _BLOCK):
            block = slice(start, start + _BLOCK)
            X_res[len(X) + start : len(X) + start + _BLOCK] = self._augment(
                X[new[block]], _select(params, block), noise_rng, True
            )
        return X_res

    # ------------------------------------------------------------ augment
    def _draw(self, m: int, rng: np.random.RandomState) -> dict:
        """Draw the length-independent random parameters of m copies."""
        params = {}
        for name, (low, high) in self._ranges.items():
            params[name] = rng.uniform(low, high, m)
        if "wander" in self._ranges:
            params["phase"] = rng.uniform(0, 2 * np.pi, m)
        for name in ("warp", "crop"):
            if name in self._ranges:
                params[f"{name}_position"] = rng.uniform(0, 1, m)
        if self.max_shift > 0:
            params["shift"] = rng.uniform(-self.max_shift, self.max_shift, m)
        return params

    def _augment(self, S, params: dict, rng, keep_length: bool) -> np.ndarray:
        std = T.signal_std(S)
        if "warp" in params:
            S = self._warp(S, params["warp"], params["warp_position"], keep_length)
        if "crop" in params:
            S = self._crop(S, params["crop"], params["crop_position"], keep_length)
        if "shift" in params:
            shift = np.rint(params["shift"] * S.shape[-1]).astype(np.intp)
            S = T.time_shift(S, shift, self.shift_mode)
        if "scale" in params:
            S = T.scale(S, params["scale"])
        if "wander" in params:
            amplitude = self.wander_amplitude * std
            S = T.baseline_wander(
                S, amplitude, params["wander"], params["phase"], self.fs
            )
        if self.noise_std > 0:
            S = T.gaussian_noise(S, self.noise_std * std, rng)
        return S.astype(np.float32, copy=False)

    @staticmethod
    def _warp(S, speed, position, keep_length):
        n = S.shape[-1]
        if keep_length:
            offset = position * np.maximum(0.0, (n - 1) * (1 - speed))
            return T.resample_affine(S, offset, speed, n)
        n_out = max(2, round(n / speed[0]))
        step = np.array([(n - 1) / (n_out - 1)])
        return T.resample_affine(S, np.zeros(1), step, n_out)

    @staticmethod
    def _crop(S, fraction, position, keep_length):
        n = S.shape[-1]
        if keep_length:
            span = fraction * (n - 1)
            offset = position * (n - 1 - span)
            return T.resample_affine(S, offset, span / max(n - 1, 1), n)
        n_out = max(1, round(fraction[0] * n))
        offset = np.floor(position * (n - n_out + 1)).clip(0, n - n_out)
        return T.resample_affine(S, offset, np.ones(1), n_out)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.dataframe = False
        tags.input_tags.three_d_array = True
        tags.sampler_tags.sample_indices = True
        return tags
