"""ECGClassifier: the ECG classifier on PyTorch with the scikit-learn interface."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNet
from skorch.utils import to_numpy, to_tensor
from torch import nn

from sklecg.nn import _inputs, _training
from sklecg.nn._callbacks import parameter_callbacks
from sklecg.nn._params import check_params, optimizer_class
from sklecg.nn._sampling import compute_class_weight
from sklecg.nn._sklearn_net import SklearnNetClassifier
from sklecg.nn._transfer import transfer_module

__all__ = ["ECGClassifier"]


class ECGClassifier(SklearnNetClassifier):
    """PyTorch ECG classifier with the scikit-learn interface (skorch-based).

    ``X`` holds signals ``(n, n_timesteps)`` or ``(n, n_leads, n_timesteps)``,
    spectrograms ``(n, n_freqs, n_frames)`` (for :class:`SpectrogramCNNLSTM`),
    or named arrays (a dict, or :class:`skorch.helper.SliceDict` for
    cross-validation) passed to the module's ``forward`` as keyword arguments,
    e.g. ``{"signal": ..., "features": (n, k)}``; labels may be ints or strings.
    ``fit`` infers the module's sizes (``n_outputs``, ``n_channels``,
    ``n_timesteps`` or ``n_freqs`` and ``n_frames``, ``n_features`` of
    ``X["features"]``) unless given as ``module__...``; ``get_params()`` shows
    them, ``clone`` drops them. ``predict`` takes any signal length unless the
    module takes ``n_timesteps`` (or ``n_frames``).

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=None
        The network, e.g. :class:`SimpleCNN`; None with ``init_from``.
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
        Loss on logits, e.g. :class:`FocalLoss`.
    optimizer : {"adamw", "adam", "rmsprop", "sgd"} or optimizer class, \
            default="adamw"
        Arguments go as ``optimizer__...``; ``weight_decay`` defaults to 1e-3.
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=20
        Maximum number of epochs.
    batch_size : int, default=64
        Mini-batch size (-1 for the whole set).
    validation_fraction : float or None, default=0.1
        Stratified fraction held out to monitor ``valid_loss``; None or 0
        trains on everything (and disables early stopping).
    patience : int or None, default=5
        Stop after this many epochs without a lower ``valid_loss`` and restore
        the best weights; None never stops early.
    lr_scheduler : {None, "step", "plateau", "cosine"}, default=None
        ``"step"``: multiply the learning rate by ``lr_factor`` every
        ``lr_step_size`` epochs; ``"plateau"``: after
        ``callbacks__lr_scheduler__patience`` (10) epochs without a lower loss;
        ``"cosine"``: lower it to 0 over ``max_epochs``.
    lr_factor : float, default=0.1
        Factor of ``"step"`` and ``"plateau"``.
    lr_step_size : int or None, default=None
        Period of ``"step"`` in epochs (None: 10).
    class_weight : None, "balanced" or dict, default=None
        Loss weights: ``(n / (k n_c)) ** class_weight_alpha`` for
        ``"balanced"``; a dict maps labels to weights >= 0.
    class_weight_alpha : float, default=1.0
        Exponent of the balanced weights (0: none, 1: fully balanced).
    sampler_ratio : float or None, default=None
        Over-sample each class to at least this fraction of the majority
        class in every epoch (:class:`BalancedSampler`).
    precision : {"fp32", "bf16"}, default="fp32"
        ``"bf16"`` runs forward passes under bfloat16 ``torch.autocast``.
    train_crop_length : int or None, default=None
        Train on random windows of this many samples (any-length modules).
    init_from : fitted ECGClassifier or torch.nn.Module, default=None
        Transfer learning: start from a copy of this network with a new output
        layer (in a search, pass ``net.module_``).
    n_trainable_layers : int or None, default=1
        With ``init_from``, the last layers trained (None: all); the others
        keep their weights and BatchNorm statistics.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling, dropout, split and sampler; torch's global
        random state is restored after ``fit``.
    device : str, default="auto"
        ``"auto"`` (kept by ``get_params`` and pickles): CUDA when available,
        else the CPU; ``net.device`` is the device in use.
    verbose : int, default=0
        1: one line per epoch; 2: also a progress bar on a terminal.
    **kwargs
        ``NeuralNet`` arguments and ``module__``, ``optimizer__``,
        ``criterion__``, ``callbacks__<name>__`` ones.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, in ``predict_proba`` column order.
    module_ : torch.nn.Module
        The trained network.
    input_shape_ : tuple of int or dict
        Shape of one network input, e.g. ``(1, 187)`` (per key for a dict).
    n_features_in_ : int
        ``X.shape[1]`` seen in ``fit`` (for an array ``X``).
    module_sizes_ : dict
        The sizes inferred from the data that the module's constructor takes.
    class_weight_ : ndarray of shape (n_classes,) or None
        The loss weights used.
    frozen_layers_ : list of str
        Names of the layers frozen by transfer learning.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> X = np.random.default_rng(0).normal(size=(40, 64))
    >>> y = np.array(["N", "V"] * 20)
    >>> clf = ECGClassifier(SimpleCNN, max_epochs=3, random_state=0).fit(X, y)
    >>> clf.predict(X[:2]).shape, clf.get_params()["module__n_timesteps"]
    ((2,), 64)
    """

    def __init__(
        self,
        module=None,
        *,
        criterion=nn.CrossEntropyLoss,
        optimizer="adamw",
        lr: float = 1e-3,
        max_epochs: int = 20,
        batch_size: int = 64,
        validation_fraction: float | None = 0.1,
        patience: int | None = 5,
        lr_scheduler: str | None = None,
        lr_factor: float = 0.1,
        lr_step_size: int | None = None,
        class_weight=None,
        class_weight_alpha: float = 1.0,
        sampler_ratio: float | None = None,
        precision: str = "fp32",
        train_crop_length: int | None = None,
        init_from=None,
        n_trainable_layers: int | None = 1,
        random_state=None,
        device: str = "auto",
        verbose: int = 0,
        **kwargs,
    ):
        # set first: skorch refuses torch modules (init_from) once the net exists
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.lr_scheduler = lr_scheduler
        self.lr_factor = lr_factor
        self.lr_step_size = lr_step_size
        self.class_weight = class_weight
        self.class_weight_alpha = class_weight_alpha
        self.sampler_ratio = sampler_ratio
        self.precision = precision
        self.train_crop_length = train_crop_length
        self.init_from = init_from
        self.n_trainable_layers = n_trainable_layers
        self.random_state = random_state
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=None,
            device=device,
            verbose=verbose,
            **kwargs,
        )

    def get_params(self, deep=True, **kwargs):
        """Parameters; with ``deep``, also the module sizes inferred by fit."""
        params = super().get_params(deep, **kwargs)
        if deep and isinstance(self.module, type):
            sizes = getattr(self, "module_sizes_", {})
            params = {**{f"module__{k}": v for k, v in sizes.items()}, **params}
        return params

    @property
    def frozen_layers_(self) -> list[str]:
        freezer = dict(getattr(self, "callbacks_", [])).get("freezer")
        return [] if freezer is None else freezer.frozen_layers_

    def _module_class(self) -> type:
        """The class of the module trained (with ``init_from``, of its module)."""
        source = self.module if self.init_from is None else self._source_module()
        return source if isinstance(source, type) else type(source)

    def _check_X(self, X, *, reset: bool):
        """The network input of ``X``: a float32 array or SliceDict."""
        module = self._module_class()
        spectrogram = _inputs.takes_spectrograms(module)
        inputs, shape = _inputs.check_input(X, spectrogram=spectrogram)
        if reset:
            self.input_shape_ = _inputs.input_shape(inputs)
            vars(self).pop("n_features_in_", None)
            if shape is not None:
                self.n_features_in_ = shape[1]
            return inputs
        _inputs.check_input_like_fit(
            inputs,
            shape,
            self.input_shape_,
            n_features_in=getattr(self, "n_features_in_", None),
            free_length=_inputs.takes_any_length(module),
            name=type(self).__name__,
        )
        return inputs

    def prepare_input(self, X):
        """The float32 tensor(s) ``predict`` feeds ``module_``, on its device."""
        return to_tensor(self._prepare(X), self.device)

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Train the network from scratch (or continue, with ``warm_start``).

        Parameters
        ----------
        X : array-like or dict of array-like
            Fixed-length signals, spectrograms, or named inputs.
        y : array-like of shape (n_samples,)
            Labels (ints or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights >= 0 of the samples' losses (2 counts as two copies).
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        self : ECGClassifier
        """
        fresh = not (self.warm_start and self.__sklearn_is_fitted__())
        return self._fit(X, y, fresh, fit_params, sample_weight)

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train ``max_epochs`` more epochs, not re-initialised (``classes`` unused)."""
        return self._fit(X, y, not self.__sklearn_is_fitted__(), fit_params)

    def _fit(self, X, y, fresh: bool, fit_params, sample_weight=None):
        check_params(self)
        X = self._check_X(X, reset=fresh)
        y = self._check_y(y, len(X), reset=fresh)
        if fresh:
            shape, module = self.input_shape_, self._module_class()
            self.module_sizes_ = _inputs.module_sizes(shape, len(self.classes_), module)
            self.class_weight_ = compute_class_weight(
                self.class_weight, y, self.classes_, self.class_weight_alpha
            )
        X = _inputs.with_sample_weight(X, sample_weight)
        with _training.seeded(self.random_state):
            if fresh:
                self.initialize()
            NeuralNet.partial_fit(self, X, y, _routing_method="fit", **fit_params)
        return self

    def get_default_callbacks(self):
        return [*super().get_default_callbacks(), *parameter_callbacks(self)]

    def _source_module(self) -> nn.Module:
        source = self.init_from
        if not isinstance(source, ECGClassifier):
            return source
        if not source.__sklearn_is_fitted__():
            raise ValueError(
                "init_from is an unfitted ECGClassifier. sklearn.clone (and so "
                "GridSearchCV) resets estimators passed as parameters: pass the "
                "trained network instead, init_from=net.module_."
            )
        return source.module_

    def initialize_module(self):
        """Instantiate the module with the inferred sizes, or transfer one."""
        if self.init_from is not None:  # the freezer callback freezes layers
            source, n_outputs = self._source_module(), len(self.classes_)
            self.module_ = transfer_module(source, n_outputs, None)[0]
            return self
        sizes = getattr(self, "module_sizes_", {})  # re-created only from a class
        sizes = sizes if isinstance(self.module, type) else {}
        kwargs = {**sizes, **self.get_params_for("module")}
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def initialize_criterion(self):
        """Instantiate the criterion, passing ``class_weight_`` as ``weight``."""
        kwargs = self.get_params_for("criterion")
        weights = getattr(self, "class_weight_", None)
        if weights is not None and "weight" not in kwargs:
            kwargs["weight"] = torch.as_tensor(weights)
        self.criterion_ = self.initialized_instance(self.criterion, kwargs)
        return self

    def initialize_optimizer(self, triggered_directly=None):
        """Instantiate the optimizer (named ones such as ``"adamw"`` too)."""
        optimizer = optimizer_class(self.optimizer)
        params = self.get_all_learnable_params()
        args, kwargs = self.get_params_for_optimizer("optimizer", params)
        self.optimizer_ = optimizer(*args, **{"weight_decay": 1e-3, **kwargs})
        return self

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset = self.get_dataset(X, y)
        if not self.validation_fraction:
            return dataset, None
        fraction, seed = self.validation_fraction, self.random_state
        return _training.validation_split(dataset, y, fraction, seed)

    def get_iterator(self, dataset, training=False):
        """DataLoader of mini-batches; training ones shuffled or balanced."""
        kwargs = self.get_params_for("iterator_train" if training else "iterator_valid")
        ratio = self.sampler_ratio if training else None
        batches = _training.batch_sampler(
            dataset,
            kwargs.pop("batch_size", self.batch_size),
            shuffle=ratio is None and kwargs.pop("shuffle", training),
            sampler_ratio=ratio,
            drop_last=kwargs.pop("drop_last", False),
        )
        iterator = self.iterator_train if training else self.iterator_valid
        return iterator(dataset, batch_size=None, sampler=batches, **kwargs)

    def infer(self, x, **fit_params):
        """Forward pass, dict inputs as keyword arguments; bf16 if asked."""
        x = _inputs.module_input(x, named=isinstance(self.input_shape_, Mapping))
        device = torch.device(self.device).type
        with torch.autocast(device, torch.bfloat16, enabled=self.precision == "bf16"):
            return super().infer(x, **fit_params).float()

    def embed(self, X) -> np.ndarray:
        """Penultimate-layer activations: the float32 input of the output layer."""
        inputs = self._prepare(X)
        features = getattr(self.module_, "forward_features", None)
        if features is None:
            raise TypeError(
                f"{type(self.module_).__name__} has no forward_features method; "
                "embeddings need a module built on sklecg.nn.ECGModule."
            )
        self._set_training(False)
        out = []
        with torch.no_grad():
            for x, _ in self.get_iterator(self.get_dataset(inputs)):
                x = to_tensor(x, self.device)
                out.append(features(**x) if isinstance(x, Mapping) else features(x))
        return to_numpy(torch.cat(out))
