"""Tests of sklecg/compression/_io.py: save_compressed and load_compressed
under edited or forged headers, a missing destination folder and a write
failing midway; round trips, the documented header layout, corrupt
files and bad arguments."""

import os
import struct
import zlib

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklecg.compression import (
    HEADER_SIZE,
    load_compressed,
    reconstruct,
    save_compressed,
)

_HEADER = struct.Struct("<8sHBB4xQQQQddI4x")
_FIELDS = ("magic", "version", "code", "ndim", "n_signals", "n_leads")
_FIELDS += ("n_segments", "n_timesteps", "fs", "ratio", "crc")
RNG = np.random.RandomState(0)


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


@pytest.mark.parametrize(
    ("dtype", "itemsize", "rtol"), [("float32", 4, 0), ("float16", 2, 1e-3)]
)
@pytest.mark.parametrize("shape", [(6, 225), (4, 2, 30)])
def test_save_load_round_trip_and_exact_size(tmp_path, dtype, itemsize, rtol, shape):
    Z = RNG.randn(*shape).astype(np.float32)
    path = save_compressed(
        tmp_path / "z.bin", Z, n_timesteps=4 * shape[-1], fs=300.0, dtype=dtype
    )
    assert os.path.getsize(path) == HEADER_SIZE + Z.size * itemsize
    loaded = load_compressed(path)
    assert loaded.data.dtype == np.float32
    assert loaded.data.shape == shape
    assert_allclose(loaded.data, Z, rtol=rtol, atol=rtol)
    assert (loaded.n_timesteps, loaded.fs, loaded.stored_dtype) == (
        4 * shape[-1],
        300.0,
        dtype,
    )
    assert loaded.ratio == 0.25
    assert_array_equal(loaded.reconstruct(), reconstruct(loaded.data, 4 * shape[-1]))
    assert [p.name for p in tmp_path.iterdir()] == ["z.bin"]


def test_header_layout_is_documented_one(tmp_path):
    path = save_compressed(tmp_path / "z.bin", np.ones((2, 3)), n_timesteps=9)
    raw = path.read_bytes()
    fields = _HEADER.unpack(raw[:HEADER_SIZE])
    assert HEADER_SIZE == 72
    assert fields[:8] == (b"SKLECGPC", 2, 1, 2, 2, 1, 3, 9)
    assert np.isnan(fields[8]) and fields[9] == pytest.approx(1 / 3)
    # the CRC covers the 64 header bytes before it, then the payload
    assert fields[10] == zlib.crc32(raw[:64] + raw[HEADER_SIZE:])
    assert_array_equal(np.frombuffer(raw[HEADER_SIZE:], "<f4"), np.ones(6))
    assert load_compressed(path).fs is None


def _rewrite(path, transform):
    path.write_bytes(transform(path.read_bytes()))


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda b: b[:40], "shorter than the 72-byte header"),
        (lambda b: b[:-3], "announces 24 payload bytes but 21 follow"),
        (lambda b: b + b"\0", "announces 24 payload bytes but 25 follow"),
        (lambda b: b"NOTSKLEC" + b[8:], "magic bytes"),
        (lambda b: b[:8] + b"\x07\x00" + b[10:], "format version 7"),
        (lambda b: b[:10] + b"\x09" + b[11:], "dtype code 9"),
        (lambda b: b[:-1] + bytes([b[-1] ^ 0xFF]), "CRC-32 of the header and"),
        (lambda b: b[:40] + struct.pack("<Q", 24) + b[48:], "CRC-32 of the header"),
        (lambda b: b[:48] + struct.pack("<d", 250.0) + b[56:], "CRC-32 of the"),
    ],
)
def test_load_rejects_corrupt_files(tmp_path, damage, match):
    path = save_compressed(tmp_path / "z.bin", RNG.randn(2, 3), n_timesteps=12)
    _rewrite(path, damage)
    with pytest.raises(ValueError, match=match):
        load_compressed(path)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"n_timesteps": 0}, "n_segments 3 and n_timesteps 0; every segment"),
        ({"n_timesteps": 2, "ratio": 1.5}, "n_segments 3 and n_timesteps 2"),
        ({"n_leads": 2, "n_signals": 1}, "ndim 2 .one lead. but n_leads 2"),
        ({"fs": -5.0}, "fs -5.0 Hz, which is not a sampling rate"),
        ({"ratio": 0.5}, r"ratio 0.5 instead of n_segments / n_timesteps"),
    ],
)
def test_load_rejects_header_fields_that_disagree(tmp_path, fields, match):
    path = save_compressed(tmp_path / "z.bin", np.ones((2, 3)), n_timesteps=12)
    _rewrite_header(path, fix_crc=True, **fields)
    with pytest.raises(ValueError, match=f"header fields disagree: {match}"):
        load_compressed(path)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = save_compressed(tmp_path / "z.bin", np.ones((2, 3)), n_timesteps=12)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_compressed(path, np.zeros((5, 3)), n_timesteps=12)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["z.bin"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_timesteps": 2}, r"n_timesteps must be an int >= .*\(3\); got 2"),
        ({"n_timesteps": 9, "dtype": "float64"}, "dtype must be one of"),
        ({"n_timesteps": 9, "fs": 0.0}, "fs must be None or a positive sampling"),
        ({"n_timesteps": 9, "fs": np.inf}, "positive sampling rate in Hz; got inf"),
    ],
)
def test_save_rejects_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        save_compressed(tmp_path / "z.bin", np.ones((2, 3)), **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_float16_overflow_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="beyond the float16 range"):
        save_compressed(
            tmp_path / "z.bin", [[1e6, 0.0]], n_timesteps=4, dtype="float16"
        )
    assert list(tmp_path.iterdir()) == []
