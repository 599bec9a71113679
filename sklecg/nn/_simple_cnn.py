"""SimpleCNN: three convolutions, global max-pooling and a dense head."""

from __future__ import annotations

import torch
from torch import nn

from sklecg.nn._base import ECGModule, check_min_length, mlp

__all__ = ["SimpleCNN"]


class SimpleCNN(ECGModule):
    """Small 1-D CNN for single heartbeats.

    ``Conv1d(32, 5) - ReLU - MaxPool(2) - Conv1d(64, 5) - ReLU - MaxPool(2) -
    Conv1d(128, 3) - ReLU - global max-pool - Dense(128) - ReLU - Dropout -
    Dense(n_outputs)`` (valid convolutions). The global pooling makes the
    network independent of the input length beyond a minimum (24 samples
    with the default kernels).

    Parameter count: ``52,357`` for 1 lead and 5 classes (any length, e.g.
    187-sample MIT-BIH beats or 9,000-sample records); in general
    ``52,357 + 160 * (n_channels - 1) + 129 * (n_outputs - 5)`` with the
    default sizes.

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int, default=187
        Input length (only checked against the minimum length).
    filters : tuple of 3 int, default=(32, 64, 128)
        Output channels of the three convolutions.
    kernel_sizes : tuple of 3 int, default=(5, 5, 3)
        Kernel sizes of the three convolutions.
    n_hidden : int, default=128
        Width of the dense layer.
    dropout : float, default=0.5
        Dropout rate after the dense layer.

    Examples
    --------
    >>> import torch
    >>> net = SimpleCNN(n_outputs=5, n_timesteps=187)
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    >>> net.forward_features(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 128])
    """

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int = 187,
        filters: tuple[int, int, int] = (32, 64, 128),
        kernel_sizes: tuple[int, int, int] = (5, 5, 3),
        n_hidden: int = 128,
        dropout: float = 0.5,
    ):
        super().__init__()
        k1, k2, k3 = kernel_sizes
        f1, f2, f3 = filters
        check_min_length("SimpleCNN", n_timesteps, 4 * k3 + 2 * k2 + k1 - 3, "samples")
        self.conv = nn.Sequential(
            nn.Conv1d(n_channels, f1, k1),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(f1, f2, k2),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(f2, f3, k3),
            nn.ReLU(),
        )
        self.head = mlp(f3, [n_hidden], dropout)
        self.classifier = nn.Linear(n_hidden, n_outputs)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the dense-layer activations ``(batch, n_hidden)``."""
        return self.head(self.conv(x).amax(dim=-1))
