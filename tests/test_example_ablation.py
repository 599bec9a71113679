"""Quick run of examples/convnet_ablation.py on the real MIT-BIH beats."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sklearn.model_selection import ParameterGrid

from sklecg.nn import CNNLSTM, ConvNet, count_parameters

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "convnet_ablation.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("convnet_ablation", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ablation_grid_holds_models_1_to_11_and_the_cnn_lstm():
    example = _load_example()
    points = list(ParameterGrid(example.ABLATION_GRID))
    assert len(points) == len(example.CONVNET_MODELS) + 1 == 12
    assert [p["classifier__module"] for p in points] == [ConvNet] * 11 + [CNNLSTM]
    assert example.describe(points[0]) == "ConvNet 5 x [32 x 3]"
    assert example.describe(points[-1]) == "CNNLSTM"
    # every grid point is a valid setting of the pipeline
    pipe = example.make_pipeline(epochs=1)
    for point in points:
        pipe.set_params(**point)


@pytest.mark.realdata
def test_convnet_ablation_quick(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(physionet_mirror))
    example = _load_example()
    rows = example.run(data_home=sklecg_data_home, quick=True, output=tmp_path)
    by_model = {row["model"]: row for row in rows}
    assert list(by_model) == [*map(str, range(1, 12)), "CNN-LSTM", "majority class"]
    for row in rows:
        for column in ("macro F1", "weighted F1", "accuracy"):
            assert 0 <= row[column] <= 1
    expected = [
        ConvNet(n_outputs=5, n_timesteps=187, **m) for m in example.CONVNET_MODELS
    ]
    expected.append(CNNLSTM(n_outputs=5, n_timesteps=187))
    assert [row["parameters"] for row in rows[:-1]] == list(
        map(count_parameters, expected)
    )
    assert by_model["1"]["parameters"] == 23_493  # ConvNet's documented count
    assert by_model["11"]["parameters"] > by_model["5"]["parameters"]
    # some trained network beats always answering N (macro F1 0.18)
    best = max(row["macro F1"] for row in rows[:-1])
    assert best > by_model["majority class"]["macro F1"] + 0.1
    for name in ("ablation_f1_vs_parameters.png", "ablation_grad_cam.png"):
        size = (tmp_path / name).stat().st_size
        assert 10_000 < size < 150_000, (name, size)
