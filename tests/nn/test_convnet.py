"""ConvNet: the parameter counts of its docstring table, kernels per block."""

import pytest
from torch import nn

from sklecg.nn import ConvNet, count_parameters

# the docstring table: (kwargs, n_timesteps, count) for 1 lead and 5 classes
PARAM_COUNTS = [
    ({}, 187, 23_493),
    ({}, 9000, 588_741),
    ({"filters": (32,) * 3}, 187, 54_021),
    ({"filters": (64,) * 5}, 187, 71_173),
    ({"kernel_sizes": 7}, 187, 40_005),
    ({"filters": (32, 64, 128, 256), "kernel_sizes": 5}, 187, 397_253),
]


@pytest.mark.parametrize(("kwargs", "n_timesteps", "expected"), PARAM_COUNTS)
def test_parameter_counts(kwargs, n_timesteps, expected):
    net = ConvNet(n_outputs=5, n_channels=1, n_timesteps=n_timesteps, **kwargs)
    assert count_parameters(net) == expected


def test_kernel_sizes_per_block():
    net = ConvNet(filters=(8, 16), kernel_sizes=(3, 7))
    convs = [m for m in net.modules() if isinstance(m, nn.Conv1d)]
    assert [c.kernel_size[0] for c in convs] == [3, 7]
    with pytest.raises(ValueError, match="one entry per block"):
        ConvNet(filters=(8, 16), kernel_sizes=(3, 5, 7))


def test_needs_the_length_its_dense_layers_are_sized_for():
    with pytest.raises(ValueError, match="ConvNet sizes its dense layers .* n_timest"):
        ConvNet(n_timesteps=None)
