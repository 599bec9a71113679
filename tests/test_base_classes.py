"""Tests of sklecg.base: TableTransformer, through its subclasses.

(Named apart from tests/datasets/test_base.py, which pytest would take for
the same module.)

scikit-learn's generic checks fit on unnamed random arrays, which a
transformer reading named column groups refuses; the behaviours they cover
are checked here on a named beat table instead.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklecg.datasets import make_beat_table
from sklecg.features import BeatRRFeatures, TemplateDifferenceFeatures

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
