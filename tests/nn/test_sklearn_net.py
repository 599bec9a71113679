"""sklecg.nn._sklearn_net: scikit-learn conventions on a minimal subclass."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from skorch.helper import SliceDict
from torch import nn

from sklecg.nn._inputs import SAMPLE_WEIGHT, SIGNALS
from sklecg.nn._sklearn_net import SklearnNetClassifier


class Linear(nn.Module):
    def __init__(self, n_features=4, n_outputs=2):
        super().__init__()
        self.layer = nn.Linear(n_features, n_outputs)

    def forward(self, X):
        return self.layer(X)


class TableNet(SklearnNetClassifier):
    """The least a subclass defines: its input check and a fit using _check_y."""

    def _check_X(self, X, *, reset):
        return np.asarray(X, dtype=np.float32)

    def fit(self, X, y, **fit_params):
        X = self._check_X(X, reset=True)
        return super().fit(X, self._check_y(y, len(X), reset=True), **fit_params)


def table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    y = np.array(["no", "yes"] * (n // 2))
    X = rng.normal(size=(n, 4))
    X[y == "yes", 0] += 3.0
    return X, y


def net(**params):
    defaults = {"criterion": nn.CrossEntropyLoss, "max_epochs": 10, "lr": 0.2}
    defaults.update(device="auto", verbose=0)
    return TableNet(Linear, **{**defaults, **params})


def test_labels_of_any_type_and_float64_probabilities():
    X, y = table()
    torch.manual_seed(0)
    fitted = net().fit(X, y)
    assert fitted.classes_.tolist() == ["no", "yes"]
    proba = fitted.predict_proba(X)
    assert proba.dtype == np.float64 and proba.shape == (40, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert set(fitted.predict(X)) <= {"no", "yes"}
    # valid_acc is scored on the encoded labels, not on the decoded predictions
    assert 0.5 < fitted.history_[-1, "valid_acc"] <= 1.0


def test_fitted_only_after_fit_and_classes_only_after_fit():
    X, y = table()
    unfitted = net()
    unfitted.initialize()
    with pytest.raises(NotFittedError):
        unfitted.predict(X)
    with pytest.raises(AttributeError, match="TableNet has no attribute 'classes_'"):
        unfitted.classes_  # noqa: B018


def test_a_refit_on_one_class_leaves_the_net_unfitted():
    X, y = table()
    fitted = net().fit(X, y)
    with pytest.raises(ValueError, match="only one class"):
        fitted.fit(X, np.full(40, "no"))
    with pytest.raises(NotFittedError):
        fitted.predict(X)


def test_auto_device_and_params_without_skorch_internals():
    X, y = table()
    fitted = net().fit(X, y)
    params = fitted.get_params()
    assert params["device"] == "auto" and fitted.device in ("cpu", "cuda")
    assert not {"train_split", "classes"} & set(params)
    assert not any(name.startswith("_") for name in params)
    loaded = pickle.loads(pickle.dumps(fitted))
    assert loaded.get_params()["device"] == "auto"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    assert clone(fitted).get_params()["device"] == "auto"


def test_sample_weights_beside_the_inputs_weight_the_loss():
    X, y = table(n=6)
    fitted = net(max_epochs=1, train_split=None).fit(X, y)
    logits = torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5]])
    codes = np.array([0, 1, 1])
    batch = SliceDict(
        **{SIGNALS: np.zeros((3, 4)), SAMPLE_WEIGHT: np.float32([1, 0, 2])}
    )
    loss = fitted.get_loss(logits, codes, X=batch)
    rows = torch.tensor([0, 2, 2])
    expected = nn.functional.cross_entropy(logits[rows], torch.tensor([0, 1, 1]))
    torch.testing.assert_close(loss, expected)
    plain = fitted.get_loss(logits, torch.as_tensor(codes), X=np.zeros((3, 4)))
    torch.testing.assert_close(
        plain, nn.functional.cross_entropy(logits, torch.as_tensor(codes))
    )
