"""``set_output(transform="pandas")`` on the sklecg transformers.

Transformers with 2-D ``(n, k)`` output give a DataFrame named by
``get_feature_names_out`` with the numpy values; signal-to-signal outputs
(3-D or variable-length) raise a clear error instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklecg.compression import PiecewiseConstantCompressor
from sklecg.datasets import make_beat_table, make_ecg_classification
from sklecg.features import (
    BeatMorphologyFeatures,
    BeatRRFeatures,
    RRIntervalFeatures,
    STFTFeatures,
    TemplateDifferenceFeatures,
)
from sklecg.preprocessing import Resampler, SignalScaler

RNG = np.random.default_rng(0)
RECORDS, _ = make_ecg_classification(
    n_samples=8, min_length=3000, max_length=3600, random_state=0, return_X_y=True
)
FIXED = RNG.normal(size=(6, 1000))
MULTI = RNG.normal(size=(6, 2, 1000))
WINDOWS = RNG.normal(size=(6, 2, 20))
BEATS = make_beat_table(
    RNG.normal(size=(6, 20)),
    RNG.uniform(0.5, 1.2, size=(6, 4)),
    template=RNG.normal(size=(6, 20)),
    window=WINDOWS,
    window_template=WINDOWS[::-1],
)

TWO_D = [
    (RRIntervalFeatures(fs=300), RECORDS),
    (RRIntervalFeatures(fs=250), MULTI),
    (BeatMorphologyFeatures(fs=300), RECORDS),
    (BeatRRFeatures(downsample=4), BEATS),
    (BeatRRFeatures(template=True, downsample=2), BEATS),
    (STFTFeatures(fs=250, n_fft=128, hop_length=64, reduce="mean_freq"), FIXED),
    (STFTFeatures(fs=250, n_fft=128, hop_length=64, reduce="mean_freq"), MULTI),
    (TemplateDifferenceFeatures(downsample=2), BEATS),
    (PiecewiseConstantCompressor(ratio=0.1), FIXED),
    (PiecewiseConstantCompressor(ratio=0.1, output="reconstruction"), FIXED),
    (Resampler(length=200), RECORDS),
    (Resampler(fs=250, target_fs=125), FIXED),
    (SignalScaler(), FIXED),
]
SIGNAL_TO_SIGNAL = [
    (STFTFeatures(fs=250, n_fft=128, hop_length=64), FIXED),
    (PiecewiseConstantCompressor(ratio=0.1), MULTI),
    (Resampler(fs=300, target_fs=150), RECORDS),
    (Resampler(length=200), MULTI),
    (SignalScaler(), RECORDS),
    (SignalScaler(), MULTI),
]


def _id(case):
    est, X = case
    layout = "list" if isinstance(X, list) else "x".join(map(str, X.shape))
    return f"{type(est).__name__}-{layout}"


@pytest.mark.parametrize("case", TWO_D, ids=_id)
def test_pandas_output_of_2d_transformers(case):
    est, X = clone(case[0]), case[1]
    expected = est.fit_transform(X)
    names = est.get_feature_names_out()
    assert expected.ndim == 2 and expected.shape[1] == len(names) == len(set(names))

    est.set_output(transform="pandas")
    for df in (est.fit_transform(X), est.transform(X)):
        assert isinstance(df, pd.DataFrame)
        assert list(df.columns) == list(names)
        np.testing.assert_allclose(df.to_numpy(), expected, rtol=1e-6)

    pipe = make_pipeline(clone(case[0])).set_output(transform="pandas")
    df = pipe.fit(X).transform(X)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == list(pipe.get_feature_names_out())
    np.testing.assert_allclose(df.to_numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("case", SIGNAL_TO_SIGNAL, ids=_id)
def test_pandas_output_of_signal_to_signal_transformers_raises(case):
    est, X = clone(case[0]), case[1]
    out = est.fit_transform(X)  # default output works
    assert isinstance(out, list) or out.ndim == 3
    message = "3-D or variable-length output"
    with pytest.raises(ValueError, match=message):
        est.get_feature_names_out()
    pandas_message = f"{message} .* cannot be a pandas DataFrame"
    est.set_output(transform="pandas")
    with pytest.raises(ValueError, match=pandas_message):
        est.fit_transform(X)
    with pytest.raises(ValueError, match=pandas_message):
        est.transform(X)
    with pytest.raises(ValueError, match=pandas_message):
        clone(est).fit(X).transform(X)
    with pytest.raises(ValueError, match=pandas_message):
        make_pipeline(clone(case[0])).set_output(transform="pandas").fit_transform(X)
    with (
        config_context(transform_output="pandas"),
        pytest.raises(ValueError, match=pandas_message),
    ):
        clone(case[0]).fit_transform(X)
