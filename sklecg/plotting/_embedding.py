"""t-SNE scatter of a network's embeddings, coloured by class."""

from __future__ import annotations

import numpy as np
from sklearn.manifold import TSNE

from ._base import class_colors, get_single_axes

__all__ = ["EmbeddingDisplay"]


class EmbeddingDisplay:
    """2-D scatter of embedded signals, one colour per class.

    Parameters
    ----------
    points : ndarray of shape (n_signals, 2)
        2-D coordinates (e.g. t-SNE of the penultimate-layer activations).
    y : ndarray of shape (n_signals,)
        Labels.
    method : str, default="t-SNE"
        Name of the projection, for the axis labels.

    Attributes
    ----------
    ax_ : Axes
    figure_ : Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import EmbeddingDisplay
    >>> rng = np.random.default_rng(0)
    >>> E = np.vstack([rng.normal(0, 1, (20, 8)), rng.normal(4, 1, (20, 8))])
    >>> disp = EmbeddingDisplay.from_embeddings(E, np.repeat(["N", "V"], 20),
    ...                                         perplexity=10, random_state=0)
    >>> disp.points.shape
    (40, 2)
    """

    def __init__(self, points, y, *, method: str = "t-SNE"):
        self.points = points
        self.y = y
        self.method = method

    def plot(self, *, ax=None, s: float = 12, alpha: float = 0.7) -> EmbeddingDisplay:
        """Draw the scatter.

        Parameters
        ----------
        ax : Axes, default=None
            Axes to draw on; created when None.
        s : float, default=12
            Marker size.
        alpha : float, default=0.7
            Marker opacity.

        Returns
        -------
        self : EmbeddingDisplay
        """
        fig, axis = get_single_axes(ax, (6, 5))
        classes = np.unique(self.y).tolist()
        colors = class_colors(classes)
        for label in classes:
            mask = self.y == label
            axis.scatter(
                *self.points[mask].T,
                s=s,
                alpha=alpha,
                color=colors[label],
                label=f"{label} (n={mask.sum()})",
                edgecolors="none",
            )
        axis.set(
            xlabel=f"{self.method} 1",
            ylabel=f"{self.method} 2",
            title=f"{self.method} of the embeddings",
        )
        axis.legend(frameon=False, markerscale=2)
        self.ax_, self.figure_ = axis, fig
        return self

    @classmethod
    def from_embeddings(
        cls, embeddings, y, *, perplexity: float = 30.0, random_state=None, ax=None
    ) -> EmbeddingDisplay:
        """Project embeddings to 2-D with t-SNE and draw them.

        Parameters
        ----------
        embeddings : array-like of shape (n_signals, n_features)
            Feature vectors (2-D input is drawn as is, without t-SNE).
        y : array-like of shape (n_signals,)
            Labels.
        perplexity : float, default=30.0
            t-SNE perplexity; lowered to ``(n_signals - 1) / 3`` for small
            sets.
        random_state : int, RandomState instance or None, default=None
            Seed of t-SNE.
        ax : Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : EmbeddingDisplay
        """
        E = np.asarray(embeddings, dtype=np.float64)
        y = np.asarray(y)
        if E.ndim != 2 or len(E) != len(y) or len(E) < 3:
            raise ValueError(
                "embeddings must be 2-D (n_signals >= 3, n_features) with one "
                f"label per row; got shape {E.shape} and {len(y)} labels."
            )
        if E.shape[1] == 2:
            return cls(E, y, method="embedding").plot(ax=ax)
        tsne = TSNE(
            perplexity=min(perplexity, (len(E) - 1) / 3),
            init="pca",
            random_state=random_state,
        )
        return cls(tsne.fit_transform(E), y).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, perplexity: float = 30.0, random_state=None, ax=None
    ) -> EmbeddingDisplay:
        """t-SNE of a fitted network's penultimate-layer activations on ``X``.

        Parameters
        ----------
        estimator : ECGClassifier or Pipeline
            Fitted neural classifier or pipeline ending in one.
        X : array-like or list of arrays
            Signals as passed to ``predict``.
        y : array-like of shape (n_signals,)
            Labels used for the colours (true or predicted).
        perplexity : float, default=30.0
            t-SNE perplexity.
        random_state : int, RandomState instance or None, default=None
            Seed of t-SNE.
        ax : Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : EmbeddingDisplay
        """
        from ..inspection import embeddings

        return cls.from_embeddings(
            embeddings(estimator, X),
            y,
            perplexity=perplexity,
            random_state=random_state,
            ax=ax,
        )
