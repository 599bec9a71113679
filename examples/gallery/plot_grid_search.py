"""
Search a network's width beside a random forest
===============================================

One scikit-learn :class:`~sklearn.pipeline.Pipeline` holds every route: a
:class:`~sklecg.preprocessing.Resampler` brings the variable-length records
to one length and sampling rate, then either a
:class:`~sklecg.preprocessing.SignalScaler` and an
:class:`~sklecg.nn.ECGClassifier` (a :class:`~sklecg.nn.RhythmResNet`) or
:class:`~sklecg.features.RRIntervalFeatures` and a random forest.
:class:`~sklearn.model_selection.GridSearchCV` swaps the steps through a
list of parameter grids and searches the network's width through the
``clf__module__filters`` parameter: the ``module__`` prefix reaches the
network's constructor.

The records are synthetic (:func:`~sklecg.datasets.make_ecg_classification`)
and the network trains for a few epochs only, so that this page builds in
seconds; the scores are therefore no guide to the real data (see
:doc:`/user_guide/recipes` for those).

Run it with ``python examples/gallery/plot_grid_search.py``: it prints the best
parameters and shows the candidates' cross-validated scores; nothing is written
to disk. ``make docs`` builds this page, figures and printed output included,
into ``docs/_build/html/auto_examples/``.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from sklecg.datasets import make_ecg_classification
from sklecg.features import RRIntervalFeatures
from sklecg.nn import ECGClassifier, RhythmResNet
from sklecg.preprocessing import Resampler, SignalScaler

# %%
# Records and the pipeline
# ------------------------
# 160 synthetic single-lead records of 10 to 20 s at 300 Hz, in the four
# CinC 2017 classes (N normal, A atrial fibrillation, O other rhythm, ~
# noisy). The resampler crops or pads them to 10 s at 100 Hz.
X, y = make_ecg_classification(
    n_samples=160, min_length=3000, max_length=6000, random_state=0, return_X_y=True
)
net = ECGClassifier(
    RhythmResNet,
    max_epochs=6,
    lr=3e-3,
    batch_size=32,
    validation_fraction=None,
    random_state=0,
)
pipe = Pipeline(
    [
        ("resample", Resampler(length=1000, fs=300, target_fs=100)),
        ("scale", SignalScaler()),
        ("clf", net),
    ]
)

# %%
# The grid: two network widths, and the forest route
# --------------------------------------------------
# The second grid replaces the scaler by the RR-interval features (at the
# resampled rate of 100 Hz) and the network by a forest.
grid = [
    {"clf__module__filters": [(8, 16, 32), (16, 32, 64)]},
    {
        "scale": [RRIntervalFeatures(fs=100)],
        "clf": [RandomForestClassifier(n_estimators=100, random_state=0)],
    },
]
search = GridSearchCV(pipe, grid, cv=StratifiedKFold(3), scoring="f1_macro")
search.fit(X, y)
print("best:", search.best_params_)

# %%
# Cross-validated scores of the three candidates
# ----------------------------------------------
results = search.cv_results_
names = [
    f"RhythmResNet {params['clf__module__filters']}"
    if "clf__module__filters" in params
    else "RR features + forest"
    for params in results["params"]
]
order = np.argsort(results["mean_test_score"])
fig, ax = plt.subplots(figsize=(7, 2.5), layout="constrained")
ax.barh(
    np.asarray(names)[order],
    results["mean_test_score"][order],
    xerr=results["std_test_score"][order],
    color="tab:blue",
)
ax.set_xlabel("macro F1 (3-fold CV)")
ax.set_xlim(0, 1)
plt.show()
