"""Helpers shared by the tests of sklecg.nn (imported by tests/test_nn_*.py)."""

import numpy as np


def toy_signals(n=90, t=64, labels=("N", "S", "V"), seed=0):
    """Signals whose class shows as a bump at a class-specific position."""
    rng = np.random.default_rng(seed)
    y = np.array(labels)[np.arange(n) % len(labels)]
    X = rng.normal(scale=0.3, size=(n, t))
    for i, label in enumerate(labels):
        X[y == label, 8 + 16 * i : 16 + 16 * i] += 2.0
    return X, y
