"""Quick run of examples/convnet_ablation.py on the real MIT-BIH beats."""

from __future__ import annotations

import pytest
from _examples import load_example, run_quick
from sklearn.model_selection import ParameterGrid

from sklecg.nn import CNNLSTM, REPORT_NETWORKS, ConvNet, count_parameters


def test_ablation_grid_holds_models_1_to_11_and_the_cnn_lstm():
    example = load_example("convnet_ablation")
    points = list(ParameterGrid(example.ABLATION_GRID))
    assert len(points) == len(example.MODELS) == 12
    assert [p["classifier__module"] for p in points] == [ConvNet] * 11 + [CNNLSTM]
    assert example.describe(points[0]) == "ConvNet [32x3]"
    assert example.describe(points[9]) == "ConvNet [64x11, 128x5, 256x3, 512x3, 1024x3]"
    assert example.describe(points[-1]) == "CNNLSTM"
    # every grid point is a valid setting of the pipeline
    pipe = example.make_pipeline(epochs=1)
    for point in points:
        pipe.set_params(**point)


@pytest.mark.realdata
def test_convnet_ablation_quick(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    example, rows = run_quick(
        "convnet_ablation",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )
    by_model = {row["model"]: row for row in rows}
    assert list(by_model) == [*map(str, range(1, 12)), "CNN-LSTM", "majority class"]
    for row in rows:
        for column in ("macro F1", "weighted F1", "accuracy"):
            assert 0 <= row[column] <= 1
    expected = [
        REPORT_NETWORKS[name].build(n_outputs=5, n_timesteps=187)
        for name in example.MODELS
    ]
    assert [row["parameters"] for row in rows[:-1]] == list(
        map(count_parameters, expected)
    )
    assert by_model["1"]["conv parameters"] == 128  # one [32 x 3] layer
    assert by_model["11"]["conv parameters"] == 12_544
    assert by_model["11"]["parameters"] == 23_493  # ConvNet's documented count
    for number in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11):
        row = by_model[str(number)]
        assert row["conv parameters"] == row["report's conv parameters"]
    # some trained network beats always answering N (macro F1 0.18)
    best = max(row["macro F1"] for row in rows[:-1])
    assert best > by_model["majority class"]["macro F1"] + 0.1
    for name in ("ablation_f1_vs_parameters.png", "ablation_grad_cam.png"):
        size = (tmp_path / name).stat().st_size
        assert 10_000 < size < 150_000, (name, size)
