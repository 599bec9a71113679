"""Compact binary files of piecewise-constant compressed signals.

Byte layout (all little-endian), version 2::

    offset  size  type     field
    0       8     bytes    magic b"SKLECGPC"
    8       2     uint16   format version (2)
    10      1     uint8    payload dtype code: 1 = float32, 2 = float16
    11      1     uint8    ndim of the data: 2 or 3
    12      4     -        reserved (zero)
    16      8     uint64   n_signals
    24      8     uint64   n_leads (1 when ndim == 2)
    32      8     uint64   n_segments
    40      8     uint64   n_timesteps of the original signals
    48      8     float64  fs in Hz (NaN when unknown)
    56      8     float64  ratio = n_segments / n_timesteps
    64      4     uint32   CRC-32 of bytes 0-63 followed by the payload
    68      4     -        reserved (zero)
    72      ...   payload  n_signals * n_leads * n_segments values, C order

A file therefore holds exactly ``72 + n_values * itemsize`` bytes: with
float32 that is ``ratio`` times the raw float32 signals plus 72 bytes, with
float16 half of that. The CRC covers the header fields too (version 1 left
them out, so an edited ``n_timesteps`` or ``fs`` went unnoticed), and
:func:`load_compressed` also checks that they agree with one another.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import numpy as np

from sklecg.compression._piecewise import _expand
from sklecg.utils.validation import check_signals

__all__ = ["HEADER_SIZE", "CompressedSignals", "load_compressed", "save_compressed"]

_MAGIC = b"SKLECGPC"
_VERSION = 2
_HEADER = struct.Struct("<8sHBB4xQQQQddI4x")
#: Size in bytes of the header of a file written by :func:`save_compressed`.
HEADER_SIZE = _HEADER.size
_CHECKED = 64  # header bytes covered by the CRC: every field before it
_DTYPES = {1: np.dtype("<f4"), 2: np.dtype("<f2")}
_CODES = {"float32": 1, "float16": 2}


@dataclass(frozen=True)
class CompressedSignals:
    """Window means read back by :func:`load_compressed`.

    Parameters
    ----------
    data : ndarray of float32 of shape (n_signals, n_segments) or \
            (n_signals, n_leads, n_segments)
        The window means.
    n_timesteps : int
        Length of the original signals.
    fs : float or None
        Sampling rate of the original signals, if it was saved.
    stored_dtype : {"float32", "float16"}
        Precision of the payload on disk.

    Examples
    --------
    >>> import numpy as np
    >>> CompressedSignals(np.ones((1, 2), np.float32), 4, None, "float32").ratio
    0.5
    """

    data: np.ndarray
    n_timesteps: int
    fs: float | None
    stored_dtype: str

    @property
    def ratio(self) -> float:
        """Fraction of samples kept, ``n_segments / n_timesteps``."""
        return self.data.shape[-1] / self.n_timesteps

    def reconstruct(self) -> np.ndarray:
        """Step reconstruction at the original length (see :func:`reconstruct`)."""
        return _expand(self.data, self.n_timesteps)


def save_compressed(
    path: str | os.PathLike,
    X_compressed,
    *,
    n_timesteps: int,
    fs: float | None = None,
    dtype: str = "float32",
) -> Path:
    """Write window means to a compact binary file, atomically.

    The data go to a temporary file in the destination folder that replaces
    ``path`` (``os.replace``) only once completely written, so an
    interrupted call never leaves a half-written file. See the module
    docstring for the byte layout.

    Parameters
    ----------
    path : str or path-like
        Destination file.
    X_compressed : array-like of shape (n_signals, n_segments) or \
            (n_signals, n_leads, n_segments)
        Window means, e.g. ``PiecewiseConstantCompressor().fit_transform(X)``.
    n_timesteps : int
        Length of the original signals (``compressor.n_timesteps_``).
    fs : float or None, default=None
        Sampling rate, stored as metadata.
    dtype : {"float32", "float16"}, default="float32"
        Precision on disk; float16 halves the file size (about 3 significant
        digits; values beyond +-65504 raise an error).

    Returns
    -------
    path : Path
        The written file.

    Raises
    ------
    FileNotFoundError
        If the folder of ``path`` does not exist (the message names it).
    ValueError
        An unknown ``dtype``, ``n_timesteps`` smaller than the number of
        segments, ``fs`` not positive, or values beyond the float16 range.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.bin")
    >>> _ = save_compressed(path, np.ones((2, 3)), n_timesteps=12, fs=300)
    >>> os.path.getsize(path) == HEADER_SIZE + 2 * 3 * 4
    True
    >>> load_compressed(path).reconstruct().shape
    (2, 12)
    """
    if dtype not in _CODES:
        raise ValueError(f"dtype must be one of {sorted(_CODES)}; got {dtype!r}.")
    data = check_signals(X_compressed, name="X_compressed", allow_variable_length=False)
    n_segments = data.shape[-1]
    if (
        isinstance(n_timesteps, bool)
        or not isinstance(n_timesteps, (int, np.integer))
        or n_timesteps < n_segments
    ):
        raise ValueError(
            f"n_timesteps must be an int >= the number of segments "
            f"({n_segments}); got {n_timesteps!r}. Pass compressor.n_timesteps_."
        )
    if fs is not None and not (isinstance(fs, Real) and 0 < fs < math.inf):
        raise ValueError(
            f"fs must be None or a positive sampling rate in Hz; got {fs!r}."
        )
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"The destination folder {path.parent} does not exist; create it "
            f"first (e.g. Path({str(path.parent)!r}).mkdir(parents=True)) or "
            f"pass a path in an existing folder instead of {path}."
        )
    code = _CODES[dtype]
    with np.errstate(over="ignore"):
        payload = np.ascontiguousarray(data, dtype=_DTYPES[code])
    if not np.all(np.isfinite(payload)):
        raise ValueError(
            "X_compressed has values beyond the float16 range (+-65504); "
            "save with dtype='float32' or scale the signals."
        )
    shape = (data.shape[0], data.shape[1] if data.ndim == 3 else 1, n_segments)
    values = (
        _MAGIC,
        _VERSION,
        code,
        data.ndim,
        *shape,
        int(n_timesteps),
        math.nan if fs is None else float(fs),
        n_segments / n_timesteps,
    )
    header = _HEADER.pack(*values, _crc(_HEADER.pack(*values, 0), payload))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(header)
            f.write(payload.data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _crc(header: bytes, payload) -> int:
    """CRC-32 of the header fields before the CRC, then of the payload."""
    return zlib.crc32(payload, zlib.crc32(header[:_CHECKED]))


def _inconsistency(
    ndim: int, n_leads: int, n_segments: int, n_timesteps: int, fs: float, ratio
) -> str | None:
    """What contradicts what among the header fields, if anything."""
    if ndim == 2 and n_leads != 1:
        return f"ndim 2 (one lead) but n_leads {n_leads}"
    if not 1 <= n_segments <= n_timesteps:
        return (
            f"n_segments {n_segments} and n_timesteps {n_timesteps}; every "
            "segment needs at least one sample"
        )
    if not (math.isnan(fs) or 0 < fs < math.inf):
        return f"fs {fs} Hz, which is not a sampling rate"
    if ratio != n_segments / n_timesteps:
        return f"ratio {ratio} instead of n_segments / n_timesteps"
    return None


def _corrupt(path, what: str) -> ValueError:
    return ValueError(
        f"{path} is not a valid sklecg compressed file: {what}. Re-create it "
        "with sklecg.compression.save_compressed."
    )


def load_compressed(path: str | os.PathLike) -> CompressedSignals:
    """Read a file written by :func:`save_compressed`.

    Parameters
    ----------
    path : str or path-like
        File to read.

    Returns
    -------
    signals : CompressedSignals
        The window means as float32 (``.data``), the original length, ``fs``
        and the stored precision; ``.reconstruct()`` gives the step signals.

    Raises
    ------
    ValueError
        Wrong magic bytes, unsupported version or dtype code, a truncated or
        over-long file, a header or payload whose CRC-32 does not match, or
        header fields that contradict one another (such as ``n_timesteps``
        smaller than the number of segments).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.bin")
    >>> _ = save_compressed(path, [[1.0, 2.0]], n_timesteps=4, dtype="float16")
    >>> load_compressed(path).data
    array([[1., 2.]], dtype=float32)
    """
    with open(path, "rb") as f:
        raw_header = f.read(HEADER_SIZE)
        if len(raw_header) < HEADER_SIZE:
            raise _corrupt(
                path,
                f"{len(raw_header)} bytes, shorter than the {HEADER_SIZE}-byte header",
            )
        (magic, version, code, ndim, n_signals, n_leads, n_segments, n_timesteps,
         fs, ratio, crc) = _HEADER.unpack(raw_header)  # fmt: skip
        if magic != _MAGIC:
            raise _corrupt(path, f"magic bytes {magic!r} instead of {_MAGIC!r}")
        if version != _VERSION:
            raise _corrupt(
                path, f"format version {version}, this sklecg reads {_VERSION}"
            )
        if code not in _DTYPES or ndim not in (2, 3):
            raise _corrupt(path, f"dtype code {code} / ndim {ndim} unknown")
        dtype = _DTYPES[code]
        n_values = n_signals * n_leads * n_segments
        expected = n_values * dtype.itemsize
        found = os.fstat(f.fileno()).st_size - HEADER_SIZE
        if found != expected:
            raise _corrupt(
                path,
                f"the header announces {expected} payload bytes but {found} "
                "follow (truncated or corrupt)",
            )
        payload = np.fromfile(f, dtype=dtype, count=n_values)
    if _crc(raw_header, payload) != crc:
        raise _corrupt(
            path, "the CRC-32 of the header and payload does not match (corrupt data)"
        )
    inconsistency = _inconsistency(ndim, n_leads, n_segments, n_timesteps, fs, ratio)
    if inconsistency is not None:
        raise _corrupt(path, f"its header fields disagree: {inconsistency}")
    shape = (n_signals, n_leads, n_segments) if ndim == 3 else (n_signals, n_segments)
    return CompressedSignals(
        data=payload.reshape(shape).astype(np.float32, copy=False),
        n_timesteps=int(n_timesteps),
        fs=None if math.isnan(fs) else fs,
        stored_dtype=str(dtype.newbyteorder("=").name),
    )
