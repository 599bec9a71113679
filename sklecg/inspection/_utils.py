"""Locate the neural classifier of a fitted estimator or pipeline."""

from __future__ import annotations

from collections.abc import Callable

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted


def split_estimator(estimator) -> tuple[Callable, object]:
    """Return ``(preprocess, final_step)`` of a fitted estimator or pipeline.

    ``preprocess(X)`` applies every transform of a pipeline before its last
    step (samplers of an imbalanced-learn pipeline are skipped, as at predict
    time); for a bare estimator it returns ``X`` unchanged.
    """
    if not isinstance(estimator, Pipeline):  # imblearn's Pipeline subclasses it
        return (lambda X: X), estimator
    transforms = [
        step
        for _, step in estimator.steps[:-1]
        # samplers (fit_resample only) and "passthrough" do nothing at predict
        if step not in (None, "passthrough") and hasattr(step, "transform")
    ]

    def preprocess(X):
        for step in transforms:
            X = step.transform(X)
        return X

    return preprocess, estimator.steps[-1][1]


def get_neural_classifier(estimator, what: str) -> tuple[Callable, object]:
    """``split_estimator`` that also checks the final step is a fitted net."""
    preprocess, final = split_estimator(estimator)
    if not (hasattr(final, "prepare_input") and hasattr(final, "embed")):
        raise TypeError(
            f"{what} needs a neural classifier (sklecg.nn.ECGClassifier) or a "
            f"Pipeline ending in one; got {type(final).__name__}, which is not "
            "a neural network."
        )
    check_is_fitted(final, "module_")
    return preprocess, final
