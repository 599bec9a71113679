"""ECGClassifier: a skorch NeuralNetClassifier that behaves like an sklearn one."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    column_or_1d,
)
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EarlyStopping, EpochScoring, ProgressBar
from skorch.dataset import ValidSplit
from skorch.helper import SliceDict
from skorch.utils import data_from_dataset, to_numpy, to_tensor
from torch import nn
from torch.utils.data import BatchSampler, Dataset, RandomSampler, SequentialSampler

from sklecg.nn import _callbacks as cb
from sklecg.nn._sampling import BalancedSampler, compute_class_weight
from sklecg.nn._transfer import transfer_module
from sklecg.utils._terminal import stderr_is_terminal
from sklecg.utils.validation import (
    check_no_missing_labels,
    check_signals,
    is_variable_length,
)

__all__ = ["ECGClassifier"]

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
_OPTIMIZERS.update(rmsprop=torch.optim.RMSprop, sgd=torch.optim.SGD)
_SCHEDULERS = (None, "step", "plateau", "cosine")
# keys of the training data when sample weights travel beside the inputs
_SIGNALS, _SAMPLE_WEIGHT = "signals", "sample_weight"
# NeuralNet attributes that are not parameters: the split is built from
# validation_fraction, the classes come from y
_NOT_PARAMS = ("train_split", "classes")


def _resolve_device(device):
    """The device ``"auto"`` stands for: CUDA when available, else the CPU."""
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def _encoded_accuracy(net, X, y) -> float:
    """Validation accuracy on the encoded labels skorch passes to scorers."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == to_numpy(y)))


def _negative(weights) -> bool:
    if weights is None or isinstance(weights, str):
        return False
    values = list(weights.values()) if isinstance(weights, Mapping) else weights
    return not np.all(np.asarray(values, dtype=np.float64) >= 0)


class ECGClassifier(NeuralNetClassifier):
    """PyTorch ECG classifier with the scikit-learn interface (skorch-based).

    ``X`` is an array of signals ``(n, n_timesteps)`` (a channel axis is
    added) or ``(n, n_leads, n_timesteps)``, of spectrograms ``(n, n_freqs,
    n_frames)`` for modules such as :class:`SpectrogramCNNLSTM`, or a dict
    (a :class:`skorch.helper.SliceDict` for cross-validation) of arrays
    passed to the module's ``forward`` as keyword arguments, e.g.
    ``{"signal": ..., "features": (n, k)}`` (``"signal"`` is shaped like an
    array ``X``). Inputs become float32; labels may be ints or strings.

    Each fresh ``fit`` infers the sizes the module's constructor takes:
    ``n_outputs``, ``n_channels`` and ``n_timesteps`` (or ``n_freqs``,
    ``n_frames``) of the signals, ``n_features`` of ``X["features"]``. They
    are learned (``module_sizes_``) and shown by ``get_params()`` as
    ``module__...`` parameters; ``module__...`` arguments passed by the user
    win. ``clone`` (and so ``GridSearchCV``) leaves them out, so that a clone
    infers them from its own data. ``predict`` refuses another signal length
    only when the module takes ``n_timesteps`` (or ``n_frames``).

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
        restore the best weights (kept in memory); None never stops early.
    lr_scheduler : {None, "step", "plateau", "cosine"}, default=None
        The ``"lr_scheduler"`` callback: ``"step"`` multiplies the learning
        rate by ``lr_factor`` every ``lr_step_size`` epochs, ``"plateau"``
        after ``callbacks__lr_scheduler__patience`` (10) epochs without a
        lower monitored loss; ``"cosine"`` lowers it to 0 over ``max_epochs``.
    lr_factor : float, default=0.1
        Factor of ``"step"`` and ``"plateau"``.
    lr_step_size : int or None, default=None
        Period of ``"step"`` in epochs (None: 10); other schedules refuse it.
    class_weight : None, "balanced" or dict, default=None
        Loss weights, ``(n / (k n_c)) ** class_weight_alpha`` for
        ``"balanced"``; a dict maps labels to weights >= 0.
    class_weight_alpha : float, default=1.0
        Exponent of the class weights (0: none, 1: fully balanced).
    sampler_ratio : float or None, default=None
        Each epoch over-samples every class to at least this fraction of the
        majority class (:class:`BalancedSampler`).
    precision : {"fp32", "bf16"}, default="fp32"
        ``"bf16"`` runs forward passes under bfloat16 ``torch.autocast``.
    train_crop_length : int or None, default=None
        Train on random windows of this many samples (the ``"random_crop"``
        callback); the module must take any length.
    init_from : fitted ECGClassifier or torch.nn.Module, default=None
        Transfer learning: a copy of this network with a new output layer
        (inside a search pass the module, ``init_from=net.module_``).
    n_trainable_layers : int or None, default=1
        With ``init_from``, the last layers trained (the ``"freezer"``
        callback; the others keep weights and BatchNorm statistics).
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling, dropout, split and sampler; the global
        torch random state is restored after ``fit``.
    device : str, default="auto"
        ``"auto"`` (kept by ``get_params`` and pickles) uses CUDA when
        available, else the CPU; ``net.device`` is the device in use.
    verbose : int, default=0
        1: one line per epoch; 2: also a progress bar on a terminal.
    **kwargs
        Other ``NeuralNet`` arguments and ``module__``, ``optimizer__``,
        ``criterion__``, ``callbacks__`` arguments.

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

    Notes
    -----
    Three scikit-learn estimator checks fail by design: skorch's ``__init__``
    sets attributes; networks need a minimum signal length
    (``check_fit2d_1feature``); mini-batches see repeated rows more often
    than weighted ones (``check_sample_weight_equivalence_on_dense_data``).

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
        fraction, epochs, crop = (
            self.validation_fraction,
            self.max_epochs,
            self.train_crop_length,
        )
        weights = {
            "class_weight": self.class_weight,
            "criterion__weight": self.get_params_for("criterion").get("weight"),
        }
        problems = [
            fraction is not None
            and not 0 <= fraction < 1
            and f"validation_fraction must be None or in [0, 1), got {fraction}.",
            self.lr_scheduler not in _SCHEDULERS
            and f"lr_scheduler must be one "
            f"of {_SCHEDULERS}, got {self.lr_scheduler!r}.",
            self.lr_step_size is not None
            and self.lr_scheduler != "step"
            and f"lr_step_size is the period of lr_scheduler='step' only, got "
            f"{self.lr_step_size} with lr_scheduler={self.lr_scheduler!r}; leave"
            " it None (set the patience of 'plateau' with "
            "callbacks__lr_scheduler__patience=...).",
            (
                isinstance(epochs, bool)
                or not isinstance(epochs, int | np.integer)
                or epochs < 1
            )
            and "max_epochs must be a positive int (the number "
            f"of training epochs), got {epochs!r}.",
            self.precision not in ("bf16", "fp32")
            and f"precision must be one of ['bf16', 'fp32'], got {self.precision!r}.",
            isinstance(self.optimizer, str)
            and self.optimizer.lower() not in _OPTIMIZERS
            and f"optimizer {self.optimizer!r} is unknown; pass one "
            f"of {sorted(_OPTIMIZERS)} or a torch.optim.Optimizer class.",
            (self.module is None) == (self.init_from is None)
            and "Pass exactly "
            "one of module (a network class such as SimpleCNN) and init_from (a"
            f" trained network to transfer); got module={self.module!r}, "
            f"init_from={type(self.init_from).__name__}.",
            (not isinstance(self.verbose, int | np.integer) or self.verbose < 0)
            and "verbose must be an int >= 0 (0: quiet, 1: one line per epoch, 2:"
            f" also a progress bar of the batches), got {self.verbose!r}.",
            crop is not None
            and (
                isinstance(crop, bool)
                or not isinstance(crop, int | np.integer)
                or crop < 1
            )
            and "train_crop_length must "
            f"be None or a positive int (a number of samples), got {crop!r}.",
            *(
                _negative(value)
                and f"{name} must hold non-negative class weights"
                f" (0 ignores a class); got {value!r}. Pass weights >= 0, or "
                "class_weight='balanced'."
                for name, value in weights.items()
            ),
        ]
        for problem in problems:
            if problem:
                raise ValueError(problem)

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

    def _as_input(self, X):
        """Validated float32 signals and the network input (channel axis added)."""
        if isinstance(X, np.ndarray):
            empty = X.size == 0
        else:
            empty = isinstance(X, list | tuple) and len(X) == 0
        if not empty and (
            isinstance(X, np.ndarray) and X.ndim > 1 or not is_variable_length(X)
        ):
            # sparse, complex, 1-D and object-dtype arrays get scikit-learn's
            # messages; empty input, NaN and ragged lists check_signals'
            X = check_array(X, allow_nd=True, ensure_all_finite=False)
        signals = check_signals(X, allow_variable_length=False)
        spectrogram = getattr(self._module_class(), "input_kind", "") == "spectrogram"
        if spectrogram and signals.ndim != 3:
            raise ValueError(
                "This module takes spectrograms of shape (n_samples, n_freqs, "
                f"n_frames); got an array of shape {signals.shape}. Compute "
                "them with sklecg.features.STFTFeatures."
            )
        return signals, signals[
            :, None
        ] if spectrogram or signals.ndim == 2 else signals

    def _as_named_input(self, X) -> SliceDict:
        if not X or _SAMPLE_WEIGHT in X:
            raise ValueError(
                f"X is a dict with keys {list(X)}; pass one array "
                f"per module input, under any key but "
                f"{_SAMPLE_WEIGHT!r} (use fit's sample_weight)."
            )
        inputs = {}
        for key, value in X.items():
            try:
                inputs[key] = (
                    self._as_input(value)[1]
                    if key == "signal"
                    else (check_array(value, dtype=np.float32, ensure_2d=False))
                )
            except ValueError as exc:
                raise ValueError(f"X[{key!r}]: {exc}") from exc
        rows = {key: len(value) for key, value in inputs.items()}
        if len(set(rows.values())) > 1:
            raise ValueError(
                f"The arrays of X must have one row per sample; "
                f"got these numbers of rows: {rows}."
            )
        return SliceDict(**inputs)

    def _check_X(self, X, *, reset: bool):
        """The network input of ``X``: a float32 array or SliceDict."""
        named = isinstance(X, Mapping) and not issparse(X)  # dok arrays are dicts
        signals, inputs = (
            (None, self._as_named_input(X)) if named else self._as_input(X)
        )
        shape = (
            {k: v.shape[1:] for k, v in inputs.items()} if named else inputs.shape[1:]
        )
        if reset:
            self.input_shape_ = shape
            vars(self).pop("n_features_in_", None)
            if not named:
                self.n_features_in_ = signals.shape[1]
            return inputs
        fitted, name = self.input_shape_, type(self).__name__
        if (
            named != isinstance(fitted, Mapping)
            or named
            and shape.keys() != fitted.keys()
        ):
            keys = "an array"
            if isinstance(fitted, Mapping):
                keys = f"a dict with keys {sorted(fitted)}"
            raise ValueError(
                f"{name} was fitted on X given as {keys}; pass X in the same form."
            )
        # the length is free unless the module is built for one (a default)
        lengths = ("n_timesteps", "n_frames")
        params = self._module_params()
        free = all(params[n].default is None for n in lengths if n in params)
        for key in fitted if named else [None]:
            got, want = (shape[key], fitted[key]) if named else (shape, fitted)
            signal = key in (None, "signal")
            if got[:-1] == want[:-1] and (signal and free or got[-1] == want[-1]):
                continue
            if named:
                raise ValueError(
                    f"{name} was fitted on X[{key!r}] rows of shape "
                    f"{want} and received {got}; pass that shape."
                )
            raise ValueError(self._input_mismatch(signals.shape))
        return inputs

    def _input_mismatch(self, shape: tuple) -> str:
        """Say what ``fit`` saw, what ``X`` of ``shape`` is, and what to pass."""
        name, fitted = type(self).__name__, tuple(self.input_shape_)
        if len(fitted) == 3:
            return (
                f"{name} was fitted on spectrograms of shape {fitted[1:]} and "
                f"received a {len(shape)}-D array of shape {shape}; pass an "
                f"array of shape (n_samples, {fitted[1]}, {fitted[2]})."
            )
        n_leads, length = fitted
        two_d = fitted == (1, self.n_features_in_)  # fitted on (n, n_timesteps)
        if two_d and len(shape) == 2:
            return (
                f"X has {shape[1]} features, but {name} is expecting {length} "
                f"features as input (signals of length {length} seen in fit); "
                "resample them with sklecg.preprocessing.Resampler("
                f"length={length})."
            )
        expected = (
            f"(n_samples, {length})" if two_d else f"(n_samples, {n_leads}, {length})"
        )
        return (
            f"{name} was fitted on {n_leads}-lead signals of length {length} "
            f"and received a {len(shape)}-D array of shape {shape}; pass an "
            f"array of shape {expected}."
        )

    def _check_y(self, y, n_samples: int, *, reset: bool) -> np.ndarray:
        y = column_or_1d(y, warn=True)
        check_no_missing_labels(y)
        check_classification_targets(y)
        if len(y) != n_samples:
            raise ValueError(
                f"X and y have different numbers of samples: {n_samples} and {len(y)}."
            )
        if reset:
            self.label_encoder_ = LabelEncoder().fit(y)
            if len(self.classes_) < 2:
                del self.label_encoder_
                raise ValueError(
                    f"y has only one class ({y[0]!r}); a classifier needs at least 2."
                )
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} that the model never saw; "
                f"its classes_ are {self.classes_.tolist()}. Call fit to train "
                "on a new set of classes."
            )
        return self.label_encoder_.transform(y).astype(np.int64)

    def _module_sizes(self) -> dict:
        """The sizes of the data that the module's constructor takes."""
        shapes = self.input_shape_
        named = shapes if isinstance(shapes, Mapping) else {"signal": shapes}
        sizes = {"n_outputs": len(self.classes_)}
        if "signal" in named:
            signal = named["signal"]
            axes = ("n_freqs", "n_frames") if len(signal) == 3 else ("n_timesteps",)
            sizes.update(n_channels=signal[0], **dict(zip(axes, signal[1:])))
        if len(named.get("features", ())) == 1:
            sizes["n_features"] = named["features"][0]
        accepted = self._module_params()
        return {key: value for key, value in sizes.items() if key in accepted}

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
            self.module_sizes_ = self._module_sizes()
            self.class_weight_ = compute_class_weight(
                self.class_weight, y, self.classes_, self.class_weight_alpha
            )
        if sample_weight is not None:
            weights = _check_sample_weight(
                sample_weight, X, dtype=np.float32, ensure_non_negative=True
            )
            inputs = X if isinstance(X, Mapping) else {_SIGNALS: X}
            X = SliceDict(**inputs, **{_SAMPLE_WEIGHT: weights})
        with self._seeded():
            if fresh:
                self.initialize()
            NeuralNet.partial_fit(self, X, y, _routing_method="fit", **fit_params)
        return self

    @property
    def _default_callbacks(self):
        accuracy = EpochScoring(_encoded_accuracy, False, name="valid_acc")
        return [
            (name, accuracy if name == "valid_acc" else callback)
            for name, callback in super()._default_callbacks
        ]

    def get_default_callbacks(self):
        validated = bool(self.validation_fraction)
        step = 10 if self.lr_step_size is None else self.lr_step_size
        monitor = "valid_loss" if validated else "train_loss"
        schedules = {
            "step": lambda: cb.StepSchedule(step, self.lr_factor),
            "plateau": lambda: cb.PlateauSchedule(10, self.lr_factor, monitor),
            "cosine": cb.CosineSchedule,
        }
        extra = {
            "early_stopping": validated
            and self.patience is not None
            and EarlyStopping(patience=self.patience, load_best=True),
            "lr_scheduler": schedules.get(self.lr_scheduler, lambda: None)(),
            "random_crop": self.train_crop_length
            and cb.RandomCrop(self.train_crop_length),
            "freezer": self.init_from is not None
            and cb.FreezeLayers(self.n_trainable_layers),
            "progress_bar": self.verbose >= 2
            and stderr_is_terminal()
            and ProgressBar(),
        }
        callbacks = [(name, callback) for name, callback in extra.items() if callback]
        return [*super().get_default_callbacks(), *callbacks]

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
    def _module_input(self, x):
        """The module's input in a batch: sample weights dropped."""
        if not isinstance(x, Mapping):
            return x
        x = {key: value for key, value in x.items() if key != _SAMPLE_WEIGHT}
        return x if isinstance(self.input_shape_, Mapping) else x[_SIGNALS]

    def infer(self, x, **fit_params):
        """Forward pass, dict inputs as keyword arguments; bf16 if asked."""
        device = torch.device(self.device).type
        with torch.autocast(device, torch.bfloat16, enabled=self.precision == "bf16"):
            return super().infer(self._module_input(x), **fit_params).float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion's loss, a ``sample_weight``-weighted mean when given.

        With weights ``s_i`` and class weights ``w_c`` the loss is
        ``sum(s_i w_ci l_i) / sum(s_i w_ci)``: the mean over the samples
        repeated ``s_i`` times.
        """
        if not (isinstance(X, Mapping) and _SAMPLE_WEIGHT in X):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        y_true = to_tensor(y_true, device=y_pred.device)
        weights = to_tensor(X[_SAMPLE_WEIGHT], device=y_pred.device)
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
