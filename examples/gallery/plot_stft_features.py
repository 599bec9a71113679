"""
Spectrograms with STFTFeatures
==============================

:class:`~sklecg.features.STFTFeatures` computes the short-time Fourier
transform of every signal in one batched call. Without ``reduce`` it returns
the spectrograms, ``(n_signals, n_freqs, n_frames)``; with
``reduce="mean_time"`` one mean spectrum per signal, a feature vector that
any scikit-learn classifier takes. ``frequencies_`` and ``times_`` give the
axes.

Run it with ``python examples/gallery/plot_stft_features.py``: it shows one
spectrogram per class and prints the cross-validated macro F1; nothing is
written to disk. ``make docs`` builds this page, figures and printed output
included, into ``docs/_build/html/auto_examples/``.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sklecg.datasets import make_ecg_classification
from sklecg.features import STFTFeatures
from sklecg.preprocessing import Resampler, SignalScaler

# %%
# One spectrogram per class
# -------------------------
# 20 s of synthetic record at 300 Hz, windows of 256 samples (0.85 s) every
# 64 samples, in decibels.
ecg = make_ecg_classification(
    n_samples=200, min_length=6000, max_length=6000, random_state=0
)
X = Resampler(length=6000).fit_transform(ecg.data)
stft = STFTFeatures(fs=ecg.fs, n_fft=256, hop_length=64, output="power").fit(X)
classes = np.unique(ecg.target)
first = [np.flatnonzero(ecg.target == label)[0] for label in classes]
spectrograms = stft.transform(X[first])

fig, axes = plt.subplots(len(classes), 1, figsize=(8, 7), sharex=True)
for ax, label, spectrogram in zip(axes, classes, spectrograms):
    ax.pcolormesh(stft.times_, stft.frequencies_, 10 * np.log10(spectrogram + 1e-12))
    ax.set_ylim(0, 40)
    ax.set_ylabel(f"{label}\nHz")
axes[-1].set_xlabel("time (s)")
fig.suptitle("power spectrogram (dB) of the first record of each class")
plt.show()

# %%
# The mean spectrum as features
# -----------------------------
# The AMLS report's route: per-record z-scoring, the mean spectrum over
# time, a random forest. Scored by stratified 5-fold CV.
pipe = make_pipeline(
    SignalScaler(),
    STFTFeatures(fs=ecg.fs, n_fft=256, reduce="mean_time"),
    RandomForestClassifier(n_estimators=100, random_state=0),
)
scores = cross_val_score(pipe, X, ecg.target, cv=StratifiedKFold(5), scoring="f1_macro")
print(f"macro F1 {scores.mean():.3f} +/- {scores.std():.3f}")
