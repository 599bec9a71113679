"""MIT-BIH Arrhythmia Database: the 48 raw two-lead records and annotations."""

from __future__ import annotations

import os

import numpy as np
import wfdb
from sklearn.utils import Bunch

from sklecg.datasets._base import (
    DataSource,
    cached_build,
    extract_archive,
    get_data_home,
    load_descr,
    progress,
)

__all__ = ["fetch_mitbih", "load_mitbih_arrays"]

#: The MIT-BIH Arrhythmia Database zip and the cache of its parsed records.
MITBIH = DataSource(
    folder="mitbih",
    filename="mit-bih-arrhythmia-database-1.0.0.zip",
    url=(
        "https://physionet.org/static/published-projects/mitdb/"
        "mit-bih-arrhythmia-database-1.0.0.zip"
    ),
    sums_url="https://physionet.org/files/mitdb/1.0.0/SHA256SUMS.txt",
    cache_version=1,
)
FS = 360


def _build(zip_path, fingerprint: str, cache_dir, verbose: bool) -> dict:
    folder = extract_archive(
        zip_path, cache_dir / MITBIH.filename.removesuffix(".zip"), fingerprint, verbose
    )
    records_file = folder / "RECORDS"
    if not records_file.is_file():
        raise OSError(f"{zip_path} has no RECORDS file; expected the MIT-BIH layout.")
    names = records_file.read_text().split()
    signals, leads, samples, symbols = [], [], [], []
    for name in progress(names, len(names), f"reading {MITBIH.filename}", verbose):
        record = wfdb.rdrecord(str(folder / name))
        annotation = wfdb.rdann(str(folder / name), "atr")
        signals.append(record.p_signal.T.astype(np.float32))
        leads.append(record.sig_name)
        samples.append(np.asarray(annotation.sample, dtype=np.int64))
        symbols.append(np.asarray(annotation.symbol, dtype=str))
    if len({s.shape for s in signals}) != 1:
        raise ValueError(
            f"{zip_path}: records differ in shape "
            f"{sorted({s.shape for s in signals})}; expected the MIT-BIH layout "
            "of equally long two-lead records."
        )
    return {
        "signals": np.stack(signals),
        "lead_names": np.array(leads, dtype=str),
        "record_names": np.array(names, dtype=str),
        "ann_offsets": np.cumsum([0] + [s.size for s in samples]),
        "ann_samples": np.concatenate(samples),
        "ann_symbols": np.concatenate(symbols),
    }


def load_mitbih_arrays(*, data_home, download_if_missing, mirror, verbose) -> dict:
    """Return the cached arrays behind :func:`fetch_mitbih` (built if needed)."""
    cache_dir = get_data_home(data_home) / MITBIH.folder
    return cached_build(
        MITBIH,
        cache_file="records.npz",
        build=lambda path, fingerprint: _build(path, fingerprint, cache_dir, verbose),
        data_home=data_home,
        mirror=mirror,
        download_if_missing=download_if_missing,
        verbose=verbose,
    )


def fetch_mitbih(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    mirror: str | os.PathLike | None = None,
    verbose: bool = True,
) -> Bunch:
    """Load the 48 records of the MIT-BIH Arrhythmia Database.

    Two leads per record (usually MLII and V1), 30 min at 360 Hz, in mV, with
    the reference annotations (beat and rhythm labels at sample positions).
    The first call extracts ``mit-bih-arrhythmia-database-1.0.0.zip`` (from
    ``mirror``, else ``SKLECG_PHYSIONET_MIRROR``, else ``data_home``, else
    PhysioNet) into ``data_home``, reads it with :mod:`wfdb` and caches the
    arrays; later calls load the cache.

    There is no ``target`` (records are not labelled as a whole) and hence no
    ``return_X_y``; for a labelled beat data set use
    :func:`~sklecg.datasets.fetch_mitbih_beats`.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder for downloads and caches; default ``SKLECG_DATA`` or
        ``~/sklecg_data``.
    download_if_missing : bool, default=True
        If False, raise ``FileNotFoundError`` instead of downloading.
    mirror : str or path-like, default=None
        Local folder or base URL holding the zip; default the
        ``SKLECG_PHYSIONET_MIRROR`` environment variable, else PhysioNet.
    verbose : bool, default=True
        Log to stderr the progress of download, extraction and first parse
        (tqdm bars in a terminal, a few lines elsewhere), why a cache is
        rebuilt, and waiting for another process's fetch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (48, 2, 650000), dtype float32
            Both leads of every record, in mV.
        lead_names : ndarray of str, shape (48, 2)
            Lead of each row of ``data`` (``"MLII"``, ``"V1"``, ...; the order
            differs between records).
        record_names : ndarray of str, shape (48,)
            ``"100"`` ... ``"234"``.
        groups : ndarray of int, shape (48,)
            Record numbers (one patient per record, except 201 and 202 which
            come from the same patient).
        annotation_samples : list of ndarray of int
            Sample index of each reference annotation, per record.
        annotation_symbols : list of ndarray of str
            Its symbol (``"N"``, ``"V"``, ``"+"``, ...), per record.
        fs : int
            360 Hz.
        units : str
            ``"mV"``.
        DESCR : str
            Description of the data set.

    Raises
    ------
    FileNotFoundError
        If the zip is missing and ``download_if_missing=False``; the message
        names the file and ``SKLECG_PHYSIONET_MIRROR``.
    OSError
        If the zip is corrupt or truncated, or a download fails (the
        message names the URL and ``SKLECG_PHYSIONET_MIRROR``) or differs
        from its published SHA-256 (naming both sums); no half-extracted
        folder or half-written file is left.
    PermissionError
        If the cache has to be built but its folder in ``data_home`` is not
        writable; raised before the parse starts.

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
    >>> from sklecg.datasets import fetch_mitbih
    >>> mit = fetch_mitbih()  # doctest: +SKIP
    >>> mit.data.shape, mit.lead_names[0]  # doctest: +SKIP
    ((48, 2, 650000), array(['MLII', 'V5'], dtype='<U4'))
    """
    arrays = load_mitbih_arrays(
        data_home=data_home,
        download_if_missing=download_if_missing,
        mirror=mirror,
        verbose=verbose,
    )
    offsets = arrays["ann_offsets"]
    return Bunch(
        data=arrays["signals"],
        lead_names=arrays["lead_names"],
        record_names=arrays["record_names"],
        groups=arrays["record_names"].astype(np.int64),
        annotation_samples=np.split(arrays["ann_samples"], offsets[1:-1]),
        annotation_symbols=np.split(arrays["ann_symbols"], offsets[1:-1]),
        fs=FS,
        units="mV",
        DESCR=load_descr("mitbih"),
    )
