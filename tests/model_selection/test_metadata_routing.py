"""Metadata routing sends ``groups`` from ``GridSearchCV.fit`` to the splitter."""

from __future__ import annotations

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklecg.datasets import make_ecg_classification
from sklecg.features import RRIntervalFeatures
from sklecg.model_selection import PatientStratifiedKFold
from sklecg.preprocessing import SignalScaler


def test_grid_search_routes_groups_to_patient_stratified_kfold():
    X, y = make_ecg_classification(
        n_samples=48,
        n_classes=2,
        min_length=1500,
        max_length=2400,
        random_state=0,
        return_X_y=True,
    )
    groups = np.repeat(np.arange(12), 4)  # 12 fake patients of 4 records each
    cv = PatientStratifiedKFold(n_splits=3, random_state=0)
    splits = list(cv.split(X, y, groups))
    assert len(splits) == 3
    for train, test in splits:
        assert not set(groups[train]) & set(groups[test])
    pipe = Pipeline(
        [
            ("scale", SignalScaler()),
            ("rr", RRIntervalFeatures(fs=300)),
            ("clf", RandomForestClassifier(n_estimators=10, random_state=0)),
        ]
    )
    grid = {"clf__max_depth": [2, None]}
    keys = [f"split{i}_test_score" for i in range(3)]
    with sklearn.config_context(enable_metadata_routing=True):
        routed = GridSearchCV(pipe, grid, cv=cv, error_score="raise")
        routed.fit(X, y, groups=groups)
    explicit = GridSearchCV(pipe, grid, cv=splits, error_score="raise").fit(X, y)
    for key in keys:
        np.testing.assert_array_equal(
            routed.cv_results_[key], explicit.cv_results_[key]
        )
    assert routed.n_splits_ == 3
