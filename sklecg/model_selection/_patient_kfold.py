"""Stratified K-fold cross-validation that keeps every patient on one side."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

__all__ = ["PatientStratifiedKFold"]


class PatientStratifiedKFold(StratifiedGroupKFold):
    """Patient-wise stratified K-fold.

    :class:`~sklearn.model_selection.StratifiedGroupKFold` with the defaults
    and checks that patient-wise ECG evaluation needs: folds are shuffled
    (seeded by ``random_state``) so the patient order of a database does not
    decide the folds; a clear error when ``groups`` is missing or there are
    fewer patients than folds; and a warning for each class found in fewer
    patients than there are folds -- some test folds then hold none of that
    class, and its per-class scores are undefined there.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (at least 2).
    shuffle : bool, default=True
        Shuffle the patients before building the folds.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.model_selection import PatientStratifiedKFold
    >>> y = np.array([0, 1] * 6)
    >>> patients = np.repeat(np.arange(6), 2)
    >>> cv = PatientStratifiedKFold(n_splits=3, random_state=0)
    >>> for train, test in cv.split(np.zeros((12, 1)), y, patients):
    ...     assert not set(patients[train]) & set(patients[test])
    """

    def __init__(self, n_splits: int = 5, *, shuffle: bool = True, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y, groups=None):
        """Yield train/test indices; no patient is on both sides.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        y : array-like of shape (n_samples,)
            Class labels, used for stratification.
        groups : array-like of shape (n_samples,)
            Patient (or record) of each sample.

        Yields
        ------
        train : ndarray of int
        test : ndarray of int
        """
        if groups is None:
            raise ValueError(
                "PatientStratifiedKFold needs the patient of every sample: pass "
                "groups=<patient or record ids> to split / cross_validate / "
                "GridSearchCV.fit."
            )
        y_arr, groups_arr = np.asarray(y), np.asarray(groups)
        n_patients = len(np.unique(groups_arr))
        if n_patients < self.n_splits:
            raise ValueError(
                f"n_splits={self.n_splits} folds need at least as many patients; "
                f"groups hold {n_patients}. Lower n_splits."
            )
        for label in np.unique(y_arr).tolist():
            n_with = len(np.unique(groups_arr[y_arr == label]))
            if n_with < self.n_splits:
                warnings.warn(
                    f"Class {label!r} occurs in {n_with} patient(s), fewer than "
                    f"n_splits={self.n_splits}: some test folds hold none of it.",
                    UserWarning,
                    stacklevel=2,
                )
        yield from super().split(X, y, groups)
