"""Shared machinery of the PhysioNet fetchers.

* where data lives (:func:`get_data_home`, ``SKLECG_DATA``);
* where a source zip comes from: a ``mirror`` argument, else the
  ``SKLECG_PHYSIONET_MIRROR`` environment variable, else PhysioNet itself
  (:func:`fetch_archive`);
* reading a zip safely (:func:`open_archive`, :func:`extract_archive`);
* cache files that carry a format version and a fingerprint of the source
  zip, written atomically so a concurrent reader never sees half a file
  (:func:`save_cache`, :func:`load_cache`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import sys
import tempfile
import time
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "MIRROR_ENV",
    "DATA_HOME_ENV",
    "get_data_home",
    "clear_data_home",
    "fetch_archive",
    "open_archive",
    "extract_archive",
    "archive_fingerprint",
    "save_cache",
    "load_cache",
    "progress",
    "cached_build",
    "load_descr",
]

MIRROR_ENV = "SKLECG_PHYSIONET_MIRROR"
DATA_HOME_ENV = "SKLECG_DATA"
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)
_MMAP_MIN_BYTES = 1 << 20
_STAMP = ".sklecg-source"


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
    items: Iterable, total: int, desc: str, verbose: bool, steps: int = 10
) -> Iterator:
    """Yield ``items`` and log ``desc: i/total`` about ``steps`` times."""
    every = max(1, total // steps)
    start = time.perf_counter()
    for i, item in enumerate(items, 1):
        yield item
        if verbose and (i % every == 0 or i == total):
            elapsed = time.perf_counter() - start
            _log(
                f"{desc}: {i}/{total} ({100 * i // max(total, 1)}%, {elapsed:.1f} s)",
                verbose,
            )


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
    filename: str,
    url: str,
    data_home: Path,
    mirror: str | os.PathLike | None,
    download_if_missing: bool,
    verbose: bool,
) -> Path:
    """Return the local path of the PhysioNet zip ``filename``.

    A local ``mirror`` folder (argument, else ``SKLECG_PHYSIONET_MIRROR``) is
    read in place. Otherwise a copy in ``data_home`` is used, or downloaded
    from the mirror base URL (else ``url``) when ``download_if_missing``.

    Raises
    ------
    FileNotFoundError
        If the file is in none of these places and may not be downloaded.
    """
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
    source = f"{mirror.rstrip('/')}/{filename}" if mirror else url
    if not download_if_missing:
        raise FileNotFoundError(_missing_message(filename, local))
    _download(source, local, verbose)
    return local


def _download(url: str, target: Path, verbose: bool) -> None:
    """Download ``url`` to a temporary file beside ``target``, then rename."""
    _log(f"downloading {url} -> {target}", verbose)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done, next_report, chunk = 0, 0.0, 1 << 20
            while block := response.read(chunk):
                out.write(block)
                done += len(block)
                if verbose and total and done >= next_report * total:
                    _log(f"  {done / 2**20:.1f}/{total / 2**20:.1f} MiB", verbose)
                    next_report += 0.1
        if not zipfile.is_zipfile(tmp_name):
            raise OSError(f"the download from {url} is not a zip file")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)


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
    leave the folder are refused.
    """
    if _extracted_from(target) == fingerprint:
        return target
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
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
        if _extracted_from(target) == fingerprint:  # a concurrent call won
            return target
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
            os.replace(target, old / "stale")
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def save_cache(path: Path, version: int, fingerprint: str, **arrays) -> None:
    """Write ``arrays`` as an ``.npz`` with a format version and fingerprint.

    The file is written to a temporary name beside ``path`` and renamed, so
    readers see either the old file or the complete new one.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(
                out,
                format_version=np.int64(version),
                source_fingerprint=np.str_(fingerprint),
                **arrays,
            )
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)


def _memmap_member(path: Path, info: zipfile.ZipInfo) -> np.ndarray:
    """Map an uncompressed ``.npy`` member of an ``.npz`` file copy-on-write.

    Loading is then nearly free: pages are read when first touched, and
    writes go to private memory, never to the file.
    """
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if local[:4] != b"PK\x03\x04":
            raise ValueError(f"member {info.filename} has no local zip header")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        major, _ = np.lib.format.read_magic(fh)
        read_header = (
            np.lib.format.read_array_header_1_0
            if major == 1
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, dtype = read_header(fh)
        offset = fh.tell()
    if fortran_order or dtype.hasobject:
        raise ValueError(f"member {info.filename} cannot be memory-mapped")
    return np.asarray(
        np.memmap(path, dtype=dtype, mode="c", offset=offset, shape=shape)
    )


def load_cache(
    path: Path, version: int, fingerprint: str | None, verbose: bool
) -> dict | None:
    """Load a cache written by :func:`save_cache`, or None if unusable.

    Large arrays are memory-mapped (copy-on-write), small ones read. A
    missing, truncated or unreadable file, another format version, or
    another source fingerprint all give None so the caller rebuilds it.
    ``fingerprint=None`` (source zip not available locally) accepts any
    source.
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
    cache_path: Path,
    version: int,
    source: dict,
    mirror: str | os.PathLike | None,
    download_if_missing: bool,
    verbose: bool,
    build,
) -> dict:
    """Return the arrays cached at ``cache_path``, building them if needed.

    Parameters
    ----------
    cache_path : Path
        The ``.npz`` cache file.
    version : int
        Its format version; another version is rebuilt.
    source : dict
        ``filename``, ``url`` and ``data_home`` of the source zip, as taken by
        :func:`fetch_archive`.
    mirror, download_if_missing, verbose
        As in the fetchers.
    build : callable
        ``build(zip_path, fingerprint) -> dict of arrays``, called when the
        cache is missing, stale or corrupt.
    """
    try:
        zip_path = fetch_archive(
            **source, mirror=mirror, download_if_missing=False, verbose=verbose
        )
    except FileNotFoundError:
        zip_path = None
    fingerprint = archive_fingerprint(zip_path) if zip_path is not None else None
    arrays = load_cache(cache_path, version, fingerprint, verbose)
    if arrays is not None:
        return arrays
    if zip_path is None:
        zip_path = fetch_archive(
            **source,
            mirror=mirror,
            download_if_missing=download_if_missing,
            verbose=verbose,
        )
        fingerprint = archive_fingerprint(zip_path)
    start = time.perf_counter()
    arrays = build(zip_path, fingerprint)
    save_cache(cache_path, version, fingerprint, **arrays)
    _log(f"built {cache_path.name} in {time.perf_counter() - start:.1f} s", verbose)
    return arrays
