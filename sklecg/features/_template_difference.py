"""TemplateDifferenceFeatures: how each beat window differs from its template."""

from __future__ import annotations

import re
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from sklecg.base import TableTransformer
from sklecg.datasets import window_groups
from sklecg.features._beat_context import TEMPLATE_FEATURE_NAMES, template_context

__all__ = ["TemplateDifferenceFeatures"]

_WINDOW_LEAD = re.compile(r"window_lead(\d+)_\d+")
#: the part name of a lead's window (``"window0"``), beside ``"template0"``
_WINDOW = "window"


class TemplateDifferenceFeatures(TableTransformer):
    """Difference of each beat window from its patient's template, per lead.

    Reads, by name, the window groups of the beat table of
    :func:`sklecg.datasets.fetch_mitbih_beats` (``as_frame=True``; build one
    with :func:`sklecg.datasets.make_beat_table`): for every lead ``k``
    present, the window ``window_lead<k>_0, window_lead<k>_1, ...`` (the
    beat on that lead around its R peak) and the patient's template of it,
    ``window_template_lead<k>_0, ...`` (the median window of the
    neighbouring beats). Pass a part of the windows (for example the
    samples before the R peak, with
    :class:`~sklecg.compose.ColumnGroup`\\ ``(..., stop=...)``) to compare
    only that part.

    For each lead the output keeps every ``downsample``-th sample of window
    minus template, then, for each lead, the correlation of window and
    template, the RMS of their difference and the ratio of their areas
    (sums, each plus 0.001), as in
    :class:`~sklecg.features.BeatRRFeatures` with ``template=True``. A beat
    whose P wave or second-lead shape departs from the patient's usual one
    (an atrial premature beat, a ventricular beat) stands out whatever the
    patient's usual shape is, which is what carries over to new patients.

    Parameters
    ----------
    downsample : int, default=4
        Keep every ``downsample``-th sample of each lead's difference (1
        keeps all).

    Attributes
    ----------
    leads_ : list of int
        The leads found in the input, in increasing order.
    groups_ : dict of str to ndarray of int
        Positions, in the input, of the columns of each group read.
    n_features_in_ : int
        Number of input columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Their names.

    See Also
    --------
    BeatRRFeatures : The beat segment, its template difference and RR
        features.

    Notes
    -----
    Output: a float32 array ``(n_beats, n_leads * (ceil(n_window /
    downsample) + 3))`` named by ``get_feature_names_out``:
    ``lead0_diff0``, ``lead0_diff<downsample>``, ... for every lead, then
    ``lead0_template_corr``, ``lead0_template_rms_diff``,
    ``lead0_template_area_ratio`` for every lead. A constant window or
    template has correlation 0.

    scikit-learn's generic estimator checks pass unnamed random arrays,
    which this transformer refuses (it reads columns by name); the
    behaviours they cover are tested on named tables in
    ``tests/features/test_template_difference.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_beat_table
    >>> from sklecg.features import TemplateDifferenceFeatures
    >>> window = np.array([[[0.0, 1.0, 0.0, 0.5]]])
    >>> template = np.array([[[0.0, 1.0, 0.0, 0.0]]])
    >>> table = make_beat_table(
    ...     np.zeros((1, 3)), np.ones((1, 4)), window=window, window_template=template
    ... )
    >>> features = TemplateDifferenceFeatures(downsample=2)
    >>> [round(float(v), 3) for v in features.fit_transform(table)[0]]
    [0.0, 0.0, 0.87, 0.25, 1.5]
    >>> features.get_feature_names_out()[:3]
    array(['lead0_diff0', 'lead0_diff2', 'lead0_template_corr'], dtype=object)
    """

    _parameter_constraints: dict = {
        "downsample": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, downsample: int = 4):
        self.downsample = downsample

    @property
    def leads_(self) -> list[int]:
        """The leads found in the input, in increasing order (after ``fit``)."""
        check_is_fitted(self, "groups_")
        return [
            int(part.removeprefix(_WINDOW))
            for part in self.groups_
            if part.startswith(_WINDOW)
        ]

    def _groups(self, columns: list[str]) -> dict[str, str]:
        found = (_WINDOW_LEAD.fullmatch(name) for name in columns)
        leads = sorted({int(match.group(1)) for match in found if match})
        if not leads:
            raise ValueError(
                "TemplateDifferenceFeatures needs the window groups window_lead0_*, "
                "window_lead1_*, ... and their templates window_template_lead0_*, "
                "...; the table has none. Pass the windows of "
                "fetch_mitbih_beats(as_frame=True).data, or build the table with "
                "make_beat_table(..., window=..., window_template=...)."
            )
        groups = {}
        for lead in leads:
            groups[f"{_WINDOW}{lead}"], groups[f"template{lead}"] = window_groups(lead)
        return groups

    def _check_parts(self, parts: dict[str, np.ndarray]) -> None:
        for lead in self.leads_:
            window, template = parts[f"{_WINDOW}{lead}"], parts[f"template{lead}"]
            if window.shape != template.shape:
                raise ValueError(
                    f"TemplateDifferenceFeatures: lead {lead} has "
                    f"{window.shape[1]} window_lead{lead}_* columns but "
                    f"{template.shape[1]} window_template_lead{lead}_*; pass a "
                    "window and its template of equal length."
                )

    def _transform(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        pairs = [(parts[f"{_WINDOW}{k}"], parts[f"template{k}"]) for k in self.leads_]
        kept = [
            (window - template)[:, :: self.downsample] for window, template in pairs
        ]
        context = [template_context(window, template) for window, template in pairs]
        return np.hstack([*kept, *context]).astype(np.float32)

    def _output_names(self) -> list[str]:
        names = []
        for lead in self.leads_:
            samples = range(0, self.groups_[f"{_WINDOW}{lead}"].size, self.downsample)
            names += [f"lead{lead}_diff{i}" for i in samples]
        return names + [
            f"lead{lead}_{name}"
            for lead in self.leads_
            for name in TEMPLATE_FEATURE_NAMES
        ]
