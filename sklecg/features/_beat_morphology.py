"""BeatMorphologyFeatures: average-beat shape, beat-to-beat variability, quality."""

from __future__ import annotations

import numpy as np
from scipy.signal import welch
from scipy.stats import kurtosis, skew

from sklecg.base import iter_length_groups
from sklecg.features._beat_context import corr_rows
from sklecg.features._r_peaks import bandpass
from sklecg.features._rr import RRIntervalFeatures

__all__ = ["BeatMorphologyFeatures"]

# Edges of the spectral bands whose power shares are features, in Hz.
_BANDS_HZ = (0, 1, 3, 5, 8, 12, 16, 20, 30, 40, 60, 150)
FEATURE_NAMES = (
    "duration",
    "kurtosis",
    "skewness",
    *(f"power_{lo:g}_{hi:g}hz" for lo, hi in zip(_BANDS_HZ[:-1], _BANDS_HZ[1:])),
    "r_amplitude",
    "s_depth",
    "qrs_width",
    "p_energy",
    "p_peak",
    "pr_interval",
    "p_correlation",
    "pr_residual",
    "st_level",
    "t_amplitude",
    "beat_correlation_mean",
    "beat_correlation_std",
    "beat_correlation_p10",
    "outlier_beat_fraction",
    "template_residual",
    "r_amplitude_cv",
    "premature_fraction",
    "local_rr_cv_min",
    "local_rr_cv_max",
    "local_heart_rate_min",
    "local_heart_rate_max",
    "rr_min_ratio",
    "rr_max_ratio",
    "short_rr_fraction",
    "long_rr_fraction",
    "mean_abs_rr_change",
)
_N_QUALITY = 3 + len(_BANDS_HZ) - 1
# Beat window around the R peak, in seconds.
_PRE_S, _POST_S = 0.25, 0.45
# Wave windows relative to the R peak, in seconds.
_QRS_S = (-0.08, 0.08)
_P_S = (-0.25, -0.08)
_ST_S = (0.08, 0.12)
_T_S = (0.15, 0.45)
_BASELINE_S = (-0.1, -0.06)
_SEARCH_S = 0.1
#: Band of the cleaned signal: baseline wander and mains noise out.
_CLEAN_BAND_HZ = (0.5, 40.0)
_LOCAL_BEATS = 8


def _quality(raw: np.ndarray, clean: np.ndarray, fs: float) -> list[float]:
    """Duration, shape statistics and spectral power shares of one record."""
    freqs, power = welch(raw - raw.mean(), fs=fs, nperseg=min(512, raw.size))
    total = max(power.sum(), 1e-12)
    band = np.digitize(freqs, _BANDS_HZ[1:-1])
    shares = np.bincount(band, weights=power, minlength=len(_BANDS_HZ) - 1) / total
    flat = np.ptp(clean) < 1e-9
    return [
        raw.size / fs,
        0.0 if flat else float(kurtosis(clean)),
        0.0 if flat else float(skew(clean)),
        *shares,
    ]


def _r_peaks(clean: np.ndarray, peaks: np.ndarray, fs: float):
    """Move detected peaks onto the R peaks of the dominant QRS polarity;
    return them and that polarity."""
    half = int(round(_SEARCH_S * fs))
    windows = np.clip(peaks[:, None] + np.arange(-half, half + 1), 0, clean.size - 1)
    values = clean[windows]
    extreme = values[np.arange(len(values)), np.abs(values).argmax(axis=1)]
    polarity = 1.0 if np.median(extreme) >= 0 else -1.0
    return windows[np.arange(len(values)), (polarity * values).argmax(axis=1)], polarity


def _rhythm(rr: np.ndarray) -> list[float]:
    """RR features of ectopy, pauses and rate changes (RR in seconds)."""
    median = np.median(rr)
    premature = (rr[:-1] < 0.85 * median) & (rr[1:] > 1.05 * median)
    windows = np.lib.stride_tricks.sliding_window_view(rr, min(_LOCAL_BEATS, rr.size))
    cv = windows.std(axis=1) / windows.mean(axis=1)
    heart_rate = 60.0 / windows.mean(axis=1)
    return [
        premature.mean(),
        cv.min(),
        cv.max(),
        heart_rate.min(),
        heart_rate.max(),
        rr.min() / median,
        rr.max() / median,
        np.mean(rr < 0.8 * median),
        np.mean(rr > 1.2 * median),
        np.mean(np.abs(np.diff(rr))) / median,
    ]


def _morphology(clean: np.ndarray, r: np.ndarray, polarity: float, fs: float):
    """Template shape and beat-to-beat variability features of one record."""
    pre, post = int(round(_PRE_S * fs)), int(round(_POST_S * fs))
    r = r[(r >= pre) & (r + post < clean.size)]
    if r.size < 3:
        return None
    beats = polarity * clean[r[:, None] + np.arange(-pre, post)]
    template = np.median(beats, axis=0)

    def span(window):
        return slice(pre + int(round(window[0] * fs)), pre + int(round(window[1] * fs)))

    baseline = template[span(_BASELINE_S)].mean()
    wave = template - baseline
    r_amplitude = max(wave[pre], 1e-6)
    qrs = wave[span(_QRS_S)]
    p_window = span(_P_S)
    residual = beats - template
    scale = residual.std(axis=1) / r_amplitude
    correlation = corr_rows(beats, template)
    p_correlation = corr_rows(beats[:, p_window], template[p_window])
    r_peaks = beats[:, pre]
    return [
        r_amplitude,
        -qrs.min() / r_amplitude,
        np.sum(np.abs(qrs) > 0.3 * r_amplitude) / fs,
        wave[p_window].std() / r_amplitude,
        wave[p_window].max() / r_amplitude,
        (pre - p_window.start - wave[p_window].argmax()) / fs,
        np.mean(p_correlation),
        residual[:, p_window].std() / r_amplitude,
        wave[span(_ST_S)].mean() / r_amplitude,
        wave[span(_T_S)][np.abs(wave[span(_T_S)]).argmax()] / r_amplitude,
        correlation.mean(),
        correlation.std(),
        np.percentile(correlation, 10),
        np.mean(correlation < 0.8),
        np.median(scale),
        r_peaks.std() / max(abs(r_peaks.mean()), 1e-6),
        *_rhythm(np.diff(r) / fs),
    ]


class BeatMorphologyFeatures(RRIntervalFeatures):
    """Average-beat morphology, beat-to-beat variability and signal quality.

    The record is band-passed to 0.5-40 Hz and its QRS complexes found with
    :func:`~sklecg.features.detect_r_peaks`, then moved onto the R peaks of
    the dominant polarity. The beats (250 ms before to 450 ms after R) are
    stacked and their median is the record's template beat. 40 features:

    * quality: ``duration`` (s), ``kurtosis`` and ``skewness`` of the
      filtered signal, and the shares of the raw signal's Welch power in 11
      bands with edges 0, 1, 3, 5, 8, 12, 16, 20, 30, 40, 60 and 150 Hz
      (``power_0_1hz`` ... ``power_60_150hz``);
    * template shape, amplitudes relative to the R amplitude above the
      isoelectric level (60-100 ms before R): ``r_amplitude`` (mV),
      ``s_depth``, ``qrs_width`` (s, where the wave exceeds 30 % of R within
      80 ms of it), ``p_energy`` and ``p_peak`` (std and maximum in the PR
      window, 250-80 ms before R), ``pr_interval`` (s, from the P-window
      maximum to R), ``st_level`` (80-120 ms after R) and
      ``t_amplitude`` (largest deflection 150-450 ms after R);
    * beat-to-beat variability: ``p_correlation`` (mean correlation of each
      beat's PR window with the template's: low without a consistent P
      wave, as in atrial fibrillation), ``pr_residual`` (beat-minus-template
      spread in the PR window: fibrillatory waves), the mean, std and 10th
      percentile of the beats' correlation with the template, the share of
      beats correlating below 0.8 (ectopic or noisy beats),
      ``template_residual`` (median beat-minus-template spread),
      ``r_amplitude_cv`` (variation of the R amplitudes);
    * rhythm: ``premature_fraction`` (a short RR followed by a long one),
      the smallest / largest RR coefficient of variation and heart rate
      over 8-beat windows (``local_rr_cv_min``, ``local_rr_cv_max``,
      ``local_heart_rate_min``, ``local_heart_rate_max``), the shortest and
      longest RR over the median RR (``rr_min_ratio``, ``rr_max_ratio``),
      the shares of RR intervals below 80 % and above 120 % of the median
      (``short_rr_fraction``, ``long_rr_fraction``) and the mean absolute
      change of successive RR intervals over the median
      (``mean_abs_rr_change``).

    Records with fewer than three complete beats get zeros for all but the
    quality features.

    Parameters
    ----------
    fs : float, default=300.0
        Sampling rate of the signals in Hz.
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

    See Also
    --------
    RRIntervalFeatures : Rhythm statistics from the same QRS detection.

    Notes
    -----
    Output: a float32 array ``(n_signals, 40)`` named by
    ``get_feature_names_out``. Filtering runs on equal-length blocks of
    signals at once, the rest per signal.

    scikit-learn check expected to fail (``_expected_failed_checks``):
    ``check_n_features_in_after_fitting`` (any record length is accepted at
    ``transform``, by design).

    Examples
    --------
    >>> from sklecg.datasets import make_ecg_classification
    >>> from sklecg.features import BeatMorphologyFeatures
    >>> X, y = make_ecg_classification(n_samples=8, random_state=0, return_X_y=True)
    >>> morphology = BeatMorphologyFeatures(fs=300).fit(X)
    >>> morphology.transform(X).shape
    (8, 40)
    >>> morphology.get_feature_names_out()[:3]
    array(['duration', 'kurtosis', 'skewness'], dtype=object)
    """

    def _fit(self, signals) -> None:
        self._check_lead_and_fs(signals)
        self._n_features_out = len(FEATURE_NAMES)

    def _transform(self, signals) -> np.ndarray:
        self._check_lead_and_fs(signals)
        out = np.zeros((len(signals), len(FEATURE_NAMES)), dtype=np.float32)
        for indices, block in iter_length_groups(signals):
            if block.ndim == 3:
                block = block[:, self.lead]
            block = block.astype(np.float64)
            clean = bandpass(block, self.fs, _CLEAN_BAND_HZ)
            for i, raw, c in zip(indices, block, clean):
                out[i, :_N_QUALITY] = _quality(raw, c, self.fs)
                peaks = self._r_peaks_of(raw)
                if peaks.size < 3:
                    continue
                r, polarity = _r_peaks(c, peaks, self.fs)
                features = _morphology(c, r, polarity, self.fs)
                if features is not None:
                    out[i, _N_QUALITY:] = features
        return out

    def _output_names(self) -> list[str]:
        return list(FEATURE_NAMES)
