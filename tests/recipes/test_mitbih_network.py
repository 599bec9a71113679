"""sklecg.recipes.mitbih_network_pipeline: layout, overrides, real beats."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from sklecg.nn import ConvNet, ECGClassifier, count_parameters, report_network
from sklecg.recipes import mitbih_network_pipeline


def test_recipe_layout_and_overrides():
    ensemble = mitbih_network_pipeline(max_epochs=3, precision="fp32")
    assert isinstance(ensemble, VotingClassifier)
    assert ensemble.voting == "soft"
    assert [name for name, _ in ensemble.estimators] == [f"net{i}" for i in range(5)]
    params = clone(ensemble).get_params()
    for seed in range(5):
        net = params[f"net{seed}"]
        assert isinstance(net, ECGClassifier)
        # the overrides reach every network; only the seed differs
        assert (net.max_epochs, net.precision, net.random_state) == (3, "fp32", seed)
        assert net.validation_fraction is None
        for key, value in report_network("sc4001_model_8").items():
            assert params[f"net{seed}__{key}"] == value
    module = ConvNet(
        n_outputs=5,
        n_timesteps=187,
        **{
            key.removeprefix("net0__module__"): value
            for key, value in params.items()
            if key.startswith("net0__module__")
        },
    )
    assert count_parameters(module) == 311_173  # the docstring's count
    assert [n for n, _ in mitbih_network_pipeline(n_networks=2).estimators] == [
        "net0",
        "net1",
    ]


@pytest.mark.parametrize(
    ("n_networks", "error", "match"),
    [
        (0, ValueError, "n_networks must be >= 1, got 0"),
        (2.0, TypeError, "n_networks must be an int >= 1, got float 2.0"),
        (True, TypeError, "got bool True"),
    ],
)
def test_recipe_rejects_bad_network_counts(n_networks, error, match):
    with pytest.raises(error, match=match):
        mitbih_network_pipeline(n_networks=n_networks)


def test_recipe_rejects_unknown_network_parameters():
    with pytest.raises(ValueError, match="no_such"):
        mitbih_network_pipeline(no_such=1)


def test_recipe_soft_vote_is_the_mean_of_its_networks():
    rng = np.random.default_rng(0)
    y = np.repeat(["N", "S", "V"], 30)
    X = rng.uniform(size=(90, 187)).astype(np.float32)
    X[y == "V", 80:100] += 1.0
    ensemble = mitbih_network_pipeline(n_networks=2, max_epochs=2).fit(X, y)
    assert list(ensemble.classes_) == ["N", "S", "V"]
    mean = np.mean([net.predict_proba(X) for net in ensemble.estimators_], axis=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), mean, rtol=1e-6)
    assert set(ensemble.predict(X)) <= {"N", "S", "V"}


@pytest.mark.realdata
@pytest.mark.slow
def test_recipe_learns_real_beats(mitbih_beats):
    # a stratified 12,000-beat subset, two networks of 4 epochs: well above
    # chance on every class, far from the full run's score (examples/RESULTS.md)
    y = np.asarray(mitbih_beats.target_names)[mitbih_beats.target]
    index, _ = train_test_split(
        np.arange(y.size), train_size=12_000, stratify=y, random_state=0
    )
    train, test = train_test_split(
        index, test_size=0.25, stratify=y[index], random_state=0
    )
    ensemble = mitbih_network_pipeline(n_networks=2, max_epochs=4)
    ensemble.fit(mitbih_beats.data[train], y[train])
    predicted = ensemble.predict(mitbih_beats.data[test])
    assert set(predicted) <= set("NSVFQ")
    macro = f1_score(y[test], predicted, average="macro")
    print(f"recipe on 9,000 beats, 2 networks of 4 epochs: macro F1 {macro:.3f}")
    assert macro > 0.6
