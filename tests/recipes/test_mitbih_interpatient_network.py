"""Tests of sklecg.recipes.mitbih_interpatient_network_pipeline."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _examples import run_quick
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from sklecg.datasets import make_beat_table
from sklecg.features import BeatRhythmInputs
from sklecg.model_selection import PatientStratifiedKFold
from sklecg.nn import BeatRhythmNet, ECGClassifier
from sklecg.recipes import mitbih_interpatient_network_pipeline


def _table(n, seed=0):
    rng = np.random.default_rng(seed)
    beat, windows = rng.random((n, 187)), rng.random((n, 2, 135))
    return make_beat_table(
        beat,
        0.5 + rng.random((n, 4)),
        template=beat[::-1],
        window=windows,
        window_template=windows[::-1],
    )


def test_steps_and_overrides():
    pipe = mitbih_interpatient_network_pipeline(fs=250, net__max_epochs=3)
    assert [name for name, _ in pipe.steps] == ["inputs", "net"]
    assert isinstance(pipe["inputs"], BeatRhythmInputs) and pipe["inputs"].fs == 250
    assert (
        isinstance(pipe["net"], ECGClassifier) and pipe["net"].module is BeatRhythmNet
    )
    assert pipe.get_params()["net__max_epochs"] == 3
    assert pipe.get_params()["net__class_weight_alpha"] == 0.5
    with pytest.raises(ValueError, match="no_such"):
        mitbih_interpatient_network_pipeline(net__no_such=1)


def test_fits_a_last_batch_of_one_beat():
    """129 beats with batch 128: the last batch of one is left out, so the
    feature branch's BatchNorm trains."""
    table, y = _table(129), np.array(list("NSVF") * 32 + ["N"])
    pipe = mitbih_interpatient_network_pipeline(net__max_epochs=1).fit(table, y)
    assert set(pipe.predict(table)) <= set("NSVF")
    assert pipe["net"].get_params()["module__n_features"] == 19
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(table[:5]), pipe.predict(table[:5]))


def test_patient_wise_cross_validation_on_the_table():
    table, y = _table(96), np.array(list("NSVF") * 24)
    groups = np.repeat(np.arange(8), 12)
    pipe = mitbih_interpatient_network_pipeline(net__max_epochs=1)
    scores = cross_val_score(
        clone(pipe), table, y, groups=groups, cv=PatientStratifiedKFold(2)
    )
    assert scores.shape == (2,) and np.isfinite(scores).all()


@pytest.mark.realdata
def test_interpatient_network_quick(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    _, rows = run_quick(
        "interpatient_network",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=str(tmp_path),
    )
    cv = [row for row in rows if row["table"] == "DS1 cross-validation"]
    ds2 = [row for row in rows if row["table"].startswith("DS2")]
    assert len(cv) == 1 and cv[0]["folds"] == 4 and len(ds2) == 1
    # a one-epoch network on 3,000 DS1 beats already tells most N beats apart
    assert ds2[0]["F1 N"] > 0.8
    assert (tmp_path / "interpatient_network.jsonl").is_file()
