"""Synthetic single-lead ECG records in the style of PhysioNet/CinC 2017.

Every record is built from Gaussian waves (P, Q, R, S, T) placed on a beat
train whose RR intervals follow the rhythm of its class, plus baseline wander,
occasional motion artefacts and white noise:

* ``"N"`` sinus rhythm: regular RR with respiratory sinus arrhythmia, P waves;
* ``"A"`` AF-like: irregular RR, no P waves, fibrillatory f-waves (4-9 Hz);
* ``"O"`` other rhythm: sinus rhythm with premature ventricular (wide, no P,
  discordant T) or atrial beats, or a bundle-branch-block-like wide QRS;
* ``"~"`` noise-dominated: a weak sinus ECG under muscle noise, large motion
  artefacts and stretches of lost electrode contact.

Rates, amplitudes, irregularity and noise overlap between classes on purpose,
so that the task is learnable but not trivially separable.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from sklecg.datasets._base import load_descr

__all__ = ["make_ecg_classification"]

CLASSES = ("N", "A", "O", "~")

# Normal beat: (offset from the R peak in s, width in s, amplitude in R units)
# for the P, Q, R, S and T waves (T offset is scaled by sqrt(RR) below).
_NORMAL = np.array(
    [
        [-0.20, 0.025, 0.15],
        [-0.03, 0.010, -0.12],
        [0.00, 0.012, 1.00],
        [0.03, 0.012, -0.25],
        [0.30, 0.050, 0.30],
    ]
)
# Premature ventricular beat: no P, wide QRS, T opposite to the QRS.
_VENTRICULAR = np.array(
    [
        [0.00, 0.025, 0.00],
        [-0.04, 0.025, -0.20],
        [0.00, 0.035, 1.30],
        [0.07, 0.040, -0.60],
        [0.34, 0.070, -0.45],
    ]
)
_P, _QRS, _T = 0, slice(1, 4), 4
_NORMAL_BEAT, _NO_P_BEAT, _VENTRICULAR_BEAT, _WIDE_BEAT = range(4)


def _validate(n_samples, n_classes, weights, min_length, max_length, fs, noise):
    if not isinstance(n_classes, Integral) or not 2 <= n_classes <= len(CLASSES):
        raise ValueError(
            f"n_classes must be an integer in 2..4 (the first k of "
            f"{list(CLASSES)}); got {n_classes!r}."
        )
    if not isinstance(n_samples, Integral) or n_samples < n_classes:
        raise ValueError(
            f"n_samples must be an integer >= n_classes={n_classes} so that "
            f"every class gets a record; got {n_samples!r}."
        )
    if not (isinstance(fs, Real) and np.isfinite(fs) and fs > 0):
        raise ValueError(f"fs must be a positive number of Hz; got {fs!r}.")
    if not (isinstance(noise, Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a non-negative std in mV; got {noise!r}.")
    for name, value in (("min_length", min_length), ("max_length", max_length)):
        if not isinstance(value, Integral) or value < 1:
            raise ValueError(
                f"{name} must be a positive integer number of samples; got {value!r}."
            )
    if min_length > max_length:
        raise ValueError(
            f"min_length={min_length} is larger than max_length={max_length}; "
            "pass min_length <= max_length (both in samples)."
        )
    if weights is None:
        return np.full(n_classes, 1.0 / n_classes)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n_classes,):
        raise ValueError(
            f"weights must hold one proportion per class (n_classes="
            f"{n_classes}); got shape {weights.shape}."
        )
    if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise ValueError(f"weights must all be positive; got {weights.tolist()}.")
    if not np.isclose(weights.sum(), 1.0, atol=1e-3):
        raise ValueError(
            f"weights must sum to 1; got {weights.tolist()} (sum {weights.sum():.4g})."
        )
    return weights / weights.sum()


def _class_counts(n_samples: int, weights: np.ndarray) -> np.ndarray:
    """Split ``n_samples`` by ``weights`` (largest remainder, >= 1 each)."""
    counts = np.maximum(np.floor(weights * n_samples).astype(int), 1)
    remainder = weights * n_samples - counts
    while counts.sum() != n_samples:
        step = 1 if counts.sum() < n_samples else -1
        order = np.argsort(-remainder * step, kind="stable")
        i = next(i for i in order if counts[i] + step >= 1)
        counts[i] += step
        remainder[i] -= step
    return counts


def _sinus_rr(n_beats, rng, hr_range, rsa_max):
    """RR intervals (s) of a sinus rhythm with respiratory modulation."""
    rr = 60.0 / rng.uniform(*hr_range)
    breath = 2 * np.pi * rng.uniform(0.15, 0.35) * rr * np.arange(n_beats)
    rsa = rng.uniform(0.0, rsa_max) * np.sin(breath + rng.uniform(0, 2 * np.pi))
    return rr * (1 + rsa + rng.normal(0, 0.02, n_beats))


def _rhythm(label, n_beats, rng):
    """Return RR intervals (s) and the kind of every beat for one record."""
    kinds = np.full(n_beats, _NORMAL_BEAT)
    if label == "A":
        rr = 60.0 / rng.uniform(60, 130)
        spread = rng.uniform(0.06, 0.3)
        intervals = rr * rng.lognormal(-(spread**2) / 2, spread, n_beats)
        return intervals, np.full(n_beats, _NO_P_BEAT)
    if label != "O":
        return _sinus_rr(n_beats, rng, (50, 100), 0.1), kinds
    intervals = _sinus_rr(n_beats, rng, (45, 110), 0.06)
    variant = rng.choice(3, p=[0.6, 0.2, 0.2])
    if variant == 2:  # bundle-branch-block-like: every QRS wide
        kinds[:] = _WIDE_BEAT
        return intervals, kinds
    ectopic = rng.random_sample(n_beats) < rng.uniform(0.03, 0.3)
    ectopic[0] = False
    ectopic[1:] &= ~ectopic[:-1]
    coupling = rng.uniform(0.55, 0.8)
    after = np.flatnonzero(ectopic[:-1]) + 1
    if variant == 0:  # premature ventricular beats, compensatory pause
        kinds[ectopic] = _VENTRICULAR_BEAT
        intervals[after] *= 2 - coupling
    else:  # premature atrial beats, rhythm resets
        intervals[after] *= rng.uniform(1.0, 1.15)
    intervals[ectopic] *= coupling
    return intervals, kinds


def _beat_waves(kinds, rr, rng):
    """Per-beat wave offsets, widths and amplitudes, each (n_beats, 5)."""
    n_beats = len(kinds)
    normal = _NORMAL * [1.0, rng.uniform(0.8, 1.25), 1.0]
    normal[[_P, _T], 2] *= rng.uniform(0.5, 1.5, 2)
    waves = np.repeat(normal[None], n_beats, axis=0)
    waves[:, _T, 0] *= np.sqrt(np.clip(rr, 0.3, 1.5))
    waves[kinds == _NO_P_BEAT, _P, 2] = 0.0
    waves[kinds == _VENTRICULAR_BEAT] = _VENTRICULAR * [1.0, 1.0, rng.uniform(0.7, 1.3)]
    wide = kinds == _WIDE_BEAT
    waves[wide, _QRS, 1] *= rng.uniform(1.8, 2.6)
    waves[wide, _T, 2] *= -0.8
    waves[..., 0] += rng.normal(0, 0.004, (n_beats, 5))
    waves[..., 2] *= rng.normal(1, 0.06, (n_beats, 5))
    return waves


def _gaussians(centres, widths, heights, n, fs):
    """Sum Gaussian waves (centres and widths in s) into ``n`` samples."""
    half = int(np.ceil(4 * widths.max() * fs))
    index = np.rint(centres * fs).astype(int)[:, None] + np.arange(-half, half + 1)
    values = heights[:, None] * np.exp(
        -0.5 * ((index / fs - centres[:, None]) / widths[:, None]) ** 2
    )
    inside = (index >= 0) & (index < n)
    return np.bincount(index[inside], weights=values[inside], minlength=n)


def _smooth_random(n, fs, rng, knot_s):
    """Slowly varying random curve in [-1, 1] with knots every ``knot_s``."""
    knots = np.arange(0, n / fs + 2 * knot_s, knot_s)
    return np.interp(np.arange(n) / fs, knots, rng.uniform(-1, 1, knots.size))


def _f_waves(n, fs, rng):
    """Fibrillatory waves: 4-9 Hz with drifting rate and amplitude (R units)."""
    rate = rng.uniform(4, 9) + 0.8 * _smooth_random(n, fs, rng, 1.0)
    phase = 2 * np.pi * np.cumsum(rate) / fs
    amplitude = rng.uniform(0.02, 0.12) * (1 + 0.5 * _smooth_random(n, fs, rng, 2.0))
    return amplitude * np.sin(phase)


def _artefacts(n, fs, rng, count, max_height):
    """Motion artefacts: ``count`` wide bumps of random sign (mV)."""
    return _gaussians(
        rng.uniform(0, n / fs, count),
        rng.uniform(0.05, 0.5, count),
        rng.uniform(-max_height, max_height, count),
        n,
        fs,
    )


def _noise_dominated(signal, fs, rng):
    """Bury a record under muscle noise, artefacts and lost contact."""
    n = signal.size
    noisy = signal * rng.uniform(0.2, 1.0)
    noisy += rng.normal(0, rng.uniform(0.01, 0.2), n)
    noisy += _artefacts(n, fs, rng, rng.randint(1, 10), rng.uniform(0.3, 2.5))
    if rng.random_sample() < 0.5:
        start, stop = np.sort(rng.randint(0, n, 2))
        noisy[start:stop] = rng.uniform(-2, 2) + rng.normal(0, 0.02, stop - start)
    return noisy


def _record(label, n, fs, noise, rng):
    """One synthetic record of ``n`` samples (mV) of class ``label``."""
    duration = n / fs
    n_beats = int(np.ceil((duration + 2.0) / 0.25))
    intervals, kinds = _rhythm(label, n_beats, rng)
    intervals = np.maximum(intervals, 0.25)
    r_peaks = np.cumsum(intervals) - rng.uniform(0.5, 1.5)
    keep = r_peaks < duration + 1.0
    r_peaks, kinds, intervals = r_peaks[keep], kinds[keep], intervals[keep]
    waves = _beat_waves(kinds, intervals, rng)
    centres = (r_peaks[:, None] + waves[..., 0]).ravel()
    signal = _gaussians(centres, waves[..., 1].ravel(), waves[..., 2].ravel(), n, fs)
    if label == "A":
        signal += _f_waves(n, fs, rng)
    signal *= rng.uniform(0.3, 1.5) * (-1 if rng.random_sample() < 0.1 else 1)
    if label == "~":
        signal = _noise_dominated(signal, fs, rng)
    elif rng.random_sample() < 0.3:
        signal += _artefacts(n, fs, rng, rng.randint(1, 3), 1.0)
    signal += rng.uniform(0, 0.3) * _smooth_random(n, fs, rng, rng.uniform(2, 8))
    signal += rng.normal(0, noise, n)
    return signal.astype(np.float32)


def make_ecg_classification(
    n_samples: int = 1000,
    n_classes: int = 4,
    *,
    weights=None,
    min_length: int = 3000,
    max_length: int = 9000,
    fs: float = 300.0,
    noise: float = 0.02,
    random_state=None,
    return_X_y: bool = False,
) -> Bunch | tuple[list, np.ndarray]:
    """Generate synthetic single-lead ECG records in four rhythm classes.

    The classes mimic the PhysioNet/CinC Challenge 2017 labels (see
    :func:`~sklecg.datasets.fetch_cinc2017`): ``"N"`` sinus rhythm (P-QRS-T
    beats built from Gaussian waves, per-beat jitter, respiratory sinus
    arrhythmia), ``"A"`` AF-like (irregular RR, no P waves, 4-9 Hz
    fibrillatory waves), ``"O"`` other rhythm (premature ventricular beats
    with wide QRS and compensatory pause, premature atrial beats, or a
    bundle-branch-block-like wide QRS) and ``"~"`` noise-dominated (weak ECG
    under muscle noise, motion artefacts and lost electrode contact). Heart
    rates, amplitudes (including 10 % inverted records), irregularity and
    artefacts overlap between classes, so the task is learnable but not
    trivially separable: a ``RandomForestClassifier(n_estimators=200)`` on 14
    simple per-record features (amplitude percentiles, slope statistics and
    RR-interval statistics of detected peaks; ``_simple_features`` in
    ``tests/datasets/test_synthetic.py``) scores 0.82 to 0.84 accuracy in
    5-fold cross-validation on the default 1,000 records (``random_state``
    0, 1, 2; chance: 0.25); the same forest on the raw records resampled to
    300 points scores 0.42 to 0.45. Trained on these synthetic features, the
    forest reaches a balanced accuracy of 0.53 on 300 real CinC 2017 records.

    The default lengths (10 s to 30 s at 300 Hz) are shorter than CinC 2017
    (9 s to 61 s) to keep generation fast: 1,000 records take about a second.

    Read more in ``make_ecg_classification().DESCR``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of records; at least ``n_classes``.
    n_classes : int, default=4
        Number of classes, 2 to 4: the first ``n_classes`` of
        ``["N", "A", "O", "~"]``.
    weights : array-like of shape (n_classes,), default=None
        Proportion of each class (positive, summing to 1); counts are rounded
        so that every class has at least one record. ``None`` means balanced.
        ``[0.59, 0.09, 0.29, 0.03]`` gives the CinC 2017 proportions.
    min_length, max_length : int, default=3000, 9000
        Range of record lengths in samples (uniform, inclusive).
    fs : float, default=300.0
        Sampling frequency in Hz; wave widths and rates are in seconds, so
        the morphology is the same at any ``fs``.
    noise : float, default=0.02
        Standard deviation (mV) of the white noise added to every record.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same records.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : list of ndarray of shape (n_timesteps,), dtype float32
            One signal per record, in mV (variable length).
        target : ndarray of shape (n_samples,), dtype str
            Class labels, in random order.
        target_names : ndarray of str
            The ``n_classes`` labels used, e.g. ``["N", "A", "O", "~"]``.
        lengths : ndarray of int
            Number of samples of each record.
        fs : float
            Sampling frequency in Hz.
        units : str
            ``"mV"``.
        DESCR : str
            Description of the generator.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ValueError
        If ``n_classes`` is not in 2..4, ``n_samples < n_classes``,
        ``weights`` has the wrong length, a non-positive entry or does not sum
        to 1, ``min_length > max_length``, or ``fs`` or ``noise`` is out of
        range.

    See Also
    --------
    sklecg.datasets.fetch_cinc2017 : The real records these imitate.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_ecg_classification
    >>> ecg = make_ecg_classification(n_samples=8, random_state=0)
    >>> len(ecg.data), ecg.data[0].dtype, ecg.fs
    (8, dtype('float32'), 300.0)
    >>> np.unique(ecg.target, return_counts=True)
    (array(['A', 'N', 'O', '~'], dtype='<U1'), array([2, 2, 2, 2]))
    """
    weights = _validate(
        n_samples, n_classes, weights, min_length, max_length, fs, noise
    )
    rng = check_random_state(random_state)
    names = np.array(CLASSES[:n_classes])
    target = rng.permutation(np.repeat(names, _class_counts(n_samples, weights)))
    lengths = rng.randint(min_length, max_length + 1, n_samples)
    data = [
        _record(label, int(n), float(fs), float(noise), rng)
        for label, n in zip(target, lengths)
    ]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=names,
        lengths=lengths,
        fs=float(fs),
        units="mV",
        DESCR=load_descr("synthetic"),
    )
