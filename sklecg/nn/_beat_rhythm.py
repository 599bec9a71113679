"""BeatRhythmNet: a heartbeat's shape and its rhythm features in one network."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from sklecg.nn._base import ECGModule, conv_block, mlp

__all__ = ["BeatRhythmNet"]


class BeatRhythmNet(ECGModule):
    """A network that sees a heartbeat and its rhythm: a CNN and a dense branch.

    It takes two inputs. ``signal``, ``(batch, n_channels, n_timesteps)``,
    holds the beat window; its channels can be the beat, the patient's
    dominant beat (template) and their difference, which tell a beat of
    unusual shape (V, F) from that patient's normal one. ``features``,
    ``(batch, n_features)``, holds tabular features of the same beat: the RR
    intervals before and after it and their ratios to the local and
    long-term mean RR, which show a premature beat (S, V) whatever the
    heart rate (:class:`sklecg.features.BeatRRFeatures` computes both).

    * Signal branch: one ``Conv1d("same") - BatchNorm - ReLU - MaxPool(2)``
      block per entry of ``filters``, then global average and global max
      pooling over time (concatenated, ``2 * filters[-1]`` values), so any
      length from :meth:`min_input_lengths` on passes (8 samples with the
      defaults) and the parameter count does not depend on it.
    * Feature branch: ``BatchNorm1d - Dense(n_hidden) - ReLU``. The
      BatchNorm standardises each feature, so intervals in seconds and
      unitless ratios need no scaler beforehand; like every BatchNorm in
      training mode it needs batches of at least 2 samples.
    * Fusion: the two branches concatenated, ``Dense(n_hidden) - ReLU -
      Dropout``, then the output layer ``classifier``.

    :meth:`forward_features` returns the fused activations (the embedding
    fed to ``classifier``, of width ``n_hidden``).

    ``input_kind`` is ``"signal+features"``: the network is called as
    ``net(signal, features)`` or ``net(signal=..., features=...)``, the
    latter being how :class:`~sklecg.nn.ECGClassifier` passes a dict
    ``X = {"signal": ..., "features": ...}``.

    Parameter count: 94,815 for the defaults (3 channels, 13 features, 5
    classes), whatever the length.

    Parameters
    ----------
    n_outputs : int, default=5
        Number of classes (N, S, V, F, Q for MIT-BIH beats).
    n_channels : int, default=3
        Number of signal channels (beat, template and their difference).
    n_features : int, default=13
        Number of tabular features: the ten RR intervals and ratios and the
        three template-shape features of ``BeatRRFeatures(template=True)``.
    n_timesteps : int or None, default=None
        Length of the signal, checked against the minimum length when given.
    filters : sequence of int, default=(32, 64, 128)
        Output channels of each convolutional block (their number is the
        depth).
    kernel_size : int, default=7
        Kernel size of every convolution.
    n_hidden : int, default=64
        Width of the feature branch's dense layer and of the fusion layer.
    dropout : float, default=0.3
        Dropout rate after the fusion layer.

    Examples
    --------
    >>> import torch
    >>> from sklecg.nn import BeatRhythmNet, count_parameters
    >>> net = BeatRhythmNet(n_outputs=5, n_channels=3, n_features=13)
    >>> signal, features = torch.zeros(4, 3, 187), torch.zeros(4, 13)
    >>> net(signal, features).shape
    torch.Size([4, 5])
    >>> net.forward_features(signal=signal, features=features).shape
    torch.Size([4, 64])
    >>> count_parameters(net), net.min_input_lengths()
    (94815, {'n_timesteps': 8})
    """

    input_kind = "signal+features"
    any_length = True  # global pooling in the signal branch

    def __init__(
        self,
        n_outputs: int = 5,
        n_channels: int = 3,
        n_features: int = 13,
        n_timesteps: int | None = None,
        filters: Sequence[int] = (32, 64, 128),
        kernel_size: int = 7,
        n_hidden: int = 64,
        dropout: float = 0.3,
    ):
        super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
        self.n_features = n_features
        in_channels = [n_channels, *filters[:-1]]
        self.conv = nn.Sequential(
            *(
                conv_block(c_in, c_out, kernel_size, pool=nn.MaxPool1d(2))
                for c_in, c_out in zip(in_channels, filters)
            )
        )
        self.rhythm = nn.Sequential(
            nn.BatchNorm1d(n_features), nn.Linear(n_features, n_hidden), nn.ReLU()
        )
        self.fusion = mlp(2 * filters[-1] + n_hidden, [n_hidden], dropout)
        self._build_classifier()

    def forward_features(
        self, signal: torch.Tensor, features: torch.Tensor
    ) -> torch.Tensor:
        """Return the fused activations ``(batch, n_hidden)``.

        Parameters
        ----------
        signal : torch.Tensor of shape (batch, n_channels, n_timesteps)
            The beat windows.
        features : torch.Tensor of shape (batch, n_features)
            Their tabular (rhythm) features.
        """
        maps = self.conv(signal)
        beat = torch.cat([maps.mean(dim=-1), maps.amax(dim=-1)], dim=1)
        return self.fusion(torch.cat([beat, self.rhythm(features)], dim=1))

    def _zero_inputs(self, lengths: dict[str, int]) -> tuple[torch.Tensor, ...]:
        (signal,) = super()._zero_inputs(lengths)
        return signal, signal.new_zeros(1, self.n_features)
