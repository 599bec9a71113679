"""The networks of the five reference ECG reports, by name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from torch import nn

from sklecg.nn._cnn_lstm import CNNLSTM
from sklecg.nn._convnet import ConvNet
from sklecg.nn._coupled import CoupledCNN
from sklecg.nn._residual import ResidualCNN
from sklecg.nn._simple_cnn import SimpleCNN
from sklecg.nn._spectrogram import SpectrogramCNNLSTM

__all__ = ["REPORT_NETWORKS", "ReportNetwork", "report_network", "report_network_grid"]


@dataclass(frozen=True)
class ReportNetwork:
    """One network of a reference report: a module class and its settings.

    Attributes
    ----------
    report : str
        The report it comes from.
    description : str
        The architecture in the report's words (layers, filters, kernels).
    module : type
        The sklecg module class.
    module_params : dict
        The ``module__...`` settings (without the prefix).
    reported_parameters : int or None
        The parameter count the report gives for 187-sample beats and 5
        classes (``reported_conv_parameters`` when only the convolutions are
        counted), or None when it gives none.
    reported_conv_parameters : int or None
        The count of convolution weights and biases the report gives.
    """

    report: str
    description: str
    module: type[nn.Module]
    module_params: dict = field(default_factory=dict)
    reported_parameters: int | None = None
    reported_conv_parameters: int | None = None

    def build(self, **sizes) -> nn.Module:
        """The untrained module, e.g. ``build(n_outputs=5, n_timesteps=187)``.

        Parameters
        ----------
        **sizes
            Size arguments of the module (``n_outputs``, ``n_channels``,
            ``n_timesteps``, or ``n_freqs`` and ``n_frames``); the module's
            defaults otherwise (187-sample beats, 5 classes).

        Returns
        -------
        torch.nn.Module
        """
        return self.module(**sizes, **self.module_params)


_PYTORCH = "PyTorch MIT-BIH model comparison"
_SC4001 = "SC4001 CNN ablation"
_SC4001_MODELS = {
    # model: (filters, kernel sizes, reported convolution parameters)
    1: ((32,), (3,), 128),
    2: ((32,), (5,), 192),
    3: ((32,), (11,), 384),
    4: ((64,), (3,), 256),
    # 128 * 3 + 128 = 512: the report's 384 breaks the rule that gives its
    # other ten rows exactly (weights + biases of the convolutions)
    5: ((128,), (3,), 384),
    6: ((32, 64), (3, 3), 6_336),
    7: ((32, 64, 128), (3, 3, 3), 31_040),
    8: ((32, 64, 128, 256), (3, 3, 3, 3), 129_600),
    9: ((64, 128, 256, 512, 1024), (3, 3, 3, 3, 3), 2_091_136),
    10: ((64, 128, 256, 512, 1024), (11, 5, 3, 3, 3), 2_108_032),
    11: ((32, 32, 32, 32, 32), (3, 3, 3, 3, 3), 12_544),
}


def _sc4001_model(number: int) -> ReportNetwork:
    filters, kernels, conv_parameters = _SC4001_MODELS[number]
    layers = ", ".join(f"{f}x{k}" for f, k in zip(filters, kernels))
    return ReportNetwork(
        report=_SC4001,
        description=f"model {number}: {len(filters)} conv layer(s) [{layers}], "
        "'same' padding, BatchNorm, ReLU, AvgPool 2, two dense layers",
        module=ConvNet,
        module_params={"filters": filters, "kernel_sizes": kernels},
        reported_conv_parameters=conv_parameters,
    )


#: The reference reports' networks by name (see :func:`report_network`).
REPORT_NETWORKS: dict[str, ReportNetwork] = {
    "pytorch_simple_cnn": ReportNetwork(
        _PYTORCH,
        "three conv layers (32, 64, 128 filters of size 5) with max-pooling, "
        "no dropout or BatchNorm, global max-pool, output layer",
        SimpleCNN,
        {"kernel_sizes": 5, "n_hidden": None, "dropout": 0.0},
        52_229,
    ),
    "pytorch_four_layer_cnn": ReportNetwork(
        _PYTORCH,
        "four conv layers (32, 64, 128, 256 filters of size 5) with BatchNorm "
        "and max-pooling, global max-pool, dropout 0.5, output layer",
        SimpleCNN,
        {
            "filters": (32, 64, 128, 256),
            "kernel_sizes": 5,
            "n_hidden": None,
            "dropout": 0.5,
            "batch_norm": True,
        },
        217_925,
    ),
    "pytorch_residual_cnn": ReportNetwork(
        _PYTORCH,
        "a conv layer and five residual blocks (ten conv layers) of 128 "
        "filters of size 7 with BatchNorm, max-pool 2 after each block, "
        "dense 256 and 128 with dropout 0.2, output layer",
        ResidualCNN,
        {
            "n_filters": 128,
            "kernel_size": 7,
            "pool_size": 2,
            "n_hidden": (256, 128),
            "dropout": 0.2,
            "batch_norm": True,
        },
        1_354_981,
    ),
    "pytorch_coupled_cnn": ReportNetwork(
        _PYTORCH,
        "two pairs of coupled conv layers (32 and 64 filters of size 5), each "
        "pair followed by max-pool 2, dense 512 and 256 with dropout 0.5, "
        "output layer",
        CoupledCNN,
        {"filters": (32, 64), "kernel_size": 5, "n_hidden": (512, 256)},
        1_686_725,
    ),
    "usth_cnn": ReportNetwork(
        "USTH SMOTE labwork",
        "Conv 32x5 - pool - Conv 64x5 - pool - Conv 128x3 - global max-pool - "
        "Dense 128 - Dropout 0.5 - output layer",
        SimpleCNN,
        {},
        52_357,
    ),
    **{f"sc4001_model_{n}": _sc4001_model(n) for n in _SC4001_MODELS},
    "sc4001_cnn_lstm": ReportNetwork(
        _SC4001,
        "hybrid CNN-LSTM: two conv blocks (32, 64 filters of size 5, "
        "BatchNorm, max-pool 2), LSTM 64, dense 64, output layer",
        CNNLSTM,
    ),
    "technion_cnn": ReportNetwork(
        "Technion deep-learning project",
        "four conv layers (16, 32, 64, 128 filters of size 7, BatchNorm, "
        "AvgPool 2) and four dense layers (2048, 1024, 64 with dropout 0.3, "
        "output)",
        ConvNet,
        {
            "filters": (16, 32, 64, 128),
            "kernel_sizes": 7,
            "n_hidden": (2048, 1024, 64),
            "dropout": 0.3,
        },
        5_125_125,
    ),
    "amls_cnn_lstm": ReportNetwork(
        "AMLS exercise report (CinC 2017)",
        "STFT spectrogram - Conv2d 32 and 64 channels of kernel 6 with "
        "BatchNorm and max-pool - per-frame projection to 128 - LSTM 192",
        SpectrogramCNNLSTM,
        {"filters": (32, 64), "kernel_size": 6, "lstm_input": 128, "lstm_hidden": 192},
    ),
}


def _lookup(name: str) -> ReportNetwork:
    if name not in REPORT_NETWORKS:
        raise ValueError(
            f"Unknown report network {name!r}; pass one of {sorted(REPORT_NETWORKS)}."
        )
    return REPORT_NETWORKS[name]


def report_network(name: str, prefix: str = "") -> dict:
    """``ECGClassifier`` parameters that build one report's network.

    Parameters
    ----------
    name : str
        A key of :data:`REPORT_NETWORKS`: ``"pytorch_simple_cnn"``,
        ``"pytorch_four_layer_cnn"``, ``"pytorch_residual_cnn"``,
        ``"pytorch_coupled_cnn"``, ``"usth_cnn"``, ``"sc4001_model_1"`` ...
        ``"sc4001_model_11"``, ``"sc4001_cnn_lstm"``, ``"technion_cnn"`` or
        ``"amls_cnn_lstm"``.
    prefix : str, default=""
        Prepended to every key, e.g. ``"net__"`` for the ``net`` step of a
        ``Pipeline``.

    Returns
    -------
    dict
        ``{"module": <class>, "module__<arg>": value, ...}``: keyword
        arguments of :class:`~sklecg.nn.ECGClassifier`, or of its
        ``set_params``.

    Examples
    --------
    >>> from sklecg.nn import (
    ...     REPORT_NETWORKS, ECGClassifier, count_parameters, report_network)
    >>> params = report_network("pytorch_simple_cnn")
    >>> params["module"].__name__, params["module__kernel_sizes"]
    ('SimpleCNN', 5)
    >>> net = ECGClassifier(**params, max_epochs=30, lr=1e-3)
    >>> count_parameters(REPORT_NETWORKS["pytorch_simple_cnn"].build())
    52229
    """
    network = _lookup(name)
    params = {"module": network.module}
    params.update({f"module__{key}": v for key, v in network.module_params.items()})
    return {prefix + key: value for key, value in params.items()}


def report_network_grid(names: Iterable[str], prefix: str = "") -> list[dict]:
    """A ``GridSearchCV`` parameter grid with one candidate per report network.

    Parameters
    ----------
    names : iterable of str
        Keys of :data:`REPORT_NETWORKS`.
    prefix : str, default=""
        Prepended to every key, e.g. ``"net__"`` for the ``net`` step of a
        ``Pipeline``.

    Returns
    -------
    list of dict
        One grid per network, each value wrapped in a one-element list, so
        that ``GridSearchCV(pipe, report_network_grid([...], "net__"))``
        compares the networks.

    Examples
    --------
    >>> from sklecg.nn import report_network_grid
    >>> grid = report_network_grid(["sc4001_model_1", "sc4001_model_11"], "net__")
    >>> len(grid), grid[0]["net__module__filters"]
    (2, [(32,)])
    """
    return [
        {key: [value] for key, value in report_network(name, prefix).items()}
        for name in names
    ]
