"""Tests of sklecg.features.BeatRhythmInputs."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from skorch.helper import SliceDict

from sklecg.datasets import make_beat_table, window_span
from sklecg.features import BeatRhythmInputs, BeatRRFeatures


def _table(n=5, fs=125, seed=0):
    rng = np.random.default_rng(seed)
    n_beat = {125: 187, 250: 375}[fs]
    windows = rng.random((n, 2, sum(window_span(fs))))
    beat = rng.random((n, n_beat))
    return make_beat_table(
        beat,
        rng.uniform(0.4, 1.5, (n, 4)),
        template=rng.random((n, n_beat)),
        window=windows,
        window_template=rng.random(windows.shape),
    )


def _group(table, group):
    return table[[c for c in table.columns if c.rsplit("_", 1)[0] == group]].to_numpy()


def test_signal_channels_are_aligned_on_the_r_peak():
    table = _table()
    out = BeatRhythmInputs().fit_transform(table)
    assert isinstance(out, SliceDict)
    signal = out["signal"]
    assert signal.dtype == np.float32 and signal.shape == (5, 6, 45 + 187)
    beat, template = _group(table, "beat"), _group(table, "template")
    np.testing.assert_allclose(signal[:, 0, 45:], beat, rtol=1e-6)
    np.testing.assert_array_equal(signal[:, 0, :45], 0.0)
    np.testing.assert_allclose(signal[:, 1, 45:], beat - template, atol=1e-6)
    for lead in (0, 1):
        window = _group(table, f"window_lead{lead}")
        window_template = _group(table, f"window_template_lead{lead}")
        np.testing.assert_allclose(signal[:, 2 + 2 * lead, :135], window, rtol=1e-6)
        np.testing.assert_allclose(
            signal[:, 3 + 2 * lead, :135], window - window_template, atol=1e-6
        )
        np.testing.assert_array_equal(signal[:, 2 + 2 * lead, 135:], 0.0)
    # the R peak: sample 45 of the window is sample 0 of the beat
    assert window_span(125)[0] == 45


def test_features_are_rr_and_template_context():
    table = _table()
    inputs = BeatRhythmInputs().fit(table)
    features = inputs.transform(table)["features"]
    assert features.shape == (5, 19) and len(inputs.feature_names_) == 19
    rr_part = BeatRRFeatures().fit_transform(table)[:, -10:]
    np.testing.assert_allclose(features[:, :10], rr_part, rtol=1e-6)
    beat, template = _group(table, "beat"), _group(table, "template")
    correlation = [np.corrcoef(b, t)[0, 1] for b, t in zip(beat, template)]
    np.testing.assert_allclose(features[:, 10], correlation, rtol=1e-5)
    assert inputs.feature_names_[10:13] == [
        "beat_corr",
        "beat_rms_diff",
        "beat_area_ratio",
    ]


def test_other_rate_and_shuffled_columns():
    table = _table(fs=250)
    out = BeatRhythmInputs(fs=250).fit_transform(table)
    assert out["signal"].shape == (5, 6, 90 + 375)
    shuffled = table[np.random.default_rng(0).permutation(table.columns)]
    again = BeatRhythmInputs(fs=250).fit_transform(shuffled)
    np.testing.assert_array_equal(again["signal"], out["signal"])
    np.testing.assert_array_equal(again["features"], out["features"])


def test_rows_index_like_an_array_and_pickle():
    table = _table()
    inputs = BeatRhythmInputs().fit(table)
    out = inputs.transform(table)
    np.testing.assert_array_equal(out[[3, 1]]["signal"], out["signal"][[3, 1]])
    restored = pickle.loads(pickle.dumps(inputs))
    np.testing.assert_array_equal(
        restored.transform(table)["features"], out["features"]
    )
    assert clone(inputs).get_params() == {"fs": 125}


def test_errors():
    table = _table()
    with pytest.raises(ValueError, match="windows of 270 samples .* have 135"):
        BeatRhythmInputs(fs=250).fit(table)
    with pytest.raises(ValueError, match="column group 'window_lead1'"):
        BeatRhythmInputs().fit(table[[c for c in table if "lead1" not in c]])
    with pytest.raises(ValueError, match="reads its input by column name"):
        BeatRhythmInputs().fit(table.to_numpy())
    with pytest.raises(ValueError, match="fs"):
        BeatRhythmInputs(fs=0).fit(table)
    with pytest.raises(ValueError, match="no column names.*feature_names_"):
        BeatRhythmInputs().fit(table).get_feature_names_out()


@pytest.mark.realdata
def test_real_beats(mitbih_beats_small, mitbih_table_small):
    """On real beats, V beats depart from their template far more than N."""
    out = BeatRhythmInputs().fit_transform(mitbih_table_small)
    labels = mitbih_beats_small.target_names[mitbih_beats_small.target]
    assert out["signal"].shape == (len(labels), 6, 232)
    assert np.isfinite(out["features"]).all()
    names = BeatRhythmInputs().fit(mitbih_table_small).feature_names_
    window_corr = out["features"][:, names.index("lead0_corr")]
    assert np.median(window_corr[labels == "N"]) > 0.8
    assert np.median(window_corr[labels == "V"]) < 0.6
    # S beats come early: their pre/local RR ratio is below the N beats'
    prematurity = out["features"][:, names.index("pre_rr/local_rr")]
    assert np.median(prematurity[labels == "S"]) < 0.85 * np.median(
        prematurity[labels == "N"]
    )
