"""export_onnx: ONNX Runtime reproduces predict_proba for every architecture."""

import json

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from _nn_common import toy_signals
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split

from sklecg.nn import (
    CNNLSTM,
    ConvNet,
    CoupledCNN,
    ECGClassifier,
    ResidualCNN,
    RhythmResNet,
    SimpleCNN,
    SpectrogramCNNLSTM,
    export_onnx,
)

ARCHITECTURES = {
    "SimpleCNN": (SimpleCNN, {"filters": (4, 8), "kernel_sizes": 3, "n_hidden": 8}),
    "ConvNet": (ConvNet, {"filters": (4, 4), "n_hidden": 8}),
    "ResidualCNN": (ResidualCNN, {"n_filters": 4, "n_blocks": 2, "n_hidden": (8,)}),
    "CoupledCNN": (CoupledCNN, {"filters": (4, 8), "n_hidden": (8, 8)}),
    "CNNLSTM": (CNNLSTM, {"filters": (4, 8), "lstm_hidden": 8, "n_hidden": 8}),
    "SpectrogramCNNLSTM": (
        SpectrogramCNNLSTM,
        {"filters": (4, 8), "kernel_size": 3, "lstm_hidden": 8, "n_hidden": 8},
    ),
    "RhythmResNet": (RhythmResNet, {"filters": (4, 8), "kernel_size": 3}),
}


def toy_inputs(module, n=60):
    X, y = toy_signals(n=n, t=64)
    if module is SpectrogramCNNLSTM:  # (n, n_freqs, n_frames)
        X = X[:, :48].reshape(n, 16, 3).repeat(4, axis=2)
    return X.astype(np.float32), y


def fitted(module, params, X, y):
    module_params = {f"module__{key}": value for key, value in params.items()}
    net = ECGClassifier(
        module,
        max_epochs=1,
        batch_size=32,
        validation_fraction=None,
        random_state=0,
        device="cpu",
        **module_params,
    )
    return net.fit(X, y)


def run_onnx(path, X):
    session = onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"]
    )
    (proba,) = session.run(["probabilities"], {"signals": X.astype(np.float32)})
    return proba


def onnx_classes(path):
    meta = {prop.key: prop.value for prop in onnx.load(str(path)).metadata_props}
    return np.array(json.loads(meta["classes"]))


def time_axis(path):
    """The name of the last input axis ("time" when dynamic), else its size."""
    dim = onnx.load(str(path)).graph.input[0].type.tensor_type.shape.dim[-1]
    return dim.dim_param or dim.dim_value


def torch_proba(net, X):
    """Softmax of module_ on X with fit's channel axis (any length)."""
    add_channel = X.ndim == len(net.input_shape_)
    inputs = torch.as_tensor(X[:, None] if add_channel else X)
    net.module_.eval()
    with torch.no_grad():
        return torch.softmax(net.module_(inputs), dim=-1).numpy()


def check_matches(net, path, X):
    proba = run_onnx(path, X)
    expected = net.predict_proba(X)
    assert proba.shape == expected.shape
    diff = float(np.abs(proba - expected).max())
    assert diff < 1e-5, diff
    labels = onnx_classes(path)[proba.argmax(axis=1)]
    np.testing.assert_array_equal(labels, net.predict(X).astype(str))
    return diff


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_onnx_matches_predict_proba(name, tmp_path):
    module, params = ARCHITECTURES[name]
    X, y = toy_inputs(module)
    net = fitted(module, params, X, y)
    path = export_onnx(net, tmp_path / "net.onnx")
    assert path == tmp_path / "net.onnx"
    diff = check_matches(net, path, X[:17])  # a batch size not seen in export
    print(f"{name}: max abs difference {diff:.2e}")
    assert onnx_classes(path).tolist() == ["N", "S", "V"]
    if time_axis(path) == "time":  # any length: check one other length too
        other = np.concatenate([X[:5], X[:5, ..., :24]], axis=-1)
        np.testing.assert_allclose(
            run_onnx(path, other), torch_proba(net, other), atol=1e-5
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.onnx"]


def test_rhythm_resnet_takes_any_length(tmp_path):
    module, params = ARCHITECTURES["RhythmResNet"]
    X, y = toy_inputs(module)
    net = fitted(module, params, X, y)
    path = export_onnx(net, tmp_path / "net.onnx")
    assert time_axis(path) == "time"
    for length in (200, 41):  # predict_proba refuses lengths other than fit's
        longer = toy_signals(n=5, t=length, seed=1)[0].astype(np.float32)
        np.testing.assert_allclose(
            run_onnx(path, longer), torch_proba(net, longer), atol=1e-5
        )


def test_flattening_network_has_fixed_time_axis(tmp_path):
    X, y = toy_inputs(ConvNet)
    net = fitted(ConvNet, ARCHITECTURES["ConvNet"][1], X, y)
    path = export_onnx(net, tmp_path / "net.onnx")
    dims = onnx.load(str(path)).graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and dims[1].dim_value == 64


def test_multi_lead_signals_and_integer_labels(tmp_path):
    X, y = toy_signals(n=60, t=64)
    X = np.stack([X, -X], axis=1).astype(np.float32)  # (n, 2 leads, t)
    y = np.searchsorted(["N", "S", "V"], y) + 3
    net = fitted(SimpleCNN, ARCHITECTURES["SimpleCNN"][1], X, y)
    path = export_onnx(net, str(tmp_path / "net.onnx"))
    check_matches(net, path, X)
    assert onnx_classes(path).tolist() == ["3", "4", "5"]


def test_replaces_an_existing_file(tmp_path):
    X, y = toy_inputs(SimpleCNN)
    net = fitted(SimpleCNN, ARCHITECTURES["SimpleCNN"][1], X, y)
    target = tmp_path / "net.onnx"
    target.write_text("old")
    export_onnx(net, target)
    check_matches(net, target, X)


def test_unfitted_raises_not_fitted(tmp_path):
    with pytest.raises(NotFittedError):
        export_onnx(ECGClassifier(SimpleCNN), tmp_path / "net.onnx")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_named(tmp_path):
    X, y = toy_inputs(SimpleCNN)
    net = fitted(SimpleCNN, ARCHITECTURES["SimpleCNN"][1], X, y)
    missing = tmp_path / "nowhere"
    with pytest.raises(ValueError, match="nowhere"):
        export_onnx(net, missing / "net.onnx")
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_nothing(tmp_path, monkeypatch):
    X, y = toy_inputs(SimpleCNN)
    net = fitted(SimpleCNN, ARCHITECTURES["SimpleCNN"][1], X, y)

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(onnx, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        export_onnx(net, tmp_path / "net.onnx")
    assert list(tmp_path.iterdir()) == []


def test_missing_onnx_says_how_to_install(tmp_path, monkeypatch):
    import sys

    X, y = toy_inputs(SimpleCNN)
    net = fitted(SimpleCNN, ARCHITECTURES["SimpleCNN"][1], X, y)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r'pip install "sklecg\[onnx\]"'):
        export_onnx(net, tmp_path / "net.onnx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.realdata
def test_real_mitbih_beats(mitbih_beats_small, mitbih_beats, tmp_path):
    names = np.asarray(mitbih_beats_small.target_names)
    X = mitbih_beats_small.data.astype(np.float32)
    y = names[mitbih_beats_small.target]
    net = fitted(
        SimpleCNN, {"filters": (8, 16), "kernel_sizes": 5, "n_hidden": 16}, X, y
    )
    path = export_onnx(net, tmp_path / "beats.onnx")
    index, _ = train_test_split(
        np.arange(len(mitbih_beats.target)),
        train_size=1000,
        stratify=mitbih_beats.target,
        random_state=1,
    )
    beats = mitbih_beats.data[index].astype(np.float32)
    diff = check_matches(net, path, beats)
    print(f"real MIT-BIH beats: max abs difference {diff:.2e}")
