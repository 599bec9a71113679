"""Tests of sklecg.features.BeatRRFeatures."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.datasets import make_beat_table
from sklecg.features import BeatRRFeatures
from sklecg.features._beat_context import RR_FEATURE_NAMES


@parametrize_with_checks(
    [BeatRRFeatures(downsample=2)],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _rows(n=5, n_samples=10, seed=0):
    rng = np.random.default_rng(seed)
    beats = rng.uniform(size=(n, n_samples)).astype(np.float32)
    rr = rng.uniform(0.4, 1.5, size=(n, 4)).astype(np.float32)
    return beats, rr


@pytest.mark.parametrize("downsample", [1, 3, 4, 10, 20])
def test_values_match_hand_computation(downsample):
    beats, rr = _rows()
    out = BeatRRFeatures(downsample=downsample).fit_transform(
        make_beat_table(beats, rr)
    )
    pre, post, local, average = rr.T
    expected = np.column_stack(
        [
            beats[:, ::downsample],
            rr,
            pre / local,
            post / local,
            post / pre,
            pre / average,
            post / average,
            local / average,
        ]
    )
    assert out.dtype == np.float32
    assert out.shape == (5, len(range(0, 10, downsample)) + 10)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_columns_are_found_by_name_not_position():
    """Shuffled columns and extra groups (windows) give the same features."""
    beats, rr = _rows()
    windows = np.random.default_rng(2).uniform(size=(5, 2, 6))
    table = make_beat_table(
        beats, rr, template=beats[::-1], window=windows, window_template=windows
    )
    plain = BeatRRFeatures(template=True).fit_transform(
        make_beat_table(beats, rr, template=beats[::-1])
    )
    shuffled = table[np.random.default_rng(0).permutation(table.columns)]
    np.testing.assert_array_equal(
        BeatRRFeatures(template=True).fit_transform(shuffled), plain
    )


def test_feature_names():
    beats, rr = _rows(n_samples=9)
    features = BeatRRFeatures(downsample=4).fit(make_beat_table(beats, rr))
    assert features.get_feature_names_out().tolist() == [
        "beat0",
        "beat4",
        "beat8",
        *RR_FEATURE_NAMES,
    ]
    assert features.n_features_in_ == 13
    assert features.feature_names_in_[-1] == "average_rr"


def test_premature_beat_ratios():
    """A premature beat: short pre-RR, compensatory pause after it; in a run
    of fast beats the 10-second mean is short too, the 5-minute one is not."""
    rr = np.array([[0.8, 0.8, 0.8, 0.8], [0.48, 1.12, 0.8, 0.8], [0.4, 0.4, 0.4, 0.8]])
    out = BeatRRFeatures().fit_transform(make_beat_table(np.zeros((3, 4)), rr))
    np.testing.assert_allclose(
        out[:, -6:],
        [
            [1, 1, 1, 1, 1, 1],
            [0.6, 1.4, 1.12 / 0.48, 0.6, 1.4, 1],
            [1, 1, 1, 0.5, 0.5, 0.5],
        ],
        rtol=1e-6,
    )


def test_errors():
    beats, rr = _rows()
    table = make_beat_table(beats, rr)
    with pytest.raises(NotFittedError):
        BeatRRFeatures().transform(table)
    bad = table.copy()
    bad.loc[2, "average_rr"] = 0.0
    with pytest.raises(ValueError, match=r"RR columns .* rows \[2\]"):
        BeatRRFeatures().fit(bad)
    with pytest.raises(ValueError, match="needs the column group 'beat'"):
        BeatRRFeatures().fit(table[["pre_rr", "post_rr", "local_rr", "average_rr"]])
    with pytest.raises(ValueError, match="needs the column group 'post_rr'"):
        BeatRRFeatures().fit(table.drop(columns="post_rr"))
    with pytest.raises(ValueError, match="needs the column group 'template'"):
        BeatRRFeatures(template=True).fit(table)
    with pytest.raises(
        ValueError, match="reads its input by column name.*make_beat_table"
    ):
        BeatRRFeatures().fit(table.to_numpy())
    with pytest.raises(ValueError, match="downsample"):
        BeatRRFeatures(downsample=0).fit(table)
    fitted = BeatRRFeatures().fit(table)
    with pytest.raises(ValueError, match="feature names"):
        fitted.transform(table.drop(columns="beat_9"))
    with pytest.raises(ValueError, match="reads its input by column name"):
        fitted.transform(table.to_numpy())
    assert clone(fitted).get_params() == {"downsample": 1, "template": False}


@pytest.mark.parametrize("downsample", [1, 3])
def test_template_features_match_reference(downsample):
    beats, rr = _rows(n=6, n_samples=9)
    templates = np.random.default_rng(1).uniform(size=beats.shape).astype(np.float32)
    table = make_beat_table(beats, rr, template=templates)
    features = BeatRRFeatures(downsample=downsample, template=True).fit(table)
    out = features.transform(table)
    kept = len(range(0, 9, downsample))
    assert out.shape == (6, 2 * kept + 13)
    np.testing.assert_allclose(out[:, :kept], beats[:, ::downsample], rtol=1e-6)
    np.testing.assert_allclose(
        out[:, kept : 2 * kept], (beats - templates)[:, ::downsample], atol=1e-6
    )
    correlation = [np.corrcoef(b, t)[0, 1] for b, t in zip(beats, templates)]
    rms = np.sqrt(((beats - templates) ** 2).mean(axis=1))
    area = (beats.sum(axis=1) + 1e-3) / (templates.sum(axis=1) + 1e-3)
    np.testing.assert_allclose(
        out[:, 2 * kept : 2 * kept + 3],
        np.column_stack([correlation, rms, area]),
        rtol=1e-5,
    )
    plain = BeatRRFeatures(downsample=downsample).fit_transform(table)
    np.testing.assert_allclose(out[:, -10:], plain[:, -10:], rtol=1e-6)
    names = features.get_feature_names_out().tolist()
    assert names[kept : kept + 2] == ["diff0", f"diff{downsample}"]
    assert names[2 * kept : 2 * kept + 3] == [
        "template_corr",
        "template_rms_diff",
        "template_area_ratio",
    ]
    assert len(names) == out.shape[1]


def test_beat_equal_to_its_template_and_flat_rows():
    beats, rr = _rows(n=3, n_samples=8)
    beats[2] = 0.5  # a flat beat: its correlation is defined as 0
    out = BeatRRFeatures(template=True).fit_transform(
        make_beat_table(beats, rr, template=beats)
    )
    np.testing.assert_allclose(out[:, 8:16], 0.0)
    np.testing.assert_allclose(
        out[:, 16:19], [[1, 0, 1], [1, 0, 1], [0, 0, 1]], atol=1e-6
    )


def test_template_of_another_length_is_refused():
    beats, rr = _rows(n=3, n_samples=8)
    table = make_beat_table(beats, rr, template=beats).drop(columns="template_7")
    with pytest.raises(ValueError, match="as many template columns as beat"):
        BeatRRFeatures(template=True).fit(table)
    with pytest.raises(ValueError, match="template"):
        BeatRRFeatures(template="yes").fit(table)


@pytest.mark.realdata
def test_real_beats_premature_classes(mitbih_beats_small, mitbih_table_small):
    """On real beats, S and V are premature: pre/local RR below N's."""
    beats = mitbih_beats_small
    out = BeatRRFeatures(downsample=4).fit_transform(mitbih_table_small)
    assert out.shape == (beats.data.shape[0], 47 + 10)
    prematurity = out[:, -6]
    names = beats.target_names[beats.target]
    median = {c: np.median(prematurity[names == c]) for c in "NSV"}
    assert 0.95 < median["N"] < 1.05
    assert median["S"] < 0.85 * median["N"]
    assert median["V"] < 0.9 * median["N"]
    # the 5-minute average shows S beats as early even inside SVT runs
    early = out[:, -3] < 0.9
    assert early[names == "S"].mean() > 0.5
    assert early[names == "N"].mean() < 0.1
