"""
Over-sample a rare class with the Augmenter
===========================================

:class:`~sklecg.augmentation.Augmenter` is an imbalanced-learn over-sampler:
it adds noisy, scaled and shifted copies of the signals of the classes it is
told to grow. Inside an :class:`imblearn.pipeline.Pipeline` it runs while
the pipeline is fitted only; ``predict`` and the cross-validation test folds
see the original signals, so the scores are not inflated by copies of test
signals.

Run it with ``python examples/gallery/plot_augmenter.py``: it prints the class
counts before and after over-sampling and the cross-validated scores with and
without the augmenter, and shows a record beside its augmented copy; nothing is
written to disk. ``make docs`` builds this page, figures and printed output
included, into ``docs/_build/html/auto_examples/``.
"""

from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, recall_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from sklecg.augmentation import Augmenter
from sklecg.datasets import make_ecg_classification
from sklecg.features import STFTFeatures
from sklecg.preprocessing import Resampler, SignalScaler

# %%
# An imbalanced set of records
# ----------------------------
# Synthetic records where atrial fibrillation (``A``) is rare, cut to 10 s.
ecg = make_ecg_classification(
    n_samples=240,
    weights=[0.6, 0.05, 0.25, 0.1],
    min_length=3000,
    max_length=3000,
    random_state=0,
)
X = Resampler(length=3000).fit_transform(ecg.data)
y = ecg.target
print(Counter(y.tolist()))

# %%
# What the Augmenter adds
# -----------------------
# With ``sampling_strategy={"A": 60}`` it copies ``A`` records until there
# are 60 of them; every copy is scaled, shifted by up to 10 % of its length
# and gets Gaussian noise. ``sample_indices_`` names the record each output
# row came from.
augmenter = Augmenter(sampling_strategy={"A": 60}, noise_std=0.05, random_state=0)
X_res, y_res = augmenter.fit_resample(X, y)
print(Counter(y_res.tolist()))

first_copy = len(X)
source = augmenter.sample_indices_[first_copy]
time_s = np.arange(X.shape[1]) / ecg.fs
fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
ax.plot(time_s, X[source], lw=0.8, label=f"record {source} ({y[source]})")
ax.plot(time_s, X_res[first_copy] - 2, lw=0.8, label="its augmented copy (- 2 mV)")
ax.set_xlim(0, 4)
ax.set_xlabel("time (s)")
ax.set_ylabel("mV")
ax.legend(loc="upper right")
plt.show()

# %%
# In a pipeline, cross-validated
# ------------------------------
# Spectral features (the mean STFT spectrum of each z-scored record) and a
# logistic regression, with and without the augmenter in front: macro F1 and
# the recall of the rare class over stratified 5-fold CV. The copies are made
# from the training folds only, afresh in every fold.
features = [
    ("scale", SignalScaler()),
    ("stft", STFTFeatures(fs=ecg.fs, n_fft=512, reduce="mean_time")),
    ("standardize", StandardScaler()),
    ("clf", LogisticRegression(max_iter=2000)),
]
pipelines = {
    "no augmentation": Pipeline(features),
    "Augmenter": Pipeline(
        [("augment", Augmenter(sampling_strategy={"A": 60}, random_state=0))] + features
    ),
}
scoring = {
    "macro F1": "f1_macro",
    "recall of A": make_scorer(recall_score, labels=["A"], average="macro"),
}
for name, pipeline in pipelines.items():
    scores = cross_validate(pipeline, X, y, cv=StratifiedKFold(5), scoring=scoring)
    summary = ", ".join(f"{key} {scores[f'test_{key}'].mean():.3f}" for key in scoring)
    print(f"{name}: {summary}")
