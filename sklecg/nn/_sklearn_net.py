"""skorch's NeuralNetClassifier made to follow scikit-learn's conventions.

:class:`SklearnNetClassifier` is the base of :class:`~sklecg.nn.ECGClassifier`:
labels of any type are encoded in ``fit`` (``classes_``; the net counts as
fitted only after ``fit``), the device ``"auto"`` is kept by ``get_params``
and pickles, ``get_params`` shows no skorch internals, probabilities are
float64 softmax outputs, ``valid_acc`` is scored on the encoded labels, and
sample weights travelling beside the inputs weight the loss. A subclass
checks its inputs in ``_check_X(X, reset=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.utils import to_tensor
from torch.utils.data import Dataset

from sklecg.nn import _inputs
from sklecg.nn._callbacks import encoded_accuracy
from sklecg.nn._params import resolve_device
from sklecg.nn._training import weighted_loss

__all__ = ["SklearnNetClassifier"]

# NeuralNet attributes that are not parameters: the split is the subclass's
# (train_split is None), the classes come from y
_NOT_PARAMS = ("train_split", "classes")


class SklearnNetClassifier(NeuralNetClassifier):
    """A NeuralNetClassifier with scikit-learn's conventions (see the module).

    Subclasses define ``_check_X(X, *, reset)``, which returns the network
    input of ``X`` (``reset``: in a fresh ``fit``).
    """

    @property
    def device(self):
        """The torch device in use: the ``device`` parameter, "auto" resolved."""
        return resolve_device(self.__dict__["device"])

    @device.setter
    def device(self, value):
        self.__dict__["device"] = value

    def __setstate__(self, state):
        super().__setstate__({**state, "device": resolve_device(state["device"])})
        if state["device"] == "auto":
            self.device = "auto"

    def _get_param_names(self):
        names = super()._get_param_names()
        return [n for n in names if not n.startswith("_") and n not in _NOT_PARAMS]

    def get_params(self, deep=True, **kwargs):
        return {**super().get_params(deep, **kwargs), "device": vars(self)["device"]}

    def __sklearn_is_fitted__(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "label_encoder_")

    @property
    def classes_(self) -> np.ndarray:
        if not hasattr(self, "label_encoder_"):
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'classes_' before fit."
            )
        return self.label_encoder_.classes_

    def _check_y(self, y, n_samples: int, *, reset: bool) -> np.ndarray:
        """The int64 codes of labels ``y``; ``reset`` fits the label encoder."""
        y = _inputs.check_labels(y, n_samples)
        if reset:  # a net refitted on a single class is left unfitted
            vars(self).pop("label_encoder_", None)
            self.label_encoder_ = _inputs.fit_label_encoder(y)
        return _inputs.encode_labels(y, self.label_encoder_)

    def _prepare(self, X):
        """The network input of ``X`` for a fitted net."""
        check_is_fitted(self)
        if isinstance(X, Dataset):  # skorch's own scorers during fit
            return X
        return self._check_X(X, reset=False)

    @property
    def _default_callbacks(self):
        accuracy = EpochScoring(encoded_accuracy, False, name="valid_acc")
        return [
            (name, accuracy if name == "valid_acc" else callback)
            for name, callback in super()._default_callbacks
        ]

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion's loss; a weighted mean with sample weights in ``X``."""
        if not (isinstance(X, Mapping) and _inputs.SAMPLE_WEIGHT in X):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        y_true = to_tensor(y_true, device=y_pred.device)
        weights = to_tensor(X[_inputs.SAMPLE_WEIGHT], device=y_pred.device)
        return weighted_loss(self.criterion_, y_pred, y_true, weights)

    def _get_predict_nonlinearity(self):
        if self.predict_nonlinearity == "auto":
            return lambda logits: torch.softmax(logits, dim=-1)
        return super()._get_predict_nonlinearity()

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (float64, columns in ``classes_`` order)."""
        return NeuralNet.predict_proba(self, self._prepare(X)).astype(np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted labels of shape (n_samples,), among ``classes_``."""
        proba = self.predict_proba(X)  # first: it raises NotFittedError
        return self.classes_[proba.argmax(axis=1)]
