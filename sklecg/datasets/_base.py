"""Shared machinery of the PhysioNet fetchers.

* where data lives (:func:`get_data_home`, ``SKLECG_DATA``);
* where a source zip comes from: a ``mirror`` argument, else the
  ``SKLECG_PHYSIONET_MIRROR`` environment variable, else PhysioNet itself
  (:func:`fetch_archive`); a download is checked against the SHA-256 sum
  published beside it;
* reading a zip safely (:func:`open_archive`, :func:`extract_archive`);
* cache files that carry a format version and a fingerprint of the source
  zip, written atomically so a concurrent reader never sees half a file, and
  checked against the CRC-32 of every array on load, so a damaged cache is
  rebuilt (:func:`load_cache`, :func:`cached_build`);
* one lock per data_home subfolder (:func:`fetch_lock`), so that concurrent
  first fetches build once and the temporary files of an interrupted fetch
  can be removed by the next one.

Files and folders are created with the modes the umask allows, like any
other file a program writes, so that a data_home can be shared.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import tqdm

from sklecg.utils._terminal import stderr_is_terminal

try:
    import fcntl
except ImportError:  # Windows: no lock between processes, see fetch_lock
    fcntl = None

__all__ = [
    "DataSource",
    "MIRROR_ENV",
    "DATA_HOME_ENV",
    "get_data_home",
    "clear_data_home",
    "fetch_archive",
    "open_archive",
    "extract_archive",
    "archive_fingerprint",
    "load_cache",
    "fetch_lock",
    "progress",
    "cached_build",
    "load_descr",
]

MIRROR_ENV = "SKLECG_PHYSIONET_MIRROR"
DATA_HOME_ENV = "SKLECG_DATA"
#: Name of the SHA-256 list in a mirror (``sha256sum`` format).
MIRROR_SUMS = "SHA256SUMS"
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)
_NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,
    ConnectionError,
    TimeoutError,
)
_MMAP_MIN_BYTES = 1 << 20
_STAMP = ".sklecg-source"
_LOCK_NAME = ".sklecg-lock"
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_HELD_LOCKS: set[str] = set()
_REGISTRY = threading.Lock()


@dataclass(frozen=True)
class DataSource:
    """Where a data set comes from and how its parsed cache is kept.

    Parameters
    ----------
    folder : str
        Subfolder of ``data_home`` holding the data set's caches.
    filename : str
        The zip PhysioNet serves (and a mirror holds under the same name).
    url : str
        Its download address on PhysioNet.
    sums_url : str
        PhysioNet's ``SHA256SUMS.txt`` of the release, which publishes the
        zip's SHA-256; a download is checked against it (a mirror's own
        ``SHA256SUMS`` replaces it when downloading from a mirror URL).
    cache_version : int
        Format version of the parsed cache; a cache of another version is
        rebuilt.
    """

    folder: str
    filename: str
    url: str
    sums_url: str
    cache_version: int


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder where sklecg keeps downloaded and parsed data.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to use. ``None`` means the ``SKLECG_DATA`` environment
        variable if set, else ``~/sklecg_data``. The folder is created if
        missing.

    Returns
    -------
    pathlib.Path
        The data folder.

    Examples
    --------
    >>> import tempfile
    >>> from sklecg.datasets import get_data_home
    >>> get_data_home(tempfile.mkdtemp()).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV, Path("~") / "sklecg_data")
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def clear_data_home(data_home: str | os.PathLike | None = None) -> None:
    """Delete everything in the data folder (downloads and caches).

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to clear; resolved as in :func:`get_data_home`.

    Examples
    --------
    >>> import tempfile
    >>> from sklecg.datasets import clear_data_home, get_data_home
    >>> home = get_data_home(tempfile.mkdtemp())
    >>> clear_data_home(home)
    >>> home.exists()
    False
    """
    shutil.rmtree(get_data_home(data_home))


def load_descr(name: str) -> str:
    """Return the text of ``sklecg/datasets/descr/<name>.rst``."""
    return (
        resources.files("sklecg.datasets")
        .joinpath("descr", f"{name}.rst")
        .read_text(encoding="utf-8")
    )


def _log(message: str, verbose: bool) -> None:
    if verbose:
        print(f"[sklecg] {message}", file=sys.stderr, flush=True)


def progress(
    items: Iterable,
    total: int,
    desc: str,
    verbose: bool,
    steps: int = 10,
    *,
    size: Callable[[object], int] | None = None,
    unit: str = "it",
) -> Iterator:
    """Yield ``items``, showing on stderr how far along they are.

    Parameters
    ----------
    items : iterable
        The items, yielded unchanged.
    total : int
        Their expected total amount; 0 when unknown.
    desc : str
        What is being done, e.g. ``"reading mitdb.zip"``.
    verbose : bool
        False shows nothing. True draws a tqdm bar when stderr is a terminal,
        else logs ``desc: done/total`` lines about ``steps`` times (none if
        ``total`` is unknown).
    steps : int, default=10
        How many lines to log when stderr is not a terminal.
    size : callable, default=None
        Amount of one item, e.g. ``len`` for blocks of bytes; None counts one
        per item.
    unit : {"it", "B"}, default="it"
        Unit of the amounts; ``"B"`` shows bytes scaled (kB, MB; MiB in the
        log lines).

    Yields
    ------
    object
        Each item of ``items``.
    """
    if not verbose:
        yield from items
        return
    count = (lambda item: 1) if size is None else size
    if stderr_is_terminal():
        with tqdm.tqdm(
            total=total or None,
            desc=f"[sklecg] {desc}",
            file=sys.stderr,
            unit=unit,
            unit_scale=unit == "B",
        ) as bar:
            for item in items:
                yield item
                bar.update(count(item))
        return
    start = time.perf_counter()
    done = logged = 0
    for item in items:
        yield item
        done += count(item)
        step = done * steps // total if total else 0
        if step > logged:  # a new tenth (for steps=10), the last one at the end
            logged = step
            if unit == "B":
                amount = f"{done / 2**20:.1f}/{total / 2**20:.1f} MiB"
            else:
                amount = f"{done}/{total}"
            elapsed = time.perf_counter() - start
            percent = 100 * done // total
            _log(f"{desc}: {amount} ({percent}%, {elapsed:.1f} s)", verbose)


def _not_writable(folder: Path, exc: OSError) -> PermissionError:
    return PermissionError(
        f"cannot write to {folder} ({exc.strerror or exc}), where sklecg keeps "
        "its downloads and caches. Make it writable, or pass data_home= (or set "
        f"{DATA_HOME_ENV}) to a writable folder."
    )


def _umask_mode(directory: bool) -> int:
    """The mode a new file (``0o666``) or folder (``0o777``) gets under the umask."""
    # Reading the umask means setting it: briefly stricter, never looser.
    mask = os.umask(0o077)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def _fresh_temp(target: Path, verbose: bool, directory: bool = False) -> Path:
    """Create an empty temporary file (or folder) beside ``target``.

    It is named ``.<target name>.XXXXXXXX`` and gets the mode the umask
    allows (``tempfile`` makes it private). Temporaries of ``target`` left by
    an interrupted fetch are removed first: call this under
    :func:`fetch_lock`, which keeps out the fetches still running.

    Raises
    ------
    PermissionError
        If the folder is not writable, naming it and what to pass instead.
    """
    folder, prefix = target.parent, f".{target.name}."
    try:
        for old in folder.glob(f"{prefix}*"):
            _log(f"removing {old}, left by an interrupted fetch", verbose)
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        if directory:
            name = tempfile.mkdtemp(dir=folder, prefix=prefix)
        else:
            fd, name = tempfile.mkstemp(dir=folder, prefix=prefix)
            os.close(fd)
    except PermissionError as exc:
        raise _not_writable(folder, exc) from exc
    os.chmod(name, _umask_mode(directory))
    return Path(name)


@contextmanager
def fetch_lock(folder: Path, verbose: bool) -> Iterator[None]:
    """Hold the lock of the data_home subfolder ``folder`` while fetching into it.

    A second process (or thread) waits, logging that it does, until the
    first is done. The lock is re-entrant within a thread and lives in
    ``folder/.sklecg-lock`` (an ``fcntl.flock``, released by the system even
    if the holder is killed). Where ``fcntl`` is missing (Windows) only the
    threads of one process are serialised.

    Raises
    ------
    PermissionError
        If the lock file cannot be created in ``folder``.
    """
    path = str(folder / _LOCK_NAME)
    with _REGISTRY:
        thread_lock = _THREAD_LOCKS.setdefault(path, threading.RLock())
    with thread_lock:
        if fcntl is None or path in _HELD_LOCKS:
            yield
            return
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
        except PermissionError as exc:
            raise _not_writable(folder, exc) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _log(f"waiting for another process fetching into {folder}", verbose)
                fcntl.flock(fd, fcntl.LOCK_EX)
            _HELD_LOCKS.add(path)
            try:
                yield
            finally:
                _HELD_LOCKS.discard(path)
        finally:
            os.close(fd)


def _is_url(location: str) -> bool:
    return "://" in location


def _missing_message(filename: str, local: Path) -> str:
    return (
        f"{filename} was not found (looked in {local}) and "
        "download_if_missing=False. Set the environment variable "
        f"{MIRROR_ENV} (or pass mirror=) to a folder or base URL holding "
        f"{filename}, or call again with download_if_missing=True to download "
        "it from PhysioNet."
    )


def fetch_archive(
    source: DataSource,
    *,
    data_home: Path,
    mirror: str | os.PathLike | None,
    download_if_missing: bool,
    verbose: bool,
) -> Path:
    """Return the local path of the PhysioNet zip of ``source``.

    A local ``mirror`` folder (argument, else ``SKLECG_PHYSIONET_MIRROR``) is
    read in place. Otherwise a copy in ``data_home`` is used, or downloaded
    when ``download_if_missing`` from the mirror base URL, whose SHA-256 sums
    are read from ``<mirror>/SHA256SUMS``, else from ``url``, whose sums are
    read from ``sums_url`` (PhysioNet's ``SHA256SUMS.txt``). Downloading must
    happen under :func:`fetch_lock`.

    Raises
    ------
    FileNotFoundError
        If the file is in none of these places and may not be downloaded.
    OSError
        If the download fails (naming the URL) or its SHA-256 differs from
        the published one; nothing is left behind.
    """
    filename, url, sums_url = source.filename, source.url, source.sums_url
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    mirror = str(mirror) if mirror else None
    if mirror is not None and not _is_url(mirror):
        path = Path(mirror).expanduser() / filename
        if path.is_file():
            return path
        raise FileNotFoundError(
            f"{filename} is not in the mirror folder {Path(mirror).expanduser()} "
            f"(from the mirror argument or {MIRROR_ENV}). Point {MIRROR_ENV} "
            f"(or mirror=) at a folder holding {filename}, or unset it to "
            "download from PhysioNet."
        )
    local = data_home / filename
    if local.is_file():
        return local
    if not download_if_missing:
        raise FileNotFoundError(_missing_message(filename, local))
    if mirror:
        url = f"{mirror.rstrip('/')}/{filename}"
        sums_url = f"{mirror.rstrip('/')}/{MIRROR_SUMS}"
    _download(url, sums_url, local, verbose)
    return local


def _network_error(url: str, filename: str, exc: BaseException) -> OSError:
    return OSError(
        f"could not download {url} ({type(exc).__name__}: {exc}). Check the "
        f"network and try again, or use a local copy: set {MIRROR_ENV} (or pass "
        f"mirror=) to a folder holding {filename}, which is read in place, and "
        "pass download_if_missing=False to make sure nothing is downloaded."
    )


def _published_sha256(sums_url: str, filename: str) -> str | None:
    """The SHA-256 of ``filename`` in the ``sha256sum`` list at ``sums_url``.

    Warns and returns None when the list cannot be read or lacks the file.
    """
    try:
        with urllib.request.urlopen(sums_url) as response:
            text = response.read().decode("utf-8", errors="replace")
    except _NETWORK_ERRORS as exc:
        problem = f"could not be read ({type(exc).__name__}: {exc})"
    else:
        for line in text.splitlines():
            digest, _, name = line.strip().partition(" ")
            if name.strip().lstrip("*") == filename:
                return digest.lower()
        problem = f"does not list {filename}"
    warnings.warn(
        f"{filename} is downloaded without checking its SHA-256: {sums_url} "
        f"{problem}. To check it, pass mirror= (or set {MIRROR_ENV}) to a base "
        f"URL that also serves {MIRROR_SUMS}, or to a folder holding a copy you "
        "trust.",
        UserWarning,
        stacklevel=2,
    )
    return None


def _download(url: str, sums_url: str, target: Path, verbose: bool) -> None:
    """Download ``url`` to a temporary file beside ``target``, check, rename."""
    expected = _published_sha256(sums_url, target.name)
    _log(f"downloading {url} -> {target}", verbose)
    tmp = _fresh_temp(target, verbose)
    try:
        digest = hashlib.sha256()
        try:
            with open(tmp, "wb") as out, urllib.request.urlopen(url) as response:
                total = int(response.headers.get("Content-Length") or 0)
                blocks = iter(lambda: response.read(1 << 20), b"")
                desc = f"downloading {target.name}"
                for block in progress(blocks, total, desc, verbose, size=len, unit="B"):
                    out.write(block)
                    digest.update(block)
        except _NETWORK_ERRORS as exc:
            raise _network_error(url, target.name, exc) from exc
        received = digest.hexdigest()
        if expected is not None and received != expected:
            raise OSError(
                f"the SHA-256 of {target.name} downloaded from {url} is "
                f"{received}, but {sums_url} publishes {expected}: the download "
                f"is damaged or not the published file. Try again, or set "
                f"{MIRROR_ENV} (or pass mirror=) to a folder holding a good copy."
            )
        if not zipfile.is_zipfile(tmp):
            raise OSError(f"the download from {url} is not a zip file")
        os.replace(tmp, target)
        _log(f"SHA-256 of {target.name} checked against {sums_url}", verbose)
    finally:
        tmp.unlink(missing_ok=True)


def _corrupt(path: Path, exc: BaseException) -> OSError:
    return OSError(
        f"{path} is corrupt or truncated ({type(exc).__name__}: {exc}). Delete "
        f"it and fetch again, or set {MIRROR_ENV} to a folder holding a good "
        "copy."
    )


@contextmanager
def open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """Open a zip, turning any corruption (also while reading) into OSError."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except _ARCHIVE_ERRORS as exc:
        raise _corrupt(path, exc) from exc


def archive_fingerprint(path: Path) -> str:
    """Hash the name, size and CRC-32 of every member of a zip.

    It changes whenever the content changes, and costs only a read of the
    zip's central directory.
    """
    digest = hashlib.sha256()
    with open_archive(path) as archive:
        for info in archive.infolist():
            digest.update(f"{info.filename}\0{info.file_size}\0{info.CRC}\n".encode())
    return digest.hexdigest()


def _extracted_from(folder: Path) -> str | None:
    """Fingerprint of the zip ``folder`` was extracted from, if complete."""
    stamp = folder / _STAMP
    return stamp.read_text() if stamp.is_file() else None


def extract_archive(path: Path, target: Path, fingerprint: str, verbose: bool) -> Path:
    """Extract the zip ``path`` as folder ``target`` atomically.

    The zip's single top-level folder is extracted into a temporary folder
    beside ``target`` and renamed into place only once complete; a previous
    ``target`` from another source zip is replaced. Member paths that would
    leave the folder are refused. Call under :func:`fetch_lock`.
    """
    if _extracted_from(target) == fingerprint:
        return target
    tmp = _fresh_temp(target, verbose, directory=True)
    try:
        with open_archive(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in progress(
                members, len(members), f"extracting {path.name}", verbose
            ):
                parts = Path(member.filename).parts
                if member.filename.startswith("/") or ".." in parts or len(parts) < 2:
                    raise OSError(
                        f"{path} holds an unexpected member {member.filename!r}; "
                        "expected files inside one top-level folder."
                    )
                out = tmp.joinpath(*parts[1:])
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        (tmp / _STAMP).write_text(fingerprint)
        if target.exists():
            stale = tmp.with_name(f"{tmp.name}-stale")
            os.replace(target, stale)
            os.replace(tmp, target)
            shutil.rmtree(stale)
        else:
            os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _write_cache(path: Path, version: int, fingerprint: str, arrays: dict) -> None:
    """Write ``arrays`` into ``path`` as an ``.npz`` with a version and fingerprint.

    Members are stored uncompressed, each with the CRC-32 of its bytes.
    """
    with open(path, "wb") as out:
        np.savez(
            out,
            format_version=np.int64(version),
            source_fingerprint=np.str_(fingerprint),
            **arrays,
        )


def _memmap_member(path: Path, info: zipfile.ZipInfo) -> np.ndarray:
    """Map an uncompressed ``.npy`` member of an ``.npz`` file copy-on-write.

    Loading is then nearly free: pages are read when first touched, and
    writes go to private memory, never to the file. The member's bytes are
    checked against the CRC-32 the zip records for them (about 0.1 s per
    250 MB).

    Raises
    ------
    ValueError
        If the member is not a plain ``.npy`` or fails its CRC-32 check.
    """
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if local[:4] != b"PK\x03\x04":
            raise ValueError(f"member {info.filename} has no local zip header")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        fh.seek(start)
        major, _ = np.lib.format.read_magic(fh)
        read_header = (
            np.lib.format.read_array_header_1_0
            if major == 1
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, dtype = read_header(fh)
        offset = fh.tell()
        fh.seek(start)
        npy_header = fh.read(offset - start)
    if fortran_order or dtype.hasobject:
        raise ValueError(f"member {info.filename} cannot be memory-mapped")
    array = np.memmap(path, dtype=dtype, mode="c", offset=offset, shape=shape)
    size = len(npy_header) + array.nbytes
    if size != info.file_size or zlib.crc32(array, zlib.crc32(npy_header)) != info.CRC:
        raise ValueError(
            f"member {info.filename} fails its CRC-32 check (the file was "
            "changed after it was written)"
        )
    return np.asarray(array)


def load_cache(
    path: Path, version: int, fingerprint: str | None, verbose: bool
) -> dict | None:
    """Load a cache written by :func:`cached_build`, or None if unusable.

    Large arrays are memory-mapped (copy-on-write), small ones read; both are
    checked against the CRC-32 recorded for them when the file was written. A
    missing, truncated, damaged or unreadable file, another format version,
    or another source fingerprint all give None (logged) so the caller
    rebuilds it. ``fingerprint=None`` (source zip not available locally)
    accepts any source.
    """
    if not path.is_file():
        return None
    try:
        arrays = {}
        with zipfile.ZipFile(path) as archive, np.load(path) as npz:
            for info in archive.infolist():
                key = info.filename.removesuffix(".npy")
                big = info.file_size >= _MMAP_MIN_BYTES
                if big and info.compress_type == zipfile.ZIP_STORED:
                    arrays[key] = _memmap_member(path, info)
                else:
                    arrays[key] = npz[key]
        found_version = int(arrays.pop("format_version"))
        found_fingerprint = str(arrays.pop("source_fingerprint"))
    except (OSError, ValueError, KeyError, *_ARCHIVE_ERRORS) as exc:
        _log(f"cache {path} is unreadable ({exc}); rebuilding it", verbose)
        return None
    if found_version != version:
        _log(
            f"cache {path} has format {found_version}, expected {version}; "
            "rebuilding it",
            verbose,
        )
        return None
    if fingerprint is not None and found_fingerprint != fingerprint:
        _log(f"cache {path} was built from another source zip; rebuilding it", verbose)
        return None
    return arrays


def cached_build(
    source: DataSource,
    *,
    cache_file: str,
    build: Callable[[Path, str], dict],
    data_home: str | os.PathLike | None,
    mirror: str | os.PathLike | None,
    download_if_missing: bool,
    verbose: bool,
) -> dict:
    """Return the cached arrays of ``source``, building them if needed.

    The one load path of every fetcher: the cache is
    ``<data_home>/<source.folder>/<cache_file>``, of format version
    ``source.cache_version``.

    A valid cache is loaded without waiting. Otherwise the lock of the cache
    folder is taken (:func:`fetch_lock`), so a second process waits for the
    first and then loads what it built; the temporary cache file is created
    before ``build`` runs, so an unwritable folder is reported at once.

    Parameters
    ----------
    source : DataSource
        The data set.
    cache_file : str
        Name of the ``.npz`` cache file in the data set's folder.
    data_home, mirror, download_if_missing, verbose
        As in the fetchers.
    build : callable
        ``build(zip_path, fingerprint) -> dict of arrays``, called when the
        cache is missing, stale or corrupt.

    Returns
    -------
    dict
        The arrays, by name.

    Raises
    ------
    PermissionError
        If the cache must be built but its folder is not writable.
    """
    home = get_data_home(data_home)
    cache_dir = home / source.folder
    cache_dir.mkdir(exist_ok=True)
    cache_path, version = cache_dir / cache_file, source.cache_version
    located = {"data_home": home, "mirror": mirror, "verbose": verbose}
    try:
        zip_path = fetch_archive(source, download_if_missing=False, **located)
    except FileNotFoundError:
        zip_path = None
    fingerprint = archive_fingerprint(zip_path) if zip_path is not None else None
    arrays = load_cache(cache_path, version, fingerprint, verbose=False)
    if arrays is not None:
        return arrays
    with fetch_lock(cache_path.parent, verbose):
        # Checked again, and why it is rebuilt logged, now that no other
        # process writes it: one that held the lock may just have built it.
        arrays = load_cache(cache_path, version, fingerprint, verbose)
        if arrays is not None:
            return arrays
        tmp = _fresh_temp(cache_path, verbose)
        try:
            if zip_path is None:
                zip_path = fetch_archive(
                    source, download_if_missing=download_if_missing, **located
                )
                fingerprint = archive_fingerprint(zip_path)
            start = time.perf_counter()
            arrays = build(zip_path, fingerprint)
            _write_cache(tmp, version, fingerprint, arrays)
            os.replace(tmp, cache_path)
        finally:
            tmp.unlink(missing_ok=True)
        elapsed = time.perf_counter() - start
        _log(f"built {cache_path.name} in {elapsed:.1f} s", verbose)
    return arrays
