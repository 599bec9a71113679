"""Tests of sklecg.base: SignalTransformer and its input tags, and
TableTransformer through its subclasses; ``set_output(transform="pandas")``
on every sklecg transformer.

(Named apart from tests/datasets/test_base.py, which pytest would take for
the same module.)

scikit-learn's generic checks fit on unnamed random arrays, which a
transformer reading named column groups refuses; the behaviours they cover
are checked here on a named beat table instead.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklecg.base import SignalInputTags, SignalTransformer, iter_length_groups
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

TRANSFORMERS = [
    BeatRRFeatures(downsample=3, template=True),
    TemplateDifferenceFeatures(downsample=2),
]


def _table(n=20, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    windows = rng.uniform(size=(n, 2, 9))
    return make_beat_table(
        rng.uniform(size=(n, 7)).astype(dtype),
        rng.uniform(0.4, 1.5, size=(n, 4)),
        template=rng.uniform(size=(n, 7)),
        window=windows,
        window_template=windows[::-1],
    )


@pytest.fixture(params=TRANSFORMERS, ids=lambda t: type(t).__name__)
def transformer(request):
    return clone(request.param)


def test_fit_returns_self_and_leaves_params(transformer):
    table = _table()
    params = transformer.get_params()
    assert transformer.fit(table) is transformer
    assert transformer.get_params() == params
    assert transformer.n_features_in_ == table.shape[1]
    np.testing.assert_array_equal(transformer.feature_names_in_, table.columns)


def test_fit_idempotent_and_input_unchanged(transformer):
    table = _table()
    before = table.copy()
    first = transformer.fit(table).transform(table)
    second = clone(transformer).fit(table).transform(table)
    np.testing.assert_array_equal(first, second)
    assert table.equals(before)


def test_rows_are_independent(transformer):
    """Subset and sample-order invariance: each row is transformed alone."""
    table = _table()
    out = transformer.fit_transform(table)
    order = np.random.default_rng(1).permutation(len(table))
    np.testing.assert_allclose(transformer.transform(table.iloc[order]), out[order])
    np.testing.assert_allclose(transformer.transform(table.iloc[:3]), out[:3])


def test_float32_output_names_and_pickle(transformer):
    table = _table()
    out = transformer.fit_transform(table)
    assert out.dtype == np.float32
    assert out.shape[1] == len(transformer.get_feature_names_out())
    restored = pickle.loads(pickle.dumps(transformer))
    np.testing.assert_array_equal(restored.transform(table), out)


def test_nan_and_empty_input_raise(transformer):
    table = _table()
    bad = table.copy()
    bad.iloc[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clone(transformer).fit(bad)
    with pytest.raises(ValueError, match="0 sample"):
        clone(transformer).fit(table.iloc[:0])


def test_in_a_pipeline_with_pandas_output(transformer):
    table = _table()
    pipe = make_pipeline(transformer, StandardScaler()).set_output(transform="pandas")
    out = pipe.fit_transform(table)
    assert list(out.columns) == list(pipe[0].get_feature_names_out())


class _SingleLeadMean(SignalTransformer):
    """A test transformer: the mean of each single-lead signal of >= 5 samples."""

    _parameter_constraints: dict = {}

    def _fit(self, signals):
        self._n_features_out = 1

    def _transform(self, signals):
        return np.array([[s.mean()] for s in signals], dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.multi_lead = False
        tags.input_tags.min_length = 5
        tags.input_tags.min_length_reason = "a mean of five samples"
        return tags


def test_signal_input_tags_extend_sklearns():
    tags = SignalTransformer().__sklearn_tags__().input_tags
    assert isinstance(tags, SignalInputTags)
    assert (tags.unequal_length, tags.multi_lead, tags.min_length) == (True, True, 1)
    # scikit-learn's own input tags are kept
    assert tags.two_d_array and tags.three_d_array and not tags.sparse


def test_declared_tags_are_enforced():
    transformer = _SingleLeadMean()
    out = transformer.fit_transform([np.arange(5.0), np.arange(8.0)])
    np.testing.assert_allclose(out[:, 0], [2.0, 3.5])
    with pytest.raises(ValueError, match="single-lead signals.*got 2 leads"):
        transformer.fit(np.zeros((3, 2, 6)))
    with pytest.raises(ValueError, match="at least 5.*a mean of five samples"):
        transformer.fit([np.arange(4.0)])
    # unequal lengths are accepted, so the minimum holds at transform too
    with pytest.raises(ValueError, match="at least 5"):
        transformer.transform([np.arange(6.0), np.arange(3.0)])


def test_fixed_length_tag_points_to_the_resampler():
    stft = STFTFeatures(fs=100, n_fft=16)
    assert stft.__sklearn_tags__().input_tags.unequal_length is False
    with pytest.raises(ValueError, match="Resampler"):
        stft.fit([np.zeros(40), np.zeros(50)])


def test_iter_length_groups_covers_every_signal_once():
    signals = [np.zeros(3), np.zeros(5), np.ones(3), np.zeros(5), np.zeros(7)]
    seen = []
    for index, block in iter_length_groups(signals, max_block=1):
        assert block.shape == (1, signals[index[0]].size)
        seen += index.tolist()
    assert sorted(seen) == list(range(5))
    fixed = np.zeros((5, 4))
    blocks = list(iter_length_groups(fixed, max_block=2))
    assert [b.shape[0] for _, b in blocks] == [2, 2, 1]


# ------------------- set_output(transform="pandas") on the sklecg transformers
# Transformers with 2-D (n, k) output give a DataFrame named by
# get_feature_names_out with the numpy values; signal-to-signal outputs
# (3-D or variable-length) raise a clear error instead.
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
