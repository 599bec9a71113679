"""r_peak_detection_scores: detected beats against reference annotations."""

from __future__ import annotations

import numpy as np
from wfdb.processing import compare_annotations

__all__ = ["r_peak_detection_scores"]


def _outside(samples: np.ndarray, excluded) -> np.ndarray:
    keep = np.ones(samples.size, dtype=bool)
    for start, stop in excluded:
        keep &= (samples < start) | (samples >= stop)
    return samples[keep]


def r_peak_detection_scores(
    reference,
    detected,
    fs: float,
    *,
    window: float = 0.15,
    exclude=(),
) -> dict:
    """Sensitivity and positive predictive value of detected beats.

    Each reference beat is matched to at most one detection within
    ``window`` seconds (:func:`wfdb.processing.compare_annotations`, the
    matching of the ANSI/AAMI EC38 and EC57 standards).

    Parameters
    ----------
    reference : array-like of int
        Sample indices of the reference beats (annotations).
    detected : array-like of int
        Sample indices of the detected beats, e.g. from
        :func:`~sklecg.features.detect_r_peaks`.
    fs : float
        Sampling rate in Hz.
    window : float, default=0.15
        Largest distance in seconds between a matched pair.
    exclude : sequence of (start, stop) pairs, default=()
        Sample ranges left out of the comparison (reference and detected
        beats inside ``start <= i < stop`` are dropped), e.g. episodes of
        ventricular flutter, which EC57 excludes from QRS detection scores.

    Returns
    -------
    scores : dict
        ``tp``, ``fn``, ``fp`` (counts), ``sensitivity`` (tp / (tp + fn)),
        ``ppv`` (tp / (tp + fp)) and ``median_offset`` (median absolute
        distance of the matched pairs in seconds; NaN without a match).

    Examples
    --------
    >>> from sklecg.metrics import r_peak_detection_scores
    >>> scores = r_peak_detection_scores([100, 460, 820], [101, 465, 1000], fs=360)
    >>> scores["tp"], scores["fn"], scores["fp"], round(scores["sensitivity"], 3)
    (2, 1, 1, 0.667)
    """
    if not fs > 0:
        raise ValueError(f"fs must be a positive sampling rate in Hz; got {fs!r}.")
    reference = np.sort(
        _outside(np.asarray(reference, dtype=np.int64).ravel(), exclude)
    )
    detected = np.sort(_outside(np.asarray(detected, dtype=np.int64).ravel(), exclude))
    if reference.size and detected.size:
        comparison = compare_annotations(reference, detected, int(round(window * fs)))
        matched = np.asarray(comparison.matching_sample_nums)
        has_match = matched >= 0
        offsets = np.abs(detected[matched[has_match]] - reference[has_match]) / fs
        tp, fn, fp = int(comparison.tp), int(comparison.fn), int(comparison.fp)
    else:  # wfdb cannot compare an empty side: nothing matches
        offsets = np.empty(0)
        tp, fn, fp = 0, reference.size, detected.size
    return {
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
        "ppv": tp / (tp + fp) if tp + fp else float("nan"),
        "median_offset": float(np.median(offsets)) if offsets.size else float("nan"),
    }
