"""sklecg.nn._training: seeding, validation split, batches, weighted loss."""

import numpy as np
import pytest
import torch
from skorch.dataset import Dataset

from sklecg.nn._training import (
    batch_sampler,
    seed,
    seeded,
    validation_split,
    weighted_loss,
)


def test_seeded_draws_the_same_numbers_and_restores_the_global_state():
    assert seed(None) is None and seed(3) == seed(np.random.RandomState(3))
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    with seeded(0):
        first = torch.rand(3)
    assert torch.rand(1) == before  # the global state is untouched
    with seeded(0):
        assert torch.equal(torch.rand(3), first)
    with seeded(None):  # no seed: the global state is used, and advanced
        torch.rand(1)


def test_validation_split_is_stratified_and_seeded():
    X, y = np.zeros((40, 3), dtype=np.float32), np.repeat([0, 1], 20)
    train, valid = validation_split(Dataset(X, y), y, 0.25, random_state=0)
    assert (len(train), len(valid)) == (30, 10)
    assert np.bincount(y[valid.indices]).tolist() == [5, 5]
    again = validation_split(Dataset(X, y), y, 0.25, random_state=0)[1]
    assert np.array_equal(valid.indices, again.indices)


def test_validation_split_too_small_for_the_classes_says_what_to_do():
    X, y = np.zeros((10, 3), dtype=np.float32), np.array([0] * 9 + [1])
    with pytest.raises(
        ValueError,
        match=r"Cannot hold out a stratified validation_fraction=0.1 of 10 samples"
        r" with class counts \[9, 1\] \(.*\)\. Use more data",
    ):
        validation_split(Dataset(X, y), y, 0.1)


def test_batch_sampler_orders_shuffles_balances_and_drops():
    assert list(batch_sampler(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batch_sampler(range(5), -1)) == [[0, 1, 2, 3, 4]]
    assert list(batch_sampler(range(5), 2, drop_last=True)) == [[0, 1], [2, 3]]
    torch.manual_seed(0)
    shuffled = [
        i for batch in batch_sampler(range(50), 10, shuffle=True) for i in batch
    ]
    assert sorted(shuffled) == list(range(50)) and shuffled != list(range(50))
    y = np.array([0] * 8 + [1] * 2)
    dataset = Dataset(np.zeros((10, 3), dtype=np.float32), y)
    drawn = [i for batch in batch_sampler(dataset, 4, sampler_ratio=1.0) for i in batch]
    assert np.bincount(y[drawn]).tolist() == [8, 8]  # the minority over-sampled


@pytest.mark.parametrize("class_weight", [None, torch.tensor([0.5, 2.0])])
def test_weighted_loss_is_the_loss_of_repeated_samples(class_weight):
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -1.0]])
    y = torch.tensor([0, 0, 1, 1])
    weights = torch.tensor([1.0, 2.0, 0.0, 3.0])
    criterion = torch.nn.CrossEntropyLoss(weight=class_weight)
    repeated = torch.repeat_interleave(torch.arange(4), weights.long())
    expected = criterion(logits[repeated], y[repeated])
    torch.testing.assert_close(weighted_loss(criterion, logits, y, weights), expected)
    assert criterion.reduction == "mean"  # restored
    zero = weighted_loss(criterion, logits, y, torch.zeros(4))
    assert zero == 0.0  # no weight at all: no loss, no division by zero
