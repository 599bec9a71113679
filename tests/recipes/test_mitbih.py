"""Tests of sklecg.recipes and examples/honest_evaluation.py."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _examples import run_quick
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from sklecg.datasets import make_beat_table, window_span
from sklecg.recipes import mitbih_beat_pipeline
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


def _table(n=40, n_samples=187, fs=125, seed=0):
    rng = np.random.default_rng(seed)
    n_window = sum(window_span(fs))
    windows = rng.uniform(size=(n, 2, n_window))
    beats = rng.uniform(size=(n, n_samples))
    return make_beat_table(
        beats,
        rng.uniform(0.5, 1.5, size=(n, 4)),
        template=beats[::-1],
        window=windows,
        window_template=windows[::-1],
    )


def test_recipe_reads_groups_by_name():
    """Shuffled columns give the same predictions; any sampling rate works
    when the recipe is told it."""
    table, y = _table(), np.array(list("NV") * 20)
    pipe = mitbih_beat_pipeline(classifier__max_iter=5).fit(table, y)
    shuffled = table[np.random.default_rng(0).permutation(table.columns)]
    refit = mitbih_beat_pipeline(classifier__max_iter=5).fit(shuffled, y)
    np.testing.assert_array_equal(refit.predict(shuffled), pipe.predict(table))
    table_250 = _table(n_samples=374, fs=250)
    pipe_250 = mitbih_beat_pipeline(fs=250, classifier__max_iter=5).fit(table_250, y)
    # P wave: the 90 samples before the R peak at 250 Hz, every 3rd
    assert pipe_250[0].named_transformers_["p_wave"].n_features_in_ == 2 * 90
    assert pipe_250[-1].n_features_in_ == 2 * 94 + 13 + (30 + 3) + (68 + 3)


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("window_template_lead1", r"column group 'window_template_lead1'"),
        ("template", r"column group 'template'"),
        ("post_rr", r"column group 'post_rr'"),
        ("window_lead0", r"column group 'window_lead0'"),
    ],
)
def test_partial_table_names_what_is_missing(drop, message):
    table = _table()
    kept = [c for c in table.columns if c != drop and not c.startswith(drop + "_")]
    with pytest.raises(ValueError, match=message) as error:
        mitbih_beat_pipeline(classifier__max_iter=2).fit(table[kept], ["N", "V"] * 20)
    assert "make_beat_table" in str(error.value)


def test_plain_arrays_and_other_rates_are_refused():
    table, y = _table(), ["N", "V"] * 20
    with pytest.raises(ValueError, match="reads its input by column name.*as_frame"):
        mitbih_beat_pipeline(classifier__max_iter=2).fit(table.to_numpy(), y)
    with pytest.raises(ValueError, match="has 135 columns, not the 270 .*fs"):
        mitbih_beat_pipeline(fs=250, classifier__max_iter=2).fit(table, y)


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
def test_recipe_fits_real_beats(mitbih_beats_small, mitbih_table_small):
    beats, X = mitbih_beats_small, mitbih_table_small
    y = beats.target_names[beats.target]
    train = np.arange(y.size) % 4 != 0
    pipe = clone(mitbih_beat_pipeline(classifier__max_iter=30))
    pipe.fit(X[train], y[train])
    predicted = pipe.predict(X[~train])
    assert set(pipe.classes_) == set("NSVFQ")
    # beat: 47 samples, 47 differences, 3 + 10; P wave: 15 + 3; lead 2: 34 + 3
    assert pipe[-1].n_features_in_ == 2 * 47 + 13 + 18 + 37
    names = pipe[0].get_feature_names_out()
    assert names[-1] == "second_lead__lead1_template_area_ratio"
    # the P-wave part sees the first lead's window before the R peak only
    p_wave = pipe[0].named_transformers_["p_wave"]
    assert p_wave.feature_names_in_[-1] == "window_template_lead0_44"
    window, template = (
        beats.window[~train, 0, :45],
        beats.window_template[~train, 0, :45],
    )
    correlation = [np.corrcoef(w, t)[0, 1] for w, t in zip(window, template)]
    rms = np.sqrt(np.mean((window - template) ** 2, axis=1))
    area = (window.sum(axis=1) + 1e-3) / (template.sum(axis=1) + 1e-3)
    expected = np.column_stack([(window - template)[:, ::3], correlation, rms, area])
    np.testing.assert_allclose(
        pipe[0].transform(X[~train])[:, 2 * 47 + 13 : 2 * 47 + 13 + 18],
        expected,
        rtol=1e-5,
        atol=1e-6,
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
