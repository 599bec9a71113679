"""Class weights and balanced mini-batch sampling."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import torch
from torch.utils.data import Sampler

__all__ = ["BalancedSampler", "compute_class_weight"]


def compute_class_weight(
    class_weight, y: np.ndarray, classes: np.ndarray, alpha: float = 1.0
) -> np.ndarray | None:
    """Per-class loss weights ``w_c = (n / (k n_c)) ** alpha``.

    Parameters
    ----------
    class_weight : None, "balanced" or dict
        None gives no weights; ``"balanced"`` the formula above; a dict maps
        class labels to weights (missing classes get 1).
    y : ndarray of shape (n_samples,)
        Encoded labels ``0 .. k-1``.
    classes : ndarray of shape (k,)
        The user's labels in encoded order (keys of a ``class_weight`` dict).
    alpha : float, default=1.0
        Exponent: 0 gives uniform weights, 1 fully balanced ones, values in
        between soften the balancing.

    Returns
    -------
    weights : ndarray of float32 of shape (k,) or None

    Examples
    --------
    >>> import numpy as np
    >>> compute_class_weight("balanced", np.array([0, 0, 0, 1]), np.array(["a", "b"]))
    array([0.6666667, 2.       ], dtype=float32)
    """
    if class_weight is None:
        return None
    k = len(classes)
    if isinstance(class_weight, str) and class_weight == "balanced":
        counts = np.bincount(y, minlength=k)
        return ((len(y) / (k * counts)) ** alpha).astype(np.float32)
    if isinstance(class_weight, Mapping):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has labels {sorted(map(str, unknown))} that are "
                f"not in y; classes are {classes.tolist()}."
            )
        return np.array(
            [float(class_weight.get(c, 1.0)) ** alpha for c in classes.tolist()],
            dtype=np.float32,
        )
    raise ValueError(
        f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}."
    )


class BalancedSampler(Sampler):
    """Over-sample minority classes to ``ratio`` times the majority count.

    Each epoch yields every sample once; classes with fewer than
    ``ratio * n_majority`` samples get extra indices drawn with replacement
    until they reach that count, and the whole list is shuffled (the "sampler
    ratio" of the reports: 1.0 gives balanced batches in expectation, 0.5
    brings every minority class to half the majority count).

    Randomness comes from ``generator`` or, if None, from torch's global
    generator (seeded by ``ECGClassifier(random_state=...)``).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of the training samples.
    ratio : float, default=1.0
        Target size of every class relative to the majority class, in (0, 1].
    generator : torch.Generator or None, default=None
        Source of randomness.

    Examples
    --------
    >>> import numpy as np, torch
    >>> sampler = BalancedSampler(np.array([0] * 8 + [1] * 2), ratio=1.0,
    ...                           generator=torch.Generator().manual_seed(0))
    >>> len(sampler), np.bincount(np.array([0] * 8 + [1] * 2)[list(sampler)])
    (16, array([8, 8]))
    """

    def __init__(self, y, ratio: float = 1.0, generator=None):
        if not 0 < ratio <= 1:
            raise ValueError(f"sampler ratio must be in (0, 1], got {ratio}.")
        _, self.y = np.unique(np.asarray(y), return_inverse=True)
        self.ratio = ratio
        self.generator = generator
        counts = np.bincount(self.y)
        self.targets = np.maximum(counts, int(np.ceil(ratio * counts.max())))

    def __len__(self) -> int:
        return int(self.targets.sum())

    def __iter__(self) -> Iterator[int]:
        parts = [torch.arange(len(self.y))]
        for c, target in enumerate(self.targets):
            members = torch.from_numpy(np.flatnonzero(self.y == c))
            extra = int(target) - len(members)
            if extra > 0:
                pick = torch.randint(len(members), (extra,), generator=self.generator)
                parts.append(members[pick])
        indices = torch.cat(parts)
        order = torch.randperm(len(indices), generator=self.generator)
        return iter(indices[order].tolist())
