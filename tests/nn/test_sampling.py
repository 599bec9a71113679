"""Class weights and the balanced sampler."""

import numpy as np
import pytest
import torch

from sklecg.nn import BalancedSampler, compute_class_weight


def test_compute_class_weight_formula():
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    classes = np.array(["N", "S", "V"])
    n, k, counts = 10, 3, np.array([6, 3, 1])
    for alpha in (0.0, 0.5, 1.0):
        np.testing.assert_allclose(
            compute_class_weight("balanced", y, classes, alpha),
            (n / (k * counts)) ** alpha,
            rtol=1e-6,
        )
    np.testing.assert_allclose(
        compute_class_weight({"V": 4.0}, y, classes), [1.0, 1.0, 4.0]
    )
    assert compute_class_weight(None, y, classes) is None
    with pytest.raises(ValueError, match=r"labels \['X'\] that are not in y"):
        compute_class_weight({"X": 2.0}, y, classes)
    with pytest.raises(ValueError, match="class_weight must be None"):
        compute_class_weight("auto", y, classes)


@pytest.mark.parametrize(
    ("ratio", "expected"), [(1.0, [60, 60, 60]), (0.5, [60, 30, 30])]
)
def test_balanced_sampler_counts(ratio, expected):
    y = np.array([0] * 60 + [1] * 20 + [2] * 5)
    sampler = BalancedSampler(y, ratio, generator=torch.Generator().manual_seed(0))
    indices = np.array(list(sampler))
    assert len(indices) == len(sampler) == sum(expected)
    assert np.bincount(y[indices]).tolist() == expected
    # every sample is used at least once per epoch
    assert set(indices) == set(range(len(y)))
    again = BalancedSampler(y, ratio, generator=torch.Generator().manual_seed(0))
    assert list(again) == indices.tolist()


def test_balanced_sampler_rejects_bad_ratio():
    with pytest.raises(ValueError, match=r"ratio must be in \(0, 1\]"):
        BalancedSampler([0, 1], ratio=1.5)
