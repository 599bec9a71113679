"""Transfer learning: freeze_layers and transfer_module, and the skorch side
(ECGClassifier(init_from=...)): a new output layer, frozen layers stay
bit-identical."""

import numpy as np
import pytest
import torch
from _nn_common import quick_net, subset
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklecg.nn import (
    BeatRhythmNet,
    ConvNet,
    ECGClassifier,
    SimpleCNN,
    count_parameters,
    freeze_layers,
    parameterized_layers,
    transfer_module,
)


def test_freeze_layers_counts_from_the_output():
    net = SimpleCNN()
    frozen = freeze_layers(net, 2)
    assert frozen == ["conv.0.1", "conv.1.1", "conv.2.1"]
    assert count_parameters(net, trainable_only=True) == 128 * 128 + 128 + 128 * 5 + 5
    with pytest.raises(ValueError, match="between 1 and the number of layers"):
        freeze_layers(SimpleCNN(), 6)


@pytest.mark.parametrize(
    "source",
    [ConvNet(n_outputs=5, n_timesteps=187), BeatRhythmNet(n_outputs=5)],
    ids=["ConvNet", "BeatRhythmNet"],
)
def test_transfer_module_resets_the_head_of_a_copy(source):
    source.requires_grad_(False)
    before = {k: v.clone() for k, v in source.state_dict().items()}
    module, frozen = transfer_module(source, 2, n_trainable_layers=2)
    assert module is not source and type(module) is type(source)
    assert (module.classifier.out_features, module.n_outputs) == (2, 2)
    assert module.classifier.in_features == source.embedding_size
    body = {k: v for k, v in module.state_dict().items() if "classifier" not in k}
    for key, value in body.items():
        assert torch.equal(value, before[key]), key
    # the copy is trainable again but for the frozen layers; the source as it was
    trainable = {n for n, p in module.named_parameters() if p.requires_grad}
    assert trainable and not any(n.rsplit(".", 1)[0] in frozen for n in trainable)
    assert source.classifier.out_features == 5
    assert not any(p.requires_grad for p in source.parameters())
    for key, value in source.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_transfer_module_needs_an_ecg_module():
    with pytest.raises(TypeError, match="built on sklecg.nn.ECGModule .*'classifier'"):
        transfer_module(torch.nn.Linear(64, 2), 2, 1)


# ------------------------ ECGClassifier(init_from=..., n_trainable_layers=...)
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


@pytest.mark.realdata
def test_transfer_to_a_new_class_set(mitbih_beats_small):
    X, y = subset(mitbih_beats_small, 1200)
    source = np.isin(y, ["N", "V"])
    pretrained = quick_net().fit(X[source], y[source])
    before = {k: v.clone() for k, v in pretrained.module_.state_dict().items()}
    tuned = ECGClassifier(
        init_from=pretrained, n_trainable_layers=1, max_epochs=2, random_state=0
    ).fit(X[~source], y[~source])
    assert tuned.classes_.tolist() == sorted(set(y[~source]))
    after = tuned.module_.state_dict()
    for key in before:
        if not key.startswith("classifier"):
            assert torch.equal(before[key], after[key].cpu()), key
