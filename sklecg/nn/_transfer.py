"""Transfer learning: new output layer, frozen feature extractor."""

from __future__ import annotations

import copy

from torch import nn

from sklecg.nn._base import ECGModule, parameterized_layers

__all__ = ["freeze_layers", "transfer_module"]


def freeze_layers(module: nn.Module, n_trainable_layers: int | None) -> list[str]:
    """Freeze every parameterized layer except the last ``n_trainable_layers``.

    Parameters
    ----------
    module : torch.nn.Module
        The network, modified in place (``requires_grad=False`` on frozen
        parameters).
    n_trainable_layers : int or None
        How many of the last layers that own parameters stay trainable
        (1 = only the output layer, i.e. a frozen feature extractor); None
        keeps every layer trainable.

    Returns
    -------
    frozen : list of str
        Names of the frozen layers (their BatchNorm statistics must also stay
        fixed: :class:`~sklecg.nn.ECGClassifier` keeps them in eval mode).

    Examples
    --------
    >>> from sklecg.nn import SimpleCNN
    >>> freeze_layers(SimpleCNN(), n_trainable_layers=2)
    ['conv.0.1', 'conv.1.1', 'conv.2.1']
    """
    layers = parameterized_layers(module)
    if n_trainable_layers is None:
        n_trainable_layers = len(layers)
    if not 1 <= n_trainable_layers <= len(layers):
        raise ValueError(
            f"n_trainable_layers must be between 1 and the number of layers "
            f"with parameters ({len(layers)}) or None, got {n_trainable_layers}."
        )
    frozen = layers[: len(layers) - n_trainable_layers]
    for _, layer in frozen:
        layer.requires_grad_(False)
    return [name for name, _ in frozen]


def transfer_module(
    source: nn.Module, n_outputs: int, n_trainable_layers: int | None
) -> tuple[nn.Module, list[str]]:
    """Copy a trained network, give it a new output layer and freeze layers.

    Parameters
    ----------
    source : ECGModule
        A trained network (every sklecg architecture, or another
        :class:`~sklecg.nn.ECGModule` with an ``nn.Linear`` ``classifier``);
        it is not modified.
    n_outputs : int
        Number of classes of the new task.
    n_trainable_layers : int or None
        See :func:`freeze_layers`; the new output layer counts as one.

    Returns
    -------
    module : ECGModule
        The copy with a freshly initialised ``classifier``
        (:meth:`ECGModule.reset_head <sklecg.nn.ECGModule.reset_head>`).
    frozen : list of str
        Names of the frozen layers.

    Examples
    --------
    >>> from sklecg.nn import SimpleCNN
    >>> module, frozen = transfer_module(SimpleCNN(n_outputs=5), 2, 1)
    >>> module.classifier.out_features, frozen[-1]
    (2, 'head.0')
    """
    head = getattr(source, "classifier", None)
    if not isinstance(source, ECGModule) or not isinstance(head, nn.Linear):
        raise TypeError(
            "Transfer learning needs a network built on sklecg.nn.ECGModule whose "
            "output layer is an nn.Linear attribute named 'classifier'; got "
            f"{type(source).__name__} with {type(head).__name__}."
        )
    module = copy.deepcopy(source).requires_grad_(True).reset_head(n_outputs)
    return module, freeze_layers(module, n_trainable_layers)
