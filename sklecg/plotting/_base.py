"""Helpers shared by the displays: input checks, axes, colours, time axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..utils.validation import check_signals


def check_signals_labels(X, y=None, *, lead: int = 0, fixed_length: bool = False):
    """Validate signals (and labels) and keep one lead.

    Returns a list of 1-D float32 arrays (a 2-D array when ``fixed_length``)
    and the labels as an array (or None).
    """
    signals = check_signals(X, allow_variable_length=not fixed_length)
    if isinstance(signals, np.ndarray):
        if signals.ndim == 3:
            signals = signals[:, _check_lead(lead, signals.shape[1])]
    elif signals[0].ndim == 2:
        lead = _check_lead(lead, signals[0].shape[0])
        signals = [s[lead] for s in signals]
    if y is None:
        return signals, None
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(signals):
        raise ValueError(
            f"y must be 1-D with one label per signal ({len(signals)}); got "
            f"shape {y.shape}."
        )
    return signals, y


def _check_lead(lead: int, n_leads: int) -> int:
    if not 0 <= lead < n_leads:
        raise ValueError(f"lead={lead} is out of range: the signals have {n_leads}.")
    return lead


def class_colors(classes) -> dict:
    """One colour of the tab10/tab20 cycle per class."""
    cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
    return {c: cmap(i % cmap.N) for i, c in enumerate(classes)}


def time_axis(n: int, fs: float | None) -> tuple[np.ndarray, str]:
    """Sample times in seconds when ``fs`` is given, else sample indices."""
    if fs is None:
        return np.arange(n), "sample"
    return np.arange(n) / fs, "time (s)"


def get_axes(ax, shape: tuple[int, ...], **subplot_kw):
    """Return ``(figure, axes)`` with ``axes`` an array of ``shape``.

    ``ax=None`` creates a figure (a 1-D ``shape`` is one row of axes);
    otherwise ``ax`` (an Axes or array-like of
    Axes) must hold ``prod(shape)`` axes.
    """
    if ax is None:
        grid = shape if len(shape) == 2 else (1, shape[0])
        fig, axes = plt.subplots(*grid, squeeze=False, **subplot_kw)
        return fig, axes.reshape(shape)
    axes = np.asarray(ax, dtype=object)
    if axes.size != int(np.prod(shape)):
        raise ValueError(
            f"ax must hold {int(np.prod(shape))} Axes (shape {shape}) for this "
            f"display; got {axes.size}. Pass ax=None to create them."
        )
    axes = axes.reshape(shape)
    return axes.flat[0].figure, axes


def get_single_axes(ax, figsize: tuple[float, float]):
    """``(figure, axes)`` for a one-axes display: ``ax`` or a new figure."""
    fig, axes = get_axes(ax, (1,), figsize=figsize, layout="constrained")
    return fig, axes[0]
