"""sklecg.recipes.mitbih_network_pipeline: layout, overrides, real beats."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from sklecg.nn import ConvNet, count_parameters
from sklecg.recipes import mitbih_network_pipeline


def test_recipe_layout_and_overrides():
    pipe = mitbih_network_pipeline(net__max_epochs=3, net__precision="bf16")
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["net"]
    params = clone(pipe).get_params()
    assert (params["net__max_epochs"], params["net__precision"]) == (3, "bf16")
    assert params["net__module"] is ConvNet
    module = ConvNet(
        n_outputs=5,
        n_timesteps=187,
        **{
            key.removeprefix("net__module__"): value
            for key, value in params.items()
            if key.startswith("net__module__")
        },
    )
    assert count_parameters(module) == 365_317  # the docstring's count
    with pytest.raises(ValueError, match="no_such"):
        mitbih_network_pipeline(net__no_such=1).fit(np.zeros((4, 187)), [0, 1] * 2)


@pytest.mark.realdata
@pytest.mark.slow
def test_recipe_learns_real_beats(mitbih_beats):
    # a stratified 12,000-beat subset and 4 epochs: well above chance on
    # every class, far from the full run's score (examples/RESULTS.md)
    y = np.asarray(mitbih_beats.target_names)[mitbih_beats.target]
    index, _ = train_test_split(
        np.arange(y.size), train_size=12_000, stratify=y, random_state=0
    )
    train, test = train_test_split(
        index, test_size=0.25, stratify=y[index], random_state=0
    )
    pipe = mitbih_network_pipeline(net__max_epochs=4, net__precision="bf16")
    pipe.fit(mitbih_beats.data[train], y[train])
    predicted = pipe.predict(mitbih_beats.data[test])
    assert set(predicted) <= set("NSVFQ")
    macro = f1_score(y[test], predicted, average="macro")
    print(f"recipe on 9,000 beats, 4 epochs: macro F1 {macro:.3f}")
    assert macro > 0.6
