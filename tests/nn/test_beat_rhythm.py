"""BeatRhythmNet: both inputs count, named inputs, any length, it learns."""

import pytest
import torch
from torch import nn

from sklecg.nn import BeatRhythmNet, count_parameters


def test_features_are_the_fused_pooled_signal_and_rhythm_branches():
    torch.manual_seed(0)
    net = BeatRhythmNet(n_channels=2, n_features=4, filters=(8, 16)).eval()
    signal, features = torch.randn(3, 2, 100), torch.randn(3, 4)
    maps = net.conv(signal)
    pooled = torch.cat([maps.mean(-1), maps.amax(-1)], dim=1)
    expected = net.fusion(torch.cat([pooled, net.rhythm(features)], dim=1))
    torch.testing.assert_close(net.forward_features(signal, features), expected)
    assert net.input_kind == "signal+features"
    assert isinstance(net.rhythm[0], nn.BatchNorm1d)


def test_named_inputs_as_skorch_passes_a_dict():
    torch.manual_seed(0)
    net = BeatRhythmNet().eval()
    X = {"signal": torch.randn(2, 3, 187), "features": torch.randn(2, 13)}
    torch.testing.assert_close(net(**X), net(X["signal"], X["features"]))


@pytest.mark.parametrize("changed", ["signal", "features"])
def test_both_inputs_change_the_output(changed):
    torch.manual_seed(0)
    net = BeatRhythmNet().eval()
    X = {"signal": torch.randn(2, 3, 187), "features": torch.randn(2, 13)}
    other = {**X, changed: X[changed] + 1.0}
    assert not torch.allclose(net(**X), net(**other))


def test_any_length_with_the_same_parameters():
    net = BeatRhythmNet().eval()
    for n_timesteps in (8, 187, 1000):
        out = net(torch.zeros(2, 3, n_timesteps), torch.zeros(2, 13))
        assert out.shape == (2, 5)
    assert count_parameters(BeatRhythmNet(n_timesteps=1000)) == count_parameters(net)


def test_learns_a_shape_class_and_a_rhythm_class():
    # class 1: a wider bump (shape only); class 2: early beats (RR only)
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(90) % 3
    t = torch.arange(64.0)
    width = torch.where(y == 1, 8.0, 3.0)[:, None]
    signal = torch.exp(-(((t - 32) / width) ** 2))[:, None]
    signal = signal + 0.1 * torch.randn(90, 1, 64, generator=gen)
    pre_rr = torch.where(y == 2, 0.5, 0.8) + 0.05 * torch.randn(90, generator=gen)
    features = torch.stack([pre_rr, pre_rr / 0.8], dim=1)
    torch.manual_seed(0)
    net = BeatRhythmNet(3, n_channels=1, n_features=2, filters=(8, 16), n_hidden=16)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(60):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(signal, features), y).backward()
        optimizer.step()
    predicted = net.eval()(signal, features).argmax(dim=1)
    assert (predicted == y).float().mean() >= 0.95
