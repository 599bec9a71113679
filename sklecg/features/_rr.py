"""RRIntervalFeatures: R-peak detection and heart-rhythm statistics per record."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval

from sklecg.base import (
    SignalTransformer,
    iter_length_groups,
    n_leads_of,
)
from sklecg.features._r_peaks import check_detection_fs, detect_r_peaks

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


def _rhythm_features(peaks: np.ndarray, lead: np.ndarray, fs: float):
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
    amplitudes = np.abs(lead[peaks] - np.median(lead))
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
        (peaks[-1] - peaks[0]) / lead.size,
    )
    return features


class RRIntervalFeatures(SignalTransformer):
    """Heart-rhythm statistics of each record from its detected R peaks.

    R peaks are found with :func:`detect_r_peaks` (band-pass, integrated
    slope energy, adaptive thresholds with search-back) and the RR intervals
    summarised
    by 16 features: heart rate, mean / median / std / min / max / IQR of RR,
    coefficient of variation, RMSSD (absolute and relative to the mean RR),
    pNN50, the share of successive differences above 10 % of the RR interval,
    the Poincaré ratio SD1/SD2, how often successive RR changes switch sign
    (high for the chaotic rhythm of atrial fibrillation), the variation of
    the R-peak amplitudes, and the share of the record spanned by the
    detected beats (low for noisy records). Records with fewer than three
    detected beats get zeros.

    Works on variable-length records, so it can sit beside a
    :class:`~sklecg.preprocessing.Resampler` branch in a
    :class:`~sklearn.pipeline.FeatureUnion`.

    Parameters
    ----------
    fs : float, default=300.0
        Sampling rate of the signals in Hz (300 for CinC 2017, 360 for raw
        MIT-BIH records); at least 25.
    lead : int, default=0
        The lead analysed in multi-lead input.
    refractory : float, default=0.2
        Shortest accepted RR interval in seconds.
    threshold : float, default=0.35
        Position of the QRS detection threshold between the running noise
        (0) and signal (1) levels; see :func:`detect_r_peaks`.

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
    ``get_feature_names_out``.

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
        refractory: float = 0.2,
        threshold: float = 0.35,
    ):
        self.fs = fs
        self.lead = lead
        self.refractory = refractory
        self.threshold = threshold

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.min_length = 2
        tags.input_tags.min_length_reason = "RR intervals"
        return tags

    def _check_lead_and_fs(self, signals) -> None:
        """Refuse a sampling rate too low for detection and a missing lead."""
        check_detection_fs(self.fs)
        n_leads = n_leads_of(signals)
        if self.lead >= n_leads:
            raise ValueError(
                f"lead={self.lead} but the signals have {n_leads} lead(s); "
                f"pass a lead index below {n_leads}."
            )

    def _fit(self, signals) -> None:
        self._check_lead_and_fs(signals)
        self._n_features_out = len(FEATURE_NAMES)

    def _transform(self, signals) -> np.ndarray:
        self._check_lead_and_fs(signals)
        out = np.empty((len(signals), len(FEATURE_NAMES)), dtype=np.float32)
        for indices, block in iter_length_groups(signals):
            if block.ndim == 3:
                block = block[:, self.lead]
            for i, lead in zip(indices, block.astype(np.float64)):
                out[i] = _rhythm_features(self._r_peaks_of(lead), lead, self.fs)
        return out

    def _r_peaks_of(self, lead: np.ndarray) -> np.ndarray:
        return detect_r_peaks(
            lead, self.fs, refractory=self.refractory, threshold=self.threshold
        )

    def _output_names(self) -> list[str]:
        return list(FEATURE_NAMES)
