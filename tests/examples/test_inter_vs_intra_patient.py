"""examples/inter_vs_intra_patient.py: the --quick run on the real MIT-BIH beats."""

from __future__ import annotations

import pytest
from _examples import load_example


@pytest.mark.realdata
def test_inter_vs_intra_patient_quick(
    physionet_mirror, sklecg_data_home, monkeypatch, capsys
):
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(physionet_mirror))
    example = load_example("inter_vs_intra_patient")
    example.main(["--quick", "--data-home", str(sklecg_data_home)])
    out = capsys.readouterr().out
    assert f"{example.QUICK_BEATS} beats of 44 records" in out
    assert "| split | f1_macro | recall_macro | specificity_macro | accuracy |" in out
    rows = example.run(data_home=sklecg_data_home, quick=True, trees=5)
    intra, inter, gap = rows
    assert [row["split"] for row in rows] == [
        "intra-patient (random 50/50)",
        "inter-patient (DS1 -> DS2)",
        "gap (intra - inter)",
    ]
    for key in example.SCORING:
        assert 0.0 <= inter[key] <= 1.0 and 0.0 <= intra[key] <= 1.0
        assert gap[key] == pytest.approx(intra[key] - inter[key])
    # beats of every test patient in the training set flatter the forest
    assert gap["f1_macro"] > 0.1
