"""Focal loss for imbalanced classification."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["FocalLoss"]


class FocalLoss(nn.Module):
    """Multi-class focal loss on logits (Lin et al., 2017).

    ``loss_i = -w_{y_i} (1 - p_{i, y_i})^gamma log p_{i, y_i}``, averaged
    with the class weights like :class:`torch.nn.CrossEntropyLoss`, so
    ``gamma=0`` gives exactly the (weighted) cross-entropy.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter: larger values down-weight well classified
        examples.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights (``ECGClassifier(class_weight=...)`` sets it).
    reduction : {"mean", "sum", "none"}, default="mean"
        How the per-example losses are combined.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1])
    >>> float(FocalLoss(gamma=0)(logits, target)) == float(
    ...     torch.nn.functional.cross_entropy(logits, target))
    True
    """

    def __init__(
        self,
        gamma: float = 2.0,
        weight: torch.Tensor | None = None,
        reduction: str = "mean",
    ):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}."
            )
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma}.")
        self.gamma = gamma
        self.reduction = reduction
        self.register_buffer(
            "weight", None if weight is None else torch.as_tensor(weight).float()
        )

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Loss of ``logits`` (batch, n_classes) for class indices ``target``."""
        log_p = torch.log_softmax(logits, dim=-1).gather(1, target[:, None])[:, 0]
        loss = -((1.0 - log_p.exp()) ** self.gamma) * log_p
        w = (
            torch.ones_like(loss)
            if self.weight is None
            else self.weight.to(loss.dtype)[target]
        )
        loss = loss * w
        if self.reduction == "none":
            return loss
        if self.reduction == "sum":
            return loss.sum()
        return loss.sum() / w.sum()
