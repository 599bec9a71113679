"""Transfer learning: new output layer, frozen layers stay bit-identical."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklecg.nn import ConvNet, ECGClassifier, SimpleCNN, parameterized_layers


def toy(n=60, t=64, labels=("a", "b"), seed=0):
    rng = np.random.default_rng(seed)
    y = np.array(labels)[np.arange(n) % len(labels)]
    X = rng.normal(scale=0.3, size=(n, t))
    for i, label in enumerate(labels):
        X[y == label] += np.sin(np.linspace(0, (i + 1) * np.pi, t))
    return X, y


@pytest.fixture(scope="module")
def pretrained():
    X, y = toy(labels=("N", "S", "V"), seed=1)
    return ECGClassifier(ConvNet, max_epochs=2, batch_size=16, random_state=0).fit(X, y)


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


@pytest.mark.parametrize("k", [1, 2])
def test_frozen_layers_are_bit_identical_after_fine_tuning(pretrained, k):
    X, y = toy(labels=("x", "y"))
    before = state(pretrained.module_)
    net = ECGClassifier(
        init_from=pretrained, n_trainable_layers=k, max_epochs=2, random_state=0
    ).fit(X, y)
    assert net.classes_.tolist() == ["x", "y"]
    assert net.module_.classifier.out_features == 2
    layers = [name for name, _ in parameterized_layers(net.module_)]
    assert net.frozen_layers_ == layers[: len(layers) - k]
    after = net.module_.state_dict()
    frozen_keys = [
        key for key in before if key.rsplit(".", 1)[0] in net.frozen_layers_
    ]  # weights, biases and BatchNorm running statistics of frozen layers
    assert any("running_mean" in key for key in frozen_keys)
    for key in frozen_keys:
        assert torch.equal(before[key], after[key].cpu()), key
    trained = [key for key in after if key.startswith(layers[-k])]
    assert not torch.equal(before[trained[0]], after[trained[0]].cpu()) or k == 1
    # the source network is not modified
    for key, value in pretrained.module_.state_dict().items():
        assert torch.equal(before[key], value)


def test_fine_tune_everything_and_search_n_trainable_layers(pretrained):
    X, y = toy(labels=("x", "y"))
    net = ECGClassifier(init_from=pretrained, n_trainable_layers=None, max_epochs=1)
    assert net.fit(X, y).frozen_layers_ == []
    grid = GridSearchCV(
        ECGClassifier(init_from=pretrained.module_, max_epochs=1, random_state=0),
        {"n_trainable_layers": [1, 3]},
        cv=StratifiedKFold(2),
    ).fit(X, y)
    assert grid.best_params_["n_trainable_layers"] in (1, 3)
    assert set(grid.predict(X)) <= {"x", "y"}


def test_transfer_errors(pretrained):
    X, y = toy()
    with pytest.raises(ValueError, match="init_from=net.module_"):
        ECGClassifier(init_from=ECGClassifier(SimpleCNN)).fit(X, y)
    with pytest.raises(ValueError, match="exactly one of module"):
        ECGClassifier(SimpleCNN, init_from=pretrained).fit(X, y)
    with pytest.raises(ValueError, match="n_trainable_layers must be between"):
        ECGClassifier(init_from=pretrained, n_trainable_layers=0).fit(X, y)
    with pytest.raises(TypeError, match="'classifier'"):
        ECGClassifier(init_from=torch.nn.Linear(64, 2)).fit(X, y)
