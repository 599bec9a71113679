"""RhythmResNet: a strided residual CNN with global pooling for whole records."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule

__all__ = ["RhythmResNet"]


def _check_odd(name: str, value: int) -> None:
    if value < 1 or value % 2 == 0:
        raise ValueError(
            f"RhythmResNet needs an odd positive {name} (so that the strided "
            f"convolution and the pooled skip path keep the same length); "
            f"got {value}. Pass e.g. {value + 1 if value > 0 else 1}."
        )


class _StridedResidualBlock(nn.Module):
    """Pre-activation residual block that halves the length.

    ``BN - ReLU - Conv(k, stride 2) - BN - ReLU - Dropout - Conv(k)``, added
    to the input max-pooled by 2 (and projected by a 1x1 convolution when the
    width changes).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, p: float):
        super().__init__()
        pad = kernel_size // 2
        self.body = nn.Sequential(
            nn.BatchNorm1d(in_channels),
            nn.ReLU(),
            nn.Conv1d(in_channels, out_channels, kernel_size, stride=2, padding=pad),
            nn.BatchNorm1d(out_channels),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Conv1d(out_channels, out_channels, kernel_size, padding=pad),
        )
        skip = [nn.MaxPool1d(2, ceil_mode=True)]
        if in_channels != out_channels:
            skip.append(nn.Conv1d(in_channels, out_channels, 1))
        self.skip = nn.Sequential(*skip)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.skip(x)


class RhythmResNet(ECGModule):
    """Strided residual 1-D CNN with global pooling, for whole ECG records.

    A stem ``Conv1d(filters[0], stem_kernel_size, stride 2)``, then one
    pre-activation residual block per entry of ``filters`` (``BN - ReLU -
    Conv(kernel_size, stride 2) - BN - ReLU - Dropout - Conv(kernel_size)``
    plus a max-pooled, 1x1-projected skip path), each halving the length,
    then ``BN - ReLU``, global average and global max pooling over time
    (concatenated) and the output layer. It follows the design of Hannun et
    al. (2019) for rhythm classification of single-lead records, at a size
    that trains on a CPU: with the defaults a 30-s record at 100 Hz (3,000
    samples) ends as 128 channels of 12 samples.

    Because of the global pooling the network summarises the whole input,
    whatever its length: every block rounds half lengths up and the
    convolutions are zero-padded, so even a single sample passes
    (:meth:`min_input_lengths`); the beat-sized networks
    (:class:`ResidualCNN` and :class:`ConvNet`) flatten a fixed-length map
    instead.

    Parameter count: 697,060 for 1 lead and 4 classes with the defaults; it
    does not depend on the input length.

    Parameters
    ----------
    n_outputs : int, default=4
        Number of classes.
    n_channels : int, default=1
        Number of leads.
    n_timesteps : int or None, default=None
        Input length, checked against the minimum length when given.
    filters : sequence of int, default=(16, 32, 32, 64, 64, 128, 128)
        Output channels of the residual blocks; the stem has ``filters[0]``.
    kernel_size : int, default=9
        Kernel size of the blocks' convolutions (odd).
    stem_kernel_size : int, default=15
        Kernel size of the stem convolution (odd).
    dropout : float, default=0.2
        Dropout rate inside every block.

    References
    ----------
    A. Y. Hannun, P. Rajpurkar, M. Haghpanahi et al., "Cardiologist-level
    arrhythmia detection and classification in ambulatory electrocardiograms
    using a deep neural network", Nature Medicine 25, 65-69 (2019).

    Examples
    --------
    >>> import torch
    >>> net = RhythmResNet(n_outputs=4)
    >>> net(torch.zeros(2, 1, 3000)).shape
    torch.Size([2, 4])
    >>> net.forward_features(torch.zeros(2, 1, 1000)).shape
    torch.Size([2, 256])
    """

    any_length = True  # global average pooling

    def __init__(
        self,
        n_outputs: int = 4,
        n_channels: int = 1,
        n_timesteps: int | None = None,
        filters: Sequence[int] = (16, 32, 32, 64, 64, 128, 128),
        kernel_size: int = 9,
        stem_kernel_size: int = 15,
        dropout: float = 0.2,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        filters = tuple(int(f) for f in filters)
        if not filters or min(filters) < 1:
            raise ValueError(
                "filters must be a non-empty sequence of positive channel "
                f"counts, one per residual block; got {filters}."
            )
        _check_odd("kernel_size", kernel_size)
        _check_odd("stem_kernel_size", stem_kernel_size)
        self.stem = nn.Conv1d(
            n_channels,
            filters[0],
            stem_kernel_size,
            stride=2,
            padding=stem_kernel_size // 2,
        )
        blocks = []
        width = filters[0]
        for out in filters:
            blocks.append(_StridedResidualBlock(width, out, kernel_size, dropout))
            width = out
        self.blocks = nn.Sequential(*blocks, nn.BatchNorm1d(width), nn.ReLU())
        self._build_classifier()

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the pooled activations ``(batch, 2 * filters[-1])``.

        The first half is the average over time of the last block's
        channels, the second half their maximum.
        """
        maps = self.blocks(self.stem(x))
        return torch.cat([maps.mean(dim=-1), maps.amax(dim=-1)], dim=1)
