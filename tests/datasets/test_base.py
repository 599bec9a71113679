"""Tests of sklecg/datasets/_base.py: progress reporting, source descriptions
and the one load path of the fetchers."""

import numpy as np
import pytest

from sklecg.datasets import fetch_cinc2017
from sklecg.datasets._base import progress


def test_progress_draws_a_tqdm_bar_on_a_terminal(fake_stderr):
    err = fake_stderr(tty=True)
    assert list(progress(range(5), 5, "reading x.zip", verbose=True)) == [0, 1, 2, 3, 4]
    text = err.getvalue()
    assert "[sklecg] reading x.zip: 100%|" in text and "5/5" in text
    assert "\r" in text


def test_progress_logs_a_few_plain_lines_elsewhere(fake_stderr):
    err = fake_stderr(tty=False)
    assert list(progress(range(100), 100, "reading x.zip", verbose=True)) == list(
        range(100)
    )
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue() and "|" not in err.getvalue()
    assert len(lines) == 10
    assert lines[0].startswith("[sklecg] reading x.zip: 10/100 (10%, ")
    assert lines[-1].startswith("[sklecg] reading x.zip: 100/100 (100%, ")


@pytest.mark.parametrize("tty", [True, False])
def test_progress_is_silent_when_not_verbose(fake_stderr, tty):
    err = fake_stderr(tty=tty)
    assert list(progress(range(5), 5, "reading x.zip", verbose=False)) == list(range(5))
    assert err.getvalue() == ""


def test_progress_of_bytes(fake_stderr):
    blocks = [b"x" * 2**20] * 3
    err = fake_stderr(tty=True)
    list(progress(blocks, 3 * 2**20, "downloading x.zip", True, size=len, unit="B"))
    assert "100%|" in err.getvalue() and "3.15M/3.15M" in err.getvalue()
    err = fake_stderr(tty=False)
    list(progress(blocks, 3 * 2**20, "downloading x.zip", True, size=len, unit="B"))
    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("[sklecg] downloading x.zip: 3.0/3.0 MiB (100%, ")


def test_progress_of_an_unknown_total(fake_stderr):
    blocks = [b"x" * 1000] * 3
    err = fake_stderr(tty=True)
    list(progress(blocks, 0, "downloading x.zip", True, size=len, unit="B"))
    assert "3.00kb" in err.getvalue().lower() and "%" not in err.getvalue()
    err = fake_stderr(tty=False)
    list(progress(blocks, 0, "downloading x.zip", True, size=len, unit="B"))
    assert err.getvalue() == ""


@pytest.mark.parametrize("tty", [True, False])
def test_fetch_shows_bars_only_on_a_terminal(fake_stderr, url_mirror, tmp_path, tty):
    err = fake_stderr(tty=tty)
    assert len(fetch_cinc2017(data_home=tmp_path, mirror=url_mirror).data) == 8
    text = err.getvalue()
    assert "[sklecg] downloading training2017.zip" in text
    assert "parsing training2017.zip" in text
    assert ("\r" in text) is tty
    assert ("100%|" in text) is tty


@pytest.mark.parametrize("tty", [True, False])
def test_fetch_of_real_records_reports_progress(
    fake_stderr, real_subset_mirror, tmp_path, tty
):
    err = fake_stderr(tty=tty)
    bunch = fetch_cinc2017(data_home=tmp_path, mirror=real_subset_mirror)
    assert len(bunch.data) == 300  # the first 300 real records of the mirror
    text = err.getvalue()
    assert "parsing training2017.zip" in text
    assert ("\r" in text) is tty
    assert ("300/300" in text) and (("100%|" in text) is tty)


def test_every_fetcher_has_one_source_description():
    """Each data set names its zip, where PhysioNet publishes it and its
    SHA-256 list, and its cache format version, in one frozen record."""
    from dataclasses import FrozenInstanceError

    from sklecg.datasets._cinc2017 import CINC2017
    from sklecg.datasets._mitbih import MITBIH
    from sklecg.datasets._mitbih_beats import MITBIH_BEATS

    for source in (CINC2017, MITBIH, MITBIH_BEATS):
        assert source.filename.endswith(".zip")
        assert source.url.startswith("https://physionet.org/")
        assert source.url.endswith(source.filename)
        assert source.sums_url.endswith("SHA256SUMS.txt")
        assert source.cache_version >= 1
    assert MITBIH_BEATS.filename == MITBIH.filename
    assert MITBIH_BEATS.cache_version != MITBIH.cache_version
    with pytest.raises(FrozenInstanceError):
        CINC2017.cache_version = 2


def test_the_load_path_is_keyword_only(fake_mirror, tmp_path):
    from sklecg.datasets._base import cached_build, fetch_archive
    from sklecg.datasets._cinc2017 import CINC2017

    with pytest.raises(TypeError):
        fetch_archive(CINC2017, tmp_path, fake_mirror, False, False)
    with pytest.raises(TypeError):
        cached_build(CINC2017, "x.npz", dict, tmp_path, fake_mirror, False, False)


def test_a_new_cache_version_rebuilds(fake_mirror, tmp_path, fake_stderr):
    from dataclasses import replace

    from sklecg.datasets._base import cached_build
    from sklecg.datasets._cinc2017 import CINC2017

    calls = []

    def build(path, fingerprint):
        calls.append(path.name)
        return {"built": np.array([len(calls)])}

    located = {
        "data_home": tmp_path,
        "mirror": fake_mirror,
        "download_if_missing": False,
    }
    first = cached_build(
        CINC2017, cache_file="t.npz", build=build, verbose=False, **located
    )
    again = cached_build(
        CINC2017, cache_file="t.npz", build=build, verbose=False, **located
    )
    assert calls == ["training2017.zip"] and first["built"][0] == again["built"][0] == 1
    assert (tmp_path / CINC2017.folder / "t.npz").is_file()
    stream = fake_stderr(tty=False)
    bumped = replace(CINC2017, cache_version=CINC2017.cache_version + 1)
    rebuilt = cached_build(
        bumped, cache_file="t.npz", build=build, verbose=True, **located
    )
    assert rebuilt["built"][0] == 2 and len(calls) == 2
    assert "version" in stream.getvalue()
