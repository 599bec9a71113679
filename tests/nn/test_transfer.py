"""freeze_layers and transfer_module (the skorch side: tests/test_nn_transfer.py)."""

import pytest
import torch

from sklecg.nn import (
    BeatRhythmNet,
    ConvNet,
    SimpleCNN,
    count_parameters,
    freeze_layers,
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
