"""Patient-wise splitters: the MIT-BIH inter-patient split and patient K-fold."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedShuffleSplit,
    cross_validate,
)

from sklecg.model_selection import (
    DS1_RECORDS,
    DS2_RECORDS,
    PACED_RECORDS,
    InterPatientSplit,
    PatientStratifiedKFold,
)

ALL_RECORDS = DS1_RECORDS + DS2_RECORDS + PACED_RECORDS


def _beats(n_per_record=5, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.repeat([int(r) for r in ALL_RECORDS], n_per_record)
    y = rng.integers(0, 2, size=len(groups))
    X = rng.normal(size=(len(groups), 4))
    return X, y, groups


def test_record_lists_are_de_chazal():
    assert len(DS1_RECORDS) == len(DS2_RECORDS) == 22
    assert len(set(ALL_RECORDS)) == 48
    assert {"101", "230"} <= set(DS1_RECORDS) and {"100", "234"} <= set(DS2_RECORDS)


def test_inter_patient_split_sides_and_paced_exclusion():
    X, y, groups = _beats()
    [(train, test)] = list(InterPatientSplit().split(X, y, groups))
    assert set(groups[train].astype(str)) == set(DS1_RECORDS)
    assert set(groups[test].astype(str)) == set(DS2_RECORDS)
    assert len(train) == len(test) == 22 * 5
    paced = np.isin(groups.astype(str), PACED_RECORDS)
    assert not set(np.flatnonzero(paced)) & (set(train) | set(test))
    assert InterPatientSplit().get_n_splits() == 1


def test_inter_patient_split_accepts_string_record_ids():
    X, y, groups = _beats(2)
    a = next(InterPatientSplit().split(X, y, groups))
    for other in (np.array([f"mitdb/{g}" for g in groups]), groups.astype(float)):
        b = next(InterPatientSplit().split(X, y, other))
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_inter_patient_split_as_cv_in_search():
    X, y, groups = _beats()
    scores = cross_validate(
        DummyClassifier(), X, y, groups=groups, cv=InterPatientSplit()
    )
    assert len(scores["test_score"]) == 1
    search = GridSearchCV(
        DummyClassifier(), {"strategy": ["prior", "uniform"]}, cv=InterPatientSplit()
    ).fit(X, y, groups=groups)
    assert search.n_splits_ == 1
    cv = InterPatientSplit(train_records=[100], test_records=[101])
    assert pickle.loads(pickle.dumps(cv)).train_records == [100]
    assert repr(cv) == "InterPatientSplit(test_records=[101], train_records=[100])"


def test_inter_patient_split_custom_records():
    X, y, groups = _beats(3)
    cv = InterPatientSplit(train_records=[100, 101], test_records=["102"])
    train, test = next(cv.split(X, y, groups))
    assert set(groups[train]) == {100, 101} and set(groups[test]) == {102}


def test_inter_patient_split_errors():
    X, y, groups = _beats(1)
    with pytest.raises(ValueError, match="needs the MIT-BIH record"):
        next(InterPatientSplit().split(X, y))
    with pytest.raises(ValueError, match="one record id per sample"):
        next(InterPatientSplit().split(X, y, groups[:-1]))
    with pytest.raises(ValueError, match="No sample belongs to a train record"):
        next(InterPatientSplit().split(X[:3], y[:3], np.array(["a", "b", "c"])))
    with pytest.raises(ValueError, match="in both train_records and test_records"):
        next(InterPatientSplit([100, 101], [101]).split(X, y, groups))


def test_patient_kfold_keeps_patients_apart_and_stratifies():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(20), 10)
    y = np.where(rng.random(200) < 0.3, "A", "N")
    cv = PatientStratifiedKFold(n_splits=4, random_state=0)
    test_seen = []
    for train, test in cv.split(np.zeros((200, 1)), y, groups):
        assert not set(groups[train]) & set(groups[test])
        assert abs(np.mean(y[test] == "A") - np.mean(y == "A")) < 0.15
        test_seen.extend(test)
    assert sorted(test_seen) == list(range(200))
    a = [t.tolist() for _, t in cv.split(np.zeros((200, 1)), y, groups)]
    b = [
        t.tolist()
        for _, t in PatientStratifiedKFold(4, random_state=0).split(
            np.zeros((200, 1)), y, groups
        )
    ]
    assert a == b


def test_patient_kfold_errors_and_warning():
    y = np.array([0, 1] * 6)
    groups = np.repeat(np.arange(3), 4)
    cv = PatientStratifiedKFold(n_splits=4)
    with pytest.raises(ValueError, match="needs the patient of every sample"):
        next(cv.split(np.zeros((12, 1)), y))
    with pytest.raises(ValueError, match="at least as many patients; groups hold 3"):
        next(cv.split(np.zeros((12, 1)), y, groups))
    y_rare = np.zeros(12, dtype=int)
    y_rare[0] = 1
    # scikit-learn >= 1.7 adds its own "least populated class" warning.
    with pytest.warns(UserWarning, match="Class 1 occurs in 1 patient"):
        next(
            PatientStratifiedKFold(n_splits=3).split(np.zeros((12, 1)), y_rare, groups)
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        next(PatientStratifiedKFold(n_splits=3).split(np.zeros((12, 1)), y, groups))


@pytest.mark.realdata
def test_random_split_overestimates_macro_f1_on_real_beats(mitbih_beats):
    """The same forest scored on a random 50/50 split of the beats and on
    DS1 -> DS2: the random split puts beats of every test patient in the
    training set. Full data, 100 trees (examples/inter_vs_intra_patient.py):
    macro F1 0.860 intra vs 0.399 inter."""
    beats = mitbih_beats
    names = beats.target_names[beats.target]
    usable = np.isin(beats.groups.astype(str), DS1_RECORDS + DS2_RECORDS)
    usable &= names != "Q"  # ~15 Q beats outside the paced records
    rng = np.random.default_rng(0)
    keep = np.sort(rng.choice(np.flatnonzero(usable), size=8000, replace=False))
    X = np.hstack([beats.data[keep], beats.rr[keep]])
    y, groups = names[keep], beats.groups[keep]
    forest = RandomForestClassifier(n_estimators=40, n_jobs=2, random_state=0)
    intra = cross_validate(
        forest,
        X,
        y,
        cv=StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=0),
        scoring="f1_macro",
    )["test_score"][0]
    inter = cross_validate(
        forest, X, y, groups=groups, cv=InterPatientSplit(), scoring="f1_macro"
    )["test_score"][0]
    print(f"macro F1: intra-patient {intra:.3f}, inter-patient {inter:.3f}")
    assert intra > 0.7
    assert inter < 0.6
    assert intra - inter > 0.2
