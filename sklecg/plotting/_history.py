"""Training history (loss and scores per epoch) of a neural classifier."""

from __future__ import annotations

import numpy as np

from ..inspection._utils import split_estimator
from ._base import get_axes

__all__ = ["TrainingHistoryDisplay"]

_NOT_SCORES = {"epoch", "dur", "batches"}


class TrainingHistoryDisplay:
    """Loss curves and scores per epoch of a skorch-based classifier.

    The left panel shows every ``*_loss`` column (train and validation loss)
    with the best validation epoch marked; a right panel, drawn when the
    history holds other numeric columns (e.g. ``valid_acc`` or any skorch
    ``EpochScoring``), shows those. Durations, batch counts, learning-rate
    events and ``*_best`` flags are not drawn.

    Parameters
    ----------
    history : list of dict
        One dict per epoch, as in skorch's ``History``.

    Attributes
    ----------
    axes_ : ndarray of Axes
        One or two axes: losses, then scores.
    figure_ : Figure
    losses : list of str
        History columns drawn as losses.
    scores : list of str
        History columns drawn as scores.

    Examples
    --------
    >>> from sklecg.plotting import TrainingHistoryDisplay
    >>> history = [{"epoch": 1, "train_loss": 1.0, "valid_loss": 1.1,
    ...             "valid_acc": 0.5},
    ...            {"epoch": 2, "train_loss": 0.7, "valid_loss": 0.9,
    ...             "valid_acc": 0.6}]
    >>> disp = TrainingHistoryDisplay.from_history(history)
    >>> disp.losses, disp.scores
    (['train_loss', 'valid_loss'], ['valid_acc'])
    """

    def __init__(self, history):
        self.history = [dict(row) for row in history]
        if not self.history:
            raise ValueError("history is empty: the classifier ran no epoch.")
        keys = [k for row in self.history for k in row]
        numeric = [
            k
            for k in dict.fromkeys(keys)
            if k not in _NOT_SCORES
            and not k.endswith("_best")
            and not k.startswith("event_")
            and not k.endswith("_count")
            and all(_is_number(row.get(k)) for row in self.history if k in row)
        ]
        self.losses = [k for k in numeric if k.endswith("loss")]
        self.scores = [k for k in numeric if not k.endswith("loss")]
        if not self.losses:
            raise ValueError(
                f"history has no '*_loss' column; columns are {sorted(set(keys))}."
            )

    def _column(self, key):
        epochs = [row.get("epoch", i + 1) for i, row in enumerate(self.history)]
        pairs = [(e, row[key]) for e, row in zip(epochs, self.history) if key in row]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def plot(self, *, ax=None) -> TrainingHistoryDisplay:
        """Draw the curves.

        Parameters
        ----------
        ax : Axes or array-like of Axes, default=None
            One Axes (losses only) or two (losses, scores) when the history
            holds scores; created when None.

        Returns
        -------
        self : TrainingHistoryDisplay
        """
        n_panels = 2 if self.scores else 1
        fig, axes = get_axes(
            ax, (n_panels,), figsize=(5.5 * n_panels, 4), layout="constrained"
        )
        for key in self.losses:
            epochs, values = self._column(key)
            axes[0].plot(epochs, values, marker="o", ms=3, label=key)
        best = [
            row.get("epoch", i + 1)
            for i, row in enumerate(self.history)
            if row.get("valid_loss_best")
        ]
        if best:
            axes[0].axvline(best[-1], color="0.5", ls="--", lw=1, label="best valid")
        axes[0].set(xlabel="epoch", ylabel="loss", title="Loss")
        axes[0].legend(frameon=False)
        if self.scores:
            for key in self.scores:
                epochs, values = self._column(key)
                axes[1].plot(epochs, values, marker="o", ms=3, label=key)
            axes[1].set(xlabel="epoch", ylabel="score", title="Scores")
            axes[1].legend(frameon=False)
        self.axes_, self.figure_ = axes, fig
        return self

    @classmethod
    def from_history(cls, history, *, ax=None) -> TrainingHistoryDisplay:
        """Draw a history (skorch ``History`` or list of dicts).

        Parameters
        ----------
        history : skorch.history.History or list of dict
            One dict per epoch.
        ax : Axes or array-like of Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        return cls(history).plot(ax=ax)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None) -> TrainingHistoryDisplay:
        """Draw the history of a fitted classifier or a pipeline ending in one.

        Parameters
        ----------
        estimator : ECGClassifier or Pipeline
            A fitted skorch-based classifier (its ``history_``) or a pipeline
            whose last step is one.
        ax : Axes or array-like of Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        _, final = split_estimator(estimator)
        history = getattr(final, "history_", None)
        if history is None:
            raise TypeError(
                "TrainingHistoryDisplay needs a fitted skorch classifier (e.g. "
                "sklecg.nn.ECGClassifier) or a Pipeline ending in one; got "
                f"{type(final).__name__} without a history_ attribute (unfitted "
                "or not a neural network)."
            )
        return cls.from_history(history, ax=ax)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(
        value, (bool, np.bool_)
    )
