"""BeatRRFeatures: a heartbeat's samples beside its RR intervals and ratios."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from sklecg.base import TableTransformer
from sklecg.datasets import RR_COLUMNS
from sklecg.features._beat_context import (
    RR_FEATURE_NAMES,
    TEMPLATE_FEATURE_NAMES,
    check_rr,
    rr_context,
    template_context,
)

__all__ = ["BeatRRFeatures"]


class BeatRRFeatures(TableTransformer):
    """Beat samples (optionally downsampled) plus RR intervals and their ratios.

    Reads, by name, the column groups of the beat table of
    :func:`sklecg.datasets.fetch_mitbih_beats` (``as_frame=True``; build one
    from your own arrays with :func:`sklecg.datasets.make_beat_table`): the
    beat samples ``beat_0, beat_1, ...`` and the four RR columns
    ``pre_rr, post_rr, local_rr, average_rr`` (the interval before and after
    the beat, the mean RR of its 10-second window and the mean RR of the 5
    minutes centred on it, in seconds). Other columns are ignored.

    The output keeps every ``downsample``-th beat sample and appends ten RR
    features: the four intervals and the ratios ``pre/local``,
    ``post/local``, ``post/pre``, ``pre/average``, ``post/average`` and
    ``local/average``. The ratios are what carries across patients: a
    premature beat (S or V) has ``pre/local`` well below 1 and is often
    followed by a compensatory pause (``post/pre`` above 1), whatever the
    patient's heart rate; within a run of premature beats (a
    supraventricular tachycardia) the 10-second mean is itself short, and
    the 5-minute average still shows the beats as early. The RR columns
    carry the beat's context, so no ``groups`` are needed and each beat is
    transformed on its own.

    With ``template=True`` it also reads the patient's dominant beat shape
    ``template_0, template_1, ...`` and adds, between the beat samples and
    the RR features, every ``downsample``-th sample of ``beat - template``
    and three shape-context features: the correlation of beat and
    template, the root mean square of their difference and the ratio of
    their areas (sums, each plus 0.001). These tell a beat of unusual shape
    (V, F) from the patient's normal one whatever that patient's normal
    shape is.

    Parameters
    ----------
    downsample : int, default=1
        Keep every ``downsample``-th beat sample (1 keeps all). Fewer shape
        columns speed up tree models and leave the RR features more weight.
    template : bool, default=False
        Whether to read the template group and add its features (see above).

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
    Output: a float32 array ``(n_beats, ceil(n_beat_samples / downsample) +
    10)`` whose columns are named by ``get_feature_names_out`` (``beat0``,
    ``beat<downsample>``, ..., then the RR feature names); with
    ``template=True``, ``2 * ceil(n_beat_samples / downsample) + 13``
    columns: ``beat...``, ``diff0``, ``diff<downsample>``, ...,
    ``template_corr``, ``template_rms_diff``, ``template_area_ratio``, then
    the RR feature names.

    scikit-learn's generic estimator checks pass unnamed random arrays,
    which this transformer refuses (it reads columns by name); the
    behaviours they cover are tested on named tables in
    ``tests/features/test_beat_rr.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_beat_table
    >>> from sklecg.features import BeatRRFeatures
    >>> rr = np.array([[0.8, 0.8, 0.8, 0.8], [0.5, 1.1, 0.8, 1.0]])
    >>> table = make_beat_table(np.zeros((2, 8)), rr)
    >>> features = BeatRRFeatures(downsample=4).fit_transform(table)
    >>> features.shape
    (2, 12)
    >>> [round(float(v), 3) for v in features[1, 2:]]
    [0.5, 1.1, 0.8, 1.0, 0.625, 1.375, 2.2, 0.5, 1.1, 0.8]
    >>> beat, template = np.array([[0.0, 1, 0, 0]]), np.array([[0.0, 1, 1, 0]])
    >>> table = make_beat_table(beat, rr[:1], template=template)
    >>> out = BeatRRFeatures(template=True).fit_transform(table)
    >>> [round(float(v), 3) for v in out[0, :11]]
    [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.577, 0.5, 0.5]
    """

    _parameter_constraints: dict = {
        "downsample": [Interval(Integral, 1, None, closed="left")],
        "template": ["boolean"],
    }

    def __init__(self, downsample: int = 1, template: bool = False):
        self.downsample = downsample
        self.template = template

    def _groups(self, columns: list[str]) -> dict[str, str]:
        groups = {"beat": "beat", **({"template": "template"} if self.template else {})}
        return {**groups, **{name: name for name in RR_COLUMNS}}

    def _check_parts(self, parts: dict[str, np.ndarray]) -> None:
        if self.template and parts["template"].shape != parts["beat"].shape:
            raise ValueError(
                "BeatRRFeatures(template=True) needs as many template columns as "
                f"beat columns; got {parts['template'].shape[1]} template_* and "
                f"{parts['beat'].shape[1]} beat_*."
            )
        check_rr(parts)

    def _transform(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        beats = parts["beat"]
        shape = [beats[:, :: self.downsample]]
        if self.template:
            shape.append((beats - parts["template"])[:, :: self.downsample])
            shape.append(template_context(beats, parts["template"]))
        return np.hstack([*shape, rr_context(parts)]).astype(np.float32)

    def _output_names(self) -> list[str]:
        kept = range(0, self.groups_["beat"].size, self.downsample)
        names = [f"beat{i}" for i in kept]
        if self.template:
            names += [f"diff{i}" for i in kept] + list(TEMPLATE_FEATURE_NAMES)
        return names + list(RR_FEATURE_NAMES)
