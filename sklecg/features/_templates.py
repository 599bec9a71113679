"""Comparisons of beats with templates, shared by the feature extractors."""

from __future__ import annotations

import numpy as np

__all__ = ["TEMPLATE_FEATURE_NAMES", "corr_rows", "template_context"]

#: The columns of :func:`template_context`, in order.
TEMPLATE_FEATURE_NAMES = ("template_corr", "template_rms_diff", "template_area_ratio")


def corr_rows(rows: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Pearson correlation of every row with ``reference``.

    ``reference`` is one row shared by all, or one row per row; a constant
    row or reference has correlation 0.
    """
    a = rows - rows.mean(axis=-1, keepdims=True)
    b = reference - reference.mean(axis=-1, keepdims=True)
    denominator = np.sqrt((a**2).sum(axis=-1) * (b**2).sum(axis=-1)) + 1e-12
    return (a * b).sum(axis=-1) / denominator


def template_context(beats: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Correlation, RMS difference and area ratio of each beat and template.

    Both are ``(n, n_samples)``; the area ratio compares the sums, each plus
    0.001. Returns ``(n, 3)`` float64 in the order of
    ``TEMPLATE_FEATURE_NAMES``.
    """
    beats = beats.astype(np.float64)
    templates = templates.astype(np.float64)
    rms_diff = np.sqrt(np.mean(np.square(beats - templates), axis=1))
    area_ratio = (beats.sum(axis=1) + 1e-3) / (templates.sum(axis=1) + 1e-3)
    return np.column_stack([corr_rows(beats, templates), rms_diff, area_ratio])
