"""RRIntervalFeatures: R-peak detection and heart-rhythm statistics per record."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt
from sklearn.utils._param_validation import Interval

from sklecg.preprocessing._base import (
    SignalTransformer,
    iter_length_groups,
    n_leads_of,
)

__all__ = ["RRIntervalFeatures", "detect_r_peaks"]

FEATURE_NAMES = (
    "heart_rate",
    "rr_mean",
    "rr_median",
    "rr_std",
    "rr_min",
    "rr_max",
    "rr_iqr",
    "rr_cv",
    "rmssd",
    "rmssd_norm",
    "pnn50",
    "prr10",
    "sd1_sd2",
    "rr_diff_sign_changes",
    "peak_amplitude_cv",
    "beat_coverage",
)
_BAND_HZ = (5.0, 15.0)
_INTEGRATION_S = 0.15


def _qrs_energy(block: np.ndarray, fs: float) -> np.ndarray:
    """Band-pass, square the slope and integrate (Pan-Tompkins style)."""
    nyquist = fs / 2.0
    high = min(_BAND_HZ[1], 0.9 * nyquist)
    sos = butter(2, [_BAND_HZ[0] / nyquist, high / nyquist], btype="band", output="sos")
    pad = min(block.shape[-1] - 1, 3 * 2 * sos.shape[0])
    filtered = sosfiltfilt(sos, block, axis=-1, padlen=pad)
    slope = np.diff(filtered, axis=-1, prepend=filtered[..., :1])
    width = max(1, int(round(_INTEGRATION_S * fs)))
    return uniform_filter1d(slope**2, size=width, axis=-1)


def _peaks_of(energy: np.ndarray, fs: float, refractory: float, threshold: float):
    height = threshold * np.percentile(energy, 99)
    distance = max(1, int(round(refractory * fs)))
    return find_peaks(energy, height=height, distance=distance)[0]


def detect_r_peaks(
    signal, fs: float, *, refractory: float = 0.25, threshold: float = 0.3
) -> np.ndarray:
    """Sample indices of the QRS complexes of one ECG signal.

    The signal is band-passed to 5-15 Hz, its squared slope is integrated over
    150 ms (Pan & Tompkins, 1985), and the peaks of that energy higher than
    ``threshold`` times its 99th percentile and at least ``refractory``
    seconds apart are kept. Polarity does not matter.

    Parameters
    ----------
    signal : array-like of shape (n_timesteps,)
        One lead.
    fs : float
        Sampling rate in Hz.
    refractory : float, default=0.25
        Shortest accepted RR interval in seconds (240 bpm).
    threshold : float, default=0.3
        Detection threshold relative to the 99th percentile of the energy.

    Returns
    -------
    peaks : ndarray of int
        Increasing sample indices (of the integrated energy's maxima, which
        lag the R peaks by a constant of about 75 ms).

    Examples
    --------
    >>> import numpy as np
    >>> fs = 250
    >>> t = np.arange(10 * fs) / fs
    >>> beats = np.arange(0.5, 10, 1.0)
    >>> ecg = np.exp(-((t[:, None] - beats) ** 2) / (2 * 0.01**2)).sum(axis=1)
    >>> peaks = detect_r_peaks(ecg, fs)
    >>> len(peaks), round(float(np.diff(peaks).mean()) / fs, 2)
    (10, 1.0)
    """
    x = np.asarray(signal, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"signal must be 1-D (one lead); got shape {x.shape}.")
    return _peaks_of(_qrs_energy(x, fs), fs, refractory, threshold)


def _rhythm_features(peaks: np.ndarray, energy: np.ndarray, fs: float, n: int):
    features = np.zeros(len(FEATURE_NAMES), dtype=np.float64)
    if peaks.size < 3:
        return features
    rr = np.diff(peaks) / fs
    drr = np.diff(rr)
    mean = rr.mean()
    q25, q75 = np.percentile(rr, [25, 75])
    rmssd = np.sqrt(np.mean(drr**2))
    sd1 = np.std(drr) / np.sqrt(2)
    sd2 = np.sqrt(max(2 * np.var(rr) - sd1**2, 1e-12))
    amplitudes = energy[peaks]
    signs = np.sign(drr[drr != 0])
    features[:] = (
        60.0 / mean,
        mean,
        np.median(rr),
        rr.std(),
        rr.min(),
        rr.max(),
        q75 - q25,
        rr.std() / mean,
        rmssd,
        rmssd / mean,
        np.mean(np.abs(drr) > 0.05),
        np.mean(np.abs(drr) > 0.1 * rr[:-1]),
        sd1 / sd2,
        np.mean(signs[1:] != signs[:-1]) if signs.size > 1 else 0.0,
        amplitudes.std() / max(amplitudes.mean(), 1e-12),
        (peaks[-1] - peaks[0]) / n,
    )
    return features


class RRIntervalFeatures(SignalTransformer):
    """Heart-rhythm statistics of each record from its detected R peaks.

    QRS complexes are found with :func:`detect_r_peaks` (band-pass, squared
    slope, moving integration, peak picking) and the RR intervals summarised
    by 16 features: heart rate, mean / median / std / min / max / IQR of RR,
    coefficient of variation, RMSSD (absolute and relative to the mean RR),
    pNN50, the share of successive differences above 10 % of the RR interval,
    the Poincaré ratio SD1/SD2, how often successive RR changes switch sign
    (high for the chaotic rhythm of atrial fibrillation), the variation of
    the detected QRS energies, and the share of the record spanned by the
    detected beats (low for noisy records). Records with fewer than three
    detected beats get zeros.

    Works on variable-length records, so it can sit beside a
    :class:`~sklecg.preprocessing.Resampler` branch in a
    :class:`~sklearn.pipeline.FeatureUnion`.

    Parameters
    ----------
    fs : float, default=300.0
        Sampling rate of the signals in Hz (300 for CinC 2017, 360 for raw
        MIT-BIH records).
    lead : int, default=0
        The lead analysed in multi-lead input.
    refractory : float, default=0.25
        Shortest accepted RR interval in seconds.
    threshold : float, default=0.3
        QRS detection threshold relative to the 99th percentile of the
        integrated energy.

    Attributes
    ----------
    n_leads_ : int
        Number of leads seen in ``fit``.
    n_features_in_ : int
        Number of timesteps of 2-D input seen in ``fit`` (only for such
        input; ``transform`` accepts any length).

    Notes
    -----
    Output: a float32 array ``(n_signals, 16)`` whose columns are named by
    ``get_feature_names_out``. The band-pass filter runs on equal-length
    blocks of signals at once; peak picking runs per signal.

    scikit-learn check expected to fail (``_expected_failed_checks``):
    ``check_n_features_in_after_fitting`` (any record length is accepted at
    ``transform``, by design).

    Examples
    --------
    >>> from sklecg.datasets import make_ecg_classification
    >>> from sklecg.features import RRIntervalFeatures
    >>> X, y = make_ecg_classification(n_samples=8, random_state=0, return_X_y=True)
    >>> rr = RRIntervalFeatures(fs=300).fit(X)
    >>> rr.transform(X).shape
    (8, 16)
    >>> rr.get_feature_names_out()[:3]
    array(['heart_rate', 'rr_mean', 'rr_median'], dtype=object)
    """

    _parameter_constraints: dict = {
        "fs": [Interval(Real, 0, None, closed="neither")],
        "lead": [Interval(Integral, 0, None, closed="left")],
        "refractory": [Interval(Real, 0, None, closed="neither")],
        "threshold": [Interval(Real, 0, 1, closed="neither")],
    }
    _stateless = True

    def __init__(
        self,
        fs: float = 300.0,
        lead: int = 0,
        refractory: float = 0.25,
        threshold: float = 0.3,
    ):
        self.fs = fs
        self.lead = lead
        self.refractory = refractory
        self.threshold = threshold

    def _check_kwargs(self, reset: bool) -> dict:
        return {"min_length": 2, "min_length_reason": "RR intervals"}

    def _check_lead(self, signals) -> None:
        n_leads = n_leads_of(signals)
        if self.lead >= n_leads:
            raise ValueError(
                f"lead={self.lead} but the signals have {n_leads} lead(s); "
                f"pass a lead index below {n_leads}."
            )

    def _fit(self, signals) -> None:
        self._check_lead(signals)
        self._n_features_out = len(FEATURE_NAMES)

    def _transform(self, signals) -> np.ndarray:
        self._check_lead(signals)
        out = np.empty((len(signals), len(FEATURE_NAMES)), dtype=np.float32)
        for indices, block in iter_length_groups(signals):
            if block.ndim == 3:
                block = block[:, self.lead]
            energy = _qrs_energy(block.astype(np.float64), self.fs)
            for i, e in zip(indices, energy):
                peaks = _peaks_of(e, self.fs, self.refractory, self.threshold)
                out[i] = _rhythm_features(peaks, e, self.fs, e.shape[-1])
        return out

    def _output_names(self) -> list[str]:
        return list(FEATURE_NAMES)
