"""sklecg.nn._params: ECGClassifier's parameter checks, called directly."""

import numpy as np
import pytest
import torch
from _nn_common import toy_signals
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklecg.nn import ECGClassifier, SimpleCNN
from sklecg.nn._params import OPTIMIZERS, check_params, resolve_device


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"validation_fraction": None, "patience": None},
        {"validation_fraction": 0.0, "lr_scheduler": "step", "lr_step_size": 3},
        {"lr_scheduler": "plateau", "lr_factor": 0.5},
        {"max_epochs": np.int64(2), "verbose": 2, "train_crop_length": 32},
        {"optimizer": "RMSprop", "precision": "bf16"},
        {"optimizer": torch.optim.SGD, "class_weight": {"N": 0, "V": 2.5}},
        {"class_weight": "balanced", "criterion__weight": torch.ones(2)},
    ],
)
def test_valid_parameters_pass(params):
    check_params(ECGClassifier(SimpleCNN, **params))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"validation_fraction": 1.0}, r"validation_fraction must be None or in \["),
        ({"validation_fraction": -0.1}, "validation_fraction must be None"),
        ({"lr_scheduler": "cyclic"}, r"lr_scheduler must be one of \(None, 'step'"),
        ({"lr_step_size": 4}, "lr_step_size is the period of lr_scheduler='step'"),
        (
            {"lr_scheduler": "plateau", "lr_step_size": 4},
            "callbacks__lr_scheduler__patience",
        ),
        ({"max_epochs": 0}, "max_epochs must be a positive int"),
        ({"max_epochs": True}, "max_epochs must be a positive int"),
        ({"max_epochs": 2.0}, "max_epochs must be a positive int"),
        ({"precision": "fp16"}, r"precision must be one of \['bf16', 'fp32'\]"),
        ({"optimizer": "adagrad"}, r"optimizer 'adagrad' is unknown; pass one of"),
        ({"module": None}, "Pass exactly one of module"),
        ({"init_from": torch.nn.Linear(2, 2)}, "init_from=Linear"),
        ({"verbose": -1}, r"verbose must be an int >= 0 \(0: quiet"),
        ({"verbose": 1.0}, "verbose must be an int >= 0"),
        ({"train_crop_length": 0}, "train_crop_length must be None or a positive"),
        ({"train_crop_length": False}, "train_crop_length must be None"),
        (
            {"class_weight": {"N": -1.0}},
            r"class_weight must hold non-negative class weights \(0 ignores a",
        ),
        ({"criterion__weight": torch.tensor([1.0, -2.0])}, "criterion__weight must"),
    ],
)
def test_invalid_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        check_params(ECGClassifier(**{"module": SimpleCNN, **params}))


def test_named_optimizers_and_the_auto_device():
    assert sorted(OPTIMIZERS) == ["adam", "adamw", "rmsprop", "sgd"]
    assert issubclass(OPTIMIZERS["adamw"], torch.optim.Optimizer)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected
    device = torch.device("cpu")
    assert resolve_device(device) is device and resolve_device("cuda:1") == "cuda:1"


# -------------------------------------------- the same checks through fit
def small_net(**params):
    defaults = {"module": SimpleCNN, "max_epochs": 1, "batch_size": 16}
    return ECGClassifier(**{**defaults, "random_state": 0, **params})


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"class_weight": {"N": 1.0, "S": -0.5}}, "class_weight"),
        ({"class_weight": np.array([1.0, -1.0, 1.0])}, "class_weight"),
        ({"criterion__weight": torch.tensor([1.0, -1.0, 1.0])}, "criterion__weight"),
    ],
)
def test_negative_class_weights_are_refused_before_fitting(params, name):
    X, y = toy_signals(n=30)
    net = small_net(**params)
    with pytest.raises(ValueError) as info:
        net.fit(X, y)
    assert str(info.value) == (
        f"{name} must hold non-negative class weights (0 ignores a class); got "
        f"{params[name]!r}. Pass weights >= 0, or class_weight='balanced'."
    )
    with pytest.raises(NotFittedError):
        check_is_fitted(net)


# ------------------------------------------------------------ max_epochs
@pytest.mark.parametrize(
    "params",
    [
        {"max_epochs": 0},
        {"max_epochs": 1.5},
        {"max_epochs": 0, "validation_fraction": None},
    ],
)
def test_degenerate_max_epochs_is_refused_before_anything_is_fitted(params):
    X, y = toy_signals(n=30)
    net = small_net(**params)
    with pytest.raises(ValueError) as info:
        net.fit(X, y)
    assert str(info.value) == (
        f"max_epochs must be a positive int (the number of training epochs), "
        f"got {params['max_epochs']!r}."
    )
    assert not net.initialized_ and net.history_ is None
    assert not hasattr(net, "label_encoder_")
    with pytest.raises(NotFittedError):
        net.predict(X)
