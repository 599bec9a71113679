"""Tests of sklecg.recipes and examples/honest_evaluation.py."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _examples import run_quick
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from sklecg.recipes import beats_with_rr, mitbih_beat_pipeline
from sklecg.utils import markdown_table


def test_pipeline_is_unfitted_and_takes_overrides():
    pipe = mitbih_beat_pipeline(classifier__max_iter=7, features__beat__downsample=2)
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["features", "classifier"]
    assert pipe.get_params()["classifier__max_iter"] == 7
    assert pipe.get_params()["features__beat__downsample"] == 2
    assert clone(pipe).get_params()["classifier__max_iter"] == 7
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe)
    with pytest.raises(ValueError, match="no_such"):
        mitbih_beat_pipeline(classifier__no_such=1)
    # a fresh object every call: fitting one never changes another
    assert mitbih_beat_pipeline() is not mitbih_beat_pipeline()


def test_beats_with_rr_layout_and_errors():
    beats = Bunch(data=np.arange(8.0).reshape(2, 4), rr=np.ones((2, 4)))
    X = beats_with_rr(beats)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, np.hstack([beats.data, beats.rr]))
    with pytest.raises(ValueError, match=r"lacks \['rr'\]"):
        beats_with_rr(Bunch(data=beats.data))
    with pytest.raises(ValueError, match=r"\(n_beats, 4\)"):
        beats_with_rr(Bunch(data=beats.data, rr=np.ones((3, 3))))
    with pytest.raises(ValueError, match=r"lacks \['template'\]"):
        beats_with_rr(beats, template=True)
    beats.template = -beats.data
    X = beats_with_rr(beats, template=True)
    np.testing.assert_array_equal(X, np.hstack([beats.data, -beats.data, beats.rr]))
    beats.template = beats.data[:, :3]
    with pytest.raises(ValueError, match="shape of beats.data"):
        beats_with_rr(beats, template=True)
    beats.template = -beats.data
    with pytest.raises(ValueError, match=r"lacks \['window', 'window_template'\]"):
        beats_with_rr(beats, window=True)
    beats.window = np.arange(12.0).reshape(2, 2, 3)
    beats.window_template = 100 + beats.window
    X = beats_with_rr(beats, template=True, window=True)
    flat = beats.window.reshape(2, 6)
    np.testing.assert_array_equal(
        X, np.hstack([beats.data, -beats.data, beats.rr, flat, 100 + flat])
    )
    np.testing.assert_array_equal(
        beats_with_rr(beats, window=True), np.hstack([beats.data, beats.rr, X[:, -12:]])
    )
    beats.window_template = beats.window[:, :1]
    with pytest.raises(ValueError, match="share one shape"):
        beats_with_rr(beats, window=True)


@pytest.mark.parametrize("n_columns", [378, 4 + 540, 2 * 187 + 4 + 540 - 1])
def test_recipe_rejects_rows_without_windows(n_columns):
    """Rows of another layout get a message naming the one expected, not a
    wrong column slice."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0.5, 1.5, size=(10, n_columns))
    y = np.array(list("NV") * 5)
    with pytest.raises(ValueError, match=r"template=True, window=True"):
        mitbih_beat_pipeline(classifier__max_iter=2).fit(X, y)


def test_markdown_table():
    table = markdown_table(
        [
            {"model": "a", "macro F1": 0.5, "fit (s)": 53.39},
            {"model": "b", "fit (s)": 1234.5},
        ]
    )
    assert table.splitlines() == [
        "| model | macro F1 | fit (s) |",
        "|---|---|---|",
        "| a | 0.500 | 53.4 |",
        "| b |  | 1,234 |",
    ]


@pytest.mark.realdata
def test_recipe_fits_real_beats(mitbih_beats_small):
    beats = mitbih_beats_small
    X = beats_with_rr(beats, template=True, window=True)
    y = beats.target_names[beats.target]
    train = np.arange(y.size) % 4 != 0
    pipe = clone(mitbih_beat_pipeline(classifier__max_iter=30))
    pipe.fit(X[train], y[train])
    predicted = pipe.predict(X[~train])
    assert set(pipe.classes_) == set("NSVFQ")
    # beat: 47 samples, 47 differences, 3 + 10; P wave: 15 + 3; lead 2: 34 + 3
    assert pipe[-1].n_features_in_ == 2 * 47 + 13 + 18 + 37
    names = pipe[0].get_feature_names_out()
    assert names[-1] == "second_lead__lead0_template_area_ratio"
    # the P-wave part sees the first lead's window before the R peak only
    p_wave = pipe[0].named_transformers_["p_wave"]
    window, template = (
        beats.window[~train, 0, :45],
        beats.window_template[~train, 0, :45],
    )
    np.testing.assert_array_equal(
        p_wave.transform(np.hstack([window, template])),
        pipe[0].transform(X[~train])[:, 2 * 47 + 13 : 2 * 47 + 13 + 18],
    )
    assert np.mean(predicted == y[~train]) > 0.9
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(X[~train]), predicted)


@pytest.mark.realdata
def test_honest_evaluation_quick(physionet_mirror, sklecg_data_home, monkeypatch):
    _, rows = run_quick(
        "honest_evaluation", monkeypatch, physionet_mirror, sklecg_data_home
    )
    by_key = {(row["split"][:5], row["model"][:6]): row for row in rows}
    assert set(by_key) >= {
        ("intra", "sklecg"),
        ("intra", "Random"),
        ("inter", "sklecg"),
        ("inter", "Random"),
    }
    assert "F1 Q" not in by_key["inter", "sklecg"]
    # the random split flatters; the recipe beats raw-beat RF across patients
    assert by_key["intra", "sklecg"]["macro F1"] > by_key["inter", "sklecg"]["macro F1"]
    assert by_key["inter", "sklecg"]["macro F1"] > by_key["inter", "Random"]["macro F1"]
