"""Tests of sklecg/datasets/_base.py: progress reporting, source descriptions
and the one load path of the fetchers, and that path under bad input and
faults: missing or corrupt zips, stale or damaged caches, failed downloads,
interrupted and concurrent fetches, unwritable folders (all on tiny fake zips,
no real data needed)."""

import functools
import hashlib
import http.server
import multiprocessing
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    CINC_ZIP,
    LOCK,
    MITBIH_ZIP,
    fake_cinc2017_members,
    leftovers,
    write_zip,
)

from sklecg.datasets import (
    clear_data_home,
    fetch_cinc2017,
    fetch_mitbih,
    fetch_mitbih_beats,
    get_data_home,
)
from sklecg.datasets._base import fetch_lock, progress


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


# --- the fetchers under bad input and faults -------------------------------
FETCHERS = [
    (fetch_cinc2017, CINC_ZIP),
    (fetch_mitbih, MITBIH_ZIP),
    (fetch_mitbih_beats, MITBIH_ZIP),
]


@pytest.fixture
def no_env_mirror(monkeypatch):
    monkeypatch.delenv("SKLECG_PHYSIONET_MIRROR", raising=False)


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
    assert leftovers(home) == ["mitbih"]


def test_corrupt_cinc_record_writes_no_cache(fake_mirror, tmp_path):
    _corrupt_member(fake_mirror / CINC_ZIP, "A00003.mat")
    with pytest.raises(OSError, match="Bad CRC-32 for file 'training2017/A00003.mat"):
        fetch_cinc2017(data_home=tmp_path / "home", mirror=fake_mirror, verbose=False)
    assert leftovers(tmp_path / "home") == ["cinc2017"]


def test_unsafe_member_path_is_refused(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    write_zip(mirror / MITBIH_ZIP, {"mit-bih-arrhythmia-database-1.0.0/../x": b"1"})
    with pytest.raises(OSError, match="unexpected member '.*/../x'"):
        fetch_mitbih(data_home=tmp_path / "home", mirror=mirror, verbose=False)
    assert leftovers(tmp_path / "home") == ["mitbih"]
    assert not (tmp_path / "x").exists()


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
    hidden = [p.name for p in (tmp_path / "mitbih").iterdir() if p.name[0] == "."]
    assert hidden == [LOCK]


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


def test_data_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLECG_DATA", str(tmp_path / "env_home"))
    assert get_data_home() == tmp_path / "env_home"
    assert get_data_home(tmp_path / "explicit") == tmp_path / "explicit"
    clear_data_home()
    assert not (tmp_path / "env_home").exists()


# --- damaged caches, interrupted, failed and concurrent fetches (issue 15) ---


def _overwrite_middle(npz_path, member):
    """Overwrite 64 bytes in the middle of ``member`` of an ``.npz`` with 0xFF
    (NaN as float32): the file keeps its size and its zip directory."""
    with zipfile.ZipFile(npz_path) as archive:
        info = archive.getinfo(member)
    assert info.file_size >= 1 << 20, "too small to be memory-mapped"
    size = npz_path.stat().st_size
    with open(npz_path, "r+b") as fh:
        fh.seek(info.header_offset + info.file_size // 2)
        fh.write(b"\xff" * 64)
    assert npz_path.stat().st_size == size


@pytest.mark.parametrize(
    ("fetch", "kwargs", "cache", "member", "key"),
    [
        (fetch_cinc2017, {}, "cinc2017/training2017.npz", "signals.npy", "data"),
        (
            fetch_mitbih_beats,
            {"fs": 1000, "length": 100},
            "mitbih/beats_fs1000_length100.npz",
            "window.npy",
            "window",
        ),
    ],
)
def test_same_size_overwrite_of_cache_is_rebuilt(
    fetch, kwargs, cache, member, key, fake_mirror, tmp_path, capsys
):
    # 100 CinC records: their signals exceed the 1 MiB memory-mapping threshold
    write_zip(fake_mirror / CINC_ZIP, fake_cinc2017_members(labels="NAO~" * 25))
    home = tmp_path / "home"
    first = fetch(data_home=home, mirror=fake_mirror, verbose=False, **kwargs)
    _overwrite_middle(home / cache, member)
    again = fetch(data_home=home, mirror=fake_mirror, **kwargs)
    err = capsys.readouterr().err
    assert f"member {member} fails its CRC-32 check" in err
    assert "rebuilding it" in err and f"built {cache.split('/')[1]}" in err
    for a, b in zip(first[key], again[key]):
        np.testing.assert_array_equal(a, b)
    # the rebuilt file on disk is whole again: the next call just loads it
    third = fetch(data_home=home, mirror=fake_mirror, **kwargs)
    assert capsys.readouterr().err == ""
    for a, b in zip(first[key], third[key]):
        np.testing.assert_array_equal(a, b)
    folder = (home / cache).parent
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [LOCK]


def test_leftovers_of_an_interrupted_fetch_are_removed(
    fake_mirror, url_mirror, tmp_path, capsys
):
    """A fetch killed (SIGKILL) while downloading, extracting or writing a
    cache leaves ``.<name>.XXXXXXXX`` temporaries; the next fetch removes them."""
    home = get_data_home(tmp_path / "home")
    for folder in ("cinc2017", "mitbih"):
        (home / folder).mkdir()
    orphans = [
        tempfile.mkstemp(dir=home, prefix=f".{CINC_ZIP}.")[1],
        tempfile.mkstemp(dir=home / "cinc2017", prefix=".training2017.npz.")[1],
        tempfile.mkstemp(dir=home / "mitbih", prefix=".records.npz.")[1],
        tempfile.mkstemp(dir=home / "mitbih", prefix=".beats_fs125_length187.npz.")[1],
    ]
    extracting = tempfile.mkdtemp(
        dir=home / "mitbih", prefix=".mit-bih-arrhythmia-database-1.0.0."
    )
    (Path(extracting) / "100.dat").write_bytes(b"half")
    orphans.append(extracting)
    fetch_cinc2017(data_home=home, mirror=url_mirror)
    fetch_mitbih_beats(data_home=home, mirror=fake_mirror)
    err = capsys.readouterr().err
    for orphan in orphans:
        assert f"removing {orphan}, left by an interrupted fetch" in err
        assert not os.path.exists(orphan)
    hidden = [
        str(p.relative_to(home))
        for folder in (home, home / "cinc2017", home / "mitbih")
        for p in sorted(folder.iterdir())
        if p.name.startswith(".")
    ]
    assert hidden == [f"cinc2017/{LOCK}", f"mitbih/{LOCK}"]


def test_fetch_killed_while_downloading_leaves_nothing_after_rerun(
    fake_mirror, url_mirror, tmp_path, capsys
):
    """SIGKILL a first fetch in the middle of its download (the server stalls
    after 1,000 bytes), then fetch again: the rerun removes its temporaries."""
    stalled, release = threading.Event(), threading.Event()

    class Stalling(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if not self.path.endswith(".zip") or stalled.is_set():
                return super().do_GET()
            data = (fake_mirror / CINC_ZIP).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:1000])
            self.wfile.flush()
            stalled.set()
            release.wait(60)

        def log_message(self, *args):
            pass

    handler = functools.partial(Stalling, directory=str(fake_mirror))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    home = tmp_path / "home"
    try:
        child = multiprocessing.get_context("spawn").Process(
            target=fetch_cinc2017,
            kwargs={"data_home": home, "mirror": base, "verbose": False},
        )
        child.start()
        assert stalled.wait(120), "the child never started downloading"
        os.kill(child.pid, signal.SIGKILL)
        child.join(60)
        release.set()
        orphans = [*home.glob(f".{CINC_ZIP}.*"), *home.glob("cinc2017/.*.npz.*")]
        assert len(orphans) == 2, orphans
        bunch = fetch_cinc2017(data_home=home, mirror=base)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    for orphan in orphans:
        assert f"removing {orphan}, left by an interrupted fetch" in err
    assert len(bunch.data) == 8
    assert leftovers(home) == ["cinc2017", "cinc2017/training2017.npz", CINC_ZIP]


@pytest.fixture
def http_server(tmp_path):
    """Base URL of a local HTTP server serving an empty folder (404 for all)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(served)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize(
    ("where", "error"),
    [("404", "HTTPError: HTTP Error 404"), ("refused", "URLError: <urlopen error")],
)
def test_network_failure_names_url_and_mirror(where, error, http_server, tmp_path):
    base = http_server if where == "404" else _closed_port_url()
    home = tmp_path / "home"
    unchecked = f"without checking its SHA-256: {base}SHA256SUMS could not be read"
    failed = re.escape(f"could not download {base}{CINC_ZIP}")
    with (
        pytest.warns(UserWarning, match=unchecked),
        pytest.raises(OSError, match=failed) as info,
    ):
        fetch_cinc2017(data_home=home, mirror=base, verbose=False)
    message = str(info.value)
    assert f"({error}" in message
    assert "SKLECG_PHYSIONET_MIRROR" in message and "folder holding" in message
    assert "download_if_missing=False" in message
    assert leftovers(home) == ["cinc2017"]


def test_download_with_a_wrong_sha256_is_refused(fake_mirror, url_mirror, tmp_path):
    received = hashlib.sha256((fake_mirror / CINC_ZIP).read_bytes()).hexdigest()
    published = "0" * 64
    (fake_mirror / "SHA256SUMS").write_text(f"{published}  {CINC_ZIP}\n")
    home = tmp_path / "home"
    with pytest.raises(OSError) as info:
        fetch_cinc2017(data_home=home, mirror=url_mirror, verbose=False)
    assert str(info.value).startswith(
        f"the SHA-256 of {CINC_ZIP} downloaded from {url_mirror}{CINC_ZIP} is "
        f"{received}, but {url_mirror}SHA256SUMS publishes {published}"
    )
    assert "SKLECG_PHYSIONET_MIRROR" in str(info.value)
    assert leftovers(home) == ["cinc2017"]


def test_mirror_url_without_sums_warns_and_downloads(fake_mirror, tmp_path):
    with pytest.warns(UserWarning, match="SHA256SUMS could not be read") as record:
        fetch_cinc2017(data_home=tmp_path, mirror=fake_mirror.as_uri(), verbose=False)
    assert f"{CINC_ZIP} is downloaded without checking its SHA-256" in str(
        record[0].message
    )
    assert (tmp_path / CINC_ZIP).read_bytes() == (fake_mirror / CINC_ZIP).read_bytes()


@contextmanager
def _unprivileged():
    """Run the block as user ``nobody`` when root (root ignores file modes)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.parametrize("lock_exists", [False, True])
def test_unwritable_cache_folder_is_reported_before_the_parse(
    lock_exists, fake_mirror, capsys
):
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        shutil.copytree(fake_mirror, base / "mirror")
        folder = base / "home" / "cinc2017"
        folder.mkdir(parents=True)
        if lock_exists:
            (folder / LOCK).touch()
        folder.chmod(0o555)
        with _unprivileged(), pytest.raises(PermissionError) as info:
            fetch_cinc2017(data_home=base / "home", mirror=base / "mirror")
        assert str(info.value).startswith(f"cannot write to {folder} (")
        assert "pass data_home= (or set SKLECG_DATA) to a writable" in str(info.value)
        assert "parsing" not in capsys.readouterr().err
        assert sorted(p.name for p in folder.iterdir()) == ([LOCK] * lock_exists)
    finally:
        shutil.rmtree(base)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_follow_the_umask(umask, fake_mirror, url_mirror, tmp_path):
    home = tmp_path / "home"
    old = os.umask(umask)
    try:
        fetch_cinc2017(data_home=home, mirror=url_mirror, verbose=False)
        fetch_mitbih(data_home=home, mirror=fake_mirror, verbose=False)
    finally:
        os.umask(old)
    extracted = home / "mitbih" / "mit-bih-arrhythmia-database-1.0.0"
    for path in (
        home / CINC_ZIP,
        home / "cinc2017" / "training2017.npz",
        home / "cinc2017" / LOCK,
        home / "mitbih" / "records.npz",
        extracted / "100.dat",
    ):
        assert _mode(path) == 0o666 & ~umask, path
    assert _mode(extracted) == 0o777 & ~umask


def test_concurrent_first_fetches_build_once(fake_mirror, tmp_path, capfd):
    """Two processes fetch into an empty cache: the second waits for the first
    and loads its cache instead of building it again."""
    home = get_data_home(tmp_path / "home")
    (home / "cinc2017").mkdir()
    spawn = multiprocessing.get_context("spawn")
    kwargs = {"data_home": home, "mirror": fake_mirror, "verbose": True}
    processes = [spawn.Process(target=fetch_cinc2017, kwargs=kwargs) for _ in "ab"]
    err = ""
    # held here until both are waiting, so that they really overlap
    with fetch_lock(home / "cinc2017", verbose=False):
        for process in processes:
            process.start()
        deadline = time.monotonic() + 120
        while err.count("waiting for another process") < 2:
            assert time.monotonic() < deadline, f"processes never waited:\n{err}"
            time.sleep(0.2)
            err += capfd.readouterr().err
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    err += capfd.readouterr().err
    assert err.count(f"waiting for another process fetching into {home}") == 2
    assert err.count("parsing training2017.zip: 8/8") == 1
    assert err.count("built training2017.npz") == 1
