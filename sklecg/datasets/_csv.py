"""Reader for the CSV files of the Kaggle "ECG Heartbeat Categorization" set.

Those files (``mitbih_train.csv``, ``mitbih_test.csv``, ``ptbdb_normal.csv``,
``ptbdb_abnormal.csv``) have no header; each row is one beat: 187 samples at
125 Hz, then the class as a float (``0.000000000000000000e+00``). They were
written by ``numpy.savetxt`` with its default ``"%.18e"`` format, so every
field is 24 characters wide: :func:`_parse_fixed_width` decodes that layout
with vectorised byte arithmetic, about four times faster than
:func:`numpy.loadtxt`, which reads any other layout
(``benchmarks/bench_heartbeat_csv.py``). A header line, such as the
column names ``0,1,...,187`` that :meth:`pandas.DataFrame.to_csv` writes, is
recognised by :func:`_find_header` and skipped.
"""

from __future__ import annotations

import io
import os
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from sklecg.datasets._base import load_descr
from sklecg.datasets._mitbih_beats import TARGET_NAMES as AAMI_NAMES

__all__ = ["load_heartbeat_csv"]

PTBDB_NAMES = ("normal", "abnormal")
FS = 125

# "%.18e" of a non-negative number: d.ddddddddddddddddddde+dd (24 bytes + sep).
_WIDTH = 25
_KEPT = 15  # significant digits kept: exact in float64, ample for float32
_MANTISSA = np.r_[0, 2 : _KEPT + 1]  # byte positions of those digits
_ZEROS = sum(ord("0") * 10**k for k in range(_KEPT))  # the mantissa of "000..."
_POWERS = 10.0 ** np.arange(100 + _KEPT)  # exact up to 1e22
_ROWS_PER_BLOCK = 4096
_LARGEST = float(np.finfo(np.float32).max)
_MAX_CLASSES = 1000


def _field_bounds(n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Lowest byte allowed at each position of a row, and the allowed range."""
    low = np.full((n_columns, _WIDTH), ord("0"), dtype=np.uint8)
    high = np.full((n_columns, _WIDTH), ord("9"), dtype=np.uint8)
    for position, first, last in ((1, ".", "."), (20, "e", "e"), (21, "+", "-")):
        low[:, position], high[:, position] = ord(first), ord(last)
    low[:, -1] = high[:, -1] = ord(",")
    low[-1, -1] = high[-1, -1] = ord("\n")
    return low, high - low


def _parse_block(cells: np.ndarray, low: np.ndarray, span: np.ndarray):
    """Decode ``(rows, columns, 25)`` bytes of fixed-width fields, or None."""
    sign = cells[..., 21]
    # uint8 arithmetic wraps below ``low``, so one comparison checks both ends
    if not np.all(cells - low <= span) or np.any(sign == ord(",")):
        return None
    mantissa = np.zeros(cells.shape[:2], dtype=np.int64)
    for position in _MANTISSA:
        mantissa *= 10
        mantissa += cells[..., position]
    mantissa -= _ZEROS
    exponent = 10 * cells[..., 22].astype(np.int64) + cells[..., 23] - 11 * ord("0")
    shift = np.where(sign == ord("-"), -exponent, exponent) - (_KEPT - 1)
    # Dividing by an exact power of ten rounds once, like a text parser.
    if shift.max() <= 0:
        return mantissa / _POWERS[-shift]
    scale = _POWERS[np.abs(shift)]
    return np.where(shift >= 0, mantissa * scale, mantissa / scale)


def _split(table: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Float32 beats and float64 labels of a table, or None if a value is
    beyond the float32 range or a label is not a class index."""
    labels = table[:, -1]
    if not (np.all(np.abs(table) <= _LARGEST) and np.all(_are_classes(labels))):
        return None
    return table[:, :-1].astype(np.float32), labels


def _parse_fixed_width(raw: bytes, n_columns: int) -> tuple | None:
    """Parse ``numpy.savetxt``'s default layout into ``(X, labels)``, or None."""
    if not raw or len(raw) % (n_columns * _WIDTH):
        return None
    cells = np.frombuffer(raw, dtype=np.uint8).reshape(-1, n_columns, _WIDTH)
    low, span = _field_bounds(n_columns)
    X = np.empty((len(cells), n_columns - 1), dtype=np.float32)
    labels = np.empty(len(cells))
    for start in range(0, len(cells), _ROWS_PER_BLOCK):
        stop = start + _ROWS_PER_BLOCK
        table = _parse_block(cells[start:stop], low, span)
        parsed = None if table is None else _split(table)
        if parsed is None:
            return None
        X[start:stop], labels[start:stop] = parsed
    return X, labels


def _read_table(body: bytes, n_columns: int, index_column: bool) -> tuple:
    """Return ``(X, labels)`` of the beat lines; raise ValueError if invalid."""
    parsed = None if index_column else _parse_fixed_width(body, n_columns)
    if parsed is None:
        table = np.loadtxt(
            io.BytesIO(body), delimiter=",", dtype=np.float64, ndmin=2, comments=None
        )[:, int(index_column) :]
        if table.shape[1] != n_columns:
            raise ValueError(f"{table.shape[1]} columns instead of {n_columns}")
        parsed = _split(table)
        if parsed is None:
            raise ValueError("a value is out of range or a label is not a class")
    return parsed


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _are_column_names(fields: list[str]) -> bool:
    """Whether the fields of a line name columns rather than hold a beat.

    Names are either all text (no field is a number) or the integers
    ``0..n-1`` or ``1..n`` written without a decimal point, as pandas names
    unnamed columns; beat values are written as floats.
    """
    if all(field.isdigit() for field in fields):
        first = int(fields[0])
        return first in (0, 1) and [int(field) for field in fields] == list(
            range(first, first + len(fields))
        )
    return not any(_is_number(field) for field in fields)


def _find_header(raw: bytes) -> tuple[int, bool]:
    """Byte offset where the beats start and whether a row index leads them.

    The first non-blank line is a header if its fields are column names (see
    :func:`_are_column_names`) once an empty first field is set aside: that
    empty field is the unnamed index of :meth:`pandas.DataFrame.to_csv`, whose
    rows then start with a row number. Without a header, ``(0, False)``.
    """
    start = len(raw) - len(raw.lstrip())
    end = raw.find(b"\n", start)
    end = len(raw) if end < 0 else end + 1
    fields = [
        field.strip()
        for field in raw[start:end].decode("utf-8", errors="replace").split(",")
    ]
    index_column = len(fields) > 1 and not fields[0]
    if _are_column_names(fields[index_column:]):
        return end, index_column
    return 0, False


def _are_classes(labels: np.ndarray) -> np.ndarray:
    """Whether each label is an integer class index in 0.._MAX_CLASSES - 1."""
    return (labels >= 0) & (labels < _MAX_CLASSES) & (labels == np.round(labels))


def _first_bad_line(
    raw: bytes, path: Path, n_columns: int, n_header_lines: int, index_column: bool
) -> str | None:
    """Describe the first beat line that is not a valid beat row, if any."""
    lines = raw.decode("utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, 1):
        if number <= n_header_lines or not line.strip():
            continue
        fields = line.split(",")[int(index_column) :]
        where = f"line {number} of {path}"
        if len(fields) != n_columns:
            after = " after the row index" if index_column else ""
            return (
                f"{where} has {len(fields)} values{after} but {n_columns} were "
                f"expected ({n_columns - 1} signal values, then the label)."
            )
        for column, field in enumerate(fields, 1 + int(index_column)):
            try:
                value = float(field)
            except ValueError:
                return f"{where}, column {column}: {field!r} is not a number."
            if not abs(value) <= _LARGEST:
                return (
                    f"{where}, column {column} is {field.strip()!r}; NaN, "
                    "infinite and values beyond the float32 range are not allowed."
                )
        if not _are_classes(np.float64(fields[-1])):
            return (
                f"{where}: the label (last column) is {fields[-1].strip()!r}; "
                f"it must be an integer class index in 0..{_MAX_CLASSES - 1}, "
                "such as 0.0 or 1.0."
            )
    return None


def _default_target_names(path: Path, n_classes: int) -> np.ndarray:
    if path.name.lower().startswith("ptbdb") and n_classes <= len(PTBDB_NAMES):
        return np.array(PTBDB_NAMES)
    if n_classes <= len(AAMI_NAMES):
        return np.array(AAMI_NAMES)
    return np.array([str(k) for k in range(n_classes)])


def load_heartbeat_csv(
    path: str | os.PathLike,
    *,
    n_timesteps: int | None = 187,
    target_names=None,
    return_X_y: bool = False,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load a heartbeat CSV file of the Kaggle "ECG Heartbeat Categorization" set.

    Reads the layout of ``mitbih_train.csv``, ``mitbih_test.csv``,
    ``ptbdb_normal.csv`` and ``ptbdb_abnormal.csv`` (Kachuee et al., 2018):
    no header, one beat per row, ``n_timesteps`` signal values (125 Hz,
    scaled to [0, 1], zero-padded) followed by the class as a float. Files
    written with ``numpy.savetxt``'s default format, like the Kaggle files,
    are decoded by a vectorised fixed-width parser: the 87,554 rows of a
    ``mitbih_train.csv``-sized file (412 MB) took 2.9 s against 12.1 s with
    :func:`numpy.loadtxt` (4.2 times faster, pandas' C parser: 2.2 s) in
    ``benchmarks/bench_heartbeat_csv.py`` on a busy 2-core machine. Any other
    comma-separated numeric layout is read with :func:`numpy.loadtxt`.
    A first line of column names is skipped: text names, or the integers
    ``0,1,...,187`` (or ``1..188``) that :meth:`pandas.DataFrame.to_csv`
    writes for unnamed columns; after a header that starts with an empty
    field (``df.to_csv(path)``'s unnamed index) the first column of every row
    is the row number and is dropped.
    :func:`~sklecg.datasets.fetch_mitbih_beats` rebuilds the MIT-BIH beats of
    these files from PhysioNet.

    Read more in ``load_heartbeat_csv(path).DESCR``.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    n_timesteps : int or None, default=187
        Number of signal values per row (the label comes after them). None
        takes the number of values of the first row, minus the label.
    target_names : sequence of str, default=None
        Name of each class index. None means ``["normal", "abnormal"]`` for
        files whose name starts with ``ptbdb``, else the AAMI classes
        ``["N", "S", "V", "F", "Q"]`` of the MIT-BIH files when the labels fit
        (``"0"``, ``"1"``, ... otherwise).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (n_beats, n_timesteps), dtype float32
            One beat per row.
        target : ndarray of shape (n_beats,), dtype int64
            Class index of each beat.
        target_names : ndarray of str
            Name of each class index.
        fs : int
            Sampling frequency of the Kaggle beats, 125 Hz.
        filename : str
            The file read.
        DESCR : str
            Description of the layout.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message names it).
    ValueError
        If the file is empty or holds only a header, or a line has the wrong
        number of values, a value that is not a number, NaN, infinity or
        beyond the float32 range, or a label that is not an integer class
        index in 0..999 (the message names the line and column of the file);
        if a label has no entry in ``target_names``.

    See Also
    --------
    sklecg.datasets.fetch_mitbih_beats : The MIT-BIH beats, cut from
        PhysioNet the same way.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklecg.datasets import load_heartbeat_csv
    >>> rows = np.column_stack([np.random.rand(3, 187), [0.0, 2.0, 1.0]])
    >>> path = os.path.join(tempfile.mkdtemp(), "mitbih_test.csv")
    >>> np.savetxt(path, rows, delimiter=",")
    >>> beats = load_heartbeat_csv(path)
    >>> beats.data.shape, beats.data.dtype, beats.target
    ((3, 187), dtype('float32'), array([0, 2, 1]))
    >>> beats.target_names[beats.target]
    array(['N', 'V', 'S'], dtype='<U1')
    """
    if n_timesteps is not None and (
        not isinstance(n_timesteps, Integral) or n_timesteps < 1
    ):
        raise ValueError(
            f"n_timesteps must be a positive integer (187 for the Kaggle files) "
            f"or None to infer it; got {n_timesteps!r}."
        )
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Heartbeat CSV file not found: {path}. Pass the path of a file "
            "such as mitbih_train.csv or ptbdb_abnormal.csv."
        )
    raw = path.read_bytes()
    if not raw or raw.isspace():
        raise ValueError(f"{path} is empty; expected one beat per line.")
    header_end, index_column = _find_header(raw)
    body = raw[header_end:]
    if body.isspace() or not body:
        raise ValueError(
            f"{path} holds a header line but no beat; expected one beat per "
            "line after the header."
        )
    if n_timesteps is None:
        stripped = body.lstrip()
        end = stripped.find(b"\n")
        first_line = stripped[: end if end >= 0 else None]
        n_timesteps = first_line.count(b",") - index_column
    n_columns = n_timesteps + 1
    try:
        X, labels = _read_table(body, n_columns, index_column)
    except ValueError as exc:
        raise ValueError(
            _first_bad_line(
                raw, path, n_columns, raw[:header_end].count(b"\n"), index_column
            )
            or f"{path} is not a heartbeat CSV file: {exc}"
        ) from exc
    y = labels.astype(np.int64)
    if return_X_y:
        return X, y
    n_classes = int(y.max()) + 1
    if target_names is None:
        names = _default_target_names(path, n_classes)
    else:
        names = np.asarray(target_names, dtype=str)
        if names.ndim != 1 or len(names) < n_classes:
            raise ValueError(
                f"target_names must name every class 0..{n_classes - 1} found "
                f"in {path}; got {list(np.atleast_1d(names))}."
            )
    return Bunch(
        data=X,
        target=y,
        target_names=names,
        fs=FS,
        filename=str(path),
        DESCR=load_descr("heartbeat_csv"),
    )
