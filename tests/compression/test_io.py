"""Tests of sklecg/compression/_io.py: save_compressed and load_compressed
under edited or forged headers, a missing destination folder and a write
failing midway."""

import os
import struct
import zlib

import numpy as np
import pytest

from sklecg.compression import load_compressed, save_compressed

_HEADER = struct.Struct("<8sHBB4xQQQQddI4x")
_FIELDS = ("magic", "version", "code", "ndim", "n_signals", "n_leads")
_FIELDS += ("n_segments", "n_timesteps", "fs", "ratio", "crc")


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
