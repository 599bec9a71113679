"""CNNLSTM: convolutional blocks, an LSTM over time and a dense head."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp, per_block

__all__ = ["CNNLSTM"]


def last_lstm_state(lstm: nn.LSTM, sequence: torch.Tensor) -> torch.Tensor:
    """Final hidden state of the last LSTM layer for ``(batch, time, features)``."""
    _, (hidden, _) = lstm(sequence)
    return hidden[-1]


class CNNLSTM(ECGModule):
    """Hybrid CNN + LSTM (the best model of the SC4001 report).

    ``Conv1d("same") - BatchNorm - ReLU - MaxPool(2)`` blocks extract local
    features; an LSTM reads the resulting sequence and its final hidden state
    goes through ``Dense(n_hidden) - ReLU - Dropout`` to the output layer.

    Parameter count: 48,453 for 1 lead and 5 classes with the defaults,
    whatever the length (the LSTM summarises the sequence).

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int or None, default=None
        Input length, checked against the minimum length when given (the
        LSTM takes any length from :meth:`min_input_lengths`, 4 samples with
        the defaults).
    filters : sequence of int, default=(32, 64)
        Output channels of each convolutional block.
    kernel_sizes : int or sequence of int, default=5
        Kernel size of every block, or one per block.
    lstm_hidden : int, default=64
        Hidden size of the LSTM.
    lstm_layers : int, default=1
        Number of stacked LSTM layers.
    n_hidden : int, default=64
        Width of the dense layer.
    dropout : float, default=0.3
        Dropout rate after the dense layer.

    Examples
    --------
    >>> import torch
    >>> net = CNNLSTM(n_outputs=5, n_timesteps=187)
    >>> net(torch.zeros(2, 1, 187)).shape
    torch.Size([2, 5])
    """

    any_length = True  # the LSTM reads any number of steps

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 1,
        n_timesteps: int | None = None,
        filters: Sequence[int] = (32, 64),
        kernel_sizes: int | Sequence[int] = 5,
        lstm_hidden: int = 64,
        lstm_layers: int = 1,
        n_hidden: int = 64,
        dropout: float = 0.3,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        kernels = per_block(kernel_sizes, len(filters), "kernel_sizes")
        in_channels = [n_channels, *filters[:-1]]
        self.blocks = nn.Sequential(
            *(
                conv_block(c_in, c_out, k, pool=nn.MaxPool1d(2))
                for c_in, c_out, k in zip(in_channels, filters, kernels)
            )
        )
        self.lstm = nn.LSTM(
            filters[-1], lstm_hidden, num_layers=lstm_layers, batch_first=True
        )
        self.head = mlp(lstm_hidden, [n_hidden], dropout)
        self._build_classifier()

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the dense activations ``(batch, n_hidden)``."""
        sequence = self.blocks(x).transpose(1, 2)
        return self.head(last_lstm_state(self.lstm, sequence))
