"""Descriptive statistics of the signal values of every class."""

from __future__ import annotations

import numpy as np

from ..utils.validation import signal_lengths
from ._base import check_signals_labels, class_colors, get_single_axes

__all__ = ["SignalStatsDisplay", "describe_signals"]

_FIELDS = ("mean", "std", "min", "p01", "q25", "median", "q75", "p99", "max")


def describe_signals(X, y=None, *, lead: int = 0, output: str = "array"):
    """Descriptive statistics of the signal values, per class.

    For every class (and a last row ``"all"``) the values of all its signals
    are pooled and summarised: mean, standard deviation, minimum, 1st
    percentile, quartiles, 99th percentile and maximum, with the number of
    signals and their mean length.

    Parameters
    ----------
    X : array-like or list of arrays
        Signals (fixed or variable length).
    y : array-like of shape (n_signals,), default=None
        Labels; without them only the ``"all"`` row is returned.
    lead : int, default=0
        Lead summarised for multi-lead signals.
    output : {"array", "text", "frame"}, default="array"
        ``"array"``: a structured numpy array with the fields ``class``,
        ``n_signals``, ``mean_length``, ``mean``, ``std``, ``min``, ``p01``,
        ``q25``, ``median``, ``q75``, ``p99``, ``max`` (one record per
        row); ``"text"``: the same as a formatted table; ``"frame"``: a
        :class:`pandas.DataFrame` indexed by class (needs pandas).

    Returns
    -------
    stats : structured ndarray, str or pandas.DataFrame

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import describe_signals
    >>> X = [np.array([0.0, 1.0, 2.0]), np.array([4.0, 4.0]), np.array([1.0, 3.0])]
    >>> stats = describe_signals(X, ["N", "A", "N"])
    >>> stats["class"].tolist(), stats["mean"].tolist()
    (['A', 'N', 'all'], [4.0, 1.4, 2.142857142857143])
    >>> print(describe_signals(X, ["N", "A", "N"], output="text"))  # doctest: +SKIP
    class  n_signals  mean_length   mean    std    min    p01    q25  median ...
        A          1        2.000  4.000  0.000  4.000  4.000  4.000   4.000 ...
        N          2        2.500  1.400  1.020  0.000  0.040  1.000   1.000 ...
      all          3        2.333  2.143  1.457  0.000  0.060  1.000   2.000 ...
    """
    if output not in ("array", "text", "frame"):
        raise ValueError(f"output must be 'array', 'text' or 'frame'; got {output!r}.")
    signals, y = check_signals_labels(X, y, lead=lead)
    lengths = signal_lengths(signals)
    groups = []
    if y is not None:
        groups = [(str(c), y == c) for c in np.unique(y).tolist()]
    groups.append(("all", np.ones(len(lengths), dtype=bool)))
    width = max(len(name) for name, _ in groups)
    dtype = [("class", f"U{width}"), ("n_signals", int), ("mean_length", float)]
    stats = np.zeros(len(groups), dtype=dtype + [(f, float) for f in _FIELDS])
    for row, (name, mask) in enumerate(groups):
        values = np.concatenate(
            [np.ravel(signals[i]) for i in np.flatnonzero(mask)]
        ).astype(np.float64)
        stats[row] = (
            name,
            mask.sum(),
            lengths[mask].mean(),
            values.mean(),
            values.std(),
            *np.percentile(values, [0, 1, 25, 50, 75, 99, 100]),
        )
    if output == "array":
        return stats
    if output == "frame":
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is a test extra
            raise ImportError(
                "output='frame' needs pandas (pip install pandas); use "
                "output='array' or 'text' without it."
            ) from exc
        return pd.DataFrame(stats).set_index("class")
    return _format(stats)


def _format(stats: np.ndarray) -> str:
    names = stats.dtype.names
    cells = [list(names)]
    for row in stats:
        cells.append(
            [str(row["class"]), str(row["n_signals"])]
            + [f"{row[f]:.3f}" for f in names[2:]]
        )
    widths = [max(len(r[i]) for r in cells) for i in range(len(names))]
    return "\n".join(
        "  ".join(c.rjust(w) for c, w in zip(r, widths)).rstrip() for r in cells
    )


class SignalStatsDisplay:
    """Box plot of each class's signal values from :func:`describe_signals`.

    Boxes span the quartiles with the median line; whiskers reach the 1st
    and 99th percentiles; dots mark the minimum and maximum and a triangle
    the mean.

    Parameters
    ----------
    stats : structured ndarray
        Output of :func:`describe_signals`.

    Attributes
    ----------
    ax_ : Axes
    figure_ : Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import SignalStatsDisplay
    >>> X = np.random.default_rng(0).normal(size=(20, 50))
    >>> disp = SignalStatsDisplay.from_signals(X, np.repeat(["N", "A"], 10))
    >>> disp.stats["class"].tolist()
    ['A', 'N', 'all']
    """

    def __init__(self, stats: np.ndarray):
        self.stats = stats

    def plot(self, *, ax=None) -> SignalStatsDisplay:
        """Draw one box per row of ``stats``.

        Parameters
        ----------
        ax : Axes, default=None
            Axes to draw on; created when None.

        Returns
        -------
        self : SignalStatsDisplay
        """
        fig, axis = get_single_axes(ax, (6, 4))
        boxes = [
            {
                "label": f"{row['class']}\n(n={row['n_signals']})",
                "whislo": row["p01"],
                "q1": row["q25"],
                "med": row["median"],
                "q3": row["q75"],
                "whishi": row["p99"],
                "mean": row["mean"],
                "fliers": [row["min"], row["max"]],
            }
            for row in self.stats
        ]
        artists = axis.bxp(boxes, showmeans=True, patch_artist=True)
        colors = class_colors(self.stats["class"].tolist())
        for patch, name in zip(artists["boxes"], self.stats["class"]):
            patch.set_facecolor("0.85" if name == "all" else colors[name])
            patch.set_alpha(0.7)
        axis.set(
            ylabel="signal value",
            title="Signal values per class\n(box: quartiles, whiskers: 1-99 %, "
            "dots: min and max)",
        )
        self.ax_, self.figure_ = axis, fig
        return self

    @classmethod
    def from_signals(cls, X, y=None, *, lead: int = 0, ax=None) -> SignalStatsDisplay:
        """Summarise the signals with :func:`describe_signals` and draw them.

        Parameters
        ----------
        X : array-like or list of arrays
            Signals.
        y : array-like of shape (n_signals,), default=None
            Labels.
        lead : int, default=0
            Lead summarised for multi-lead signals.
        ax : Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : SignalStatsDisplay
        """
        return cls(describe_signals(X, y, lead=lead)).plot(ax=ax)
