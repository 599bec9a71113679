"""Data augmentation for ECG signals as an imbalanced-learn over-sampler."""

from sklecg.augmentation._augmenter import Augmenter

__all__ = ["Augmenter"]
