"""Training callbacks of ECGClassifier: schedules, random crops, frozen layers.

:class:`~sklecg.nn.ECGClassifier` builds them from its parameters
(``lr_scheduler``, ``train_crop_length``, ``init_from``) under the names
``"lr_scheduler"``, ``"random_crop"`` and ``"freezer"``, so that their
parameters can be searched as ``callbacks__<name>__<parameter>``;
:func:`parameter_callbacks` is that construction.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping, LRScheduler, ProgressBar
from skorch.utils import to_numpy

from sklecg.nn._transfer import freeze_layers
from sklecg.utils._terminal import stderr_is_terminal

__all__ = [
    "CosineSchedule",
    "FreezeLayers",
    "PlateauSchedule",
    "RandomCrop",
    "StepSchedule",
    "encoded_accuracy",
    "parameter_callbacks",
    "random_crop",
]


class StepSchedule(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    step_size : int, default=10
        Epochs between two steps.
    gamma : float, default=0.1
        Multiplicative factor of each step.

    Examples
    --------
    >>> StepSchedule(step_size=4, gamma=0.5).kwargs
    {'step_size': 4, 'gamma': 0.5}
    """

    def __init__(self, step_size: int = 10, gamma: float = 0.1):
        super().__init__("StepLR", step_size=step_size, gamma=gamma)


class PlateauSchedule(LRScheduler):
    """Multiply the learning rate by ``factor`` when ``monitor`` stops falling.

    Parameters
    ----------
    patience : int, default=10
        Epochs without improvement of ``monitor`` before a step.
    factor : float, default=0.1
        Multiplicative factor of each step.
    monitor : str, default="valid_loss"
        The history key watched (``"train_loss"`` without a validation set).

    Examples
    --------
    >>> PlateauSchedule(patience=2).kwargs
    {'patience': 2, 'factor': 0.1}
    """

    def __init__(
        self, patience: int = 10, factor: float = 0.1, monitor: str = "valid_loss"
    ):
        super().__init__(
            "ReduceLROnPlateau", monitor=monitor, patience=patience, factor=factor
        )


class CosineSchedule(LRScheduler):
    """Lower the learning rate along a half cosine to 0 over ``max_epochs``.

    The period is the net's ``max_epochs`` when training starts.

    Examples
    --------
    >>> CosineSchedule().policy
    'CosineAnnealingLR'
    """

    def __init__(self):
        super().__init__("CosineAnnealingLR")

    def _get_scheduler(self, net, policy, **scheduler_kwargs):
        return super()._get_scheduler(
            net, policy, T_max=net.max_epochs, **scheduler_kwargs
        )


def random_crop(X: torch.Tensor, length: int) -> torch.Tensor:
    """A window of ``length`` samples of every signal, at random offsets.

    Parameters
    ----------
    X : torch.Tensor of shape (batch, n_channels, n_timesteps)
        The signals; one offset is drawn per signal (all its channels share
        it) from torch's global random state.
    length : int
        Samples per window, at most ``n_timesteps``.

    Returns
    -------
    torch.Tensor of shape (batch, n_channels, length)

    Examples
    --------
    >>> X = torch.arange(20.0).view(1, 2, 10)
    >>> crop = random_crop(X, 4)
    >>> crop.shape, bool((crop[0, 1] - crop[0, 0] == 10).all())
    (torch.Size([1, 2, 4]), True)
    """
    starts = torch.randint(0, X.shape[-1] - length + 1, (X.shape[0], 1, 1))
    index = starts.to(X.device) + torch.arange(length, device=X.device)
    return torch.gather(X, -1, index.expand(-1, X.shape[1], -1))


class RandomCrop(Callback):
    """Random-crop augmentation: train the network on windows of the signals.

    While the module is in training mode it is fed a window of ``length``
    samples of every signal (the single input, or the ``"signal"`` entry of
    named inputs), at a random offset drawn anew for every signal and batch.
    Validation and prediction (eval mode) see whole signals, so the module
    must take any length.

    Parameters
    ----------
    length : int
        Samples per window.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.nn import ECGClassifier, RhythmResNet
    >>> X, y = np.random.default_rng(0).normal(size=(20, 64)), [0, 1] * 10
    >>> net = ECGClassifier(RhythmResNet, module__filters=(4,), max_epochs=1,
    ...                     callbacks=[("crop", RandomCrop(32))]).fit(X, y)
    >>> net.predict(X[:2, :50]).shape
    (2,)
    """

    def __init__(self, length: int):
        self.length = length

    def on_train_begin(self, net, **kwargs):
        shapes = net.input_shape_
        shape = shapes.get("signal") if isinstance(shapes, dict) else shapes
        if shape is None or len(shape) != 2:
            what = "no 'signal' entry" if shape is None else "spectrograms"
            raise ValueError(
                f"train_crop_length crops signals; this module takes {what}. "
                "Pass train_crop_length=None."
            )
        if self.length > shape[-1]:
            raise ValueError(
                f"train_crop_length={self.length} is longer than the signals "
                f"({shape[-1]} samples); pass at most {shape[-1]}, or None."
            )
        self.hook_ = net.module_.register_forward_pre_hook(self._crop, with_kwargs=True)

    def on_train_end(self, net, **kwargs):
        self.hook_.remove()
        del self.hook_

    def _crop(self, module, args, kwargs):
        if not module.training:
            return None
        if args:
            return (random_crop(args[0], self.length), *args[1:]), kwargs
        return args, {**kwargs, "signal": random_crop(kwargs["signal"], self.length)}


class FreezeLayers(Callback):
    """Train only the last ``n_trainable_layers`` layers with parameters.

    When training starts, the parameters of the other layers stop requiring
    gradients (:func:`~sklecg.nn.freeze_layers`); while the module trains
    those layers run in eval mode, so that their BatchNorm statistics stay.

    Parameters
    ----------
    n_trainable_layers : int or None
        Layers, counted back from the output layer, that are trained; None
        trains every layer.

    Attributes
    ----------
    frozen_layers_ : list of str
        Names of the frozen layers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> X, y = np.random.default_rng(0).normal(size=(20, 64)), [0, 1] * 10
    >>> net = ECGClassifier(SimpleCNN, max_epochs=1,
    ...                     callbacks=[("freeze", FreezeLayers(2))]).fit(X, y)
    >>> dict(net.callbacks_)["freeze"].frozen_layers_
    ['conv.0.1', 'conv.1.1', 'conv.2.1']
    """

    def __init__(self, n_trainable_layers: int | None):
        self.n_trainable_layers = n_trainable_layers

    def initialize(self):
        self.frozen_layers_ = []
        return self

    def on_train_begin(self, net, **kwargs):
        self.frozen_layers_ = freeze_layers(net.module_, self.n_trainable_layers)
        self.hook_ = net.module_.register_forward_pre_hook(self._keep_frozen)

    def on_train_end(self, net, **kwargs):
        self.hook_.remove()
        del self.hook_

    def _keep_frozen(self, module, args):
        if module.training:
            layers = dict(module.named_modules())
            for name in self.frozen_layers_:
                layers[name].eval()


def encoded_accuracy(net, X, y) -> float:
    """Validation accuracy on the encoded labels skorch passes to scorers."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == to_numpy(y)))


def parameter_callbacks(net) -> list[tuple[str, Callback]]:
    """The named callbacks that an ECGClassifier's parameters ask for.

    ``"early_stopping"`` (with a validation set and a ``patience``),
    ``"lr_scheduler"``, ``"random_crop"``, ``"freezer"`` (with ``init_from``)
    and ``"progress_bar"`` (``verbose=2`` on a terminal), in this order.

    Examples
    --------
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> net = ECGClassifier(SimpleCNN, lr_scheduler="step", lr_step_size=3)
    >>> [(name, type(callback).__name__) for name, callback in
    ...  parameter_callbacks(net)]
    [('early_stopping', 'EarlyStopping'), ('lr_scheduler', 'StepSchedule')]
    """
    validated = bool(net.validation_fraction)
    step = 10 if net.lr_step_size is None else net.lr_step_size
    monitor = "valid_loss" if validated else "train_loss"
    schedules = {
        "step": lambda: StepSchedule(step, net.lr_factor),
        "plateau": lambda: PlateauSchedule(10, net.lr_factor, monitor),
        "cosine": CosineSchedule,
    }
    callbacks = {
        "early_stopping": validated
        and net.patience is not None
        and EarlyStopping(patience=net.patience, load_best=True),
        "lr_scheduler": schedules.get(net.lr_scheduler, lambda: None)(),
        "random_crop": net.train_crop_length and RandomCrop(net.train_crop_length),
        "freezer": net.init_from is not None and FreezeLayers(net.n_trainable_layers),
        "progress_bar": net.verbose >= 2 and stderr_is_terminal() and ProgressBar(),
    }
    return [(name, callback) for name, callback in callbacks.items() if callback]
