"""sklecg: scikit-learn compatible ECG classification.

Transformers, samplers, skorch-wrapped PyTorch classifiers, PhysioNet dataset
fetchers, metrics and plots that compose in one scikit-learn or
imbalanced-learn ``Pipeline``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
