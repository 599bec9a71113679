"""The MIT-BIH inter-patient split of de Chazal et al. (2004).

Training on beats of some patients and testing on beats of others is the only
honest estimate of how a beat classifier does on a new patient: a random
split of the beats puts beats of the same patient (near copies of each other)
on both sides and overestimates the scores (see
``examples/inter_vs_intra_patient.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils.validation import _num_samples

__all__ = ["DS1_RECORDS", "DS2_RECORDS", "PACED_RECORDS", "InterPatientSplit"]

#: Training records (DS1) of de Chazal, O'Dwyer & Reilly (2004).
DS1_RECORDS = [
    "101",
    "106",
    "108",
    "109",
    "112",
    "114",
    "115",
    "116",
    "118",
    "119",
    "122",
    "124",
    "201",
    "203",
    "205",
    "207",
    "208",
    "209",
    "215",
    "220",
    "223",
    "230",
]
#: Test records (DS2) of de Chazal, O'Dwyer & Reilly (2004).
DS2_RECORDS = [
    "100",
    "103",
    "105",
    "111",
    "113",
    "117",
    "121",
    "123",
    "200",
    "202",
    "210",
    "212",
    "213",
    "214",
    "219",
    "221",
    "222",
    "228",
    "231",
    "232",
    "233",
    "234",
]
#: Records with paced beats, left out of both halves (AAMI EC57).
PACED_RECORDS = ["102", "104", "107", "217"]


def _record_names(groups, n_samples: int) -> np.ndarray:
    if groups is None:
        raise ValueError(
            "InterPatientSplit needs the MIT-BIH record of every sample: pass "
            "groups=<record ids> (e.g. 100, '100' or 'mitdb/100') to split / "
            "cross_validate / GridSearchCV.fit."
        )
    groups = np.asarray(groups)
    if groups.ndim != 1 or len(groups) != n_samples:
        raise ValueError(
            f"groups must be 1-D with one record id per sample ({n_samples}); "
            f"got shape {groups.shape}."
        )
    return np.asarray([_record_name(g) for g in groups.tolist()])


def _record_name(group) -> str:
    """``"mitdb/100"``, ``100``, ``100.0`` and ``"100"`` all give ``"100"``."""
    name = str(group).rsplit("/", 1)[-1].strip()
    try:
        return str(int(float(name)))
    except ValueError:
        return name


class InterPatientSplit(BaseCrossValidator):
    """MIT-BIH inter-patient train/test split (DS1 / DS2), one split.

    Yields a single ``(train, test)`` pair: the samples whose record is in
    ``train_records`` (DS1 by default) and those whose record is in
    ``test_records`` (DS2). Samples of other records -- the paced records
    102, 104, 107 and 217 -- are in neither. Usable as ``cv=`` anywhere
    scikit-learn takes a splitter; it reads ``groups`` (the record of each
    sample, e.g. as returned by :func:`sklecg.datasets.fetch_mitbih_beats`).

    Parameters
    ----------
    train_records : sequence of str or int, default=None
        Records of the training half. ``None`` means DS1 of de Chazal et al.
    test_records : sequence of str or int, default=None
        Records of the test half. ``None`` means DS2.

    See Also
    --------
    PatientStratifiedKFold : K-fold cross-validation that keeps each patient
        on one side.

    References
    ----------
    P. de Chazal, M. O'Dwyer and R. B. Reilly, "Automatic classification of
    heartbeats using ECG morphology and heartbeat interval features", IEEE
    Trans. Biomed. Eng. 51(7), 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.model_selection import InterPatientSplit
    >>> groups = np.array([101, 101, 100, 102, 106, 100])
    >>> X = np.zeros((6, 3))
    >>> [(train.tolist(), test.tolist())
    ...  for train, test in InterPatientSplit().split(X, groups=groups)]
    [([0, 1, 4], [2, 5])]
    """

    __metadata_request__split = {"groups": True}

    def __init__(self, train_records=None, test_records=None):
        self.train_records = train_records
        self.test_records = test_records

    def _halves(self) -> tuple[set, set]:
        train = DS1_RECORDS if self.train_records is None else self.train_records
        test = DS2_RECORDS if self.test_records is None else self.test_records
        train = {_record_name(r) for r in train}
        test = {_record_name(r) for r in test}
        if train & test:
            raise ValueError(
                f"Records {sorted(train & test)} are in both train_records and "
                "test_records; a patient must be on one side only."
            )
        return train, test

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, ...]]:
        """Yield the indices of the training (DS1) and test (DS2) samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples (only their number is used).
        y : array-like of shape (n_samples,), default=None
            Ignored.
        groups : array-like of shape (n_samples,)
            MIT-BIH record of each sample.

        Yields
        ------
        train : ndarray of int
        test : ndarray of int
        """
        records = _record_names(groups, _num_samples(X))
        train_records, test_records = self._halves()
        train = np.flatnonzero(np.isin(records, sorted(train_records)))
        test = np.flatnonzero(np.isin(records, sorted(test_records)))
        for half, name in ((train, "train"), (test, "test")):
            if len(half) == 0:
                raise ValueError(
                    f"No sample belongs to a {name} record; groups hold the "
                    f"records {sorted(set(records.tolist()))[:10]}... Pass the "
                    "MIT-BIH record numbers as groups."
                )
        yield train, test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Return the number of splits, 1.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
        """
        return 1
