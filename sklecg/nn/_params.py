"""The checks of :class:`~sklecg.nn.ECGClassifier`'s parameters.

:func:`check_params` runs at the start of every ``fit`` (scikit-learn
estimators validate parameters in ``fit``, not in ``__init__``) and raises a
``ValueError`` that names the parameter, what it must be, and what it got.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

__all__ = [
    "OPTIMIZERS",
    "SCHEDULERS",
    "check_params",
    "optimizer_class",
    "resolve_device",
]

#: the optimizers ECGClassifier's ``optimizer`` may name (case-insensitive)
OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "sgd": torch.optim.SGD,
}
#: the values of ECGClassifier's ``lr_scheduler``
SCHEDULERS = (None, "step", "plateau", "cosine")


def resolve_device(device):
    """The device ``"auto"`` stands for: CUDA when available, else the CPU.

    Examples
    --------
    >>> resolve_device("cpu"), resolve_device("auto") in ("cuda", "cpu")
    ('cpu', True)
    """
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def optimizer_class(optimizer) -> type:
    """The optimizer class ``optimizer`` names, or ``optimizer`` itself.

    Examples
    --------
    >>> optimizer_class("AdamW").__name__, optimizer_class(torch.optim.SGD).__name__
    ('AdamW', 'SGD')
    """
    return OPTIMIZERS[optimizer.lower()] if isinstance(optimizer, str) else optimizer


def _is_int(value, minimum: int) -> bool:
    """Whether ``value`` is an int (not a bool) of at least ``minimum``."""
    integer = isinstance(value, int | np.integer) and not isinstance(value, bool)
    return integer and value >= minimum


def _negative(weights) -> bool:
    """Whether class weights (a sequence, dict or tensor) hold a negative one."""
    if weights is None or isinstance(weights, str):
        return False
    values = list(weights.values()) if isinstance(weights, Mapping) else weights
    return not np.all(np.asarray(values, dtype=np.float64) >= 0)


def check_params(net) -> None:
    """Raise a ``ValueError`` for the first invalid parameter of ``net``.

    Parameters
    ----------
    net : ECGClassifier
        The estimator whose parameters are checked.

    Examples
    --------
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> check_params(ECGClassifier(SimpleCNN))
    >>> check_params(ECGClassifier(SimpleCNN, validation_fraction=1.0))
    Traceback (most recent call last):
    ...
    ValueError: validation_fraction must be None or in [0, 1), got 1.0.
    """
    fraction, scheduler = net.validation_fraction, net.lr_scheduler
    if fraction is not None and not 0 <= fraction < 1:
        raise ValueError(
            f"validation_fraction must be None or in [0, 1), got {fraction}."
        )
    if scheduler not in SCHEDULERS:
        raise ValueError(
            f"lr_scheduler must be one of {SCHEDULERS}, got {scheduler!r}."
        )
    if net.lr_step_size is not None and scheduler != "step":
        raise ValueError(
            "lr_step_size is the period of lr_scheduler='step' only, got "
            f"{net.lr_step_size} with lr_scheduler={scheduler!r}; leave it None "
            "(set the patience of 'plateau' with "
            "callbacks__lr_scheduler__patience=...)."
        )
    if not _is_int(net.max_epochs, 1):
        raise ValueError(
            "max_epochs must be a positive int (the number of training epochs), "
            f"got {net.max_epochs!r}."
        )
    if net.precision not in ("bf16", "fp32"):
        raise ValueError(
            f"precision must be one of ['bf16', 'fp32'], got {net.precision!r}."
        )
    if isinstance(net.optimizer, str) and net.optimizer.lower() not in OPTIMIZERS:
        raise ValueError(
            f"optimizer {net.optimizer!r} is unknown; pass one of "
            f"{sorted(OPTIMIZERS)} or a torch.optim.Optimizer class."
        )
    if (net.module is None) == (net.init_from is None):
        raise ValueError(
            "Pass exactly one of module (a network class such as SimpleCNN) and "
            "init_from (a trained network to transfer); got "
            f"module={net.module!r}, init_from={type(net.init_from).__name__}."
        )
    if not isinstance(net.verbose, int | np.integer) or net.verbose < 0:
        raise ValueError(
            "verbose must be an int >= 0 (0: quiet, 1: one line per epoch, 2: "
            f"also a progress bar of the batches), got {net.verbose!r}."
        )
    if net.train_crop_length is not None and not _is_int(net.train_crop_length, 1):
        raise ValueError(
            "train_crop_length must be None or a positive int (a number of "
            f"samples), got {net.train_crop_length!r}."
        )
    weights = {
        "class_weight": net.class_weight,
        "criterion__weight": net.get_params_for("criterion").get("weight"),
    }
    for name, value in weights.items():
        if _negative(value):
            raise ValueError(
                f"{name} must hold non-negative class weights (0 ignores a "
                f"class); got {value!r}. Pass weights >= 0, or "
                "class_weight='balanced'."
            )
