"""The named table of MIT-BIH heartbeats: each column group carries its meaning."""

from __future__ import annotations

import numpy as np

__all__ = ["RR_COLUMNS", "make_beat_table", "window_groups", "window_span"]

#: The RR columns of the table, in seconds: the interval before and after
#: the beat, the mean of its 10-second window and of the 5 minutes around it.
RR_COLUMNS = ("pre_rr", "post_rr", "local_rr", "average_rr")
#: Span (s) of the beat windows before and after each R peak.
WINDOW_BEFORE_S, WINDOW_AFTER_S = 0.36, 0.72


def window_span(fs: float) -> tuple[int, int]:
    """Samples of a beat window before and after its R peak at ``fs`` Hz.

    The windows of :func:`~sklecg.datasets.fetch_mitbih_beats` span 0.36 s
    before to 0.72 s after each R peak: the P wave and PR segment, then the
    QRS complex and T wave.

    Parameters
    ----------
    fs : float
        Sampling frequency of the windows, in Hz.

    Returns
    -------
    (before, after) : tuple of int
        ``round(0.36 * fs)`` and ``round(0.72 * fs)``; a window has
        ``before + after`` samples per lead, its R peak at index ``before``.

    Examples
    --------
    >>> from sklecg.datasets import window_span
    >>> window_span(125)
    (45, 90)
    """
    return int(round(WINDOW_BEFORE_S * fs)), int(round(WINDOW_AFTER_S * fs))


def window_groups(lead: int) -> tuple[str, str]:
    """Names of one lead's window group and of its template's, in the table.

    Parameters
    ----------
    lead : int
        The lead, 0 for the segmented lead (MLII).

    Returns
    -------
    (window, template) : tuple of str
        The group names; their columns are ``<name>_0, <name>_1, ...``.

    Examples
    --------
    >>> from sklecg.datasets import window_groups
    >>> window_groups(1)
    ('window_lead1', 'window_template_lead1')
    """
    return f"window_lead{lead}", f"window_template_lead{lead}"


def _numbered(group: str, n: int) -> list[str]:
    return [f"{group}_{i}" for i in range(n)]


def _as_rows(name: str, values, n_beats: int | None, ndim: int) -> np.ndarray:
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != ndim or (n_beats is not None and array.shape[0] != n_beats):
        shape = "(n_beats, n_samples)" if ndim == 2 else "(n_beats, n_leads, n_window)"
        raise ValueError(
            f"make_beat_table: {name} must be an array of shape {shape}"
            f"{'' if n_beats is None else f' with n_beats={n_beats}'}; "
            f"got shape {array.shape}."
        )
    return array


def make_beat_table(beat, rr, *, template=None, window=None, window_template=None):
    """Heartbeats as a table whose column groups are named.

    The input of :func:`sklecg.recipes.mitbih_beat_pipeline` and of
    the beat feature extractors, built from plain arrays (for example your
    own beats cut like those of :func:`~sklecg.datasets.fetch_mitbih_beats`,
    which returns this table with ``as_frame=True``). Estimators find each
    group by name, so the column order does not matter and no column is
    found by counting.

    Parameters
    ----------
    beat : array-like of shape (n_beats, n_samples)
        The beat segments: columns ``beat_0, beat_1, ...``.
    rr : array-like of shape (n_beats, 4)
        Previous, next, 10-second mean and 5-minute mean RR interval, in
        seconds: columns ``pre_rr, post_rr, local_rr, average_rr``.
    template : array-like of shape (n_beats, n_samples), default=None
        The patient's dominant beat around each beat: ``template_0, ...``.
    window : array-like of shape (n_beats, n_leads, n_window), default=None
        Every lead around each R peak: ``window_lead0_0, ...,
        window_lead1_0, ...``.
    window_template : array-like of the shape of ``window``, default=None
        The patient's dominant window: ``window_template_lead0_0, ...``;
        required with ``window`` and only with it.

    Returns
    -------
    table : pandas.DataFrame of shape (n_beats, n_columns), dtype float32
        The groups in the order beat, template, RR, window, window template.

    Raises
    ------
    ValueError
        If an array has the wrong shape or number of rows, or only one of
        ``window`` and ``window_template`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_beat_table
    >>> table = make_beat_table(np.zeros((2, 3)), np.ones((2, 4)))
    >>> list(table.columns)
    ['beat_0', 'beat_1', 'beat_2', 'pre_rr', 'post_rr', 'local_rr', 'average_rr']
    >>> windows = np.zeros((2, 2, 5))
    >>> table = make_beat_table(
    ...     np.zeros((2, 3)), np.ones((2, 4)), window=windows, window_template=windows
    ... )
    >>> table.shape
    (2, 27)
    """
    import pandas as pd

    beat = _as_rows("beat", beat, None, 2)
    n_beats, n_samples = beat.shape
    rr = _as_rows("rr", rr, n_beats, 2)
    if rr.shape[1] != len(RR_COLUMNS):
        raise ValueError(
            f"make_beat_table: rr must have the {len(RR_COLUMNS)} columns "
            f"{', '.join(RR_COLUMNS)}; got shape {rr.shape}."
        )
    blocks, names = [beat], _numbered("beat", n_samples)
    if template is not None:
        template = _as_rows("template", template, n_beats, 2)
        if template.shape != beat.shape:
            raise ValueError(
                f"make_beat_table: template must have the shape of beat, "
                f"{beat.shape}; got {template.shape}."
            )
        blocks.append(template)
        names += _numbered("template", n_samples)
    blocks.append(rr)
    names += list(RR_COLUMNS)
    if (window is None) != (window_template is None):
        raise ValueError(
            "make_beat_table: pass window and window_template together (the "
            "windows and the patient's dominant window), or neither."
        )
    if window is not None:
        window = _as_rows("window", window, n_beats, 3)
        window_template = _as_rows("window_template", window_template, n_beats, 3)
        if window_template.shape != window.shape:
            raise ValueError(
                "make_beat_table: window_template must have the shape of window, "
                f"{window.shape}; got {window_template.shape}."
            )
        for part, values in enumerate((window, window_template)):
            for lead in range(values.shape[1]):
                blocks.append(values[:, lead])
                names += _numbered(window_groups(lead)[part], values.shape[2])
    # the stacked array becomes the table's one block, not copied again
    return pd.DataFrame(np.hstack(blocks), columns=names, copy=False)
