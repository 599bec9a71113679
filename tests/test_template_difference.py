"""Tests of sklecg.features.TemplateDifferenceFeatures."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.features import TemplateDifferenceFeatures


@parametrize_with_checks(
    [TemplateDifferenceFeatures(downsample=2)],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _rows(n=6, leads=2, n_window=11, seed=0):
    rng = np.random.default_rng(seed)
    windows = rng.uniform(size=(n, leads, n_window))
    templates = rng.uniform(size=(n, leads, n_window))
    return (
        windows,
        templates,
        np.hstack([windows.reshape(n, -1), templates.reshape(n, -1)]),
    )


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
    windows, templates, X = _rows(leads=leads)
    out = TemplateDifferenceFeatures(leads=leads, downsample=downsample).fit_transform(
        X
    )
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, _reference(windows, templates, downsample), rtol=1e-5, atol=1e-6
    )


def test_feature_names_and_width():
    _, _, X = _rows(leads=2, n_window=10)
    features = TemplateDifferenceFeatures(leads=2, downsample=4).fit(X)
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
    assert features.transform(X).shape == (X.shape[0], len(names))
    assert features.n_features_in_ == 40


def test_window_equal_to_template_and_flat_rows():
    windows, _, _ = _rows(n=3, leads=2)
    windows[0, 1] = 0.5  # a flat lead
    X = np.hstack([windows.reshape(3, -1), windows.reshape(3, -1)])
    out = TemplateDifferenceFeatures(leads=2, downsample=5).fit_transform(X)
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
    _, _, X = _rows()
    with pytest.raises(NotFittedError):
        TemplateDifferenceFeatures(leads=2).transform(X)
    features = TemplateDifferenceFeatures(leads=2).fit(X)
    restored = pickle.loads(pickle.dumps(features))
    np.testing.assert_array_equal(restored.transform(X), features.transform(X))


def test_errors():
    _, _, X = _rows(leads=2, n_window=11)
    with pytest.raises(ValueError, match=r"multiple of 4.*leads to their number"):
        TemplateDifferenceFeatures(leads=2).fit(X[:, :-2])
    with pytest.raises(ValueError, match="multiple of 6"):
        TemplateDifferenceFeatures(leads=3).fit(X)
    features = TemplateDifferenceFeatures(leads=2).fit(X)
    with pytest.raises(ValueError, match="X has 40 features, but .* expecting 44"):
        features.transform(X[:, :40])
    with pytest.raises(ValueError, match="expects a 2-D array"):
        TemplateDifferenceFeatures().fit(X.reshape(X.shape[0], 2, -1))
    with pytest.raises(ValueError, match="at least 4 are needed"):
        TemplateDifferenceFeatures(leads=2).fit(X[:, :2])
    with pytest.raises(ValueError, match="leads"):
        TemplateDifferenceFeatures(leads=0).fit(X)
    with pytest.raises(ValueError, match="downsample"):
        TemplateDifferenceFeatures(downsample=0).fit(X)


@pytest.mark.realdata
def test_real_windows_tell_abnormal_beats(mitbih_beats_small):
    """Ventricular beats depart from the patient's template far more than
    normal beats on both leads; normal beats correlate closely with it."""
    beats = mitbih_beats_small
    n = beats.data.shape[0]
    X = np.hstack([beats.window.reshape(n, -1), beats.window_template.reshape(n, -1)])
    features = TemplateDifferenceFeatures(leads=2, downsample=4)
    out = features.fit_transform(X)
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
