"""examples/full_scale_amls.py: quick run on real records, resumable rows."""

from __future__ import annotations

import pytest
from _examples import load_example, run_quick

from sklecg.augmentation import Augmenter


def test_rows_are_the_reports_pair_with_the_augmenter_only_in_the_second():
    example = load_example("full_scale_amls")
    assert len(example.ROWS) == 4
    models = [example.make_estimator(row, epochs=3) for row in example.ROWS]
    for plain, augmented in (models[:2], models[2:]):
        assert plain.get_params()["augment"] == "passthrough"
        assert isinstance(augmented.get_params()["augment"], Augmenter)
    network = models[0][-1]
    assert (network.max_epochs, network.batch_size, network.lr) == (3, 128, 1.5e-3)
    assert network.lr_scheduler == "cosine" and network.class_weight == "balanced"
    # the first pair at 100 Hz, the second at the report's 300 Hz (30 s)
    for model, fs in zip(models, (100, 100, 300, 300)):
        resample, stft = model.named_steps["resample"], model.named_steps["stft"]
        assert (resample.target_fs, resample.length, stft.fs) == (fs, 30 * fs, fs)


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
    inputs = [record["input"] for record in records]
    assert inputs == ["3000 samples at 100 Hz"] * 2 + ["9000 samples at 300 Hz"] * 2
    for record, row in zip(records, rows):
        assert record["training records"] == 240  # 80 % of the 300 records
        assert record["validation records"] == 60
        assert record["epochs"] == example.QUICK_EPOCHS
        assert record["parameters"] == 1_809_636
        assert all(0.0 <= v <= 1.0 for v in record["scores"].values())
        report_row = row["model"].removesuffix(example.AT_300_HZ)
        assert row["report"] == example.REPORTED[report_row]
        assert row["meets it"] in ("yes", "no")
    # a second run finds every row done and trains nothing
    again = example.run(data_home=sklecg_data_home, quick=True, output=tmp_path)
    assert again == rows
    assert len(example.load_rows(tmp_path / example.RESULTS_FILE)) == 4
