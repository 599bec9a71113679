"""Architectures, FocalLoss, class weights and the balanced sampler."""

import numpy as np
import pytest
import torch
from torch import nn

from sklecg.nn import (
    CNNLSTM,
    BalancedSampler,
    ConvNet,
    CoupledCNN,
    FocalLoss,
    ResidualCNN,
    SimpleCNN,
    SpectrogramCNNLSTM,
    compute_class_weight,
    count_parameters,
    freeze_layers,
    parameterized_layers,
)

SIGNAL_MODULES = [SimpleCNN, ConvNet, ResidualCNN, CoupledCNN, CNNLSTM]

# documented parameter counts: (module, kwargs, n_timesteps, count); 5 classes
PARAM_COUNTS = [
    (SimpleCNN, {}, 187, 52_357),
    (SimpleCNN, {}, 9000, 52_357),
    (ConvNet, {}, 187, 23_493),
    (ConvNet, {}, 9000, 588_741),
    (ConvNet, {"filters": (32,) * 3}, 187, 54_021),
    (ConvNet, {"filters": (64,) * 5}, 187, 71_173),
    (ConvNet, {"kernel_sizes": 7}, 187, 40_005),
    (ConvNet, {"filters": (32, 64, 128, 256), "kernel_sizes": 5}, 187, 397_253),
    (ResidualCNN, {}, 187, 55_013),
    (ResidualCNN, {}, 9000, 337_637),
    (CoupledCNN, {}, 187, 421_733),
    (CoupledCNN, {}, 9000, 18_476_901),
    (CNNLSTM, {}, 187, 48_453),
    (CNNLSTM, {}, 9000, 48_453),
]


@pytest.mark.parametrize("module_cls", SIGNAL_MODULES)
@pytest.mark.parametrize("n_timesteps", [187, 9000])
def test_signal_module_shapes(module_cls, n_timesteps):
    torch.manual_seed(0)
    net = module_cls(n_outputs=4, n_channels=2, n_timesteps=n_timesteps).eval()
    x = torch.randn(3, 2, n_timesteps)
    features = net.forward_features(x)
    assert features.ndim == 2 and features.shape[0] == 3
    assert isinstance(net.classifier, nn.Linear)
    assert net.classifier.in_features == features.shape[1]
    logits = net(x)
    assert logits.shape == (3, 4)
    torch.testing.assert_close(logits, net.classifier(features))
    # the output layer is the last layer with parameters (transfer learning)
    assert parameterized_layers(net)[-1][0] == "classifier"


@pytest.mark.parametrize(
    ("module_cls", "kwargs", "n_timesteps", "expected"), PARAM_COUNTS
)
def test_parameter_counts(module_cls, kwargs, n_timesteps, expected):
    net = module_cls(n_outputs=5, n_channels=1, n_timesteps=n_timesteps, **kwargs)
    assert count_parameters(net) == expected


def test_simple_cnn_parameter_count_by_hand():
    # conv 1x32x5, 32x64x5, 64x128x3, dense 128x128, output 128x5 (+ biases)
    by_hand = (5 * 32 + 32) + (32 * 64 * 5 + 64) + (64 * 128 * 3 + 128)
    by_hand += (128 * 128 + 128) + (128 * 5 + 5)
    assert by_hand == 52_357 == count_parameters(SimpleCNN(n_outputs=5))


@pytest.mark.parametrize(
    ("n_samples", "n_fft", "n_freqs", "count"),
    [(187, 64, 33, 630_053), (9000, 256, 129, 1_809_701)],
)
def test_spectrogram_module_shapes_and_counts(n_samples, n_fft, n_freqs, count):
    from scipy.signal import stft

    rng = np.random.default_rng(0)
    _, _, Z = stft(rng.normal(size=(2, n_samples)), nperseg=n_fft)
    spec = torch.from_numpy(np.abs(Z)).float()[:, None]  # (2, 1, freqs, frames)
    assert spec.shape[2] == n_freqs
    net = SpectrogramCNNLSTM(n_outputs=4, n_freqs=n_freqs, n_frames=spec.shape[3])
    assert net(spec).shape == (2, 4)
    assert net.forward_features(spec).shape == (2, 64)
    assert count_parameters(SpectrogramCNNLSTM(n_outputs=5, n_freqs=n_freqs)) == count


@pytest.mark.parametrize(
    ("module_cls", "kwargs", "match"),
    [
        (SimpleCNN, {"n_timesteps": 3}, "SimpleCNN needs inputs of at least 4"),
        (ResidualCNN, {"n_timesteps": 100}, "at least 125 samples"),
        (ConvNet, {"n_timesteps": 16}, "at least 32 samples"),
        (SpectrogramCNNLSTM, {"n_frames": 3}, "at least 4 frames"),
    ],
)
def test_too_short_input_is_rejected(module_cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        module_cls(**kwargs)


def test_convnet_kernel_sizes_per_block():
    net = ConvNet(filters=(8, 16), kernel_sizes=(3, 7))
    convs = [m for m in net.modules() if isinstance(m, nn.Conv1d)]
    assert [c.kernel_size[0] for c in convs] == [3, 7]
    with pytest.raises(ValueError, match="one entry per block"):
        ConvNet(filters=(8, 16), kernel_sizes=(3, 5, 7))


def test_freeze_layers_counts_from_the_output():
    net = SimpleCNN()
    frozen = freeze_layers(net, 2)
    assert frozen == ["conv.0.1", "conv.1.1", "conv.2.1"]
    assert count_parameters(net, trainable_only=True) == 128 * 128 + 128 + 128 * 5 + 5
    with pytest.raises(ValueError, match="between 1 and the number of layers"):
        freeze_layers(SimpleCNN(), 6)


def test_focal_loss_reduces_to_cross_entropy():
    torch.manual_seed(0)
    logits, target = torch.randn(20, 3), torch.randint(0, 3, (20,))
    weight = torch.tensor([0.5, 1.0, 3.0])
    torch.testing.assert_close(
        FocalLoss(gamma=0)(logits, target), nn.functional.cross_entropy(logits, target)
    )
    torch.testing.assert_close(
        FocalLoss(gamma=0, weight=weight)(logits, target),
        nn.functional.cross_entropy(logits, target, weight=weight),
    )
    # reference: -(1 - p)^gamma log p per example
    p = torch.softmax(logits, -1)[torch.arange(20), target]
    expected = -((1 - p) ** 2) * torch.log(p)
    torch.testing.assert_close(FocalLoss(reduction="none")(logits, target), expected)
    torch.testing.assert_close(
        FocalLoss(reduction="sum")(logits, target), expected.sum()
    )


def test_focal_loss_rejects_bad_arguments():
    with pytest.raises(ValueError, match="reduction must be"):
        FocalLoss(reduction="max")
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        FocalLoss(gamma=-1)


def test_compute_class_weight_formula():
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    classes = np.array(["N", "S", "V"])
    n, k, counts = 10, 3, np.array([6, 3, 1])
    for alpha in (0.0, 0.5, 1.0):
        np.testing.assert_allclose(
            compute_class_weight("balanced", y, classes, alpha),
            (n / (k * counts)) ** alpha,
            rtol=1e-6,
        )
    np.testing.assert_allclose(
        compute_class_weight({"V": 4.0}, y, classes), [1.0, 1.0, 4.0]
    )
    assert compute_class_weight(None, y, classes) is None
    with pytest.raises(ValueError, match=r"labels \['X'\] that are not in y"):
        compute_class_weight({"X": 2.0}, y, classes)
    with pytest.raises(ValueError, match="class_weight must be None"):
        compute_class_weight("auto", y, classes)


@pytest.mark.parametrize(
    ("ratio", "expected"), [(1.0, [60, 60, 60]), (0.5, [60, 30, 30])]
)
def test_balanced_sampler_counts(ratio, expected):
    y = np.array([0] * 60 + [1] * 20 + [2] * 5)
    sampler = BalancedSampler(y, ratio, generator=torch.Generator().manual_seed(0))
    indices = np.array(list(sampler))
    assert len(indices) == len(sampler) == sum(expected)
    assert np.bincount(y[indices]).tolist() == expected
    # every sample is used at least once per epoch
    assert set(indices) == set(range(len(y)))
    again = BalancedSampler(y, ratio, generator=torch.Generator().manual_seed(0))
    assert list(again) == indices.tolist()


def test_balanced_sampler_rejects_bad_ratio():
    with pytest.raises(ValueError, match=r"ratio must be in \(0, 1\]"):
        BalancedSampler([0, 1], ratio=1.5)
