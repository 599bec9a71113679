"""Quick run of examples/transfer_learning.py on the real MIT-BIH beats."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import load_example, run_quick

from sklecg.nn import ConvNet, count_parameters


def test_labelled_fraction_takes_a_share_of_every_record():
    example = load_example("transfer_learning")
    groups = np.repeat([100, 103, 105], [200, 40, 1])
    index = np.arange(groups.size)[::-1]
    labelled, rest = example.labelled_fraction(
        index, groups, 0.05, np.random.default_rng(0)
    )
    assert np.bincount(groups[labelled])[[100, 103, 105]].tolist() == [10, 2, 1]
    assert not set(labelled) & set(rest)
    np.testing.assert_array_equal(np.sort(np.r_[labelled, rest]), np.sort(index))


@pytest.mark.realdata
def test_transfer_learning_quick(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    example, rows = run_quick(
        "transfer_learning",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )
    search = [row for row in rows if row["part"] == "search"]
    transfer = {row["adaptation"]: row for row in rows if row["part"] == "transfer"}

    assert len(search) == example.SIZES[True]["n_iter"]
    assert [row["rank"] for row in search] == sorted(row["rank"] for row in search)
    for row in search:
        assert row["optimizer"] in ("adam", "rmsprop", "sgd")
        assert 1e-4 <= float(row["lr"]) <= 1e-2
        assert 1e-5 <= float(row["weight decay"]) <= 1e-3
        assert 64 <= row["batch size"] <= 256
        assert 0 <= row["CV macro F1"] <= 1

    assert list(transfer) == [
        "none (DS1 model)",
        "last 1",
        "last 2",
        "last 3",
        "last 4",
        "all layers",
        "from scratch on the DS2 fraction",
        "majority class of DS1 (N)",
    ]
    for row in transfer.values():
        assert 0 <= row["accuracy"] <= 1 and 0 <= row["macro F1"] <= 1
    # trainable parameters grow with k; k=1 is the new 64 -> 4 output layer
    trainable = [transfer[f"last {k}"]["trainable parameters"] for k in (1, 2, 3, 4)]
    assert trainable[0] == 64 * 4 + 4
    assert all(a < b for a, b in zip(trainable, trainable[1:]))
    everything = count_parameters(ConvNet(n_outputs=4, n_timesteps=187))
    assert transfer["all layers"]["trainable parameters"] == everything
    assert trainable[-1] < everything
    # the DS1 network beats always answering N on the unseen DS2 patients
    assert (
        transfer["none (DS1 model)"]["macro F1"]
        > transfer["majority class of DS1 (N)"]["macro F1"]
    )
    for name in ("search", "accuracy_vs_k", "tsne"):
        size = (tmp_path / f"transfer_{name}.png").stat().st_size
        assert 10_000 < size < 150_000, (name, size)
