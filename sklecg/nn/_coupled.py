"""CoupledCNN: pairs of coupled convolutions followed by pooling."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp

__all__ = ["CoupledCNN"]


class CoupledCNN(ECGModule):
    """The "coupled CNN" of the MIT-BIH report.

    Each stage is two coupled ``Conv1d("same") - ReLU`` layers (no pooling
    between them) followed by ``MaxPool(2)``; after the stages the
    activations are flattened and passed through three dense layers
    (``Dense(n_hidden[0]) - Dense(n_hidden[1]) - Dense(n_outputs)``).

    Parameter count: 421,733 for 187-sample, 1-lead, 5-class input with the
    defaults (9,000 samples: 18,476,901; the first dense layer grows with the
    length).

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int, default=187
        Input length; sets the size of the flattened features.
    filters : sequence of int, default=(32, 64)
        Channels of the two convolutions of each stage (one entry per stage).
    kernel_size : int, default=5
        Kernel size of every convolution.
    n_hidden : tuple of 2 int, default=(128, 64)
        Widths of the two hidden dense layers.
    dropout : float, default=0.5
        Dropout rate after each hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> net = CoupledCNN(n_outputs=5, n_timesteps=187)
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int = 187,
        filters: Sequence[int] = (32, 64),
        kernel_size: int = 5,
        n_hidden: tuple[int, int] = (128, 64),
        dropout: float = 0.5,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        layers = []
        plain = {"batch_norm": False}
        in_channels = n_channels
        for width in filters:
            layers += [
                conv_block(in_channels, width, kernel_size, pool=None, **plain),
                conv_block(width, width, kernel_size, pool=nn.MaxPool1d(2), **plain),
            ]
            in_channels = width
        self.blocks = nn.Sequential(*layers, nn.Flatten())
        (n_flat,) = self._trunk_shape()
        self.head = mlp(n_flat, n_hidden, dropout)
        self._build_classifier()

    def _forward_trunk(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the second dense activations ``(batch, n_hidden[1])``."""
        return self.head(self.blocks(x))
