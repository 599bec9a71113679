"""BeatRhythmInputs: the named inputs of a network that sees a beat and its rhythm."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval
from skorch.helper import SliceDict

from sklecg.base import TableTransformer
from sklecg.datasets import RR_COLUMNS, window_groups, window_span
from sklecg.features._beat_context import (
    RR_FEATURE_NAMES,
    TEMPLATE_FEATURE_NAMES,
    check_rr,
    rr_context,
    template_context,
)

__all__ = ["BeatRhythmInputs"]

#: The channels of ``signal``, in order.
SIGNAL_CHANNELS = (
    "beat",
    "beat - template",
    "window lead 0",
    "window lead 0 - template",
    "window lead 1",
    "window lead 1 - template",
)


class BeatRhythmInputs(TableTransformer):
    """The named beat table as two network inputs: signals and rhythm features.

    Reads the beat table of :func:`sklecg.datasets.fetch_mitbih_beats`
    (``as_frame=True``) by name and returns a :class:`skorch.helper.SliceDict`
    of two arrays, the input of :class:`~sklecg.nn.BeatRhythmNet` inside an
    :class:`~sklecg.nn.ECGClassifier` (scikit-learn's cross-validation can
    index a ``SliceDict`` like an array):

    ``"signal"``, float32 of shape ``(n_beats, 6, n_timesteps)``
        Six channels on one time axis aligned on the R peak, from the start
        of the window (0.36 s before R) to the end of the beat segment: the
        beat, the beat minus the patient's template beat, and for each of
        the two leads the window and the window minus its template (see
        ``SIGNAL_CHANNELS``). Each channel is zero outside its own span.
    ``"features"``, float32 of shape ``(n_beats, 19)``
        The four RR intervals and their six ratios (as in
        :class:`~sklecg.features.BeatRRFeatures`), then the correlation,
        RMS difference and area ratio of beat and template and of each
        lead's window and template: what tells a premature or odd-shaped
        beat from the patient's own rhythm.

    Parameters
    ----------
    fs : float, default=125
        Sampling frequency of the table, in Hz (``fetch_mitbih_beats``'s
        ``fs``): it places the R peak in the windows. A table whose windows
        have another length raises a ``ValueError``.

    Attributes
    ----------
    groups_ : dict of str to ndarray of int
        Positions, in the input, of the columns of each group read.
    n_features_in_ : int
        Number of input columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Their names.

    Notes
    -----
    The output is a ``SliceDict``, not a 2-D array, so it has no
    ``get_feature_names_out`` and ``set_output`` does not apply; the
    names of the ``"features"`` columns are in ``feature_names_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_beat_table
    >>> from sklecg.features import BeatRhythmInputs
    >>> rng = np.random.default_rng(0)
    >>> beat, windows = rng.random((3, 187)), rng.random((3, 2, 135))
    >>> table = make_beat_table(
    ...     beat, 0.5 + rng.random((3, 4)), template=beat[::-1],
    ...     window=windows, window_template=windows[::-1],
    ... )
    >>> inputs = BeatRhythmInputs().fit_transform(table)
    >>> inputs["signal"].shape, inputs["features"].shape
    ((3, 6, 232), (3, 19))
    """

    _parameter_constraints: dict = {
        "fs": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, fs: float = 125):
        self.fs = fs

    @property
    def feature_names_(self) -> list[str]:
        """Names of the ``"features"`` columns."""
        context = [
            f"{part}_{name.removeprefix('template_')}"
            for part in ("beat", "lead0", "lead1")
            for name in TEMPLATE_FEATURE_NAMES
        ]
        return [*RR_FEATURE_NAMES, *context]

    def _groups(self, columns: list[str]) -> dict[str, str]:
        groups = {"beat": "beat", "template": "template"}
        for lead in (0, 1):
            groups[f"window{lead}"], groups[f"template{lead}"] = window_groups(lead)
        return {**groups, **{name: name for name in RR_COLUMNS}}

    def _check_parts(self, parts: dict[str, np.ndarray]) -> None:
        before, after = window_span(self.fs)
        for name in ("window0", "template0", "window1", "template1"):
            if parts[name].shape[1] != before + after:
                raise ValueError(
                    f"BeatRhythmInputs(fs={self.fs}) expects windows of "
                    f"{before + after} samples per lead; the table's have "
                    f"{parts[name].shape[1]}. Pass fs, the sampling rate the "
                    "table was built at."
                )
        if parts["template"].shape != parts["beat"].shape:
            raise ValueError(
                "BeatRhythmInputs needs as many template_* columns as beat_* "
                f"columns; got {parts['template'].shape[1]} and "
                f"{parts['beat'].shape[1]}."
            )
        check_rr(parts)

    def _transform(self, parts: dict[str, np.ndarray]) -> SliceDict:
        before, _ = window_span(self.fs)
        beat, template = parts["beat"], parts["template"]
        n, n_beat = beat.shape
        n_window = parts["window0"].shape[1]
        n_timesteps = max(before + n_beat, n_window)
        signal = np.zeros((n, len(SIGNAL_CHANNELS), n_timesteps), dtype=np.float32)
        signal[:, 0, before : before + n_beat] = beat
        signal[:, 1, before : before + n_beat] = beat - template
        context = [template_context(beat, template)]
        for lead in (0, 1):
            window, window_template = parts[f"window{lead}"], parts[f"template{lead}"]
            signal[:, 2 + 2 * lead, :n_window] = window
            signal[:, 3 + 2 * lead, :n_window] = window - window_template
            context.append(template_context(window, window_template))
        features = np.hstack([rr_context(parts), *context]).astype(np.float32)
        return SliceDict(signal=signal, features=features)

    def get_feature_names_out(self, input_features=None):
        """Not available: the output is a ``SliceDict`` of two arrays.

        Raises
        ------
        ValueError
            Always; the ``"features"`` columns are named by
            ``feature_names_``.
        """
        raise ValueError(
            "BeatRhythmInputs returns a SliceDict of two arrays ('signal', "
            "'features'), not a 2-D array, so its output has no column names; "
            "the 'features' columns are named by feature_names_."
        )

    def _output_names(self) -> list[str]:
        return self.feature_names_
