"""ECG classification metrics and scorers.

Specificity, a per-class report with specificity, the PhysioNet/CinC 2017
challenge F1, and scorers for ``scoring=`` in cross-validation.
"""

from ._classification import (
    challenge_f1_score,
    classification_report,
    specificity_score,
)
from ._scorers import (
    challenge_f1_scorer,
    get_scorer,
    get_scorer_names,
    specificity_macro_scorer,
    specificity_weighted_scorer,
)

__all__ = [
    "challenge_f1_score",
    "challenge_f1_scorer",
    "classification_report",
    "get_scorer",
    "get_scorer_names",
    "specificity_macro_scorer",
    "specificity_score",
    "specificity_weighted_scorer",
]
