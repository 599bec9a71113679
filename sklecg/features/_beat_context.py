"""A beat against its context (its template, its RR intervals), shared by
the feature extractors."""

from __future__ import annotations

import numpy as np

from sklecg.datasets import RR_COLUMNS

__all__ = [
    "RR_FEATURE_NAMES",
    "TEMPLATE_FEATURE_NAMES",
    "check_rr",
    "corr_rows",
    "rr_context",
    "template_context",
]

#: The columns of :func:`template_context`, in order.
TEMPLATE_FEATURE_NAMES = ("template_corr", "template_rms_diff", "template_area_ratio")
#: The columns of :func:`rr_context`, in order: the four RR intervals of the
#: beat table, then their ratios.
RR_FEATURE_NAMES = (
    *RR_COLUMNS,
    "pre_rr/local_rr",
    "post_rr/local_rr",
    "post_rr/pre_rr",
    "pre_rr/average_rr",
    "post_rr/average_rr",
    "local_rr/average_rr",
)


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


def rr_context(parts: dict[str, np.ndarray]) -> np.ndarray:
    """The four RR intervals and their six ratios, ``(n, 10)``.

    ``parts`` maps each of ``RR_COLUMNS`` to its ``(n, 1)`` column (in
    seconds, positive); the columns follow ``RR_FEATURE_NAMES``.
    """
    pre, post, local, average = (parts[name][:, 0] for name in RR_COLUMNS)
    ratios = [pre / local, post / local, post / pre]
    ratios += [pre / average, post / average, local / average]
    return np.column_stack([pre, post, local, average, *ratios])


def check_rr(parts: dict[str, np.ndarray]) -> None:
    """Raise a ValueError naming the rows whose RR intervals are not positive."""
    rr = np.hstack([parts[name] for name in RR_COLUMNS])
    if np.any(rr <= 0):
        rows = np.flatnonzero(np.any(rr <= 0, axis=1))
        raise ValueError(
            f"the RR columns ({', '.join(RR_COLUMNS)}) must be intervals in "
            f"seconds, all positive; rows {rows[:5].tolist()} hold values "
            "<= 0. Pass the rr of fetch_mitbih_beats to make_beat_table."
        )
