"""sklecg.nn._callbacks: the callbacks ECGClassifier's parameters ask for."""

import numpy as np
import pytest
from skorch.callbacks import EarlyStopping, ProgressBar

from sklecg.nn import ECGClassifier, SimpleCNN
from sklecg.nn._callbacks import (
    CosineSchedule,
    FreezeLayers,
    PlateauSchedule,
    RandomCrop,
    StepSchedule,
    encoded_accuracy,
    parameter_callbacks,
)


def named(**params):
    net = ECGClassifier(params.pop("module", SimpleCNN), **params)
    return {name: callback for name, callback in parameter_callbacks(net)}


def test_the_defaults_ask_for_early_stopping_only():
    callbacks = named()
    assert list(callbacks) == ["early_stopping"]
    stopper = callbacks["early_stopping"]
    assert isinstance(stopper, EarlyStopping)
    assert (stopper.patience, stopper.load_best) == (5, True)
    assert named(patience=None) == {} and named(validation_fraction=None) == {}


@pytest.mark.parametrize(
    ("params", "kind", "attributes"),
    [
        ({"lr_scheduler": "step"}, StepSchedule, {"step_size": 10, "gamma": 0.1}),
        (
            {"lr_scheduler": "step", "lr_step_size": 3, "lr_factor": 0.5},
            StepSchedule,
            {"step_size": 3, "gamma": 0.5},
        ),
        (
            {"lr_scheduler": "plateau", "lr_factor": 0.2},
            PlateauSchedule,
            {"patience": 10, "factor": 0.2, "monitor": "valid_loss"},
        ),
        (
            {"lr_scheduler": "plateau", "validation_fraction": None},
            PlateauSchedule,
            {"monitor": "train_loss"},
        ),
        ({"lr_scheduler": "cosine"}, CosineSchedule, {}),
    ],
)
def test_lr_scheduler_names_a_schedule(params, kind, attributes):
    schedule = named(**params)["lr_scheduler"]
    assert isinstance(schedule, kind)
    for key, value in attributes.items():
        assert getattr(schedule, key, schedule.kwargs.get(key)) == value


def test_crop_freezer_and_progress_bar(fake_stderr):
    assert named(train_crop_length=32)["random_crop"].length == 32
    freezer = named(module=None, init_from=SimpleCNN(), n_trainable_layers=2)
    assert isinstance(freezer["freezer"], FreezeLayers)
    assert freezer["freezer"].n_trainable_layers == 2
    fake_stderr(tty=False)
    assert "progress_bar" not in named(verbose=2)
    fake_stderr(tty=True)
    assert isinstance(named(verbose=2)["progress_bar"], ProgressBar)
    assert "progress_bar" not in named(verbose=1)
    order = named(lr_scheduler="cosine", train_crop_length=8, verbose=2)
    expected = ["early_stopping", "lr_scheduler", "random_crop", "progress_bar"]
    assert list(order) == expected
    assert isinstance(order["random_crop"], RandomCrop)


def test_encoded_accuracy_compares_the_codes():
    class Net:
        def predict_proba(self, X):
            return np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])

    assert encoded_accuracy(Net(), None, np.array([0, 1, 1])) == pytest.approx(2 / 3)
