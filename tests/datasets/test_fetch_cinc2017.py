"""fetch_cinc2017: the real CinC 2017 mirror and a tiny fake zip, and how it
reads REFERENCE.csv labels and WFDB headers (bad ones name the record)."""

import io
import time
import zipfile

import numpy as np
import pytest
import scipy.io
from conftest import fake_cinc2017_members, leftovers, write_zip

from sklecg.datasets import fetch_cinc2017

CINC_ZIP = "training2017.zip"


def _reference_record(zip_path, name):
    """The record straight from the zip: loadmat ``val`` / header gain."""
    with zipfile.ZipFile(zip_path) as archive:
        val = scipy.io.loadmat(io.BytesIO(archive.read(f"training2017/{name}.mat")))
        header = archive.read(f"training2017/{name}.hea").decode().splitlines()
    gain = float(header[1].split()[2].split("/")[0])
    return val["val"].ravel() / gain


def test_fake_zip_per_record_gain_and_labels(fake_mirror, tmp_path):
    bunch = fetch_cinc2017(
        data_home=tmp_path / "home", mirror=fake_mirror, verbose=False
    )
    assert list(bunch.target) == list("NAO~NAO~")
    assert bunch.record_names[0] == "A00001"
    assert bunch.fs == 300 and bunch.units == "mV"
    # the fake headers alternate gains 500 and 1000: each record uses its own
    for name, signal in zip(bunch.record_names, bunch.data):
        assert signal.dtype == np.float32
        expected = _reference_record(fake_mirror / CINC_ZIP, name)
        np.testing.assert_allclose(signal, expected, rtol=1e-6)
    np.testing.assert_array_equal(bunch.lengths, [s.size for s in bunch.data])
    X, y = fetch_cinc2017(
        data_home=tmp_path / "home", mirror=fake_mirror, return_X_y=True, verbose=False
    )
    assert isinstance(X, list) and len(X) == 8
    np.testing.assert_array_equal(y, bunch.target)


def test_progress_is_logged(fake_mirror, tmp_path, capsys):
    fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror)
    err = capsys.readouterr().err
    assert "parsing training2017.zip: 8/8 (100%" in err
    assert "built training2017.npz" in err


def test_mirror_from_environment(fake_mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(fake_mirror))
    monkeypatch.setenv("SKLECG_DATA", str(tmp_path / "env_home"))
    assert len(fetch_cinc2017(verbose=False).data) == 8
    assert (tmp_path / "env_home" / "cinc2017" / "training2017.npz").is_file()


def test_download_from_base_url(fake_mirror, url_mirror, tmp_path, capsys):
    """A mirror given as a URL is downloaded into data_home, checked against the
    mirror's SHA256SUMS, then reused."""
    bunch = fetch_cinc2017(data_home=tmp_path, mirror=url_mirror)
    assert (tmp_path / CINC_ZIP).read_bytes() == (fake_mirror / CINC_ZIP).read_bytes()
    err = capsys.readouterr().err
    assert "downloading file://" in err
    assert f"SHA-256 of {CINC_ZIP} checked against {url_mirror}SHA256SUMS" in err
    assert len(bunch.data) == 8
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.realdata
def test_real_counts_and_lengths(cinc2017):
    assert len(cinc2017.data) == 7000
    labels, counts = np.unique(cinc2017.target, return_counts=True)
    assert dict(zip(labels, counts)) == {"N": 4145, "A": 606, "O": 2016, "~": 233}
    assert list(cinc2017.target_names) == ["N", "A", "O", "~"]
    assert cinc2017.lengths.min() == 2714 and cinc2017.lengths.max() == 18286
    assert np.mean(cinc2017.lengths == 9000) == pytest.approx(0.7, abs=0.05)
    assert {s.dtype for s in cinc2017.data} == {np.dtype(np.float32)}
    assert [s.size for s in cinc2017.data] == list(cinc2017.lengths)
    assert len(set(cinc2017.record_names)) == 7000
    assert "Clifford" in cinc2017.DESCR


@pytest.mark.realdata
@pytest.mark.parametrize("index", [0, 4321])
def test_real_record_equals_loadmat_over_gain(cinc2017, physionet_mirror, index):
    name = cinc2017.record_names[index]
    expected = _reference_record(physionet_mirror / CINC_ZIP, name)
    np.testing.assert_allclose(cinc2017.data[index], expected, rtol=1e-6)


@pytest.mark.realdata
def test_real_cached_call_is_identical(cinc2017, physionet_mirror, sklecg_data_home):
    again = fetch_cinc2017(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )
    np.testing.assert_array_equal(again.target, cinc2017.target)
    np.testing.assert_array_equal(again.record_names, cinc2017.record_names)
    for a, b in zip(again.data[::97], cinc2017.data[::97]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.realdata
def test_real_cache_is_10x_faster(real_subset_mirror, tmp_path):
    """300 real records: the cached call returns identical arrays >= 10x faster."""
    start = time.perf_counter()
    first = fetch_cinc2017(data_home=tmp_path, mirror=real_subset_mirror, verbose=False)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = fetch_cinc2017(
        data_home=tmp_path, mirror=real_subset_mirror, verbose=False
    )
    second_s = time.perf_counter() - start
    assert len(second.data) == 300
    for a, b in zip(first.data, second.data):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.target, second.target)
    assert first_s >= 10 * second_s, (first_s, second_s)


def test_unknown_label_names_the_record(tmp_path):
    write_zip(tmp_path / CINC_ZIP, fake_cinc2017_members(labels="NAXO"))
    with pytest.raises(ValueError, match="record A00003 has the unknown label 'X'"):
        fetch_cinc2017(data_home=tmp_path / "home", mirror=tmp_path, verbose=False)


def _with_header(zip_path, record, header):
    """Rewrite ``zip_path`` with ``header`` as the ``.hea`` text of ``record``."""
    with zipfile.ZipFile(zip_path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members[f"training2017/{record}.hea"] = header.encode()
    write_zip(zip_path, members)
    return members


def test_header_units_and_baseline_are_applied(fake_mirror, tmp_path):
    header = "A00001 1 300 2814\nA00001.mat 16+24 250(12)/uV 16 0 0 0 0 ECG\n"
    members = _with_header(fake_mirror / CINC_ZIP, "A00001", header)
    bunch = fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    mat = io.BytesIO(members["training2017/A00001.mat"])
    val = scipy.io.loadmat(mat)["val"].ravel()
    np.testing.assert_allclose(bunch.data[0], (val - 12) / 250 * 1e-3, rtol=1e-6)


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("A00002 1 300 10\n", "1 signals announced, 0 found"),
        ("A00002 1 300 10\nA00002.mat 16 big/mV 16 0\n", "units 'big/mV'"),
        ("A00002 1 300 10\nA00002.mat 16 200/mmHg 16 0\n", "units 'mmHg'"),
        ("A00002 one 300\n", "invalid syntax in record line"),
    ],
)
def test_malformed_header_names_the_record(header, problem, fake_mirror, tmp_path):
    _with_header(fake_mirror / CINC_ZIP, "A00002", header)
    with pytest.raises(
        ValueError, match=f"header of record A00002 is malformed: {problem}"
    ):
        fetch_cinc2017(data_home=tmp_path / "home", mirror=fake_mirror, verbose=False)
    assert leftovers(tmp_path / "home") == ["cinc2017"]
