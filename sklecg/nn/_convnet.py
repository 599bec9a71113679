"""ConvNet: the configurable convolutional family of the ablation studies."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp, per_block

__all__ = ["ConvNet"]


class ConvNet(ECGModule):
    """Stack of Conv1d blocks, then flatten and two dense layers.

    Each block is ``Conv1d("same") - BatchNorm - ReLU - AvgPool(2)``; after
    the blocks the activations are flattened and fed to ``Dense(n_hidden) -
    ReLU - Dropout - Dense(n_outputs)``. Depth, width and kernel size are
    parameters, so an ablation over architectures is a parameter grid.

    Parameter counts for 5 classes and one lead (checked in the tests):

    ==============================  =====================  =======  =======  =========
    setting                         ``filters``            kernels  187      9,000
    ==============================  =====================  =======  =======  =========
    default: 5 blocks of [32 x 3]   (32, 32, 32, 32, 32)   3        23,493   588,741
    3 blocks of [32 x 3]            (32, 32, 32)           3        54,021   2,310,917
    5 blocks of [64 x 3]            (64, 64, 64, 64, 64)   3        71,173   1,201,669
    5 blocks of [32 x 7]            (32, 32, 32, 32, 32)   7        40,005   605,253
    four layers up to 256 channels  (32, 64, 128, 256)     5        397,253  9,424,837
    (with ``dropout=0.5``)
    ==============================  =====================  =======  =======  =========

    Every row of an ablation table such as the SC4001 report's models 1-11
    is one such ``(filters, kernel_sizes)`` setting (model 1 is one [32 x 3]
    block, model 11 the default five); :func:`sklecg.nn.report_network`
    names them, and the Technion report's 4-convolution, 4-dense network.

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int, default=187
        Input length; sets the size of the flattened features.
    filters : sequence of int, default=(32, 32, 32, 32, 32)
        Output channels of each block (the number of blocks is its length).
    kernel_sizes : int or sequence of int, default=3
        Kernel size of every block, or one per block.
    n_hidden : int or sequence of int, default=64
        Width of the hidden dense layer, or of each hidden dense layer (a
        sequence of widths gives ``len(n_hidden) + 1`` dense layers).
    dropout : float, default=0.0
        Dropout rate after each hidden dense layer.
    batch_norm : bool, default=True
        Whether each block has a BatchNorm layer.

    Examples
    --------
    >>> import torch
    >>> net = ConvNet(n_outputs=5, n_timesteps=187, filters=(32, 32, 32, 32, 32))
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int = 187,
        filters: Sequence[int] = (32, 32, 32, 32, 32),
        kernel_sizes: int | Sequence[int] = 3,
        n_hidden: int | Sequence[int] = 64,
        dropout: float = 0.0,
        batch_norm: bool = True,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        kernels = per_block(kernel_sizes, len(filters), "kernel_sizes")
        in_channels = [n_channels, *filters[:-1]]
        self.blocks = nn.Sequential(
            *(
                conv_block(c_in, c_out, k, pool=nn.AvgPool1d(2), batch_norm=batch_norm)
                for c_in, c_out, k in zip(in_channels, filters, kernels)
            ),
            nn.Flatten(),
        )
        (n_flat,) = self._trunk_shape()
        hidden = (n_hidden,) if isinstance(n_hidden, int) else tuple(n_hidden)
        self.head = mlp(n_flat, hidden, dropout)
        self._build_classifier()

    def _forward_trunk(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the last hidden dense activations ``(batch, n_hidden[-1])``."""
        return self.head(self.blocks(x))
