"""ResidualCNN: the residual network of Kachuee et al. (2018)."""

from __future__ import annotations

import torch
from torch import nn

from sklecg.nn._base import ECGModule, mlp

__all__ = ["ResidualCNN"]


def _conv(channels_in: int, channels: int, kernel_size: int, batch_norm: bool):
    """``Conv1d("same")``, followed by BatchNorm when asked."""
    conv = nn.Conv1d(channels_in, channels, kernel_size, padding="same")
    return nn.Sequential(conv, nn.BatchNorm1d(channels)) if batch_norm else conv


class _ResidualBlock(nn.Module):
    """``conv - ReLU - conv`` plus the identity, then ReLU and max-pooling."""

    def __init__(
        self,
        channels: int,
        kernel_size: int,
        pool_size: int,
        stride: int,
        batch_norm: bool,
    ):
        super().__init__()
        self.conv1 = _conv(channels, channels, kernel_size, batch_norm)
        self.conv2 = _conv(channels, channels, kernel_size, batch_norm)
        self.pool = nn.MaxPool1d(pool_size, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(torch.relu(self.conv1(x)))
        return self.pool(torch.relu(out + x))


class ResidualCNN(ECGModule):
    """Residual 1-D CNN of Kachuee, Fazeli and Sarrafzadeh (2018).

    ``Conv1d(32, 5)``, then ``n_blocks`` residual blocks (``Conv1d - ReLU -
    Conv1d`` + skip connection, ReLU, max-pool 5 with stride 2), flatten,
    ``Dense(32) - ReLU - Dense(32) - ReLU`` and the output layer.

    Parameter count: 55,013 for 187-sample, 1-lead, 5-class input (the
    flattened size grows with the length: 337,637 for 9,000 samples).

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int, default=187
        Input length; sets the size of the flattened features.
    n_filters : int, default=32
        Channels of every convolution.
    kernel_size : int, default=5
        Kernel size of every convolution.
    n_blocks : int, default=5
        Number of residual blocks.
    pool_size : int, default=5
        Max-pooling window of each block (stride 2).
    n_hidden : tuple of int, default=(32, 32)
        Widths of the dense layers before the output.
    dropout : float, default=0.0
        Dropout rate after each dense layer.
    batch_norm : bool, default=False
        Whether every convolution is followed by BatchNorm (the PyTorch
        MIT-BIH report's Residual CNN, :func:`sklecg.nn.report_network`).

    References
    ----------
    M. Kachuee, S. Fazeli, M. Sarrafzadeh, "ECG Heartbeat Classification: A
    Deep Transferable Representation", IEEE ICHI 2018.

    Examples
    --------
    >>> import torch
    >>> net = ResidualCNN(n_outputs=5, n_timesteps=187)
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int = 187,
        n_filters: int = 32,
        kernel_size: int = 5,
        n_blocks: int = 5,
        pool_size: int = 5,
        n_hidden: tuple[int, ...] = (32, 32),
        dropout: float = 0.0,
        batch_norm: bool = False,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        self.blocks = nn.Sequential(
            _conv(n_channels, n_filters, kernel_size, batch_norm),
            *(
                _ResidualBlock(n_filters, kernel_size, pool_size, 2, batch_norm)
                for _ in range(n_blocks)
            ),
            nn.Flatten(),
        )
        (n_flat,) = self._trunk_shape()
        self.head = mlp(n_flat, n_hidden, dropout)
        self._build_classifier()

    def _forward_trunk(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the last dense activations ``(batch, n_hidden[-1])``."""
        return self.head(self.blocks(x))
