"""ECGModule: size arguments, the dry runs and their errors, for a subclass."""

import pytest
import torch
from torch import nn

from sklecg.nn import ECGModule, SimpleCNN


class Pooled(ECGModule):
    """Two unpadded 5-sample convolutions and a global maximum: 9 samples."""

    def __init__(self, n_outputs=2, n_channels=1, n_timesteps=None, flat=False):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        self.conv = nn.Sequential(nn.Conv1d(n_channels, 4, 5), nn.Conv1d(4, 4, 5))
        self.flat = flat
        self._build_classifier()

    def forward_features(self, x):
        maps = self.conv(x)
        return maps if self.flat else maps.amax(dim=-1)


def test_sizes_are_attributes_and_the_head_is_sized_by_a_dry_run():
    net = Pooled(n_outputs=3, n_channels=2, n_timesteps=50)
    assert (net.n_outputs, net.n_channels, net.n_timesteps) == (3, 2, 50)
    assert net.input_lengths == {"n_timesteps": 50}
    assert net.embedding_size == 4 and net.classifier.out_features == 3
    assert net.min_input_lengths() == {"n_timesteps": 9}
    # a free length: the network takes any length from the minimum
    free = Pooled()
    assert free.n_timesteps is None
    assert free(torch.zeros(2, 1, 9)).shape == free(torch.zeros(2, 1, 500)).shape


def test_too_short_error_and_singular_unit():
    with pytest.raises(ValueError, match=r"^Pooled needs inputs of at least 9 sampl"):
        Pooled(n_timesteps=8)
    with pytest.raises(ValueError, match=r"at least 1 sample \(n_timesteps=1\)"):
        SimpleCNN(filters=(8,), kernel_sizes=3, n_timesteps=0)


def test_dry_runs_leave_the_training_modes_as_they_were():
    net = SimpleCNN().train()
    net.conv[0].eval()  # e.g. a frozen layer
    net.min_input_lengths()
    assert net.training and not net.conv[0].training and net.conv[1].training


def test_unknown_length_argument_and_non_flat_features():
    with pytest.raises(TypeError, match=r"takes the input lengths \['n_timesteps'\]"):
        ECGModule(n_outputs=2, n_channels=1, n_frames=3)
    with pytest.raises(ValueError, match=r"forward_features must return \(batch, n_"):
        Pooled(flat=True)


def test_a_failure_that_is_not_the_length_shows_the_network_error():
    class Broken(Pooled):
        def forward_features(self, x):
            raise RuntimeError("a bug in the network")

    with pytest.raises(RuntimeError, match="a bug in the network"):
        Broken(n_timesteps=100)
