"""PhysioNet/Computing in Cardiology Challenge 2017 training records."""

from __future__ import annotations

import io
import os
import posixpath
import zipfile

import numpy as np
import scipy.io
from sklearn.utils import Bunch
from wfdb.io import _header as wfdb_header
from wfdb.io.header import parse_header_content

from sklecg.datasets._base import (
    DataSource,
    cached_build,
    load_descr,
    open_archive,
    progress,
)

__all__ = ["fetch_cinc2017"]

#: The PhysioNet/CinC 2017 training zip and the cache of its parsed records.
CINC2017 = DataSource(
    folder="cinc2017",
    filename="training2017.zip",
    url="https://physionet.org/files/challenge-2017/1.0.0/training2017.zip",
    sums_url="https://physionet.org/files/challenge-2017/1.0.0/SHA256SUMS.txt",
    cache_version=1,
)
TARGET_NAMES = ("N", "A", "O", "~")
FS = 300
_UNITS_TO_MV = {"mV": 1.0, "uV": 1e-3, "V": 1e3}


def _members_by_name(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    return {
        posixpath.basename(info.filename): info
        for info in archive.infolist()
        if not info.is_dir()
    }


def _read_reference(archive: zipfile.ZipFile, members: dict) -> tuple[list, list]:
    if "REFERENCE.csv" not in members:
        raise OSError(
            f"{archive.filename} has no REFERENCE.csv; expected the PhysioNet "
            f"{CINC2017.filename} layout (training2017/REFERENCE.csv, "
            "AXXXXX.mat, AXXXXX.hea)."
        )
    text = archive.read(members["REFERENCE.csv"]).decode("utf-8")
    names, labels = [], []
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        record, _, label = line.strip().partition(",")
        if label not in TARGET_NAMES:
            raise ValueError(
                f"REFERENCE.csv line {line_no}: record {record} has the unknown "
                f"label {label!r}; expected one of {list(TARGET_NAMES)}."
            )
        names.append(record)
        labels.append(label)
    return names, labels


def _signal_scaling(text: str, record: str) -> tuple[int | None, float, float]:
    """Length, baseline and mV per digital unit of a record's first signal.

    The WFDB header text is parsed by :mod:`wfdb`, which applies the format's
    defaults (gain 200, baseline ADC zero, units mV).

    Raises
    ------
    ValueError
        Naming the record, if the header is malformed or its units are not a
        voltage.
    """
    lines, _ = parse_header_content(text)
    try:
        if not lines:
            raise ValueError("no record line")
        record_fields = wfdb_header._parse_record_line(lines[0])
        n_signals = record_fields["n_sig"] or 0
        signals = wfdb_header._parse_signal_lines(lines[1 : 1 + n_signals])
        if n_signals < 1 or len(signals["units"]) != n_signals:
            raise ValueError(
                f"{n_signals} signals announced, {len(signals['units'])} found"
            )
        units = signals["units"][0]
        if units not in _UNITS_TO_MV:
            raise ValueError(f"units {units!r} (expected one of mV, uV, V)")
    except ValueError as exc:  # wfdb's HeaderSyntaxError is one
        raise ValueError(
            f"the WFDB header of record {record} is malformed: {exc}. "
            f"Received: {text[:200]!r}"
        ) from exc
    gain = signals["adc_gain"][0]
    return record_fields["sig_len"], signals["baseline"][0], _UNITS_TO_MV[units] / gain


def _read_record(archive: zipfile.ZipFile, members: dict, record: str) -> np.ndarray:
    for ext in (".hea", ".mat"):
        if record + ext not in members:
            raise OSError(
                f"{archive.filename} lacks {record}{ext}, listed in REFERENCE.csv."
            )
    n_samples, baseline, scale = _signal_scaling(
        archive.read(members[record + ".hea"]).decode("ascii"), record
    )
    mat = scipy.io.loadmat(io.BytesIO(archive.read(members[record + ".mat"])))
    val = np.asarray(mat["val"]).ravel()
    if n_samples and val.size != n_samples:
        raise ValueError(
            f"record {record}: {record}.mat holds {val.size} samples but its "
            f"header announces {n_samples}."
        )
    return (val.astype(np.float32) - np.float32(baseline)) * np.float32(scale)


def _build(zip_path, verbose: bool) -> dict:
    with open_archive(zip_path) as archive:
        members = _members_by_name(archive)
        names, labels = _read_reference(archive, members)
        signals = [
            _read_record(archive, members, name)
            for name in progress(
                names, len(names), f"parsing {CINC2017.filename}", verbose
            )
        ]
    lengths = np.array([s.size for s in signals], dtype=np.int64)
    return {
        "signals": np.concatenate(signals) if signals else np.zeros(0, np.float32),
        "lengths": lengths,
        "record_names": np.array(names, dtype=str),
        "target": np.array(labels, dtype="<U1"),
    }


def fetch_cinc2017(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    mirror: str | os.PathLike | None = None,
    verbose: bool = True,
) -> Bunch | tuple[list, np.ndarray]:
    """Load the PhysioNet/CinC Challenge 2017 single-lead ECG records.

    Short single-lead ECGs (9 s to 61 s at 300 Hz) labelled normal rhythm
    (``"N"``), atrial fibrillation (``"A"``), other rhythm (``"O"``) or too
    noisy (``"~"``). The first call reads ``training2017.zip`` (from
    ``mirror``, else ``SKLECG_PHYSIONET_MIRROR``, else ``data_home``, else
    PhysioNet), scales each record to mV with the gain in its own header and
    caches the result in ``data_home``; later calls load the cache.

    Read more in ``fetch_cinc2017().DESCR``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder for downloads and caches; default ``SKLECG_DATA`` or
        ``~/sklecg_data``.
    download_if_missing : bool, default=True
        If False, raise ``FileNotFoundError`` instead of downloading.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    mirror : str or path-like, default=None
        Local folder or base URL holding ``training2017.zip``; default the
        ``SKLECG_PHYSIONET_MIRROR`` environment variable, else PhysioNet.
    verbose : bool, default=True
        Log to stderr the progress of download and first parse (tqdm bars in a
        terminal, a few lines elsewhere), why a cache is rebuilt, and waiting
        for another process's fetch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : list of ndarray of shape (n_timesteps,), dtype float32
            One signal per record, in mV (variable length).
        target : ndarray of shape (n_records,), dtype str
            Labels ``"N"``, ``"A"``, ``"O"`` or ``"~"`` from ``REFERENCE.csv``.
        target_names : ndarray of str
            ``["N", "A", "O", "~"]``.
        record_names : ndarray of str
            Record names (``"A00001"``, ...), in ``REFERENCE.csv`` order.
        lengths : ndarray of int
            Number of samples of each record.
        fs : int
            Sampling frequency, 300 Hz.
        units : str
            ``"mV"``.
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If the zip is missing and ``download_if_missing=False``; the message
        names the file and ``SKLECG_PHYSIONET_MIRROR``.
    OSError
        If the zip is corrupt or truncated, or a download fails (the
        message names the URL and ``SKLECG_PHYSIONET_MIRROR``) or differs
        from its published SHA-256 (naming both sums); nothing half-written
        is left.
    PermissionError
        If the cache has to be built but its folder in ``data_home`` is not
        writable; raised before the parse starts.
    ValueError
        If ``REFERENCE.csv`` holds an unknown label (naming the record).

    Notes
    -----
    Every load checks the cache against the CRC-32 recorded for each of its
    arrays; a damaged cache is rebuilt (logged). Calls that find no valid
    cache take a lock on the ``data_home`` subfolder (POSIX ``flock``; on
    Windows only threads are serialised), so concurrent first calls build
    once, and they remove the temporary files of interrupted calls. Files and
    folders are created with the modes the umask allows.

    Examples
    --------
    >>> from sklecg.datasets import fetch_cinc2017
    >>> cinc = fetch_cinc2017()  # doctest: +SKIP
    >>> len(cinc.data), cinc.fs, cinc.target[:3]  # doctest: +SKIP
    (7000, 300, array(['N', 'N', 'N'], dtype='<U1'))
    """
    arrays = cached_build(
        CINC2017,
        cache_file="training2017.npz",
        build=lambda path, _fingerprint: _build(path, verbose),
        data_home=data_home,
        mirror=mirror,
        download_if_missing=download_if_missing,
        verbose=verbose,
    )
    lengths = arrays["lengths"]
    data = np.split(arrays["signals"], np.cumsum(lengths)[:-1]) if lengths.size else []
    target = arrays["target"]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=np.array(TARGET_NAMES),
        record_names=arrays["record_names"],
        lengths=lengths,
        fs=FS,
        units="mV",
        DESCR=load_descr("cinc2017"),
    )
