"""Pieces of :class:`~sklecg.nn.ECGClassifier`'s training loop.

Seeding from ``random_state`` (:func:`seeded`), the stratified validation
split (:func:`validation_split`), the mini-batch sampler
(:func:`batch_sampler`) and the ``sample_weight``-weighted loss
(:func:`weighted_loss`). The classifier's skorch hooks call them.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state
from skorch.dataset import ValidSplit
from skorch.utils import data_from_dataset, to_numpy
from torch.utils.data import BatchSampler, RandomSampler, SequentialSampler

from sklecg.nn._sampling import BalancedSampler

__all__ = ["batch_sampler", "seed", "seeded", "validation_split", "weighted_loss"]


def seed(random_state) -> int | None:
    """A torch seed drawn from ``random_state`` (None for None).

    Examples
    --------
    >>> seed(0) == seed(0), seed(None)
    (True, None)
    """
    if random_state is None:
        return None
    return int(check_random_state(random_state).randint(2**31 - 1))


@contextmanager
def seeded(random_state):
    """Seed torch from ``random_state``; its global state is restored after.

    Examples
    --------
    >>> with seeded(0):
    ...     first = torch.rand(1)
    >>> with seeded(0):
    ...     bool(torch.rand(1) == first)
    True
    """
    value = seed(random_state)
    with torch.random.fork_rng(enabled=value is not None):
        if value is not None:
            torch.manual_seed(value)
        yield


def validation_split(dataset, y, fraction: float, random_state=None):
    """The training and the stratified validation part of ``dataset``.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        The training data.
    y : ndarray of int
        The encoded labels of ``dataset``.
    fraction : float
        The fraction held out, in (0, 1).
    random_state : int, RandomState instance or None, default=None
        Seeds the split.

    Returns
    -------
    train, valid : torch.utils.data.Dataset
    """
    split = ValidSplit(fraction, True, random_state=seed(random_state))
    try:
        return split(dataset, y)
    except ValueError as exc:
        raise ValueError(
            f"Cannot hold out a stratified validation_fraction={fraction} of "
            f"{len(y)} samples with class counts {np.bincount(y).tolist()} "
            f"({exc}). Use more data, a larger fraction, or "
            "validation_fraction=None."
        ) from exc


def batch_sampler(
    dataset, batch_size: int, *, shuffle=False, sampler_ratio=None, drop_last=False
) -> BatchSampler:
    """Mini-batches of indices of ``dataset``, each fetched by one indexing.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        The data; its labels are read when ``sampler_ratio`` is given.
    batch_size : int
        Samples per batch; -1 for the whole set.
    shuffle : bool, default=False
        Whether to draw the samples in random order.
    sampler_ratio : float or None, default=None
        If given, batches are drawn by :class:`BalancedSampler` of this ratio.
    drop_last : bool, default=False
        Whether to drop the last, incomplete batch.

    Examples
    --------
    >>> list(batch_sampler(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    if sampler_ratio is not None:
        labels = to_numpy(data_from_dataset(dataset)[1])
        sampler = BalancedSampler(labels, sampler_ratio)
    else:
        sampler = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
    batch_size = len(dataset) if batch_size == -1 else batch_size
    return BatchSampler(sampler, batch_size, drop_last=drop_last)


def weighted_loss(criterion, y_pred, y_true, sample_weight) -> torch.Tensor:
    """The loss of ``criterion`` as a ``sample_weight``-weighted mean.

    With weights ``s_i`` and the criterion's class weights ``w_c`` the loss is
    ``sum(s_i w_ci l_i) / sum(s_i w_ci)``: the mean over the samples repeated
    ``s_i`` times.

    Examples
    --------
    >>> loss = torch.nn.CrossEntropyLoss()
    >>> logits, y = torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0])
    >>> repeated = loss(logits[[0, 1, 1]], y[[0, 1, 1]])
    >>> bool(torch.isclose(weighted_loss(loss, logits, y, torch.tensor([1.0, 2])),
    ...                    repeated))
    True
    """
    reduction, criterion.reduction = criterion.reduction, "none"
    try:
        losses = criterion(y_pred, y_true)  # class weights included
    finally:
        criterion.reduction = reduction
    class_weight = getattr(criterion, "weight", None)
    total = (
        sample_weight if class_weight is None else sample_weight * class_weight[y_true]
    )
    return (sample_weight * losses).sum() / total.sum().clamp_min(1e-12)
