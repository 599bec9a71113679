"""RhythmResNet: shapes at any length, parameter count, pooling, errors;
atrial fibrillation against sinus rhythm on real CinC 2017 records."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from torch import nn

from sklecg.nn import (
    ECGClassifier,
    RhythmResNet,
    count_parameters,
    parameterized_layers,
)
from sklecg.preprocessing import Resampler, SignalScaler


@pytest.mark.parametrize("n_timesteps", [1, 187, 3000, 3001, 6100])
def test_any_length_gives_logits_and_pooled_features(n_timesteps):
    torch.manual_seed(0)
    net = RhythmResNet(n_outputs=4, n_channels=2).eval()
    x = torch.randn(3, 2, n_timesteps)
    features = net.forward_features(x)
    assert features.shape == (3, 256)
    logits = net(x)
    assert logits.shape == (3, 4)
    torch.testing.assert_close(logits, net.classifier(features))
    assert parameterized_layers(net)[0][0] == "stem"
    assert parameterized_layers(net)[-1][0] == "classifier"


def test_every_block_halves_the_length_rounding_up():
    net = RhythmResNet(filters=(4, 8, 8)).eval()
    lengths = []
    for block in net.blocks[:3]:
        block.register_forward_hook(lambda m, i, out: lengths.append(out.shape[-1]))
    net(torch.zeros(1, 1, 101))  # stem: 51 samples
    assert lengths == [26, 13, 7]


def test_features_are_time_average_and_maximum_of_the_last_maps():
    torch.manual_seed(0)
    net = RhythmResNet(filters=(4, 8)).eval()
    x = torch.randn(2, 1, 400)
    maps = net.blocks(net.stem(x))
    expected = torch.cat([maps.mean(-1), maps.amax(-1)], dim=1)
    torch.testing.assert_close(net.forward_features(x), expected)


def test_parameter_count_does_not_depend_on_the_length():
    # the defaults' count by hand: tests/nn/test_module_contract.py
    assert count_parameters(RhythmResNet(n_timesteps=187)) == count_parameters(
        RhythmResNet(n_timesteps=6000)
    )
    # stem 1x16x15 + one block 16->16 (2 BN, 2 convs 16x16x9), BN, output 32x4
    net = RhythmResNet(filters=(16,))
    by_hand = (15 * 16 + 16) + 2 * (2 * 16) + 2 * (16 * 16 * 9 + 16)
    by_hand += 2 * 16 + (32 * 4 + 4)
    assert count_parameters(net) == by_hand


def test_width_changes_project_the_skip_path():
    net = RhythmResNet(filters=(8, 16))
    skips = [block.skip for block in net.blocks[:2]]
    assert [len(skip) for skip in skips] == [1, 2]
    assert isinstance(skips[1][1], nn.Conv1d) and skips[1][1].kernel_size == (1,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kernel_size": 8}, "odd positive kernel_size .* got 8. Pass e.g. 9"),
        ({"stem_kernel_size": 0}, "odd positive stem_kernel_size .* Pass e.g. 1"),
        ({"filters": ()}, "non-empty sequence of positive channel counts"),
        ({"filters": (16, 0)}, "non-empty sequence of positive channel counts"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RhythmResNet(**kwargs)


def test_trains_inside_ecg_classifier_on_records():
    # slow versus fast spike trains at random phases: only the spike rate
    # over the whole record, which the global average pooling sees, differs
    rng = np.random.default_rng(0)
    X = np.zeros((60, 600), dtype=np.float32)
    y = np.array(["N", "A"] * 30)
    for row, label in zip(X, y, strict=True):
        low, high = (50, 70) if label == "N" else (20, 35)
        beats = np.cumsum(rng.integers(low, high, 30)) - rng.integers(0, 40)
        row[beats[(beats >= 0) & (beats < 600)]] = 1.0
        row += rng.normal(0, 0.05, 600).astype(np.float32)
    net = ECGClassifier(
        RhythmResNet,
        module__filters=(8, 16, 16),
        max_epochs=15,
        batch_size=8,
        validation_fraction=None,
        lr_scheduler="cosine",
        random_state=0,
    )
    net.fit(X[:40], y[:40])
    assert net.module_.classifier.out_features == 2
    assert (net.predict(X[40:]) == y[40:]).mean() >= 0.8


@pytest.mark.realdata
def test_rhythm_resnet_tells_atrial_fibrillation_from_sinus_records(cinc2017):
    # whole 30-s CinC 2017 records at 100 Hz: the rhythm over the record,
    # not one beat's shape, separates AF from normal sinus rhythm
    y_all = np.asarray(cinc2017.target)
    rng = np.random.default_rng(0)
    index = np.r_[
        rng.choice(np.flatnonzero(y_all == "N"), 400, replace=False),
        rng.choice(np.flatnonzero(y_all == "A"), 400, replace=False),
    ]
    X = [cinc2017.data[i] for i in index]
    y = y_all[index]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    pipe = Pipeline(
        [
            ("scale", SignalScaler()),
            ("resample", Resampler(3000, fs=300, target_fs=100, short="repeat")),
            (
                "net",
                ECGClassifier(
                    RhythmResNet,
                    max_epochs=10,
                    lr=2e-3,
                    lr_scheduler="cosine",
                    validation_fraction=None,
                    random_state=0,
                ),
            ),
        ]
    )
    pipe.fit(X_train, y_train)
    assert pipe[-1].module_.classifier.out_features == 2
    # balanced test set: chance is 0.5
    assert (pipe.predict(X_test) == y_test).mean() > 0.85
