"""examples/mitbih_smote.py: the --quick run on the real MIT-BIH beats."""

from __future__ import annotations

import pytest
from _examples import load_example, run_quick


@pytest.mark.realdata
def test_smote_quick(physionet_mirror, sklecg_data_home, monkeypatch, tmp_path):
    _, rows = run_quick(
        "mitbih_smote", monkeypatch, physionet_mirror, sklecg_data_home, output=tmp_path
    )

    by_method = {row["method"]: row for row in rows}
    assert list(by_method) == ["SMOTE", "class weights", "nothing"]
    scores = [f"F1 {c}" for c in "NSVFQ"] + ["macro F1", "accuracy"]
    for row in rows:
        assert set(row) == {"method", *scores, "fit (s)"}
        assert all(0.0 <= row[key] <= 1.0 for key in scores)
        assert row["fit (s)"] > 0
    # SMOTE brings S, V, F and Q up to the N count: about 4x the beats to fit
    assert by_method["SMOTE"]["fit (s)"] > 2 * by_method["nothing"]["fit (s)"]
    # without any re-balancing the tiny quick run never predicts S or F
    # correctly; SMOTE does better on the minority classes on average
    minority = [f"F1 {c}" for c in "SVF"]
    assert sum(by_method["SMOTE"][m] for m in minority) > sum(
        by_method["nothing"][m] for m in minority
    )

    figure = tmp_path / "smote_f1.png"
    assert figure.is_file() and 0 < figure.stat().st_size < 150_000


def test_methods_are_one_pipeline_grid():
    example = load_example("mitbih_smote")
    pipe = example.make_pipeline(epochs=1, batch_size=32)
    assert [name for name, _ in pipe.steps] == ["resample", "net"]
    for point in example.METHODS.values():
        # every method is a setting of the same pipeline's parameters
        assert set(point) <= set(pipe.get_params())
