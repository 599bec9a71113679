"""scikit-learn style displays for ECG data sets and models.

Every display stores what it draws, has a ``plot(ax=...)`` method and one or
more ``from_*`` constructors, and keeps the drawn ``ax_``/``axes_`` and
``figure_``.
"""

from ._confusion import NormalizedConfusionMatrixDisplay
from ._describe import SignalStatsDisplay, describe_signals
from ._distributions import ClassDistributionDisplay, LengthDistributionDisplay
from ._embedding import EmbeddingDisplay
from ._gradcam import GradCAMDisplay
from ._history import TrainingHistoryDisplay
from ._signals import MeanSignalDisplay, SignalExamplesDisplay

__all__ = [
    "ClassDistributionDisplay",
    "EmbeddingDisplay",
    "GradCAMDisplay",
    "LengthDistributionDisplay",
    "MeanSignalDisplay",
    "NormalizedConfusionMatrixDisplay",
    "SignalExamplesDisplay",
    "SignalStatsDisplay",
    "TrainingHistoryDisplay",
    "describe_signals",
]
