"""Helpers shared by the tests of sklecg.nn (tests/nn/) and of the validators
that ECGClassifier calls (tests/utils/test_validation.py); import them as
``from _nn_common import ...``."""

import numpy as np
from sklearn.model_selection import train_test_split

from sklecg.nn import ECGClassifier, SimpleCNN


def toy_signals(n=90, t=64, labels=("N", "S", "V"), seed=0):
    """Signals whose class shows as a bump at a class-specific position."""
    rng = np.random.default_rng(seed)
    y = np.array(labels)[np.arange(n) % len(labels)]
    X = rng.normal(scale=0.3, size=(n, t))
    for i, label in enumerate(labels):
        X[y == label, 8 + 16 * i : 16 + 16 * i] += 2.0
    return X, y


# ----------------------------------------- on real MIT-BIH beats
def subset(beats, n, seed=0):
    """``n`` beats stratified by class, labels as strings (N S V F Q)."""
    index, _ = train_test_split(
        np.arange(len(beats.target)),
        train_size=n,
        stratify=beats.target,
        random_state=seed,
    )
    return beats.data[index], np.asarray(beats.target_names)[beats.target[index]]


def quick_net(**params):
    defaults = {"max_epochs": 2, "batch_size": 64, "random_state": 0}
    return ECGClassifier(**{"module": SimpleCNN, **defaults, **params})
