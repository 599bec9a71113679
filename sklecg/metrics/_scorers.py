"""Ready-made scorers for ``scoring=`` in cross-validation and grid search."""

from __future__ import annotations

from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import get_scorer_names as _sklearn_get_scorer_names
from sklearn.metrics import make_scorer

from ._classification import challenge_f1_score, specificity_score

__all__ = [
    "challenge_f1_scorer",
    "get_scorer",
    "get_scorer_names",
    "specificity_macro_scorer",
    "specificity_weighted_scorer",
]

challenge_f1_scorer = make_scorer(challenge_f1_score)
specificity_macro_scorer = make_scorer(specificity_score, average="macro")
specificity_weighted_scorer = make_scorer(specificity_score, average="weighted")

_SCORERS = {
    "challenge_f1": challenge_f1_scorer,
    "specificity_macro": specificity_macro_scorer,
    "specificity_weighted": specificity_weighted_scorer,
    "specificity_micro": make_scorer(specificity_score, average="micro"),
}


def get_scorer_names() -> list[str]:
    """Names accepted by :func:`get_scorer`: sklecg's and scikit-learn's.

    Returns
    -------
    names : list of str
        Sorted.

    Examples
    --------
    >>> from sklecg.metrics import get_scorer_names
    >>> "challenge_f1" in get_scorer_names() and "f1_macro" in get_scorer_names()
    True
    """
    return sorted(set(_SCORERS) | set(_sklearn_get_scorer_names()))


def get_scorer(scoring):
    """Return the scorer called ``scoring`` (an sklecg or scikit-learn name).

    sklecg's names are ``"challenge_f1"`` (:func:`challenge_f1_score` on the
    labels ``N``, ``A``, ``O``) and ``"specificity_macro"``,
    ``"specificity_weighted"``, ``"specificity_micro"``; every other name is
    looked up by :func:`sklearn.metrics.get_scorer`. A callable is returned
    unchanged. Use it to build the ``scoring`` dict of
    :func:`~sklearn.model_selection.cross_validate`.

    Parameters
    ----------
    scoring : str or callable
        Scorer name or scorer.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``.

    Raises
    ------
    ValueError
        An unknown name; the message lists the sklecg names.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from sklecg.metrics import get_scorer
    >>> X, y = make_classification(n_classes=3, n_informative=4, random_state=0)
    >>> scoring = {name: get_scorer(name)
    ...            for name in ("f1_macro", "specificity_weighted")}
    >>> scores = cross_validate(LogisticRegression(), X, y, scoring=scoring)
    >>> sorted(key for key in scores if key.startswith("test_"))
    ['test_f1_macro', 'test_specificity_weighted']
    """
    if callable(scoring):
        return scoring
    if scoring in _SCORERS:
        return _SCORERS[scoring]
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError as exc:
        raise ValueError(
            f"{scoring!r} is not a known scorer. sklecg adds {sorted(_SCORERS)} "
            "to scikit-learn's names (see sklecg.metrics.get_scorer_names())."
        ) from exc
