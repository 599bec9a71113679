"""SimpleCNN: convolutions, global max-pooling and an optional dense layer."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp, per_block

__all__ = ["SimpleCNN"]


class SimpleCNN(ECGModule):
    """1-D CNN with global max-pooling, for single heartbeats or records.

    ``Conv1d("same") [- BatchNorm] - ReLU`` layers with ``MaxPool(2)``
    between them, a global max-pool over time, then an optional
    ``Dense(n_hidden) - ReLU`` layer, dropout and the output layer. The
    global pooling makes the network take any input length from its minimum
    (:meth:`min_input_lengths`: 4 samples with the defaults), and its
    parameter count independent of the length.

    The defaults are the USTH labwork's 1-D CNN (``Conv 32x5 - pool - Conv
    64x5 - pool - Conv 128x3 - global max-pool - Dense 128 - Dropout 0.5``):
    ``52,357`` parameters for 1 lead and 5 classes. The PyTorch MIT-BIH
    report's Simple CNN and Four-layer CNN are other settings of this class
    (see :func:`sklecg.nn.report_network`).

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int or None, default=None
        Input length, checked against the minimum length when given.
    filters : sequence of int, default=(32, 64, 128)
        Output channels of each convolution (their number is the depth).
    kernel_sizes : int or sequence of int, default=(5, 5, 3)
        Kernel size of every convolution, or one per convolution.
    n_hidden : int or None, default=128
        Width of the dense layer after the global pooling; None feeds the
        pooled features straight to the output layer.
    dropout : float, default=0.5
        Dropout rate before the output layer.
    batch_norm : bool, default=False
        Whether each convolution is followed by BatchNorm.

    Examples
    --------
    >>> import torch
    >>> from sklecg.nn import count_parameters
    >>> net = SimpleCNN(n_outputs=5, n_timesteps=187)
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    >>> net.forward_features(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 128])
    >>> count_parameters(net)
    52357
    """

    any_length = True  # global max pooling

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int | None = None,
        filters: Sequence[int] = (32, 64, 128),
        kernel_sizes: int | Sequence[int] = (5, 5, 3),
        n_hidden: int | None = 128,
        dropout: float = 0.5,
        batch_norm: bool = False,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        kernels = per_block(kernel_sizes, len(filters), "kernel_sizes")
        in_channels = [n_channels, *filters[:-1]]
        last = len(filters) - 1
        self.conv = nn.Sequential(
            *(
                conv_block(
                    c_in,
                    c_out,
                    k,
                    pool=None if i == last else nn.MaxPool1d(2),
                    batch_norm=batch_norm,
                )
                for i, (c_in, c_out, k) in enumerate(zip(in_channels, filters, kernels))
            )
        )
        hidden = [] if n_hidden is None else [n_hidden]
        self.head = mlp(filters[-1], hidden, dropout) if hidden else nn.Dropout(dropout)
        self._build_classifier()

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the activations fed to the output layer ``(batch, n_features)``."""
        return self.head(self.conv(x).amax(dim=-1))
