"""SpectrogramCNNLSTM: 2-D convolutions on a spectrogram, LSTM over frames."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp
from sklecg.nn._cnn_lstm import last_lstm_state

__all__ = ["SpectrogramCNNLSTM"]


class SpectrogramCNNLSTM(ECGModule):
    """CNN + LSTM on STFT spectrograms (the AMLS report's network).

    Input ``(batch, n_channels, n_freqs, n_frames)``. Each block is
    ``Conv2d(kernel 6, "same") - BatchNorm - ReLU - MaxPool(2)``; the
    frequency axis is then folded into the features (``channels x freqs``
    per frame), optionally projected to ``lstm_input`` features, and an
    LSTM (hidden 192) reads the frames; its final state
    goes through ``Dense(n_hidden) - ReLU - Dropout`` to the output layer.

    Parameter count with the defaults and 5 classes: 630,053 for a
    33-frequency spectrogram (``n_fft=64``, e.g. 187-sample beats) and
    1,809,701 for 129 frequencies (``n_fft=256``, e.g. 9,000-sample records);
    independent of ``n_frames``.

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes.
    n_freqs : int, default=33
        Number of frequency bins.
    n_frames : int, default=12
        Number of time frames, checked against the minimum (the LSTM takes
        any number of frames from :meth:`min_input_lengths`).
    n_channels : int, default=1
        Number of spectrogram channels (leads).
    filters : sequence of int, default=(32, 64)
        Output channels of each 2-D block.
    kernel_size : int, default=6
        Kernel size of every 2-D convolution.
    lstm_input : int or None, default=None
        Width of a ``Dense - ReLU`` projection of each frame's features
        before the LSTM (the AMLS report's LSTM input size, 128); None feeds
        the ``channels x freqs`` features of each frame to the LSTM as they
        are.
    lstm_hidden : int, default=192
        Hidden size of the LSTM.
    n_hidden : int, default=64
        Width of the dense layer.
    dropout : float, default=0.3
        Dropout rate after the dense layer.

    Examples
    --------
    >>> import torch
    >>> net = SpectrogramCNNLSTM(n_outputs=4, n_freqs=33, n_frames=12)
    >>> net(torch.zeros(2, 1, 33, 12)).shape
    torch.Size([2, 4])
    """

    input_kind = "spectrogram"
    any_length = True  # the LSTM reads any number of frames
    input_axes = {"n_freqs": "frequency bins", "n_frames": "frames"}
    lengthen_hint = (
        "compute spectrograms with more frequency bins (a larger n_fft) or "
        "more frames (longer signals or a smaller hop)"
    )

    def __init__(
        self,
        n_outputs: int = 5,
        n_freqs: int = 33,
        n_frames: int = 12,
        n_channels: int = 1,
        filters: Sequence[int] = (32, 64),
        kernel_size: int = 6,
        lstm_input: int | None = None,
        lstm_hidden: int = 192,
        n_hidden: int = 64,
        dropout: float = 0.3,
    ):
        super().__init__(n_outputs, n_channels, n_freqs=n_freqs, n_frames=n_frames)
        in_channels = [n_channels, *filters[:-1]]
        self.blocks = nn.Sequential(
            *(
                conv_block(c_in, c_out, kernel_size, pool=nn.MaxPool2d(2), dim=2)
                for c_in, c_out in zip(in_channels, filters)
            )
        )
        channels, freqs, _ = self._trunk_shape()
        n_frame_features = channels * freqs
        if lstm_input is None:
            self.project = nn.Identity()
        else:
            self.project = nn.Sequential(
                nn.Linear(n_frame_features, lstm_input), nn.ReLU()
            )
            n_frame_features = lstm_input
        self.lstm = nn.LSTM(n_frame_features, lstm_hidden, batch_first=True)
        self.head = mlp(lstm_hidden, [n_hidden], dropout)
        self._build_classifier()

    def _forward_trunk(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the dense activations ``(batch, n_hidden)``."""
        maps = self.blocks(x)  # (batch, channels, freqs, frames)
        sequence = maps.flatten(1, 2).transpose(1, 2)  # (batch, frames, feats)
        sequence = self.project(sequence)
        return self.head(last_lstm_state(self.lstm, sequence))
