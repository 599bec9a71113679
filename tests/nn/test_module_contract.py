"""The contract every network of sklecg.nn keeps (see sklecg.nn.ECGModule).

Output shape, the embedding width, the too-short error naming the minimum
length, what ``any_length`` declares, the head reset of transfer learning
and the parameter count of the default settings against a count by hand,
for every exported network.
"""

import pytest
import torch
from torch import nn

import sklecg.nn
from sklecg.nn import (
    CNNLSTM,
    BeatRhythmNet,
    ConvNet,
    CoupledCNN,
    ECGModule,
    ResidualCNN,
    RhythmResNet,
    SimpleCNN,
    SpectrogramCNNLSTM,
    count_parameters,
    parameterized_layers,
)

# the input lengths each network is built at: a beat and a longer input
SIZES = {
    SimpleCNN: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    ConvNet: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    ResidualCNN: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    CoupledCNN: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    CNNLSTM: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    SpectrogramCNNLSTM: [
        {"n_freqs": 33, "n_frames": 12},
        {"n_freqs": 129, "n_frames": 40},
    ],
    RhythmResNet: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
    BeatRhythmNet: [{"n_timesteps": 187}, {"n_timesteps": 3000}],
}
NETWORKS = list(SIZES)
ids = [cls.__name__ for cls in NETWORKS]

# the shortest inputs, from the layers: each MaxPool(2)/AvgPool(2) halves the
# length (rounding down), ResidualCNN's MaxPool(5, stride 2) takes 2 * (L - 1)
# + 5 samples to give L, and RhythmResNet pads its convolutions and rounds
# its halvings up
MIN_LENGTHS = {
    SimpleCNN: {"n_timesteps": 2**2},  # a pool between three convolutions
    ConvNet: {"n_timesteps": 2**5},  # five pooled blocks
    ResidualCNN: {"n_timesteps": 125},  # 1 <- 5 <- 13 <- 29 <- 61 <- 125
    CoupledCNN: {"n_timesteps": 2**2},  # two pooled stages
    CNNLSTM: {"n_timesteps": 2**2},  # two pooled blocks
    SpectrogramCNNLSTM: {"n_freqs": 2**2, "n_frames": 2**2},  # two 2-D blocks
    RhythmResNet: {"n_timesteps": 1},
    BeatRhythmNet: {"n_timesteps": 2**3},  # three pooled blocks
}


def conv(c_in, c_out, k, dims=1):
    return c_in * c_out * k**dims + c_out


def bn(channels):
    return 2 * channels


def dense(n_in, n_out):
    return n_in * n_out + n_out


def lstm(n_in, hidden):
    return 4 * hidden * (n_in + hidden) + 2 * 4 * hidden


def rhythm_block(c_in, c_out, k=9):
    skip = 0 if c_in == c_out else conv(c_in, c_out, 1)
    return bn(c_in) + conv(c_in, c_out, k) + bn(c_out) + conv(c_out, c_out, k) + skip


RHYTHM_WIDTHS = (16, 32, 32, 64, 64, 128, 128)  # RhythmResNet's filters

# parameter counts of the default settings (1 lead, 187 samples, 5 classes
# unless the network's defaults say otherwise), layer by layer
BY_HAND = {
    # conv 32x5, 64x5, 128x3, dense 128, output
    SimpleCNN: conv(1, 32, 5) + conv(32, 64, 5) + conv(64, 128, 3)
    + dense(128, 128) + dense(128, 5),
    # five [32 x 3] blocks with BatchNorm: 187 -> 93 -> 46 -> 23 -> 11 -> 5
    ConvNet: conv(1, 32, 3) + 4 * conv(32, 32, 3) + 5 * bn(32)
    + dense(32 * 5, 64) + dense(64, 5),
    # stem and five blocks of two 32x5 convolutions: 187 -> 92 -> 44 -> 20
    # -> 8 -> 2
    ResidualCNN: conv(1, 32, 5) + 10 * conv(32, 32, 5)
    + dense(32 * 2, 32) + dense(32, 32) + dense(32, 5),
    # 32x5 twice, 64x5 twice: 187 -> 93 -> 46
    CoupledCNN: conv(1, 32, 5) + conv(32, 32, 5) + conv(32, 64, 5)
    + conv(64, 64, 5) + dense(64 * 46, 128) + dense(128, 64) + dense(64, 5),
    CNNLSTM: conv(1, 32, 5) + bn(32) + conv(32, 64, 5) + bn(64) + lstm(64, 64)
    + dense(64, 64) + dense(64, 5),
    # 33 frequencies -> 16 -> 8, so 64 x 8 features per frame
    SpectrogramCNNLSTM: conv(1, 32, 6, dims=2) + bn(32) + conv(32, 64, 6, dims=2)
    + bn(64) + lstm(64 * 8, 192) + dense(192, 64) + dense(64, 5),
    # 4 classes; average and maximum of the last 128 channels
    RhythmResNet: conv(1, 16, 15)
    + sum(
        rhythm_block(a, b)
        for a, b in zip((16, *RHYTHM_WIDTHS[:-1]), RHYTHM_WIDTHS)
    )
    + bn(128) + dense(2 * 128, 4),
    # 3 channels, 13 features; 2 x 128 pooled + 64 rhythm values fused to 64
    BeatRhythmNet: conv(3, 32, 7) + bn(32) + conv(32, 64, 7) + bn(64)
    + conv(64, 128, 7) + bn(128) + bn(13) + dense(13, 64)
    + dense(2 * 128 + 64, 64) + dense(64, 5),
}  # fmt: skip


def build(cls, **kwargs):
    """A network with 2 channels (and 6 features) unless told otherwise."""
    kwargs.setdefault("n_channels", 2)
    if cls is BeatRhythmNet:
        kwargs.setdefault("n_features", 6)
    return cls(**kwargs)


def inputs(net, batch, lengths):
    """Random inputs of these lengths, as the network's forward takes them."""
    signal = torch.randn(batch, net.n_channels, *lengths.values())
    if net.input_kind == "signal+features":
        return signal, torch.randn(batch, net.n_features)
    return (signal,)


def test_every_exported_network_is_covered():
    exported = {
        getattr(sklecg.nn, name)
        for name in sklecg.nn.__all__
        if isinstance(getattr(sklecg.nn, name), type)
        and issubclass(getattr(sklecg.nn, name), ECGModule)
    }
    assert exported - {ECGModule} == set(NETWORKS)


@pytest.mark.parametrize(
    ("cls", "lengths"),
    [(cls, lengths) for cls in NETWORKS for lengths in SIZES[cls]],
    ids=[f"{cls.__name__}-{i}" for cls in NETWORKS for i in range(2)],
)
def test_output_shape(cls, lengths):
    torch.manual_seed(0)
    net = build(cls, n_outputs=3, **lengths).eval()
    assert (net.n_outputs, net.n_channels, net.input_lengths) == (3, 2, lengths)
    x = inputs(net, 4, lengths)
    logits = net(*x)
    assert logits.shape == (4, 3)
    torch.testing.assert_close(logits, net.classifier(net.forward_features(*x)))
    # the output layer is the last layer with parameters (transfer learning)
    assert isinstance(net.classifier, nn.Linear)
    assert parameterized_layers(net)[-1][0] == "classifier"


@pytest.mark.parametrize("cls", NETWORKS, ids=ids)
def test_embedding_size_is_the_width_of_forward_features(cls):
    lengths = SIZES[cls][0]
    net = build(cls, **lengths).eval()
    with torch.no_grad():
        features = net.forward_features(*inputs(net, 3, lengths))
    assert features.shape == (3, net.embedding_size)
    assert net.classifier.in_features == net.embedding_size


@pytest.mark.parametrize("cls", NETWORKS, ids=ids)
def test_too_short_input_is_rejected_naming_the_minimum(cls):
    given = SIZES[cls][0]
    minima = build(cls, **given).min_input_lengths()
    assert minima == MIN_LENGTHS[cls]
    for axis, minimum in minima.items():
        match = (
            rf"^{cls.__name__} needs inputs of at least {minimum} \w.* "
            rf"\({axis}={minimum}\), got {axis}={minimum - 1}\. To fix it, .*"
            "smaller kernels or fewer pooling blocks"
        )
        with pytest.raises(ValueError, match=match):
            build(cls, **{**given, axis: minimum - 1})
    # the minimum itself works
    net = build(cls, n_outputs=3, **minima).eval()
    assert net(*inputs(net, 2, minima)).shape == (2, 3)


# the networks that declare they take any length along the time axis
ANY_LENGTH = {SimpleCNN, CNNLSTM, SpectrogramCNNLSTM, RhythmResNet, BeatRhythmNet}


@pytest.mark.parametrize("cls", NETWORKS, ids=ids)
def test_any_length_declares_what_the_layers_take(cls):
    assert cls.any_length is (cls in ANY_LENGTH)
    built = SIZES[cls][0]
    net = build(cls, n_outputs=3, **built).eval()
    time_axis = list(built)[-1]
    longer = {**built, time_axis: 2 * built[time_axis] + 1}
    x = inputs(net, 2, longer)
    if cls.any_length:
        assert net(*x).shape == (2, 3)
    else:  # sized for one length: the dense layers refuse another
        with pytest.raises(RuntimeError):
            net(*x)


@pytest.mark.parametrize("cls", NETWORKS, ids=ids)
def test_reset_head_keeps_the_body_and_gives_a_new_output_layer(cls):
    torch.manual_seed(0)
    lengths = SIZES[cls][0]
    net = build(cls, n_outputs=3, **lengths)
    body = {
        key: value.clone()
        for key, value in net.state_dict().items()
        if not key.startswith("classifier.")
    }
    width = net.embedding_size
    old_head = net.classifier
    assert net.reset_head(7) is net
    assert net.classifier is not old_head
    assert (net.classifier.in_features, net.classifier.out_features) == (width, 7)
    assert net.n_outputs == 7
    after = net.state_dict()
    assert set(after) == set(body) | {"classifier.weight", "classifier.bias"}
    for key, value in body.items():
        assert torch.equal(after[key], value), key
    assert net.eval()(*inputs(net, 2, lengths)).shape == (2, 7)
    assert parameterized_layers(net)[-1][0] == "classifier"


@pytest.mark.parametrize("cls", NETWORKS, ids=ids)
def test_parameter_count_of_the_defaults_by_hand(cls):
    assert count_parameters(cls()) == BY_HAND[cls]
