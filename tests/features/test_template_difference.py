"""Tests of sklecg.features.TemplateDifferenceFeatures."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.compose import ColumnGroup
from sklecg.datasets import make_beat_table
from sklecg.features import TemplateDifferenceFeatures


@parametrize_with_checks(
    [TemplateDifferenceFeatures(downsample=2)],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _rows(n=6, leads=2, n_window=11, seed=0):
    rng = np.random.default_rng(seed)
    windows = rng.uniform(size=(n, leads, n_window)).astype(np.float32)
    templates = rng.uniform(size=(n, leads, n_window)).astype(np.float32)
    table = make_beat_table(
        rng.uniform(size=(n, 5)),
        rng.uniform(0.5, 1, size=(n, 4)),
        window=windows,
        window_template=templates,
    )
    return windows, templates, table


def _reference(windows, templates, downsample):
    """Every feature computed one beat and one lead at a time."""
    rows = []
    for window, template in zip(windows, templates):
        kept, context = [], []
        for x, t in zip(window, template):
            kept.extend((x - t)[::downsample])
            context += [
                np.corrcoef(x, t)[0, 1],
                np.sqrt(np.mean((x - t) ** 2)),
                (x.sum() + 1e-3) / (t.sum() + 1e-3),
            ]
        rows.append(kept + context)
    return np.array(rows)


@pytest.mark.parametrize("leads", [1, 2, 3])
@pytest.mark.parametrize("downsample", [1, 3, 4, 20])
def test_values_match_reference(leads, downsample):
    windows, templates, table = _rows(leads=leads)
    features = TemplateDifferenceFeatures(downsample=downsample)
    out = features.fit_transform(table)
    assert out.dtype == np.float32
    assert features.leads_ == list(range(leads))
    np.testing.assert_allclose(
        out, _reference(windows, templates, downsample), rtol=1e-5, atol=1e-6
    )


def test_one_lead_and_part_of_the_window():
    """Selecting lead 1's first samples by name compares only those."""
    windows, templates, table = _rows(leads=2)
    part = table[ColumnGroup("window_lead1", "window_template_lead1", stop=4)(table)]
    features = TemplateDifferenceFeatures(downsample=1).fit(part)
    assert features.leads_ == [1]
    np.testing.assert_allclose(
        features.transform(part),
        _reference(windows[:, 1:, :4], templates[:, 1:, :4], 1),
        rtol=1e-5,
        atol=1e-6,
    )
    assert features.get_feature_names_out()[0] == "lead1_diff0"


def test_feature_names_and_width():
    _, _, table = _rows(leads=2, n_window=10)
    features = TemplateDifferenceFeatures(downsample=4).fit(table)
    names = list(features.get_feature_names_out())
    assert names == [
        "lead0_diff0",
        "lead0_diff4",
        "lead0_diff8",
        "lead1_diff0",
        "lead1_diff4",
        "lead1_diff8",
        "lead0_template_corr",
        "lead0_template_rms_diff",
        "lead0_template_area_ratio",
        "lead1_template_corr",
        "lead1_template_rms_diff",
        "lead1_template_area_ratio",
    ]
    assert features.transform(table).shape == (table.shape[0], len(names))


def test_window_equal_to_template_and_flat_rows():
    windows, _, _ = _rows(n=3, leads=2)
    windows[0, 1] = 0.5  # a flat lead
    table = make_beat_table(
        np.zeros((3, 2)), np.ones((3, 4)), window=windows, window_template=windows
    )
    out = TemplateDifferenceFeatures(downsample=5).fit_transform(table)
    n_diff = 2 * 3
    np.testing.assert_array_equal(out[:, :n_diff], 0.0)
    corr, rms, area = (
        out[:, n_diff::3],
        out[:, n_diff + 1 :: 3],
        out[:, n_diff + 2 :: 3],
    )
    np.testing.assert_allclose(corr[1:], 1.0, atol=1e-6)
    assert corr[0, 1] == 0.0 and corr[0, 0] == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_array_equal(rms, 0.0)
    np.testing.assert_allclose(area, 1.0)


def test_pickle_and_unfitted():
    _, _, table = _rows()
    with pytest.raises(NotFittedError):
        TemplateDifferenceFeatures().transform(table)
    features = TemplateDifferenceFeatures().fit(table)
    restored = pickle.loads(pickle.dumps(features))
    np.testing.assert_array_equal(restored.transform(table), features.transform(table))


def test_errors():
    _, _, table = _rows(leads=2, n_window=11)
    with pytest.raises(ValueError, match=r"needs the window groups window_lead0_\*"):
        TemplateDifferenceFeatures().fit(table[["beat_0", "pre_rr"]])
    no_template = table.drop(columns=[f"window_template_lead1_{i}" for i in range(11)])
    with pytest.raises(ValueError, match="column group 'window_template_lead1'"):
        TemplateDifferenceFeatures().fit(no_template)
    short = table.drop(columns="window_template_lead0_10")
    with pytest.raises(ValueError, match="lead 0 has 11 window_lead0_.* but 10"):
        TemplateDifferenceFeatures().fit(short)
    with pytest.raises(ValueError, match="reads its input by column name"):
        TemplateDifferenceFeatures().fit(table.to_numpy())
    features = TemplateDifferenceFeatures().fit(table)
    with pytest.raises(ValueError, match="feature names"):
        features.transform(table.iloc[:, :-1])
    with pytest.raises(ValueError, match="downsample"):
        TemplateDifferenceFeatures(downsample=0).fit(table)


@pytest.mark.realdata
def test_real_windows_tell_abnormal_beats(mitbih_beats_small, mitbih_table_small):
    """Ventricular beats depart from the patient's template far more than
    normal beats on both leads; normal beats correlate closely with it."""
    beats = mitbih_beats_small
    features = TemplateDifferenceFeatures(downsample=4)
    out = features.fit_transform(mitbih_table_small)
    names = list(features.get_feature_names_out())
    label = beats.target_names[beats.target]

    def median(name, cls):
        return np.median(out[label == cls, names.index(name)])

    for lead in ("lead0", "lead1"):
        assert median(f"{lead}_template_rms_diff", "V") > 2 * median(
            f"{lead}_template_rms_diff", "N"
        )
        assert median(f"{lead}_template_corr", "N") > 0.8
        assert median(f"{lead}_template_corr", "V") < 0.6
