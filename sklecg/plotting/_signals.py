"""Example signals per class and mean signal per class."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from ._base import check_signals_labels, class_colors, get_axes, time_axis

__all__ = ["MeanSignalDisplay", "SignalExamplesDisplay"]


class SignalExamplesDisplay:
    """A few example signals of every class, one row per class.

    Use :meth:`from_signals` to draw examples at random.

    Parameters
    ----------
    examples : dict
        ``{class: list of 1-D arrays}``.
    fs : float, default=None
        Sampling rate; the time axis is in seconds when given.

    Attributes
    ----------
    axes_ : ndarray of Axes of shape (n_classes, n_examples)
    figure_ : Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import SignalExamplesDisplay
    >>> X = np.random.default_rng(0).normal(size=(30, 200))
    >>> y = np.repeat(["N", "A", "O"], 10)
    >>> disp = SignalExamplesDisplay.from_signals(X, y, n_examples=2)
    >>> disp.axes_.shape[1]
    2
    """

    def __init__(self, examples: dict, *, fs: float | None = None):
        self.examples = examples
        self.fs = fs

    def plot(self, *, ax=None, sharey: bool = False) -> SignalExamplesDisplay:
        """Draw the examples.

        Parameters
        ----------
        ax : array-like of Axes of shape (n_classes, n_examples), default=None
            Axes to draw on; created when None.
        sharey : bool, default=False
            Share the amplitude axis (only when creating the axes).

        Returns
        -------
        self : SignalExamplesDisplay
        """
        classes = list(self.examples)
        n_cols = max(len(v) for v in self.examples.values())
        lengths = {len(x) for v in self.examples.values() for x in v}
        fig, axes = get_axes(
            ax,
            (len(classes), n_cols),
            sharex=len(lengths) == 1,
            sharey=sharey,
            figsize=(3.2 * n_cols, 1.6 * len(classes) + 0.6),
            layout="constrained",
        )
        colors = class_colors(classes)
        for row, cls in enumerate(classes):
            for col in range(n_cols):
                axis = axes[row, col]
                if col >= len(self.examples[cls]):
                    axis.set_axis_off()
                    continue
                signal = self.examples[cls][col]
                t, xlabel = time_axis(len(signal), self.fs)
                axis.plot(t, signal, color=colors[cls], lw=0.8)
                axis.margins(x=0)
                if col == 0:
                    axis.set_ylabel(
                        str(cls),
                        rotation=0,
                        ha="right",
                        va="center",
                        fontsize="large",
                        fontweight="bold",
                    )
                if row == len(classes) - 1 or len(lengths) > 1:
                    axis.set_xlabel(xlabel)
        fig.suptitle("Example signals per class")
        self.axes_, self.figure_ = axes, fig
        return self

    @classmethod
    def from_signals(
        cls,
        X,
        y,
        *,
        n_examples: int = 3,
        fs: float | None = None,
        lead: int = 0,
        random_state=0,
        ax=None,
    ) -> SignalExamplesDisplay:
        """Draw ``n_examples`` random signals of each class.

        Parameters
        ----------
        X : array-like or list of 1-D arrays
            Signals (fixed or variable length).
        y : array-like of shape (n_signals,)
            Labels.
        n_examples : int, default=3
            Examples per class (fewer if a class has fewer signals).
        fs : float, default=None
            Sampling rate, for a time axis in seconds.
        lead : int, default=0
            Lead drawn for multi-lead signals.
        random_state : int, RandomState instance or None, default=0
            Picks the examples.
        ax : array-like of Axes, default=None
            Axes of shape (n_classes, n_examples).

        Returns
        -------
        display : SignalExamplesDisplay
        """
        signals, y = check_signals_labels(X, y, lead=lead)
        rng = check_random_state(random_state)
        examples = {}
        for label in np.unique(y).tolist():
            idx = np.flatnonzero(y == label)
            pick = rng.choice(idx, size=min(n_examples, len(idx)), replace=False)
            examples[label] = [signals[i] for i in np.sort(pick)]
        return cls(examples, fs=fs).plot(ax=ax)


class MeanSignalDisplay:
    """Mean (or median) signal of every class with a spread band.

    Parameters
    ----------
    center : dict
        ``{class: 1-D array}``, the mean or median signal.
    low, high : dict
        ``{class: 1-D array}``, the lower and upper edges of the band.
    counts : dict
        ``{class: number of signals}``.
    spread : str, default="std"
        What the band shows, for the legend.
    fs : float, default=None
        Sampling rate; the time axis is in seconds when given.

    Attributes
    ----------
    axes_ : ndarray of Axes
        One axes (overlay) or one per class.
    figure_ : Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import MeanSignalDisplay
    >>> X = np.random.default_rng(0).normal(size=(30, 200))
    >>> y = np.repeat(["N", "A", "O"], 10)
    >>> disp = MeanSignalDisplay.from_signals(X, y, spread="iqr")
    >>> sorted(disp.center) == sorted(set(y))
    True
    """

    def __init__(self, center, low, high, counts, *, spread="std", fs=None):
        self.center = center
        self.low = low
        self.high = high
        self.counts = counts
        self.spread = spread
        self.fs = fs

    def plot(
        self, *, ax=None, overlay: bool | str = "auto", alpha: float = 0.25
    ) -> MeanSignalDisplay:
        """Draw one line and band per class.

        Parameters
        ----------
        ax : Axes or array-like of Axes, default=None
            One Axes when overlaid, else one per class; created when None.
        overlay : bool or "auto", default="auto"
            Draw all classes on one axes (True) or each on its own panel,
            sharing the amplitude axis (False). ``"auto"`` overlays up to
            three classes.
        alpha : float, default=0.25
            Opacity of the bands.

        Returns
        -------
        self : MeanSignalDisplay
        """
        classes = list(self.center)
        if overlay == "auto":
            overlay = len(classes) <= 3
        n_panels = 1 if overlay else len(classes)
        fig, axes = get_axes(
            ax,
            (n_panels,),
            sharey=True,
            figsize=(7, 4) if overlay else (2.8 * n_panels, 3.2),
            layout="constrained",
        )
        colors = class_colors(classes)
        what = {"std": "mean ± 1 std", "iqr": "median, 25-75 % band"}[self.spread]
        for i, label in enumerate(classes):
            axis = axes[0 if overlay else i]
            center = self.center[label]
            t, xlabel = time_axis(len(center), self.fs)
            name = f"{label} (n={self.counts[label]})"
            axis.plot(t, center, color=colors[label], lw=1.5, label=name)
            axis.fill_between(
                t, self.low[label], self.high[label], color=colors[label], alpha=alpha
            )
            axis.set_xlabel(xlabel)
            axis.margins(x=0)
            if not overlay:
                axis.set_title(name)
        axes[0].set_ylabel("amplitude")
        if overlay:
            axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
            axes[0].set_title(f"Signal per class: {what}")
        else:
            fig.suptitle(f"Signal per class: {what}")
        self.axes_, self.figure_ = axes, fig
        return self

    @classmethod
    def from_signals(
        cls,
        X,
        y,
        *,
        spread: str = "std",
        fs=None,
        lead: int = 0,
        ax=None,
        overlay: bool | str = "auto",
    ) -> MeanSignalDisplay:
        """Compute the per-class centre and spread of fixed-length signals.

        Parameters
        ----------
        X : array-like of shape (n_signals, n_timesteps) or \
                (n_signals, n_leads, n_timesteps)
            Fixed-length signals (resample variable-length ones first with
            :class:`sklecg.preprocessing.Resampler`).
        y : array-like of shape (n_signals,)
            Labels.
        spread : {"std", "iqr"}, default="std"
            ``"std"``: mean ± one standard deviation; ``"iqr"``: median with
            the 25th-75th percentile band.
        fs : float, default=None
            Sampling rate, for a time axis in seconds.
        lead : int, default=0
            Lead drawn for multi-lead signals.
        ax : Axes or array-like of Axes, default=None
            Axes to draw on (see :meth:`plot`).
        overlay : bool or "auto", default="auto"
            One axes for all classes or one panel per class (see :meth:`plot`).

        Returns
        -------
        display : MeanSignalDisplay
        """
        if spread not in ("std", "iqr"):
            raise ValueError(f"spread must be 'std' or 'iqr'; got {spread!r}.")
        signals, y = check_signals_labels(X, y, lead=lead, fixed_length=True)
        center, low, high, counts = {}, {}, {}, {}
        for label in np.unique(y).tolist():
            group = signals[y == label]
            counts[label] = len(group)
            if spread == "std":
                mean, std = group.mean(axis=0), group.std(axis=0)
                center[label], low[label], high[label] = mean, mean - std, mean + std
            else:
                q1, med, q3 = np.percentile(group, [25, 50, 75], axis=0)
                center[label], low[label], high[label] = med, q1, q3
        display = cls(center, low, high, counts, spread=spread, fs=fs)
        return display.plot(ax=ax, overlay=overlay)
