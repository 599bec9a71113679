"""Penultimate-layer activations of a fitted ECG network (for t-SNE)."""

from __future__ import annotations

import numpy as np

from ._utils import get_neural_classifier

__all__ = ["embeddings"]


def embeddings(estimator, X) -> np.ndarray:
    """Activations of the layer before the output layer, one row per signal.

    The inputs the network sees after the pipeline's transforms, in the
    feature space its last (linear) layer separates: plot them with
    :class:`sklecg.plotting.EmbeddingDisplay` (t-SNE) to see which classes
    the network confuses.

    Parameters
    ----------
    estimator : ECGClassifier or Pipeline
        A fitted :class:`sklecg.nn.ECGClassifier` or a pipeline ending in one.
    X : array-like or list of arrays
        Signals, as passed to ``estimator.predict``.

    Returns
    -------
    embeddings : ndarray of shape (n_signals, n_features)
        float32.

    Raises
    ------
    TypeError
        ``estimator`` is not a neural classifier or a pipeline ending in one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.inspection import embeddings
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> X = np.random.default_rng(0).normal(size=(40, 100)).astype("float32")
    >>> y = np.repeat(["N", "V"], 20)
    >>> clf = ECGClassifier(SimpleCNN, max_epochs=1, random_state=0).fit(X, y)
    >>> embeddings(clf, X).shape
    (40, 128)
    """
    preprocess, net = get_neural_classifier(estimator, "embeddings")
    return np.asarray(net.embed(preprocess(X)), dtype=np.float32)
