"""Row-normalised confusion matrix (scikit-learn's display, ECG defaults)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

__all__ = ["NormalizedConfusionMatrixDisplay"]


class NormalizedConfusionMatrixDisplay(ConfusionMatrixDisplay):
    """Confusion matrix normalised over the true classes (rows).

    :class:`sklearn.metrics.ConfusionMatrixDisplay` with the defaults ECG
    reports use: each row sums to one (the diagonal is each class's recall),
    values with two decimals, and the number of true samples of each class
    under its name on the true-label axis (normalisation hides it). Every argument of
    scikit-learn's ``from_estimator``/``from_predictions`` is accepted.

    Examples
    --------
    >>> from sklecg.plotting import NormalizedConfusionMatrixDisplay
    >>> disp = NormalizedConfusionMatrixDisplay.from_predictions(
    ...     ["N", "N", "A", "A"], ["N", "A", "A", "A"])
    >>> disp.confusion_matrix.tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        labels=None,
        normalize="true",
        display_labels=None,
        values_format=".2f",
        cmap="Blues",
        **kwargs,
    ):
        """Plot the normalised confusion matrix of predictions.

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_samples,)
            True and predicted labels.
        labels : array-like, default=None
            Classes and their order.
        normalize : {"true", "pred", "all"} or None, default="true"
            As in scikit-learn.
        display_labels : array-like, default=None
            Class names; default: the labels with their support.
        values_format : str, default=".2f"
            Format of the cell values.
        cmap : str, default="Blues"
            Colour map.
        **kwargs
            Passed to :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions`.

        Returns
        -------
        display : NormalizedConfusionMatrixDisplay
        """
        y_true_arr = np.asarray(y_true)
        if labels is None:
            labels = np.unique(np.concatenate([y_true_arr, np.asarray(y_pred)]))
        with_support = display_labels is None
        if with_support:
            display_labels = [
                f"{lab}\n(n={np.sum(y_true_arr == lab)})" for lab in labels
            ]
        if kwargs.get("ax") is None:
            kwargs["ax"] = plt.subplots(figsize=(6, 5), layout="constrained")[1]
        display = super().from_predictions(
            y_true,
            y_pred,
            labels=labels,
            normalize=normalize,
            display_labels=display_labels,
            values_format=values_format,
            cmap=cmap,
            **kwargs,
        )
        if with_support:  # the counts belong to the true labels only
            display.ax_.set_xticklabels([str(lab) for lab in labels])
        return display

    @classmethod
    def from_estimator(cls, estimator, X, y, **kwargs):
        """Plot the normalised confusion matrix of a fitted classifier on X, y.

        Parameters
        ----------
        estimator : classifier or Pipeline
            Fitted; its predictions on ``X`` are compared with ``y``.
        X : array-like
            Input of ``estimator.predict``.
        y : array-like of shape (n_samples,)
            True labels.
        **kwargs
            Passed to :meth:`from_predictions`.

        Returns
        -------
        display : NormalizedConfusionMatrixDisplay
        """
        kwargs.setdefault("labels", getattr(estimator, "classes_", None))
        return cls.from_predictions(y, estimator.predict(X), **kwargs)
