"""Class distribution and signal-length distribution."""

from __future__ import annotations

import numpy as np

from ..utils.validation import signal_lengths
from ._base import check_signals_labels, class_colors, get_single_axes

__all__ = ["ClassDistributionDisplay", "LengthDistributionDisplay"]


class ClassDistributionDisplay:
    """Bar chart of the number of signals per class, with percentages.

    Parameters
    ----------
    classes : array-like
        Class labels.
    counts : array-like of int
        Number of signals of each class.

    Attributes
    ----------
    ax_ : Axes
    figure_ : Figure

    Examples
    --------
    >>> from sklecg.plotting import ClassDistributionDisplay
    >>> disp = ClassDistributionDisplay.from_labels(["N", "N", "A", "O", "N"])
    >>> disp.counts.tolist()
    [1, 3, 1]
    """

    def __init__(self, classes, counts):
        self.classes = classes
        self.counts = counts

    def plot(self, *, ax=None) -> ClassDistributionDisplay:
        """Draw the bars.

        Parameters
        ----------
        ax : Axes, default=None
            Axes to draw on; created when None.

        Returns
        -------
        self : ClassDistributionDisplay
        """
        fig, axis = get_single_axes(ax, (6, 4))
        names = [str(c) for c in self.classes]
        colors = class_colors(names)
        bars = axis.bar(names, self.counts, color=[colors[n] for n in names])
        total = np.sum(self.counts)
        axis.bar_label(
            bars, labels=[f"{c}\n({100 * c / total:.1f} %)" for c in self.counts]
        )
        axis.set(xlabel="class", ylabel="number of signals", title="Class distribution")
        axis.margins(y=0.2)
        self.ax_, self.figure_ = axis, fig
        return self

    @classmethod
    def from_labels(cls, y, *, ax=None) -> ClassDistributionDisplay:
        """Count the labels and draw them.

        Parameters
        ----------
        y : array-like of shape (n_signals,)
            Labels.
        ax : Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : ClassDistributionDisplay
        """
        y = np.asarray(y)
        if y.ndim != 1 or len(y) == 0:
            raise ValueError(f"y must be a non-empty 1-D array; got shape {y.shape}.")
        classes, counts = np.unique(y, return_counts=True)
        return cls(classes, counts).plot(ax=ax)


class LengthDistributionDisplay:
    """Histogram of signal lengths, overall and per class.

    With labels the bars are stacked by class: each bar's height is the
    overall count and its coloured parts the counts of each class.

    Parameters
    ----------
    lengths : ndarray of int
        Length of every signal, in samples.
    y : ndarray, default=None
        Labels; the bars are then stacked by class.
    fs : float, default=None
        Sampling rate; lengths are shown in seconds when given.

    Attributes
    ----------
    ax_ : Axes
    figure_ : Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import LengthDistributionDisplay
    >>> X = [np.zeros(n) for n in (300, 600, 900, 900)]
    >>> disp = LengthDistributionDisplay.from_signals(X, ["N", "A", "N", "A"], fs=300)
    >>> disp.lengths.tolist()
    [300, 600, 900, 900]
    """

    def __init__(self, lengths, y=None, *, fs: float | None = None):
        self.lengths = lengths
        self.y = y
        self.fs = fs

    def plot(self, *, ax=None, bins: int = 30) -> LengthDistributionDisplay:
        """Draw the histograms.

        Parameters
        ----------
        ax : Axes, default=None
            Axes to draw on; created when None.
        bins : int, default=30
            Number of bins.

        Returns
        -------
        self : LengthDistributionDisplay
        """
        fig, axis = get_single_axes(ax, (7, 4))
        values = self.lengths / (self.fs or 1)
        edges = np.histogram_bin_edges(values, bins=bins)
        if values.min() == values.max():
            edges = values.min() + np.array([-0.5, 0.5])
        if self.y is None:
            axis.hist(values, bins=edges, color="0.6", label=f"all (n={len(values)})")
        else:
            classes = np.unique(self.y).tolist()
            colors = class_colors(classes)
            axis.hist(
                [values[self.y == label] for label in classes],
                bins=edges,
                stacked=True,
                color=[colors[label] for label in classes],
                label=[f"{c} (n={np.sum(self.y == c)})" for c in classes],
            )
        axis.set(
            xlabel="length (s)" if self.fs else "length (samples)",
            ylabel="number of signals",
            title="Signal length distribution",
        )
        axis.legend(frameon=False, title=f"{len(values)} signals")
        self.ax_, self.figure_ = axis, fig
        return self

    @classmethod
    def from_signals(
        cls, X, y=None, *, fs: float | None = None, bins: int = 30, ax=None
    ) -> LengthDistributionDisplay:
        """Measure the signals' lengths and draw their histogram.

        Parameters
        ----------
        X : array-like or list of arrays
            Signals (fixed or variable length).
        y : array-like of shape (n_signals,), default=None
            Labels, for per-class histograms.
        fs : float, default=None
            Sampling rate, for lengths in seconds.
        bins : int, default=30
            Number of bins.
        ax : Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : LengthDistributionDisplay
        """
        signals, y = check_signals_labels(X, y)
        return cls(signal_lengths(signals), y, fs=fs).plot(ax=ax, bins=bins)
