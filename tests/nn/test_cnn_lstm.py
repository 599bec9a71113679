"""CNNLSTM: the LSTM summarises inputs of any length at one size."""

import torch

from sklecg.nn import CNNLSTM, count_parameters


def test_any_length_with_the_same_parameters():
    torch.manual_seed(0)
    net = CNNLSTM(n_outputs=5).eval()
    for n_timesteps in (4, 187, 9000):
        assert net(torch.randn(2, 1, n_timesteps)).shape == (2, 5)
    assert count_parameters(CNNLSTM(n_timesteps=9000)) == count_parameters(net)
    assert count_parameters(net) == 48_453
