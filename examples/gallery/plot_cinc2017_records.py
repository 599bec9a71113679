"""
Real records: CinC 2017 from a PhysioNet mirror
===============================================

:func:`~sklecg.datasets.fetch_cinc2017` reads the PhysioNet/CinC 2017
training zip from a mirror (the ``mirror=`` argument or the
``SKLECG_PHYSIONET_MIRROR`` environment variable), parses it once and caches
the records in ``data_home``.

This page uses the mirror that ``SKLECG_PHYSIONET_MIRROR`` names (``make
docs`` sets it to ``../shared/data/physionet`` when that folder sits beside
the repository) and otherwise falls back to synthetic records of
:func:`~sklecg.datasets.make_ecg_classification`, so that it always builds:
the first printed line says which records the figures show.

A stratified subset of 600 records is described and classified from its
RR-interval features by a random forest.

Run it with ``python examples/gallery/plot_cinc2017_records.py``: it prints
which records it uses and the cross-validated challenge F1, and shows the
example, statistics and confusion-matrix figures; the parsed records are cached
in the data home (``SKLECG_DATA``, default ``~/sklecg_data``). ``make docs``
builds this page, figures and printed output included, into
``docs/_build/html/auto_examples/``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

from sklecg.datasets import fetch_cinc2017, make_ecg_classification
from sklecg.features import RRIntervalFeatures
from sklecg.metrics import challenge_f1_score
from sklecg.plotting import (
    NormalizedConfusionMatrixDisplay,
    SignalExamplesDisplay,
    SignalStatsDisplay,
)

# %%
# The records
# -----------
mirror = os.environ.get("SKLECG_PHYSIONET_MIRROR")
if mirror and (Path(mirror) / "training2017.zip").is_file():
    ecg = fetch_cinc2017(mirror=mirror, verbose=False)
    print(f"CinC 2017 from the PhysioNet mirror: {len(ecg.data)} records")
else:
    ecg = make_ecg_classification(n_samples=800, random_state=0)
    print("no PhysioNet mirror: 800 synthetic records instead")
subset, _ = train_test_split(
    np.arange(len(ecg.target)),
    train_size=600,
    stratify=ecg.target,
    random_state=0,
)
X = [ecg.data[i] for i in subset]
y = ecg.target[subset]

SignalExamplesDisplay.from_signals(X, y, n_examples=2, fs=ecg.fs)
plt.show()

# %%
# Per-record statistics by class:
SignalStatsDisplay.from_signals(X, y)
plt.show()

# %%
# RR-interval features and a forest
# ---------------------------------
# :class:`~sklecg.features.RRIntervalFeatures` detects the R peaks of every
# record and computes rhythm statistics. It learns nothing from the data
# (every record is transformed on its own), so the features are computed
# once, before the cross-validation, without leaking anything between
# folds. The score is the challenge F1 (the mean F1 of N, A and O).
features = RRIntervalFeatures(fs=ecg.fs).fit_transform(X)
forest = RandomForestClassifier(
    n_estimators=200, class_weight="balanced", random_state=0
)
y_pred = cross_val_predict(forest, features, y, cv=StratifiedKFold(5))
print(f"challenge F1 (5-fold CV): {challenge_f1_score(y, y_pred):.3f}")
NormalizedConfusionMatrixDisplay.from_predictions(y, y_pred)
plt.show()
