"""FocalLoss: cross-entropy at gamma=0, the reference formula, bad arguments."""

import pytest
import torch
from torch import nn

from sklecg.nn import FocalLoss


def test_focal_loss_reduces_to_cross_entropy():
    torch.manual_seed(0)
    logits, target = torch.randn(20, 3), torch.randint(0, 3, (20,))
    weight = torch.tensor([0.5, 1.0, 3.0])
    torch.testing.assert_close(
        FocalLoss(gamma=0)(logits, target), nn.functional.cross_entropy(logits, target)
    )
    torch.testing.assert_close(
        FocalLoss(gamma=0, weight=weight)(logits, target),
        nn.functional.cross_entropy(logits, target, weight=weight),
    )
    # reference: -(1 - p)^gamma log p per example
    p = torch.softmax(logits, -1)[torch.arange(20), target]
    expected = -((1 - p) ** 2) * torch.log(p)
    torch.testing.assert_close(FocalLoss(reduction="none")(logits, target), expected)
    torch.testing.assert_close(
        FocalLoss(reduction="sum")(logits, target), expected.sum()
    )


def test_focal_loss_rejects_bad_arguments():
    with pytest.raises(ValueError, match="reduction must be"):
        FocalLoss(reduction="max")
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        FocalLoss(gamma=-1)
