"""ECG classification metrics and scorers.

Specificity, a per-class report with specificity, the PhysioNet/CinC 2017
challenge F1, scorers for ``scoring=`` in cross-validation, and the scores
of an R-peak detector against reference beat annotations.
"""

from ._classification import (
    challenge_f1_score,
    classification_report,
    specificity_score,
)
from ._detection import r_peak_detection_scores
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
    "r_peak_detection_scores",
    "specificity_macro_scorer",
    "specificity_score",
    "specificity_weighted_scorer",
]
