"""
Piecewise-constant compression
==============================

:class:`~sklecg.compression.PiecewiseConstantCompressor` keeps the mean of
each of ``n_segments`` consecutive windows of a signal; ``ratio`` sets the
number of windows as a fraction of the signal's length.
``inverse_transform`` rebuilds a step signal and
:func:`~sklecg.compression.compression_error` scores it.
:func:`~sklecg.compression.save_compressed` writes the window means to a
compact binary file that :func:`~sklecg.compression.load_compressed` reads
back.

Run it with ``python examples/gallery/plot_compression.py``: it shows the
reconstruction and error figures and prints the size of the compressed file,
which it writes to a temporary folder and deletes. ``make docs`` builds this
page, figures and printed output included, into
``docs/_build/html/auto_examples/``.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sklecg.compression import (
    PiecewiseConstantCompressor,
    compression_error,
    load_compressed,
    save_compressed,
)
from sklecg.datasets import make_ecg_classification
from sklecg.preprocessing import Resampler

# %%
# Reconstructions at three ratios
# -------------------------------
ecg = make_ecg_classification(
    n_samples=50, min_length=3000, max_length=3000, random_state=0
)
X = Resampler(length=3000).fit_transform(ecg.data)
time_s = np.arange(X.shape[1]) / ecg.fs
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
ax.plot(time_s, X[0], color="black", lw=1, label="original")
for ratio in (0.25, 0.1, 0.02):
    compressor = PiecewiseConstantCompressor(ratio=ratio).fit(X)
    reconstruction = compressor.inverse_transform(compressor.transform(X[:1]))
    ax.step(time_s, reconstruction[0], where="post", lw=1, label=f"ratio {ratio}")
ax.set_xlim(0, 2)
ax.set_xlabel("time (s)")
ax.set_ylabel("mV")
ax.legend(loc="upper right")
plt.show()

# %%
# Error against ratio
# -------------------
ratios = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.5])
errors = []
for ratio in ratios:
    compressor = PiecewiseConstantCompressor(ratio=ratio, output="reconstruction")
    errors.append(compression_error(X, compressor.fit_transform(X)))
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
for key in errors[0]:
    ax.loglog(ratios, [error[key] for error in errors], "o-", label=key)
ax.set_xlabel("ratio (windows per sample)")
ax.set_ylabel("error")
ax.legend()
plt.show()

# %%
# The file format
# ---------------
# A header, then the window means as float32 (or float16 with
# ``dtype="float16"``): here 50 records at ratio 0.05.
compressor = PiecewiseConstantCompressor(ratio=0.05).fit(X)
with tempfile.TemporaryDirectory() as folder:
    path = save_compressed(
        Path(folder) / "records.pc",
        compressor.transform(X),
        n_timesteps=X.shape[1],
        fs=ecg.fs,
    )
    loaded = load_compressed(path)
    print(f"{X.nbytes:,} bytes as float32 -> {path.stat().st_size:,} bytes on disk")
print(loaded.data.shape, loaded.n_timesteps, loaded.fs)
