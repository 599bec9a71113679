"""Fetchers under bad input and faults: missing or corrupt zips, bad labels,
stale or damaged caches. All on tiny fake zips (no real data needed)."""

import re
import zipfile

import numpy as np
import pytest
from conftest import fake_cinc2017_members, write_zip

from sklecg.datasets import (
    clear_data_home,
    fetch_cinc2017,
    fetch_mitbih,
    fetch_mitbih_beats,
    get_data_home,
)
from sklecg.datasets._wfdb_header import parse_header

CINC_ZIP = "training2017.zip"
MITBIH_ZIP = "mit-bih-arrhythmia-database-1.0.0.zip"
FETCHERS = [
    (fetch_cinc2017, CINC_ZIP),
    (fetch_mitbih, MITBIH_ZIP),
    (fetch_mitbih_beats, MITBIH_ZIP),
]


@pytest.fixture
def no_env_mirror(monkeypatch):
    monkeypatch.delenv("SKLECG_PHYSIONET_MIRROR", raising=False)


def _leftovers(folder):
    """Everything a fetcher left in ``folder`` (recursively)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _corrupt_member(zip_path, suffix):
    """Rewrite ``zip_path`` uncompressed and flip a byte inside the first
    member ending in ``suffix``: its CRC-32 no longer matches."""
    with zipfile.ZipFile(zip_path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    write_zip(zip_path, members, compression=zipfile.ZIP_STORED)
    with zipfile.ZipFile(zip_path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(suffix))
    with open(zip_path, "r+b") as fh:
        fh.seek(info.header_offset + 30 + len(info.filename) + len(info.extra) + 64)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize(("fetch", "filename"), FETCHERS)
def test_missing_file_names_file_and_variable(fetch, filename, tmp_path, no_env_mirror):
    with pytest.raises(FileNotFoundError, match=re.escape(filename)) as info:
        fetch(data_home=tmp_path, download_if_missing=False, verbose=False)
    assert "SKLECG_PHYSIONET_MIRROR" in str(info.value)
    assert "download_if_missing=True" in str(info.value)


@pytest.mark.parametrize(("fetch", "filename"), FETCHERS)
def test_mirror_folder_without_the_file(fetch, filename, tmp_path):
    empty = tmp_path / "empty_mirror"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=re.escape(filename)) as info:
        fetch(data_home=tmp_path / "home", mirror=empty, verbose=False)
    assert "SKLECG_PHYSIONET_MIRROR" in str(info.value)
    assert str(empty) in str(info.value)


@pytest.mark.parametrize(("fetch", "filename"), FETCHERS)
def test_truncated_zip_is_a_clear_error(fetch, filename, fake_mirror, tmp_path):
    data = (fake_mirror / filename).read_bytes()
    (fake_mirror / filename).write_bytes(data[: len(data) // 2])
    home = tmp_path / "home"
    with pytest.raises(OSError, match="is corrupt or truncated") as info:
        fetch(data_home=home, mirror=fake_mirror, verbose=False)
    assert filename in str(info.value)
    assert "SKLECG_PHYSIONET_MIRROR" in str(info.value)
    assert not list(home.rglob("*.npz"))


def test_corrupt_record_leaves_no_half_extracted_folder(fake_mirror, tmp_path):
    _corrupt_member(fake_mirror / MITBIH_ZIP, "101.dat")
    home = tmp_path / "home"
    with pytest.raises(OSError, match=r"corrupt or truncated \(BadZipFile: Bad CRC"):
        fetch_mitbih_beats(data_home=home, mirror=fake_mirror, verbose=False)
    assert _leftovers(home) == ["mitbih"]


def test_corrupt_cinc_record_writes_no_cache(fake_mirror, tmp_path):
    _corrupt_member(fake_mirror / CINC_ZIP, "A00003.mat")
    with pytest.raises(OSError, match="Bad CRC-32 for file 'training2017/A00003.mat"):
        fetch_cinc2017(data_home=tmp_path / "home", mirror=fake_mirror, verbose=False)
    assert _leftovers(tmp_path / "home") == ["cinc2017"]


def test_unsafe_member_path_is_refused(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    write_zip(mirror / MITBIH_ZIP, {"mit-bih-arrhythmia-database-1.0.0/../x": b"1"})
    with pytest.raises(OSError, match="unexpected member '.*/../x'"):
        fetch_mitbih(data_home=tmp_path / "home", mirror=mirror, verbose=False)
    assert _leftovers(tmp_path / "home") == ["mitbih"]
    assert not (tmp_path / "x").exists()


def test_unknown_label_names_the_record(tmp_path):
    write_zip(tmp_path / CINC_ZIP, fake_cinc2017_members(labels="NAXO"))
    with pytest.raises(ValueError, match="record A00003 has the unknown label 'X'"):
        fetch_cinc2017(data_home=tmp_path / "home", mirror=tmp_path, verbose=False)


def test_cache_of_another_format_version_is_rebuilt(fake_mirror, tmp_path, capsys):
    first = fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    cache = tmp_path / "cinc2017" / "training2017.npz"
    with np.load(cache) as npz:
        arrays = dict(npz)
    arrays["format_version"] = np.int64(0)
    arrays["signals"] = np.zeros_like(arrays["signals"])
    np.savez(cache, **arrays)
    again = fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror)
    assert "has format 0, expected 1; rebuilding it" in capsys.readouterr().err
    for a, b in zip(first.data, again.data):
        np.testing.assert_array_equal(a, b)
    with np.load(cache) as npz:
        assert int(npz["format_version"]) == 1


def test_cache_of_another_source_zip_is_rebuilt(fake_mirror, tmp_path, capsys):
    fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    write_zip(fake_mirror / CINC_ZIP, fake_cinc2017_members(labels="AAO"))
    again = fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror)
    assert "built from another source zip; rebuilding it" in capsys.readouterr().err
    assert list(again.target) == ["A", "A", "O"]


def test_changed_mitbih_zip_is_extracted_again(fake_mirror, tmp_path):
    assert (
        len(fetch_mitbih(data_home=tmp_path, mirror=fake_mirror, verbose=False).data)
        == 3
    )
    with zipfile.ZipFile(fake_mirror / MITBIH_ZIP) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["mit-bih-arrhythmia-database-1.0.0/RECORDS"] = b"100\n101\n"
    write_zip(fake_mirror / MITBIH_ZIP, members)
    beats = fetch_mitbih_beats(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    assert set(beats.groups) == {100, 101}
    extracted = tmp_path / "mitbih" / "mit-bih-arrhythmia-database-1.0.0"
    assert (extracted / "RECORDS").read_text() == "100\n101\n"
    assert not [p for p in (tmp_path / "mitbih").iterdir() if p.name.startswith(".")]


def test_truncated_cache_is_rebuilt(fake_mirror, tmp_path, capsys):
    first = fetch_mitbih_beats(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    cache = tmp_path / "mitbih" / "beats_fs125_length187.npz"
    cache.write_bytes(cache.read_bytes()[:1000])
    again = fetch_mitbih_beats(data_home=tmp_path, mirror=fake_mirror)
    assert "is unreadable" in capsys.readouterr().err
    np.testing.assert_array_equal(first.data, again.data)


def test_cache_is_used_when_the_source_is_gone(fake_mirror, tmp_path, no_env_mirror):
    first = fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    (fake_mirror / CINC_ZIP).unlink()
    again = fetch_cinc2017(data_home=tmp_path, download_if_missing=False, verbose=False)
    np.testing.assert_array_equal(first.target, again.target)


@pytest.mark.parametrize("kwargs", [{"fs": 0}, {"length": 18.5}, {"fs": True}])
def test_beat_parameters_are_validated(kwargs, tmp_path):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"{name} must be a positive integer; got"):
        fetch_mitbih_beats(data_home=tmp_path, **kwargs)


def test_header_units_and_baseline():
    header = parse_header("R1 1 300 10\nR1.mat 16 250(12)/uV 16 0 0 0 0 ECG\n", "R1")
    assert header.gains == (250.0,) and header.baselines == (12,)
    assert header.to_mv == (1e-3,) and header.fs == 300 and header.n_samples == 10


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("R7 1 300 10\n", "1 signals announced, 0 found"),
        ("R7 1 300 10\nR7.mat 16 big/mV 16 0\n", "gain field 'big/mV'"),
        ("R7 1 300 10\nR7.mat 16 200/mmHg 16 0\n", "units 'mmHg'"),
    ],
)
def test_malformed_header_names_the_record(text, problem):
    with pytest.raises(
        ValueError, match=f"header of record R7 is malformed: {problem}"
    ):
        parse_header(text, "R7")


def test_data_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLECG_DATA", str(tmp_path / "env_home"))
    assert get_data_home() == tmp_path / "env_home"
    assert get_data_home(tmp_path / "explicit") == tmp_path / "explicit"
    clear_data_home()
    assert not (tmp_path / "env_home").exists()
