"""SimpleCNN: global pooling makes it take any length at one size."""

import torch

from sklecg.nn import SimpleCNN, count_parameters


def test_any_length_with_the_same_parameters():
    torch.manual_seed(0)
    net = SimpleCNN(n_outputs=5).eval()
    for n_timesteps in (4, 187, 9000):
        assert net(torch.randn(2, 1, n_timesteps)).shape == (2, 5)
    assert count_parameters(SimpleCNN(n_timesteps=9000)) == count_parameters(net)
    assert count_parameters(net) == 52_357
