"""MIT-BIH heartbeats cut the way the Kaggle "ECG Heartbeat Categorization"
set was (Kachuee et al., 2018), with AAMI classes and RR-interval features."""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction
from numbers import Integral

import numpy as np
from scipy.signal import resample_poly
from sklearn.utils import Bunch

from sklecg.datasets._base import cached_build, load_descr, progress
from sklecg.datasets._beat_table import RR_COLUMNS, make_beat_table, window_span
from sklecg.datasets._mitbih import FS, MITBIH, load_mitbih_arrays

__all__ = ["fetch_mitbih_beats", "AAMI_CLASSES"]

#: AAMI EC57 class of each MIT-BIH beat symbol; other symbols are not beats.
AAMI_CLASSES = {
    "N": "NLRej",
    "S": "AaJS",
    "V": "VE",
    "F": "F",
    "Q": "/fQ",
}
TARGET_NAMES = tuple(AAMI_CLASSES)
_WINDOW_S = 10
#: Length (s) of the window centred on each beat for ``average_rr``: the
#: 5-minute average RR interval of de Chazal, O'Dwyer & Reilly (2004).
_AVERAGE_WINDOW_S = 300
#: The beats are cut from the MIT-BIH zip; their cache has its own version.
MITBIH_BEATS = replace(MITBIH, cache_version=4)
_CODE_OF_SYMBOL = {
    sym: code for code, syms in enumerate(AAMI_CLASSES.values()) for sym in syms
}
_BEAT_SYMBOLS = np.array(sorted(_CODE_OF_SYMBOL))
_BEAT_CODES = np.array([_CODE_OF_SYMBOL[s] for s in _BEAT_SYMBOLS], dtype=np.int64)


def _window_stats(beat_samples: np.ndarray, rr: np.ndarray) -> tuple:
    """Median and mean RR (s) of each beat's 10-second window.

    ``rr[i]`` is the interval ending at beat ``i + 1``; a window without any
    interval falls back to the record's median.
    """
    window = beat_samples // (_WINDOW_S * FS)
    rr_window = window[1:]
    ids, starts = np.unique(rr_window, return_index=True)
    chunks = np.split(rr, starts[1:])
    medians = np.array([np.median(c) for c in chunks])
    means = np.array([c.mean() for c in chunks])
    pos = np.clip(np.searchsorted(ids, window), 0, ids.size - 1)
    found = ids[pos] == window
    median_rr = np.where(found, medians[pos], np.median(rr))
    mean_rr = np.where(found, means[pos], rr.mean())
    return median_rr, mean_rr


def _average_rr(beat_samples: np.ndarray, rr: np.ndarray) -> np.ndarray:
    """Mean RR (s) of the intervals ending within 150 s of each beat.

    ``rr[i]`` is the interval ending at beat ``i + 1``; every beat but a lone
    one has at least its neighbouring interval in its window.
    """
    half = _AVERAGE_WINDOW_S * FS // 2
    ends = beat_samples[1:]
    cumulative = np.concatenate([[0.0], np.cumsum(rr)])
    low = np.searchsorted(ends, beat_samples - half, side="left")
    high = np.searchsorted(ends, beat_samples + half, side="right")
    return (cumulative[high] - cumulative[low]) / np.maximum(high - low, 1)


def _local_templates(beat_samples: np.ndarray, *arrays: np.ndarray) -> list:
    """Median row of each array over the beats within 150 s of each block centre.

    The record's dominant beat shape around each beat: beats of one 10-second
    block share the median of the rows (segments, windows) of the beats whose
    R peaks lie within ``_AVERAGE_WINDOW_S / 2`` of the block's centre
    (``beat_samples`` sorted). Returns one array of templates per array.
    """
    block_samples = _WINDOW_S * FS
    half = _AVERAGE_WINDOW_S * FS // 2
    blocks, first = np.unique(beat_samples // block_samples, return_index=True)
    centres = (blocks + 0.5) * block_samples
    low = np.searchsorted(beat_samples, centres - half, side="left")
    high = np.searchsorted(beat_samples, centres + half, side="right")
    bounds = np.append(first, beat_samples.size)
    templates = [np.empty_like(rows) for rows in arrays]
    for i in range(blocks.size):
        for rows, out in zip(arrays, templates):
            out[bounds[i] : bounds[i + 1]] = np.median(rows[low[i] : high[i]], axis=0)
    return templates


def _segment(
    signal: np.ndarray, starts: np.ndarray, spans: np.ndarray, length: int
) -> np.ndarray:
    """Cut ``signal[start:start+span]``, min-max scale it, zero-pad to length."""
    steps = np.arange(length)
    index = starts[:, None] + steps
    valid = (steps < spans[:, None]) & (index < signal.size)
    segments = signal[np.minimum(index, signal.size - 1)]
    low = np.where(valid, segments, np.inf).min(axis=1, keepdims=True)
    high = np.where(valid, segments, -np.inf).max(axis=1, keepdims=True)
    scale = np.where(high > low, high - low, 1.0)
    return np.where(valid, (segments - low) / scale, 0.0).astype(np.float32)


def _windows(signals: np.ndarray, starts: np.ndarray, fs: int) -> np.ndarray:
    """Each lead around each R peak (``starts``), min-max scaled per lead.

    Spans :func:`window_span` before and after the peak;
    indices beyond the record repeat its first or last sample.
    """
    before, after = window_span(fs)
    steps = np.arange(before + after) - before
    index = np.clip(starts[:, None] + steps, 0, signals.shape[-1] - 1)
    windows = signals[:, index].transpose(1, 0, 2)
    low = windows.min(axis=-1, keepdims=True)
    scale = windows.max(axis=-1, keepdims=True) - low
    return ((windows - low) / np.where(scale > 0, scale, 1.0)).astype(np.float32)


def _record_beats(
    signals: np.ndarray,
    samples: np.ndarray,
    symbols: np.ndarray,
    fs: int,
    length: int,
) -> dict:
    """All beats of one record except its first and last (they lack an RR).

    ``signals`` holds the record's leads, the segmented lead first.
    """
    is_beat = np.isin(symbols, _BEAT_SYMBOLS)
    samples, symbols = samples[is_beat], symbols[is_beat]
    rr = np.diff(samples) / FS
    median_rr, mean_rr = _window_stats(samples, rr)
    inner = slice(1, -1)
    ratio = Fraction(fs, FS)
    resampled = resample_poly(
        signals.astype(np.float64), ratio.numerator, ratio.denominator, axis=-1
    )
    starts = np.round(samples[inner] * fs / FS).astype(np.int64)
    spans = np.clip(np.round(1.2 * median_rr[inner] * fs), 1, length).astype(np.int64)
    segments = _segment(resampled[0], starts, spans, length)
    windows = _windows(resampled, starts, fs)
    templates, window_templates = _local_templates(samples[inner], segments, windows)
    return {
        "data": segments,
        "template": templates,
        "window": windows,
        "window_template": window_templates,
        "target": _BEAT_CODES[np.searchsorted(_BEAT_SYMBOLS, symbols[inner])],
        "symbols": symbols[inner],
        "beat_samples": samples[inner],
        "rr": np.column_stack(
            [rr[:-1], rr[1:], mean_rr[inner], _average_rr(samples, rr)[inner]]
        ).astype(np.float32),
    }


def _build(raw: dict, fs: int, length: int, verbose: bool) -> dict:
    offsets = raw["ann_offsets"]
    parts, groups = [], []
    names = raw["record_names"]
    for i in progress(range(names.size), names.size, "cutting MIT-BIH beats", verbose):
        leads = list(raw["lead_names"][i])
        lead = leads.index("MLII") if "MLII" in leads else 0
        order = [lead] + [k for k in range(len(leads)) if k != lead]
        part = _record_beats(
            raw["signals"][i, order],
            raw["ann_samples"][offsets[i] : offsets[i + 1]],
            raw["ann_symbols"][offsets[i] : offsets[i + 1]],
            fs,
            length,
        )
        parts.append(part)
        groups.append(np.full(part["target"].size, int(names[i]), dtype=np.int64))
    arrays = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    arrays["groups"] = np.concatenate(groups)
    return arrays


def _as_frame(arrays: dict) -> tuple[dict, dict]:
    """The arrays with ``data`` as the named table and ``target`` a Series."""
    import pandas as pd

    held = ("data", "template", "rr", "window", "window_template")
    table = make_beat_table(
        arrays["data"],
        arrays["rr"],
        template=arrays["template"],
        window=arrays["window"],
        window_template=arrays["window_template"],
    )
    target = pd.Series(arrays["target"], name="target")
    rest = {key: value for key, value in arrays.items() if key not in held}
    rest.update(data=table, target=target)
    frame = pd.concat([table, target], axis=1)
    return rest, {"feature_names": list(table.columns), "frame": frame}


def _check_positive_int(value, name: str, example: int) -> None:
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"{name} must be a positive integer; got {value!r}. "
            f"Pass e.g. {name}={example}."
        )


def fetch_mitbih_beats(
    *,
    fs: int = 125,
    length: int = 187,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
    mirror: str | os.PathLike | None = None,
    verbose: bool = True,
) -> Bunch | tuple:
    """Load MIT-BIH heartbeats segmented as in the Kaggle heartbeat data set.

    Follows Kachuee et al. (2018), on the reference beat annotations: lead
    MLII (the first lead for records 102 and 104, which lack it) is resampled
    from 360 Hz to ``fs`` (polyphase filter); each annotated beat gives one
    segment that starts at its R peak and spans 1.2 times the median RR
    interval of its 10-second window, min-max scaled to [0, 1] over that span
    and zero-padded or truncated to ``length`` samples. Beats are labelled
    with the AAMI EC57 classes N (N L R e j), S (A a J S), V (V E), F (F) and
    Q (/ f Q); other annotation symbols are not beats. The first and last
    beat of each record are dropped so that every beat has a previous and a
    next RR interval. Each beat also carries its RR intervals: the previous
    and next one, the mean over its 10-second window and the mean over the
    5 minutes centred on it (de Chazal et al., 2004), which together tell
    premature beats from the patient's own rhythm, and the patient's dominant
    beat shape around it (``template``: the sample-wise median of the
    segments of the record whose R peaks lie within 150 s of the centre of
    the beat's 10-second block), which tells abnormal shapes from the
    patient's normal one. Both use unlabelled neighbouring beats only.
    Since the segment starts at the R peak, each beat also comes with a
    two-lead ``window`` from 0.36 s before to 0.72 s after its R peak (lead
    MLII, or the first lead, then the other lead; each min-max scaled over
    the window), which holds the beat's own P wave and the second lead's
    view of it, and with the window's template (``window_template``, the
    same local median). The result is cached per ``(fs, length)``.

    Read more in ``fetch_mitbih_beats().DESCR``.

    Parameters
    ----------
    fs : int, default=125
        Sampling frequency of the segments, in Hz.
    length : int, default=187
        Samples per segment.
    data_home : str or path-like, default=None
        Folder for downloads and caches; default ``SKLECG_DATA`` or
        ``~/sklecg_data``.
    download_if_missing : bool, default=True
        If False, raise ``FileNotFoundError`` instead of downloading.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is the named table of every beat (a pandas
        DataFrame, see :func:`~sklecg.datasets.make_beat_table`): columns
        ``beat_0 ...``, ``template_0 ...``, ``pre_rr``, ``post_rr``,
        ``local_rr``, ``average_rr``, ``window_lead0_0 ...``,
        ``window_lead1_0 ...``, ``window_template_lead0_0 ...``,
        ``window_template_lead1_0 ...``; ``target`` is a pandas Series and
        ``frame`` holds both. This is the input of
        :func:`sklecg.recipes.mitbih_beat_pipeline`. The arrays that the
        table holds (``rr``, ``template``, ``window``, ``window_template``)
        are then not repeated in the Bunch.
    mirror : str or path-like, default=None
        Local folder or base URL holding the MIT-BIH zip; default the
        ``SKLECG_PHYSIONET_MIRROR`` environment variable, else PhysioNet.
    verbose : bool, default=True
        Log to stderr the progress of download, extraction and first parse
        (tqdm bars in a terminal, a few lines elsewhere), why a cache is
        rebuilt, and waiting for another process's fetch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (n_beats, length), dtype float32
            Beat segments in [0, 1].
        target : ndarray of shape (n_beats,), dtype int64
            AAMI class code 0..4, as in the Kaggle CSV label column.
        target_names : ndarray of str
            ``["N", "S", "V", "F", "Q"]``: the name of each code.
        groups : ndarray of shape (n_beats,), dtype int64
            Record number (100 ... 234), for patient-wise splits.
        rr : ndarray of shape (n_beats, 4), dtype float32
            Previous RR, next RR, mean RR of the beat's 10-second window and
            mean RR of the 5 minutes centred on the beat, in seconds.
        template : ndarray of shape (n_beats, length), dtype float32
            Median segment of the record's beats within 150 s of the beat's
            10-second block (unlabelled context, no annotation symbols used).
        window : ndarray of shape (n_beats, 2, n_window), dtype float32
            Both leads from 0.36 s before to 0.72 s after the R peak
            (``n_window = round(0.36 * fs) + round(0.72 * fs)``, 135 at
            125 Hz), the segmented lead first, each scaled to [0, 1] over the
            window; samples beyond the record repeat its edge sample.
        window_template : ndarray of shape (n_beats, 2, n_window), dtype float32
            Median window of the record's beats within 150 s of the beat's
            10-second block, like ``template``.
        rr_feature_names : ndarray of str
            ``["pre_rr", "post_rr", "local_rr", "average_rr"]``.
        symbols : ndarray of str
            Original MIT-BIH annotation symbol of each beat.
        beat_samples : ndarray of int
            R-peak position in its record, in 360 Hz samples.
        fs : int
            Sampling frequency of the segments.
        DESCR : str
            Description of the data set.

        feature_names : list of str
            With ``as_frame=True``: the columns of ``data``.
        frame : pandas.DataFrame
            With ``as_frame=True``: ``data`` with a ``target`` column.

    (data, target) : tuple if ``return_X_y`` is True
        With ``as_frame=True``, a DataFrame and a Series.

    Raises
    ------
    ValueError
        If ``fs`` or ``length`` is not a positive integer.
    ImportError
        If ``as_frame=True`` and pandas is not installed.
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
    >>> from sklecg.datasets import fetch_mitbih_beats
    >>> beats = fetch_mitbih_beats()  # doctest: +SKIP
    >>> beats.data.shape, beats.target_names  # doctest: +SKIP
    ((109350, 187), array(['N', 'S', 'V', 'F', 'Q'], dtype='<U1'))
    >>> table = fetch_mitbih_beats(as_frame=True).data  # doctest: +SKIP
    >>> table[["pre_rr", "post_rr"]].shape  # doctest: +SKIP
    (109350, 2)
    """
    if not isinstance(as_frame, bool):
        raise ValueError(f"as_frame must be True or False; got {as_frame!r}.")
    _check_positive_int(fs, "fs", 125)
    _check_positive_int(length, "length", 187)
    located = {
        "data_home": data_home,
        "mirror": mirror,
        "download_if_missing": download_if_missing,
        "verbose": verbose,
    }

    def build(_path, _fingerprint):
        return _build(load_mitbih_arrays(**located), fs, length, verbose)

    arrays = cached_build(
        MITBIH_BEATS,
        cache_file=f"beats_fs{fs}_length{length}.npz",
        build=build,
        **located,
    )
    extra = {}
    if as_frame:
        arrays, extra = _as_frame(arrays)
    if return_X_y:
        return arrays["data"], arrays["target"]
    return Bunch(
        **arrays,
        **extra,
        target_names=np.array(TARGET_NAMES),
        rr_feature_names=np.array(RR_COLUMNS),
        fs=fs,
        DESCR=load_descr("mitbih_beats"),
    )
