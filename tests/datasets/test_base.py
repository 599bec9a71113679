"""Progress reporting of the fetchers (sklecg/datasets/_base.py)."""

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
