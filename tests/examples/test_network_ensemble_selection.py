"""examples/network_ensemble_selection.py: quick run on real beats, resumable rows."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import run_quick

from sklecg.datasets import get_data_home


@pytest.mark.realdata
def test_selection_quick_run_scores_each_vote_and_resumes(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    example, rows = run_quick(
        "network_ensemble_selection",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )
    assert [row["model"] for row in rows] == [
        "network net0",
        "soft vote of 1",
        "network net1",
        "soft vote of 2",
    ]
    records = {r["row"]: r for r in example.load_rows(tmp_path / example.RESULTS_FILE)}
    # a vote of one network is that network
    assert records["soft vote of 1"]["scores"] == records["network net0"]["scores"]
    assert records["soft vote of 2"]["networks"] == 2
    assert records["soft vote of 2"]["fit (s)"] == pytest.approx(
        records["network net0"]["fit (s)"] + records["network net1"]["fit (s)"],
        abs=0.11,
    )

    # the vote's scores are those of the mean of the cached probabilities
    _, y_fit, _, y_valid = example.fit_and_validation(sklecg_data_home, quick=True)
    assert records["soft vote of 2"]["validation beats"] == y_valid.size
    assert y_fit.size + y_valid.size == example.full_scale.QUICK_TRAIN
    cache = get_data_home(sklecg_data_home) / "network_ensemble_selection" / "quick"
    probas = [np.load(cache / f"net{i}.npz")["proba"] for i in range(2)]
    assert probas[0].shape == (y_valid.size, np.unique(y_fit).size)
    predicted = np.unique(y_fit)[np.mean(probas, axis=0).argmax(1)]
    expected = example.full_scale.scores(y_valid, predicted)
    assert records["soft vote of 2"]["scores"] == pytest.approx(expected)
    assert not list(cache.glob("*.partial.npz"))

    # a second run fits nothing and appends nothing
    stamps = {path: path.stat().st_mtime_ns for path in cache.glob("*.npz")}
    again = example.run(data_home=sklecg_data_home, quick=True, output=tmp_path)
    assert again == rows
    assert {path: path.stat().st_mtime_ns for path in cache.glob("*.npz")} == stamps
