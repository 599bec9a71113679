"""
Displays: the data, a training run and its errors
=================================================

The :mod:`sklecg.plotting` displays follow scikit-learn's ``Display``
pattern: a ``from_*`` constructor computes what to draw and plots it, the
display keeps the values and the drawn ``figure_`` and ``ax_``, and
``plot(ax=...)`` draws it again elsewhere. This page draws a synthetic data
set, then trains a small :class:`~sklecg.nn.RhythmResNet` for a few epochs and
draws its training history, its normalised confusion matrix and a Grad-CAM
map.

Run it with ``python examples/gallery/plot_displays.py``: it shows the figures
of the displays; nothing is written to disk. ``make docs`` builds this page,
figures and printed output included, into ``docs/_build/html/auto_examples/``.
"""

import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklecg.datasets import make_ecg_classification
from sklecg.nn import ECGClassifier, RhythmResNet
from sklecg.plotting import (
    ClassDistributionDisplay,
    GradCAMDisplay,
    LengthDistributionDisplay,
    MeanSignalDisplay,
    NormalizedConfusionMatrixDisplay,
    SignalExamplesDisplay,
    TrainingHistoryDisplay,
)
from sklecg.preprocessing import Resampler, SignalScaler

# %%
# The data set
# ------------
# Variable-length records (a list of 1-D arrays) go to the displays as they
# are.
ecg = make_ecg_classification(n_samples=300, random_state=0)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
ClassDistributionDisplay.from_labels(ecg.target, ax=axes[0])
LengthDistributionDisplay.from_signals(ecg.data, ecg.target, fs=ecg.fs, ax=axes[1])
plt.show()

# %%
SignalExamplesDisplay.from_signals(ecg.data, ecg.target, n_examples=2, fs=ecg.fs)
plt.show()

# %%
# The mean signal of each class, +/- one standard deviation, on records cut
# to the first 2 s:
first_2_s = Resampler(length=600).fit_transform(ecg.data)
MeanSignalDisplay.from_signals(first_2_s, ecg.target, fs=ecg.fs)
plt.show()

# %%
# A short training run
# --------------------
# 10 s at 100 Hz, z-scored, a three-block RhythmResNet trained for 10
# epochs; 10 % of the training records are held out inside the classifier to
# follow the validation loss (and keep the weights of its best epoch).
X_train, X_test, y_train, y_test = train_test_split(
    ecg.data, ecg.target, test_size=0.3, stratify=ecg.target, random_state=0
)
pipe = make_pipeline(
    Resampler(length=1000, fs=ecg.fs, target_fs=100),
    SignalScaler(),
    ECGClassifier(
        RhythmResNet,
        module__filters=(8, 16, 32),
        max_epochs=10,
        lr=3e-3,
        batch_size=32,
        random_state=0,
    ),
)
pipe.fit(X_train, y_train)
TrainingHistoryDisplay.from_estimator(pipe[-1])
plt.show()

# %%
# Errors on the held-out records
# ------------------------------
NormalizedConfusionMatrixDisplay.from_estimator(pipe, X_test, y_test)
plt.show()

# %%
# Where the network looked
# ------------------------
# Grad-CAM of the last convolution for the predicted class of one held-out
# record. The map is computed on the 10 s the network sees and stretched
# back onto the record as it was passed (300 Hz, its whole length).
GradCAMDisplay.from_estimator(pipe, X_test, index=0, fs=ecg.fs)
plt.show()
