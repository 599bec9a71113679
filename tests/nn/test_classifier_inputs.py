"""ECGClassifier: named (dict) inputs and the module sizes inferred from data."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from skorch.helper import SliceDict
from torch import nn

from sklecg.nn import BeatRhythmNet, ConvNet, ECGClassifier, SimpleCNN


class TwoInputNet(nn.Module):
    """A beat signal through a convolution, beside a vector of features."""

    any_length = True  # global max pooling; declared as ECGModule's are

    def __init__(self, n_outputs=2, n_channels=1, n_features=3, n_hidden=8):
        super().__init__()
        self.conv = nn.Conv1d(n_channels, n_hidden, 5)
        self.dense = nn.Linear(n_features, n_hidden)
        self.classifier = nn.Linear(2 * n_hidden, n_outputs)

    def forward_features(self, signal, features):
        pooled = torch.relu(self.conv(signal)).amax(dim=-1)
        return torch.cat([pooled, torch.relu(self.dense(features))], dim=1)

    def forward(self, signal, features):
        return self.classifier(self.forward_features(signal, features))


class FixedLengthTwoInputNet(TwoInputNet):
    any_length = False


def named_toy(n=60, n_channels=2, t=40, k=3, seed=0):
    """Class 'b' shows in the signal's middle and in the first feature."""
    rng = np.random.default_rng(seed)
    y = np.array(["a", "b"] * (n // 2))
    signal = rng.normal(scale=0.3, size=(n, n_channels, t))
    signal[y == "b", :, t // 3 : t // 2] += 2.0
    features = rng.normal(size=(n, k))
    features[y == "b", 0] += 2.0
    return SliceDict(signal=signal, features=features), y


def net(**params):
    defaults = {"max_epochs": 4, "batch_size": 16, "lr": 1e-2, "random_state": 0}
    return ECGClassifier(TwoInputNet, **{**defaults, **params})


def test_fit_predict_embed_on_named_inputs():
    X, y = named_toy()
    fitted = net().fit(dict(X), y)  # a plain dict works as well
    assert fitted.input_shape_ == {"signal": (2, 40), "features": (3,)}
    params = fitted.get_params()
    assert (params["module__n_channels"], params["module__n_features"]) == (2, 3)
    assert params["module__n_outputs"] == 2
    assert "module__n_timesteps" not in params  # TwoInputNet does not take it
    assert not hasattr(fitted, "n_features_in_")
    proba = fitted.predict_proba(X)
    assert proba.shape == (60, 2) and proba.dtype == np.float64
    assert set(fitted.predict(X[:5])) <= {"a", "b"}
    assert fitted.score(X, y) > 0.8
    assert fitted.embed(X).shape == (60, 16)
    inputs = fitted.prepare_input(X[:4])
    assert inputs["signal"].shape == (4, 2, 40) and inputs["features"].dtype == (
        torch.float32
    )
    # the module takes any length: another signal length predicts
    longer = SliceDict(
        signal=np.resize(X["signal"], (60, 2, 70)), features=X["features"]
    )
    assert fitted.predict(longer).shape == (60,)
    # a module that does not declare it is held to the length of fit
    fixed = clone(fitted).set_params(module=FixedLengthTwoInputNet)
    with pytest.raises(ValueError, match=r"fitted on X\['signal'\] rows of shape"):
        fixed.fit(X, y).predict(longer)


def test_a_2d_signal_entry_gets_the_channel_axis():
    X, y = named_toy(n_channels=1)
    X2 = SliceDict(signal=X["signal"][:, 0], features=X["features"])
    fitted = net(max_epochs=1).fit(X2, y)
    assert fitted.input_shape_["signal"] == (1, 40)
    # the same values; the convolution may take another kernel for another
    # memory layout, so equal to float32 rounding
    np.testing.assert_allclose(
        fitted.predict_proba(X2), fitted.predict_proba(X), rtol=1e-6, atol=1e-7
    )


def test_cross_validation_and_grid_search_on_a_slicedict():
    X, y = named_toy()
    scores = cross_val_score(net(), X, y, cv=StratifiedKFold(3))
    assert scores.shape == (3,) and scores.mean() > 0.7
    grid = GridSearchCV(
        net(max_epochs=2), {"module__n_hidden": [4, 8]}, cv=StratifiedKFold(2)
    ).fit(X, y)
    assert grid.best_params_["module__n_hidden"] in (4, 8)
    best = grid.best_estimator_
    assert best.module_.classifier.in_features == 2 * best.module__n_hidden
    assert grid.predict(X[:3]).shape == (3,)


def test_sample_weight_and_pickle_with_named_inputs():
    X, y = named_toy()
    weights = np.where(y == "a", 2.0, 1.0)
    fitted = net(max_epochs=2).fit(X, y, sample_weight=weights)
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    assert loaded.get_params()["module__n_features"] == 3


def test_beat_rhythm_net_gets_its_sizes_from_the_named_inputs():
    X, y = named_toy(n_channels=3, t=64, k=5)
    fitted = ECGClassifier(
        BeatRhythmNet, module__filters=(4, 8), max_epochs=1, random_state=0
    ).fit(X, y)
    params = fitted.get_params()
    sizes = [params[f"module__{name}"] for name in ("n_channels", "n_features")]
    assert sizes == [3, 5] and params["module__n_timesteps"] == 64
    assert fitted.predict(X).shape == (60,)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda X: {**X, "features": X["features"][:-1]}, "one row per sample"),
        (
            lambda X: {**X, "features": np.where(X["features"] > 1, np.nan, 0.0)},
            r"X\['features'\]: Input contains NaN",
        ),
        (
            lambda X: {**X, "features": np.full(X["features"].shape, "x")},
            r"X\['features'\]: could not convert string to float",
        ),
        (lambda X: {**X, "signal": np.zeros((60, 2, 40, 2))}, r"X\['signal'\]: "),
        (lambda X: {**X, "sample_weight": np.ones(60)}, "any key but 'sample_weight'"),
        (lambda X: {}, "pass one array per module input"),
    ],
)
def test_bad_named_inputs_are_refused_naming_the_key(change, match):
    X, y = named_toy()
    with pytest.raises(ValueError, match=match):
        net(max_epochs=1).fit(change(dict(X)), y)


def test_predict_refuses_other_keys_or_shapes_than_fit():
    X, y = named_toy()
    fitted = net(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"dict with keys \['features', 'signal'\]"):
        fitted.predict({"signal": X["signal"]})
    with pytest.raises(ValueError, match="dict with keys"):
        fitted.predict(X["signal"])
    with pytest.raises(ValueError, match=r"X\['features'\] rows of shape \(3,\)"):
        fitted.predict({**X, "features": X["features"][:, :2]})
    with pytest.raises(ValueError, match=r"X\['signal'\] rows of shape \(2, 40\)"):
        fitted.predict({**X, "signal": X["signal"][:, :1]})
    array_net = ECGClassifier(SimpleCNN, max_epochs=1).fit(X["signal"], y)
    with pytest.raises(ValueError, match="fitted on X given as an array"):
        array_net.predict(X)


def test_clone_of_a_fitted_net_infers_the_sizes_again():
    X, y = named_toy()
    fitted = ECGClassifier(ConvNet, module__filters=(4,), max_epochs=1)
    fitted.fit(X["signal"], y)
    assert fitted.get_params()["module__n_timesteps"] == 40
    twin = clone(fitted)
    assert "module__n_timesteps" not in twin.get_params()
    other = np.random.default_rng(1).normal(size=(60, 1, 96))
    twin.fit(other, y)
    assert twin.get_params()["module__n_channels"] == 1
    assert twin.get_params()["module__n_timesteps"] == 96
    # refitting the same net on another shape infers again too
    fitted.fit(other, y)
    assert fitted.get_params()["module__n_timesteps"] == 96
    # sizes passed by the user win over the inferred ones
    given = ECGClassifier(ConvNet, module__filters=(4,), module__n_outputs=5)
    given.set_params(max_epochs=1).fit(other, y)
    assert given.module_.classifier.out_features == 5
    assert clone(given).get_params()["module__n_outputs"] == 5
