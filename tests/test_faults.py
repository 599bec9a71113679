"""Fault injection for the defects of issue 15, one test per defect.

Each test feeds the input that used to be misread or to fail with an unclear
message (a pandas CSV with a header, an edited or forged compressed file, a
missing folder, a failing disk, labels holding None, values beyond float32,
empty input, negative class weights, degenerate ``max_epochs``) and checks
the values read or the whole message, and that no file was left behind.
"""

import os
import struct
import zlib

import numpy as np
import pandas as pd
import pytest
import torch
from _nn_common import toy_signals
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklecg.compression import (
    PiecewiseConstantCompressor,
    load_compressed,
    save_compressed,
)
from sklecg.datasets import load_heartbeat_csv
from sklecg.metrics import classification_report, specificity_score
from sklecg.nn import ECGClassifier, SimpleCNN
from sklecg.utils.validation import check_signals

_HEADER = struct.Struct("<8sHBB4xQQQQddI4x")
_FIELDS = ("magic", "version", "code", "ndim", "n_signals", "n_leads")
_FIELDS += ("n_segments", "n_timesteps", "fs", "ratio", "crc")


@pytest.fixture
def kaggle_beats():
    """Five beats of the Kaggle layout: 187 samples in [0, 1], classes 0-4."""
    rng = np.random.default_rng(0)
    return rng.random((5, 187)), np.arange(5.0)


@pytest.fixture
def compressed_file(tmp_path):
    """A compressed file of 2 signals, 3 segments, 12 timesteps, 250 Hz."""
    return save_compressed(
        tmp_path / "z.bin", np.arange(6.0).reshape(2, 3), n_timesteps=12, fs=250.0
    )


def _header_fields(path) -> dict:
    return dict(zip(_FIELDS, _HEADER.unpack(path.read_bytes()[: _HEADER.size])))


def _rewrite_header(path, *, fix_crc: bool, **fields) -> None:
    """Edit header fields in place, recomputing the CRC as a forger would."""
    raw = path.read_bytes()
    values = {**_header_fields(path), **fields}
    header = _HEADER.pack(*values.values())
    if fix_crc:
        crc = zlib.crc32(raw[_HEADER.size :], zlib.crc32(header[:64]))
        header = _HEADER.pack(*list(values.values())[:-1], crc)
    path.write_bytes(header + raw[_HEADER.size :])


def small_net(**params):
    defaults = {"module": SimpleCNN, "max_epochs": 1, "batch_size": 16}
    return ECGClassifier(**{**defaults, "random_state": 0, **params})


# ---------------------------------------------------------------- 1. CSV
@pytest.mark.parametrize("index", [False, True])
def test_pandas_to_csv_header_and_index_are_not_read_as_a_beat(
    tmp_path, kaggle_beats, index
):
    X, y = kaggle_beats
    path = tmp_path / "mitbih_test.csv"
    pd.DataFrame(np.column_stack([X, y])).to_csv(path, index=index)
    first = path.read_text().splitlines()[0]
    assert first == "," * index + ",".join(str(k) for k in range(188))
    for n_timesteps in (187, None):
        beats = load_heartbeat_csv(path, n_timesteps=n_timesteps)
        assert beats.data.shape == (5, 187)
        np.testing.assert_allclose(beats.data, X, rtol=1e-6)
        np.testing.assert_array_equal(beats.target, [0, 1, 2, 3, 4])
        np.testing.assert_array_equal(beats.target_names, ["N", "S", "V", "F", "Q"])


# ------------------------------------------------------- 2. compressed files
@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"n_timesteps": 24, "ratio": 0.125}, "the CRC-32 of the header and payload"),
        ({"fs": 500.0}, "the CRC-32 of the header and payload does not match"),
        ({"n_signals": 3}, "the header announces 36 payload bytes but 24 follow"),
    ],
)
def test_an_edited_header_is_detected(compressed_file, fields, match):
    """Editing n_timesteps or fs used to reconstruct the wrong signals."""
    _rewrite_header(compressed_file, fix_crc=False, **fields)
    with pytest.raises(ValueError, match=f"z.bin is not a valid sklecg .*{match}"):
        load_compressed(compressed_file)


@pytest.mark.parametrize(
    ("fields", "disagreement"),
    [
        (
            {"n_timesteps": 0},
            "n_segments 3 and n_timesteps 0; every segment needs at least one sample",
        ),
        ({"n_leads": 2, "n_signals": 1}, "ndim 2 (one lead) but n_leads 2"),
    ],
)
def test_forged_header_fields_that_disagree_are_named(
    compressed_file, fields, disagreement
):
    """n_timesteps=0 used to load (then ``.ratio`` raised ZeroDivisionError);
    a lead count that contradicts ndim gave numpy's reshape error."""
    _rewrite_header(compressed_file, fix_crc=True, **fields)
    with pytest.raises(ValueError) as info:
        load_compressed(compressed_file)
    assert str(info.value) == (
        f"{compressed_file} is not a valid sklecg compressed file: its header "
        f"fields disagree: {disagreement}. Re-create it with "
        "sklecg.compression.save_compressed."
    )


def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    target = tmp_path / "results" / "z.bin"
    with pytest.raises(FileNotFoundError) as info:
        save_compressed(target, np.ones((2, 3)), n_timesteps=12)
    assert str(info.value) == (
        f"The destination folder {target.parent} does not exist; create it "
        f"first (e.g. Path({str(target.parent)!r}).mkdir(parents=True)) or pass "
        f"a path in an existing folder instead of {target}."
    )
    assert ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_write_failing_midway_leaves_the_old_file_and_no_temp_file(
    compressed_file, monkeypatch
):
    before = compressed_file.read_bytes()
    real_fdopen = os.fdopen

    class _DiskFullAfterHeader:
        def __init__(self, *args, **kwargs):
            self.file = real_fdopen(*args, **kwargs)
            self.writes = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.writes += 1
            if self.writes > 1:
                raise OSError(28, "No space left on device")
            return self.file.write(data)

    monkeypatch.setattr(os, "fdopen", _DiskFullAfterHeader)
    with pytest.raises(OSError, match="No space left on device"):
        save_compressed(compressed_file, np.zeros((4, 3)), n_timesteps=12)
    assert compressed_file.read_bytes() == before
    assert [p.name for p in compressed_file.parent.iterdir()] == ["z.bin"]


# ------------------------------------------------------------ 3. messages
def test_two_lead_net_given_one_lead_signals_says_what_it_was_fitted_on():
    X, y = toy_signals(n=30)
    net = small_net(validation_fraction=None).fit(np.stack([X, -X], axis=1), y)
    with pytest.raises(ValueError) as info:
        net.predict(X)
    assert str(info.value) == (
        "ECGClassifier was fitted on 2-lead signals of length 64 and received "
        "a 2-D array of shape (30, 64); pass an array of shape "
        "(n_samples, 2, 64)."
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda y: small_net().fit(toy_signals(n=4)[0], y),
        lambda y: specificity_score(y, ["N", "S", "V", "N"], average="macro"),
        lambda y: classification_report(["N", "S", "V", "N"], y),
    ],
    ids=["ECGClassifier.fit", "specificity_score", "classification_report"],
)
def test_labels_holding_none_are_called_missing(call):
    y = ["N", None, "V", "N"]
    with pytest.raises(ValueError, match=r"has 1 missing label\(s\) \(None or NaN\)"):
        call(y)


@pytest.mark.parametrize(
    "call",
    [
        check_signals,
        lambda X: PiecewiseConstantCompressor().fit(X),
        lambda X: small_net().fit(X, ["N", "V"]),
    ],
    ids=["check_signals", "PiecewiseConstantCompressor", "ECGClassifier"],
)
def test_a_finite_value_beyond_float32_is_not_called_infinite(call):
    X = np.zeros((2, 64))
    X[1, 5] = 1e39
    with pytest.raises(ValueError) as info:
        call(X)
    assert str(info.value) == (
        "X holds 1 finite value(s) too large for float32, the precision sklecg "
        "computes in (largest magnitude 1e+39; float32 holds at most about "
        "3.4e+38); rescale the signals (e.g. to millivolts) before passing them."
    )


@pytest.mark.parametrize(
    "call",
    [
        check_signals,
        lambda X: PiecewiseConstantCompressor().fit(X),
        lambda X: small_net().fit(X, []),
    ],
    ids=["check_signals", "PiecewiseConstantCompressor", "ECGClassifier"],
)
def test_an_empty_list_is_called_empty(call):
    with pytest.raises(ValueError) as info:
        call([])
    assert str(info.value).startswith("X is empty: got an array of shape (0,).")
    assert "reshape" not in str(info.value)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"class_weight": {"N": 1.0, "S": -0.5}}, "class_weight"),
        ({"class_weight": np.array([1.0, -1.0, 1.0])}, "class_weight"),
        ({"criterion__weight": torch.tensor([1.0, -1.0, 1.0])}, "criterion__weight"),
    ],
)
def test_negative_class_weights_are_refused_before_fitting(params, name):
    X, y = toy_signals(n=30)
    net = small_net(**params)
    with pytest.raises(ValueError) as info:
        net.fit(X, y)
    assert str(info.value) == (
        f"{name} must hold non-negative class weights (0 ignores a class); got "
        f"{params[name]!r}. Pass weights >= 0, or class_weight='balanced'."
    )
    with pytest.raises(NotFittedError):
        check_is_fitted(net)


# ------------------------------------------------------------ 4. max_epochs
@pytest.mark.parametrize(
    "params",
    [
        {"max_epochs": 0},
        {"max_epochs": 1.5},
        {"max_epochs": 0, "validation_fraction": None},
    ],
)
def test_degenerate_max_epochs_is_refused_before_anything_is_fitted(params):
    X, y = toy_signals(n=30)
    net = small_net(**params)
    with pytest.raises(ValueError) as info:
        net.fit(X, y)
    assert str(info.value) == (
        f"max_epochs must be a positive int (the number of training epochs), "
        f"got {params['max_epochs']!r}."
    )
    assert not net.initialized_ and net.history_ is None
    assert not hasattr(net, "label_encoder_")
    with pytest.raises(NotFittedError):
        net.predict(X)
