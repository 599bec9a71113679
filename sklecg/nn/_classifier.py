"""ECGClassifier: a skorch NeuralNetClassifier that behaves like an sklearn one."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.dataset import ValidSplit
from skorch.utils import data_from_dataset, to_numpy, to_tensor
from torch import nn
from torch.utils.data import BatchSampler, Dataset, RandomSampler, SequentialSampler

from sklecg.nn import _inputs
from sklecg.nn._callbacks import encoded_accuracy, parameter_callbacks
from sklecg.nn._sampling import BalancedSampler, compute_class_weight
from sklecg.nn._transfer import transfer_module

__all__ = ["ECGClassifier"]

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
_OPTIMIZERS.update(rmsprop=torch.optim.RMSprop, sgd=torch.optim.SGD)
_SCHEDULERS = (None, "step", "plateau", "cosine")
# NeuralNet attributes that are not parameters: the split is built from
# validation_fraction, the classes come from y
_NOT_PARAMS = ("train_split", "classes")


def _resolve_device(device):
    """The device ``"auto"`` stands for: CUDA when available, else the CPU."""
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def _is_int(value, minimum: int) -> bool:
    """Whether ``value`` is an int (not a bool) of at least ``minimum``."""
    integer = isinstance(value, int | np.integer) and not isinstance(value, bool)
    return integer and value >= minimum


def _negative(weights) -> bool:
    if weights is None or isinstance(weights, str):
        return False
    values = list(weights.values()) if isinstance(weights, Mapping) else weights
    return not np.all(np.asarray(values, dtype=np.float64) >= 0)


class ECGClassifier(NeuralNetClassifier):
    """PyTorch ECG classifier with the scikit-learn interface (skorch-based).

    ``X`` is an array of signals ``(n, n_timesteps)`` or ``(n, n_leads,
    n_timesteps)``, of spectrograms ``(n, n_freqs, n_frames)`` for modules
    such as :class:`SpectrogramCNNLSTM`, or a dict (a
    :class:`skorch.helper.SliceDict` for cross-validation) of arrays passed
    to the module's ``forward`` by name, e.g. ``{"signal": ..., "features":
    (n, k)}``. Inputs become float32; labels may be ints or strings.

    Each fresh ``fit`` infers the sizes the module's constructor takes:
    ``n_outputs``, ``n_channels``, ``n_timesteps`` (or ``n_freqs`` and
    ``n_frames``) and ``n_features`` of ``X["features"]``. ``get_params()``
    shows them as ``module__...``; ``module__...`` arguments win; ``clone``
    leaves them out. ``predict`` takes any signal length unless the module
    takes ``n_timesteps`` (or ``n_frames``).

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
        Stop after this many epochs without a lower ``valid_loss`` and
        restore the best weights; None never stops early.
    lr_scheduler : {None, "step", "plateau", "cosine"}, default=None
        ``"step"`` multiplies the learning rate by ``lr_factor`` every
        ``lr_step_size`` epochs, ``"plateau"`` after
        ``callbacks__lr_scheduler__patience`` (10) epochs without a lower
        loss; ``"cosine"`` lowers it to 0 over ``max_epochs``.
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
        Over-sample every class to at least this fraction of the majority
        class in each epoch (:class:`BalancedSampler`).
    precision : {"fp32", "bf16"}, default="fp32"
        ``"bf16"`` runs forward passes under bfloat16 ``torch.autocast``.
    train_crop_length : int or None, default=None
        Train on random windows of this many samples; the module must take
        any length.
    init_from : fitted ECGClassifier or torch.nn.Module, default=None
        Transfer learning from a copy of this network with a new output
        layer (in a search, pass the module ``net.module_``).
    n_trainable_layers : int or None, default=1
        With ``init_from``, the number of last layers trained; the others
        keep their weights and BatchNorm statistics. None trains all.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling, dropout, split and sampler; torch's global
        random state is restored after ``fit``.
    device : str, default="auto"
        ``"auto"`` (kept by ``get_params`` and pickles) uses CUDA when
        available, else the CPU; ``net.device`` is the device in use.
    verbose : int, default=0
        1: one line per epoch; 2: also a progress bar on a terminal.
    **kwargs
        Other ``NeuralNet`` arguments and ``module__``, ``optimizer__``,
        ``criterion__``, ``callbacks__`` (e.g. ``callbacks__lr_scheduler__``,
        ``callbacks__early_stopping__``) arguments.

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
    >>> X[y == "V", 20:40] += 3.0
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
        # set before NeuralNet.__init__: skorch refuses torch modules
        # (init_from) as plain attributes once the net exists
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

    # ------------------------------------------------------------ parameters
    @property
    def device(self):
        """The torch device in use: the ``device`` parameter, "auto" resolved."""
        return _resolve_device(self.__dict__["device"])

    @device.setter
    def device(self, value):
        self.__dict__["device"] = value

    def __setstate__(self, state):
        super().__setstate__({**state, "device": _resolve_device(state["device"])})
        if state["device"] == "auto":
            self.device = "auto"

    def _get_param_names(self):
        names = super()._get_param_names()
        return [n for n in names if not n.startswith("_") and n not in _NOT_PARAMS]

    def get_params(self, deep=True, **kwargs):
        """Parameters; with ``deep``, also the module sizes inferred by fit."""
        params = {**super().get_params(deep, **kwargs), "device": vars(self)["device"]}
        if deep and isinstance(self.module, type):
            sizes = getattr(self, "module_sizes_", {})
            params = {**{f"module__{k}": v for k, v in sizes.items()}, **params}
        return params

    def __sklearn_is_fitted__(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "label_encoder_")

    @property
    def classes_(self) -> np.ndarray:
        if not hasattr(self, "label_encoder_"):
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'classes_' before fit."
            )
        return self.label_encoder_.classes_

    @property
    def frozen_layers_(self) -> list[str]:
        freezer = dict(getattr(self, "callbacks_", [])).get("freezer")
        return [] if freezer is None else freezer.frozen_layers_

    def _check_params(self) -> None:
        fraction, scheduler, crop = (
            self.validation_fraction,
            self.lr_scheduler,
            self.train_crop_length,
        )
        if fraction is not None and not 0 <= fraction < 1:
            raise ValueError(
                f"validation_fraction must be None or in [0, 1), got {fraction}."
            )
        if scheduler not in _SCHEDULERS:
            raise ValueError(
                f"lr_scheduler must be one of {_SCHEDULERS}, got {scheduler!r}."
            )
        if self.lr_step_size is not None and scheduler != "step":
            raise ValueError(
                "lr_step_size is the period of lr_scheduler='step' only, got "
                f"{self.lr_step_size} with lr_scheduler={scheduler!r}; leave it "
                "None (set the patience of 'plateau' with "
                "callbacks__lr_scheduler__patience=...)."
            )
        if not _is_int(self.max_epochs, 1):
            raise ValueError(
                "max_epochs must be a positive int (the number of training "
                f"epochs), got {self.max_epochs!r}."
            )
        if self.precision not in ("bf16", "fp32"):
            raise ValueError(
                f"precision must be one of ['bf16', 'fp32'], got {self.precision!r}."
            )
        if (
            isinstance(self.optimizer, str)
            and self.optimizer.lower() not in _OPTIMIZERS
        ):
            raise ValueError(
                f"optimizer {self.optimizer!r} is unknown; pass one of "
                f"{sorted(_OPTIMIZERS)} or a torch.optim.Optimizer class."
            )
        if (self.module is None) == (self.init_from is None):
            raise ValueError(
                "Pass exactly one of module (a network class such as SimpleCNN) "
                "and init_from (a trained network to transfer); got "
                f"module={self.module!r}, init_from={type(self.init_from).__name__}."
            )
        if not isinstance(self.verbose, int | np.integer) or self.verbose < 0:
            raise ValueError(
                "verbose must be an int >= 0 (0: quiet, 1: one line per epoch, 2: "
                f"also a progress bar of the batches), got {self.verbose!r}."
            )
        if crop is not None and not _is_int(crop, 1):
            raise ValueError(
                "train_crop_length must be None or a positive int (a number of "
                f"samples), got {crop!r}."
            )
        criterion_weight = self.get_params_for("criterion").get("weight")
        for name, value in [
            ("class_weight", self.class_weight),
            ("criterion__weight", criterion_weight),
        ]:
            if _negative(value):
                raise ValueError(
                    f"{name} must hold non-negative class weights (0 ignores a "
                    f"class); got {value!r}. Pass weights >= 0, or "
                    "class_weight='balanced'."
                )

    @contextmanager
    def _seeded(self):
        """Seed torch from ``random_state``; the global RNG is restored after."""
        seed = self._seed()
        with torch.random.fork_rng(enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            yield

    def _seed(self) -> int | None:
        if self.random_state is not None:
            return int(check_random_state(self.random_state).randint(2**31 - 1))
        return None

    # ------------------------------------------------------------------ input
    def _module_class(self) -> type:
        source = self.module if self.init_from is None else self._source_module()
        return source if isinstance(source, type) else type(source)

    def _module_params(self):
        """The constructor parameters of the module's class."""
        return inspect.signature(self._module_class()).parameters

    def _check_X(self, X, *, reset: bool):
        """The network input of ``X``: a float32 array or SliceDict."""
        spectrogram = getattr(self._module_class(), "input_kind", "") == "spectrogram"
        inputs, shape = _inputs.check_input(X, spectrogram=spectrogram)
        if reset:
            self.input_shape_ = _inputs.input_shape(inputs)
            vars(self).pop("n_features_in_", None)
            if shape is not None:
                self.n_features_in_ = shape[1]
            return inputs
        # the length is free unless the module is built for one (a default)
        params = self._module_params()
        lengths = [params[n] for n in ("n_timesteps", "n_frames") if n in params]
        _inputs.check_input_like_fit(
            inputs,
            shape,
            self.input_shape_,
            n_features_in=getattr(self, "n_features_in_", None),
            free_length=all(param.default is None for param in lengths),
            name=type(self).__name__,
        )
        return inputs

    def _check_y(self, y, n_samples: int, *, reset: bool) -> np.ndarray:
        y = _inputs.check_labels(y, n_samples)
        if reset:  # a net refitted on a single class is left unfitted
            vars(self).pop("label_encoder_", None)
            self.label_encoder_ = _inputs.fit_label_encoder(y)
        return _inputs.encode_labels(y, self.label_encoder_)

    def prepare_input(self, X):
        """The network input ``predict`` feeds ``module_``, on its device.

        Parameters
        ----------
        X : array-like or dict of array-like
            Inputs as in :meth:`fit`, checked against those seen in fit.

        Returns
        -------
        torch.Tensor of float32 of shape (n_samples, *input_shape_)
            A dict of tensors for dict ``X``.
        """
        return to_tensor(self._prepare(X), self.device)

    def _prepare(self, X):
        check_is_fitted(self)
        if isinstance(X, Dataset):  # skorch's own scorers during fit
            return X
        return self._check_X(X, reset=False)

    # -------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Train the network from scratch (or continue, with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps), (n_samples, n_leads, \
                n_timesteps) or (n_samples, n_freqs, n_frames), or dict
            Fixed-length signals, spectrograms, or named inputs.
        y : array-like of shape (n_samples,)
            Labels (ints or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample's loss: a sample of weight 2
            counts as two copies of it. Multiplies ``class_weight``.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        self
        """
        fresh = not (self.warm_start and self.__sklearn_is_fitted__())
        return self._fit(X, y, fresh, fit_params, sample_weight)

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        Parameters
        ----------
        X, y, **fit_params
            As in :meth:`fit`; on a fitted net only labels seen before.
        classes : None
            Unused; present for scikit-learn compatibility.

        Returns
        -------
        self
        """
        return self._fit(X, y, not self.__sklearn_is_fitted__(), fit_params)

    def _fit(self, X, y, fresh: bool, fit_params, sample_weight=None):
        self._check_params()
        X = self._check_X(X, reset=fresh)
        y = self._check_y(y, len(X), reset=fresh)
        if fresh:
            accepted = self._module_params()
            self.module_sizes_ = _inputs.module_sizes(
                self.input_shape_, len(self.classes_), accepted
            )
            self.class_weight_ = compute_class_weight(
                self.class_weight, y, self.classes_, self.class_weight_alpha
            )
        if sample_weight is not None:
            X = _inputs.with_sample_weight(X, sample_weight)
        with self._seeded():
            if fresh:
                self.initialize()
            NeuralNet.partial_fit(self, X, y, _routing_method="fit", **fit_params)
        return self

    @property
    def _default_callbacks(self):
        accuracy = EpochScoring(encoded_accuracy, False, name="valid_acc")
        return [
            (name, accuracy if name == "valid_acc" else callback)
            for name, callback in super()._default_callbacks
        ]

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
        sizes = (
            getattr(self, "module_sizes_", {}) if isinstance(self.module, type) else {}
        )
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
        optimizer = self.optimizer
        optimizer = (
            _OPTIMIZERS[optimizer.lower()] if isinstance(optimizer, str) else optimizer
        )
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", self.get_all_learnable_params()
        )
        self.optimizer_ = optimizer(*args, **{"weight_decay": 1e-3, **kwargs})
        return self

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset = self.get_dataset(X, y)
        if not self.validation_fraction:
            return dataset, None
        split = ValidSplit(self.validation_fraction, True, random_state=self._seed())
        try:
            return split(dataset, y)
        except ValueError as exc:
            raise ValueError(
                f"Cannot hold out a stratified validation_fraction="
                f"{self.validation_fraction} of {len(y)} samples with class "
                f"counts {np.bincount(y).tolist()} ({exc}). Use more data, a "
                "larger fraction, or validation_fraction=None."
            ) from exc

    def get_iterator(self, dataset, training=False):
        """DataLoader of whole mini-batches fetched by one fancy indexing.

        Training batches are shuffled, or drawn by :class:`BalancedSampler`
        when ``sampler_ratio`` is set.
        """
        kwargs = self.get_params_for("iterator_train" if training else "iterator_valid")
        batch_size = kwargs.pop("batch_size", self.batch_size)
        batch_size = len(dataset) if batch_size == -1 else batch_size
        if training and self.sampler_ratio is not None:
            labels = to_numpy(data_from_dataset(dataset)[1])
            sampler = BalancedSampler(labels, self.sampler_ratio)
        elif kwargs.pop("shuffle", training):
            sampler = RandomSampler(dataset)
        else:
            sampler = SequentialSampler(dataset)
        drop_last = kwargs.pop("drop_last", False)
        batches = BatchSampler(sampler, batch_size, drop_last=drop_last)
        iterator = self.iterator_train if training else self.iterator_valid
        return iterator(dataset, batch_size=None, sampler=batches, **kwargs)

    # ---------------------------------------------------------------- forward
    def infer(self, x, **fit_params):
        """Forward pass, dict inputs as keyword arguments; bf16 if asked."""
        x = _inputs.module_input(x, named=isinstance(self.input_shape_, Mapping))
        device = torch.device(self.device).type
        with torch.autocast(device, torch.bfloat16, enabled=self.precision == "bf16"):
            return super().infer(x, **fit_params).float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion's loss, a ``sample_weight``-weighted mean when given.

        With weights ``s_i`` and class weights ``w_c`` the loss is
        ``sum(s_i w_ci l_i) / sum(s_i w_ci)``: the mean over the samples
        repeated ``s_i`` times.
        """
        if not (isinstance(X, Mapping) and _inputs.SAMPLE_WEIGHT in X):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        y_true = to_tensor(y_true, device=y_pred.device)
        weights = to_tensor(X[_inputs.SAMPLE_WEIGHT], device=y_pred.device)
        reduction, self.criterion_.reduction = self.criterion_.reduction, "none"
        try:
            losses = self.criterion_(y_pred, y_true)  # class weights included
        finally:
            self.criterion_.reduction = reduction
        class_weight = getattr(self.criterion_, "weight", None)
        total = weights if class_weight is None else weights * class_weight[y_true]
        return (weights * losses).sum() / total.sum().clamp_min(1e-12)

    def _get_predict_nonlinearity(self):
        if self.predict_nonlinearity == "auto":
            return lambda logits: torch.softmax(logits, dim=-1)
        return super()._get_predict_nonlinearity()

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, float64 of shape (n_samples, n_classes).

        Columns follow ``classes_``; ``X`` as in :meth:`fit`.
        """
        return NeuralNet.predict_proba(self, self._prepare(X)).astype(np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted labels of shape (n_samples,), among ``classes_``."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def embed(self, X) -> np.ndarray:
        """Penultimate-layer activations (the input of the output layer).

        Parameters
        ----------
        X : array-like or dict of array-like
            Inputs as in :meth:`fit`.

        Returns
        -------
        ndarray of float32 of shape (n_samples, n_features)
        """
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
                out.append(
                    to_numpy(features(**x) if isinstance(x, Mapping) else features(x))
                )
        return np.concatenate(out)
