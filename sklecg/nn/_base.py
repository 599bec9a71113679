"""Shared base class and helpers of the sklecg network modules."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = [
    "ECGModule",
    "check_min_length",
    "conv_block",
    "count_parameters",
    "mlp",
    "parameterized_layers",
    "per_block",
]


class ECGModule(nn.Module):
    """Base class of the sklecg networks: a feature extractor and a linear head.

    Subclasses build ``self.classifier`` (an :class:`torch.nn.Linear`, the
    output layer, registered last) and implement :meth:`forward_features`,
    which returns the penultimate-layer activations fed to ``classifier``.
    ``input_kind`` tells :class:`~sklecg.nn.ECGClassifier` how to shape the
    input: ``"signal"`` for ``(batch, n_channels, n_timesteps)`` and
    ``"spectrogram"`` for ``(batch, n_channels, n_freqs, n_frames)``.
    """

    input_kind = "signal"

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the penultimate-layer activations ``(batch, n_features)``."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the class logits ``(batch, n_outputs)``."""
        return self.classifier(self.forward_features(x))

    def _feature_shape(self, extractor: nn.Module, input_shape: Sequence[int]):
        """Shape (without batch) of ``extractor`` applied to a zero input."""
        was_training = extractor.training
        extractor.eval()
        with torch.no_grad():
            out = extractor(torch.zeros(1, *input_shape))
        extractor.train(was_training)
        return tuple(out.shape[1:])


def count_parameters(
    module: nn.Module,
    trainable_only: bool = False,
    layer_types: tuple[type[nn.Module], ...] | None = None,
) -> int:
    """Number of parameters of a torch module.

    Parameters
    ----------
    module : torch.nn.Module
        The network.
    trainable_only : bool, default=False
        Count only parameters with ``requires_grad=True``.
    layer_types : tuple of torch.nn.Module classes or None, default=None
        Count only the parameters of layers of these types, e.g.
        ``(torch.nn.Conv1d,)`` for the convolution weights and biases that
        ablation tables report; None counts every parameter.

    Returns
    -------
    int

    Examples
    --------
    >>> from torch import nn
    >>> from sklecg.nn import SimpleCNN
    >>> count_parameters(SimpleCNN(n_outputs=5, n_timesteps=187))
    52357
    >>> count_parameters(SimpleCNN(), layer_types=(nn.Conv1d,))
    35200
    """
    if layer_types is None:
        params = module.parameters()
    else:
        params = (
            p
            for layer in module.modules()
            if isinstance(layer, layer_types)
            for p in layer.parameters(recurse=False)
        )
    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)


def parameterized_layers(module: nn.Module) -> list[tuple[str, nn.Module]]:
    """Layers that own parameters, in registration order (output layer last).

    Parameters
    ----------
    module : torch.nn.Module
        The network.

    Returns
    -------
    list of (str, torch.nn.Module)
        ``(name, layer)`` for every submodule with parameters of its own
        (convolutions, batch norms, LSTMs, dense layers).

    Examples
    --------
    >>> from sklecg.nn import SimpleCNN
    >>> [name for name, _ in parameterized_layers(SimpleCNN())]
    ['conv.0.1', 'conv.1.1', 'conv.2.1', 'head.0', 'classifier']
    """
    return [
        (name, layer)
        for name, layer in module.named_modules()
        if any(True for _ in layer.parameters(recurse=False))
    ]


def check_min_length(name: str, length: int, needed: int, what: str) -> None:
    """Raise a ValueError when an input is too short for a network."""
    if length < needed:
        raise ValueError(
            f"{name} needs inputs of at least {needed} {what}, got {length}. "
            "Resample the signals to a longer length (sklecg.preprocessing."
            "Resampler) or use smaller kernels/fewer pooling blocks."
        )


def per_block(value, n_blocks: int, name: str) -> tuple:
    """Broadcast an int (or other scalar) to one value per block."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n_blocks:
            raise ValueError(
                f"{name} must have one entry per block ({n_blocks}), got "
                f"{len(value)}: {tuple(value)}."
            )
        return tuple(value)
    return (value,) * n_blocks


def conv_block(
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    *,
    pool: nn.Module | None,
    batch_norm: bool = True,
    dim: int = 1,
) -> nn.Sequential:
    """Convolution ("same" padding) [+ BatchNorm] + ReLU [+ pooling]."""
    conv = (nn.Conv1d, nn.Conv2d)[dim - 1]
    norm = (nn.BatchNorm1d, nn.BatchNorm2d)[dim - 1]
    # explicit zero padding keeps the length for even kernels too ("same")
    pad = (nn.ConstantPad1d, nn.ConstantPad2d)[dim - 1]
    left = (kernel_size - 1) // 2
    layers = [
        pad((left, kernel_size - 1 - left) * dim, 0.0),
        conv(in_channels, out_channels, kernel_size),
    ]
    if batch_norm:
        layers.append(norm(out_channels))
    layers.append(nn.ReLU())
    if pool is not None:
        layers.append(pool)
    return nn.Sequential(*layers)


def mlp(in_features: int, hidden: Sequence[int], dropout: float) -> nn.Sequential:
    """Dense - ReLU - Dropout for every width in ``hidden``."""
    layers = []
    for width in hidden:
        layers += [nn.Linear(in_features, width), nn.ReLU(), nn.Dropout(dropout)]
        in_features = width
    return nn.Sequential(*layers)
