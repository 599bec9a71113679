"""Neural ECG classifiers: a skorch estimator and the reports' architectures.

:class:`ECGClassifier` wraps any of the networks (:class:`SimpleCNN`,
:class:`ConvNet`, :class:`ResidualCNN`, :class:`CoupledCNN`, :class:`CNNLSTM`,
:class:`SpectrogramCNNLSTM`, :class:`RhythmResNet`, :class:`BeatRhythmNet`)
as a scikit-learn classifier whose architecture and training hyperparameters
``GridSearchCV`` can search. :func:`report_network` gives the settings of each
reference report's network by name (parameter counts as published).
"""

from sklecg.nn._base import ECGModule, count_parameters, parameterized_layers
from sklecg.nn._beat_rhythm import BeatRhythmNet
from sklecg.nn._classifier import ECGClassifier
from sklecg.nn._cnn_lstm import CNNLSTM
from sklecg.nn._convnet import ConvNet
from sklecg.nn._coupled import CoupledCNN
from sklecg.nn._export import export_onnx
from sklecg.nn._losses import FocalLoss
from sklecg.nn._reports import (
    REPORT_NETWORKS,
    ReportNetwork,
    report_network,
    report_network_grid,
)
from sklecg.nn._residual import ResidualCNN
from sklecg.nn._rhythm_resnet import RhythmResNet
from sklecg.nn._sampling import BalancedSampler, compute_class_weight
from sklecg.nn._simple_cnn import SimpleCNN
from sklecg.nn._spectrogram import SpectrogramCNNLSTM
from sklecg.nn._transfer import freeze_layers, transfer_module

__all__ = [
    "REPORT_NETWORKS",
    "ReportNetwork",
    "report_network",
    "report_network_grid",
    "CNNLSTM",
    "BalancedSampler",
    "BeatRhythmNet",
    "ConvNet",
    "CoupledCNN",
    "ECGClassifier",
    "ECGModule",
    "FocalLoss",
    "ResidualCNN",
    "RhythmResNet",
    "SimpleCNN",
    "SpectrogramCNNLSTM",
    "compute_class_weight",
    "count_parameters",
    "export_onnx",
    "freeze_layers",
    "parameterized_layers",
    "transfer_module",
]
