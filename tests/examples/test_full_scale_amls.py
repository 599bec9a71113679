"""examples/full_scale_amls.py: quick run on real records, resumable rows."""

from __future__ import annotations

import pytest
from _examples import load_example, run_quick

from sklecg.augmentation import Augmenter


def test_rows_are_the_reports_pair_with_the_augmenter_only_in_the_second():
    example = load_example("full_scale_amls")
    plain, augmented = (example.make_estimator(row, epochs=3) for row in example.ROWS)
    assert plain.get_params()["augment"] == "passthrough"
    assert isinstance(augmented.get_params()["augment"], Augmenter)
    network = plain[-1]
    assert (network.max_epochs, network.batch_size, network.lr) == (3, 128, 1.5e-3)
    assert network.lr_scheduler == "cosine" and network.class_weight == "balanced"


@pytest.mark.realdata
def test_quick_run_scores_both_rows_and_resumes(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    example, rows = run_quick(
        "full_scale_amls",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )
    assert [row["model"] for row in rows] == list(example.ROWS)
    records = example.load_rows(tmp_path / example.RESULTS_FILE)
    for record, row in zip(records, rows):
        assert record["training records"] == 240  # 80 % of the 300 records
        assert record["validation records"] == 60
        assert record["epochs"] == example.QUICK_EPOCHS
        assert record["parameters"] == 1_809_636
        assert all(0.0 <= v <= 1.0 for v in record["scores"].values())
        assert row["report"] == example.REPORTED[row["model"]]
        assert row["meets it"] in ("yes", "no")
    # a second run finds both rows done and trains nothing
    again = example.run(data_home=sklecg_data_home, quick=True, output=tmp_path)
    assert again == rows
    assert len(example.load_rows(tmp_path / example.RESULTS_FILE)) == 2
