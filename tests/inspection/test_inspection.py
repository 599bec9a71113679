"""Grad-CAM and embeddings of fitted sklecg networks."""

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline as imb_make_pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from torch import nn

from sklecg.features import STFTFeatures
from sklecg.inspection import embeddings, grad_cam
from sklecg.nn import (
    CNNLSTM,
    ConvNet,
    CoupledCNN,
    ECGClassifier,
    ECGModule,
    ResidualCNN,
    SimpleCNN,
    SpectrogramCNNLSTM,
)
from sklecg.preprocessing import Resampler

SEGMENT = slice(120, 160)


def _segment_task(n=240, length=240, seed=0):
    """Noise everywhere; the classes differ only by the frequency of a burst
    inside SEGMENT (identical amplitude envelope)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.3, size=(n, length)).astype(np.float32)
    y = np.repeat(["slow", "fast"], n // 2)
    t = np.arange(SEGMENT.stop - SEGMENT.start)
    for i, label in enumerate(y):
        period = 20 if label == "slow" else 5
        phase = rng.uniform(0, 2 * np.pi)
        X[i, SEGMENT] += 1.5 * np.sin(2 * np.pi * t / period + phase)
    return X, y


def _net(module=SimpleCNN, **kwargs):
    params = dict(max_epochs=1, validation_fraction=None, random_state=0)
    return ECGClassifier(module, **{**params, **kwargs})


@pytest.fixture(scope="module")
def beats():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(32, 187)).astype(np.float32)
    return X, np.repeat(["N", "V"], 16)


@pytest.fixture(scope="module")
def fitted(beats):
    return _net().fit(*beats)


def test_grad_cam_mass_falls_on_the_discriminative_segment():
    X, y = _segment_task()
    clf = _net(max_epochs=15, lr=3e-3).fit(X, y)
    X_test, y_test = _segment_task(n=60, seed=1)
    assert np.mean(clf.predict(X_test) == y_test) > 0.9
    cams = grad_cam(clf, X_test, target=y_test)
    # the segment is 1/6 of the signal; widen it by the receptive field
    inside = cams[:, SEGMENT.start - 10 : SEGMENT.stop + 10].sum(axis=1)
    share = inside / cams.sum(axis=1)
    # uniform maps would give 0.25; seeds 0-3 give 0.72-0.78
    assert np.median(share) > 0.6
    assert SEGMENT.start <= np.argmax(cams.mean(axis=0)) < SEGMENT.stop


def test_grad_cam_2d_mass_falls_on_the_segment_in_time():
    """Spectrogram network: frames are placed back at their centre times."""
    X, y = _segment_task()
    pipe = make_pipeline(
        STFTFeatures(n_fft=16, hop_length=4),
        _net(SpectrogramCNNLSTM, max_epochs=15, lr=3e-3),
    ).fit(X, y)
    X_test, y_test = _segment_task(n=60, seed=1)
    assert np.mean(pipe.predict(X_test) == y_test) > 0.9
    cams = grad_cam(pipe, X_test, target=y_test)
    assert cams.shape == (60, 240)
    cams = cams[cams.max(axis=1) > 0]
    share = cams[:, SEGMENT.start - 10 : SEGMENT.stop + 10].sum(1) / cams.sum(1)
    assert np.median(share) > 0.45  # uniform: 0.25; seeds 0-3: 0.57-0.78
    # the LSTM reads the last frames, so ignore 20 samples at each edge
    peak = 20 + np.argmax(cams[:, 20:-20].mean(axis=0))
    assert SEGMENT.start <= peak < SEGMENT.stop + 10  # 155-163 seen


def test_grad_cam_on_spectrogram_input_is_at_frame_resolution(beats):
    X, y = beats
    spectrograms = STFTFeatures(n_fft=32, hop_length=8).fit_transform(X)
    clf = _net(SpectrogramCNNLSTM).fit(spectrograms, y)
    cams = grad_cam(clf, spectrograms[:3])
    assert cams.shape == (3, spectrograms.shape[-1])


@pytest.mark.parametrize(
    "module", [SimpleCNN, ConvNet, ResidualCNN, CoupledCNN, CNNLSTM]
)
def test_grad_cam_shape_for_each_1d_architecture(module, beats):
    X, y = beats
    clf = _net(module).fit(X, y)
    cams = grad_cam(clf, X[:5])
    assert cams.shape == (5, 187)
    assert np.all(np.isfinite(cams)) and cams.min() >= 0 and cams.max() <= 1
    assert embeddings(clf, X[:5]).shape[0] == 5


def test_grad_cam_2d_spectrogram_pipeline_maps_frames_to_time(beats):
    X, y = beats
    pipe = make_pipeline(
        STFTFeatures(fs=125, n_fft=32, hop_length=8),
        _net(SpectrogramCNNLSTM),
    ).fit(X, y)
    cams = grad_cam(pipe, X[:4])
    assert cams.shape == (4, 187)
    assert cams.min() >= 0 and cams.max() == pytest.approx(1)
    assert embeddings(pipe, X[:4]).shape == (4, 64)


def test_grad_cam_through_resampler_returns_input_lengths(beats):
    X, y = beats
    rng = np.random.default_rng(0)
    ragged = [x[: rng.integers(120, 187)] for x in X]
    pipe = make_pipeline(Resampler(length=150), _net()).fit(ragged, y)
    cams = grad_cam(pipe, ragged[:3])
    assert isinstance(cams, list)
    assert [len(c) for c in cams] == [len(x) for x in ragged[:3]]
    # a constant-length input comes back as one array at the input length
    fixed = grad_cam(pipe, X[:2])
    assert fixed.shape == (2, 187)
    # stretched from the network's 150 samples: same map, resampled
    direct = grad_cam(pipe[-1], pipe[0].transform(X[:2]))
    np.testing.assert_allclose(
        fixed[:, ::93],
        direct[:, np.round(np.arange(0, 187, 93) * 150 / 187).astype(int)],
        atol=0.15,
    )


def test_grad_cam_through_imblearn_pipeline_with_a_sampler(beats):
    X, y = beats
    pipe = imb_make_pipeline(
        RandomOverSampler(random_state=0), Resampler(length=100), _net()
    ).fit(X[:20], y[:20])
    assert grad_cam(pipe, X[:3]).shape == (3, 187)
    assert embeddings(pipe, X[:3]).shape == (3, 128)


def test_grad_cam_target_and_layer_selection(fitted, beats):
    X, _ = beats
    predicted = fitted.predict(X[:6])
    np.testing.assert_allclose(
        grad_cam(fitted, X[:6]), grad_cam(fitted, X[:6], target=predicted)
    )
    other = np.where(predicted == "N", "V", "N")
    assert not np.allclose(
        grad_cam(fitted, X[:6]), grad_cam(fitted, X[:6], target=other)
    )
    by_name = grad_cam(fitted, X[:3], layer="conv.0")
    by_module = grad_cam(fitted, X[:3], layer=fitted.module_.conv[0])
    np.testing.assert_allclose(by_name, by_module)
    assert not np.allclose(by_name, grad_cam(fitted, X[:3]))


def test_embeddings_match_the_classifier(fitted, beats):
    X, _ = beats
    np.testing.assert_allclose(embeddings(fitted, X), fitted.embed(X))
    E = embeddings(fitted, X)
    assert E.shape == (32, 128) and E.dtype == np.float32


class _MLP(ECGModule):
    def __init__(self, n_outputs=2, n_timesteps=187):
        super().__init__()
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(n_timesteps, 8), nn.ReLU())
        self.classifier = nn.Linear(8, n_outputs)

    def forward_features(self, x):
        return self.hidden(x)


def test_errors(fitted, beats):
    X, y = beats
    forest = RandomForestClassifier(n_estimators=2).fit(X, y)
    with pytest.raises(TypeError, match="needs a neural classifier.*RandomForest"):
        grad_cam(forest, X)
    with pytest.raises(TypeError, match="needs a neural classifier"):
        embeddings(make_pipeline(Resampler(length=187), forest), X)
    with pytest.raises(NotFittedError):
        grad_cam(_net(), X)
    mlp = _net(_MLP).fit(X, y)
    with pytest.raises(ValueError, match="_MLP has no Conv1d/Conv2d layer"):
        grad_cam(mlp, X)
    with pytest.raises(ValueError, match="its convolutions are"):
        grad_cam(fitted, X, layer="conv.99")
    with pytest.raises(ValueError, match="not a submodule"):
        grad_cam(fitted, X, layer=nn.Conv1d(1, 1, 3))
    with pytest.raises(ValueError, match=r"target \['A'\] not among"):
        grad_cam(fitted, X, target="A")
    with pytest.raises(ValueError, match="one class per signal"):
        grad_cam(fitted, X[:3], target=["N", "V"])
    with pytest.raises(ValueError, match="needs .batch, channels, time"):
        grad_cam(mlp, X, layer="hidden.1")


@pytest.mark.realdata
def test_grad_cam_on_real_beats(mitbih_beats_small):
    data = mitbih_beats_small
    X_train, y_train = data.data[::2], data.target[::2]
    X_test, y_test = data.data[1::2][:300], data.target[1::2][:300]
    clf = _net(ConvNet, max_epochs=8, lr=3e-3).fit(X_train, y_train)
    assert np.mean(clf.predict(X_test) == y_test) > 0.85  # 0.957 seen
    cams = grad_cam(clf, X_test)
    assert cams.shape == (300, 187)
    assert np.all((cams >= 0) & (cams <= 1))
    # the network looks at different places in different beats, and at a
    # part of each beat rather than everywhere
    assert np.mean(cams.max(axis=1) > 0) > 0.8  # 0.93 seen
    assert np.std(cams, axis=0).mean() > 0.1  # 0.26 seen
    assert np.median((cams > 0.5).mean(axis=1)) < 0.6  # 0.26 seen
    E = embeddings(clf, X_test)
    assert E.shape == (300, 64) and np.all(np.isfinite(E))
