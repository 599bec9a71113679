"""BeatRRFeatures: a heartbeat's samples beside its RR intervals and ratios."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from sklecg.features._beat_morphology import _corr_rows
from sklecg.preprocessing._base import SignalTransformer

__all__ = [
    "BeatRRFeatures",
    "RR_COLUMNS",
    "RR_FEATURE_NAMES",
    "TEMPLATE_FEATURE_NAMES",
]

#: The RR columns expected at the end of each row, in seconds, as in
#: ``fetch_mitbih_beats().rr``.
RR_COLUMNS = ("pre_rr", "post_rr", "local_rr", "average_rr")
#: The RR features appended after the (downsampled) beat samples.
RR_FEATURE_NAMES = (
    *RR_COLUMNS,
    "pre_rr/local_rr",
    "post_rr/local_rr",
    "post_rr/pre_rr",
    "pre_rr/average_rr",
    "post_rr/average_rr",
    "local_rr/average_rr",
)
#: The features comparing a beat with its record's template (``template=True``).
TEMPLATE_FEATURE_NAMES = ("template_corr", "template_rms_diff", "template_area_ratio")

#: scikit-learn checks that fit on random data, which has too few columns or
#: non-positive "RR intervals" for this transformer.
_DATA_CHECKS = (
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
)


class BeatRRFeatures(SignalTransformer):
    """Beat samples (optionally downsampled) plus RR intervals and their ratios.

    Input rows are one heartbeat each, laid out as
    ``[beat samples ..., pre_rr, post_rr, local_rr, average_rr]``: the
    segment followed by the four RR columns of
    :func:`sklecg.datasets.fetch_mitbih_beats` (the interval before and after
    the beat, the mean RR of its 10-second window and the mean RR of the 5
    minutes centred on it, in seconds). Build that input with
    ``np.hstack([beats.data, beats.rr])`` or
    :func:`sklecg.recipes.beats_with_rr`.

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

    With ``template=True`` the rows also hold the patient's dominant beat
    shape, ``[beat samples ..., template samples ..., pre_rr, post_rr,
    local_rr, average_rr]`` (``fetch_mitbih_beats().template``; build it
    with ``beats_with_rr(beats, template=True)``), and the output adds,
    between the beat samples and the RR features, every ``downsample``-th
    sample of ``beat - template`` and three shape-context features: the
    correlation of beat and template, the root mean square of their
    difference and the ratio of their areas (sums, each plus 0.001). These
    tell a beat of unusual shape (V, F) from the patient's normal one
    whatever that patient's normal shape is.

    Parameters
    ----------
    downsample : int, default=1
        Keep every ``downsample``-th beat sample (1 keeps all). Fewer shape
        columns speed up tree models and leave the RR features more weight.
    template : bool, default=False
        Whether the rows hold a template beat after the beat (see above).

    Attributes
    ----------
    n_leads_ : int
        Always 1 (one beat per row).
    n_features_in_ : int
        Number of input columns (beat samples + 4) seen in ``fit``.

    Notes
    -----
    Output: a float32 array ``(n_beats, ceil(n_beat_samples / downsample) +
    10)`` whose columns are named by ``get_feature_names_out`` (``beat0``,
    ``beat<downsample>``, ..., then the RR feature names); with
    ``template=True``, ``2 * ceil(n_beat_samples / downsample) + 13``
    columns: ``beat...``, ``diff0``, ``diff<downsample>``, ...,
    ``template_corr``, ``template_rms_diff``, ``template_area_ratio``, then
    the RR feature names.

    scikit-learn checks expected to fail (``_expected_failed_checks``): the
    ones that fit on generic random data (2-3 columns, negative values),
    which is not beats followed by four positive RR intervals; clone,
    parameter and tag checks pass. The same behaviours are tested on real
    layouts in ``tests/test_beat_rr_features.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.features import BeatRRFeatures
    >>> beats = np.zeros((2, 8))
    >>> rr = np.array([[0.8, 0.8, 0.8, 0.8], [0.5, 1.1, 0.8, 1.0]])
    >>> features = BeatRRFeatures(downsample=4).fit_transform(np.hstack([beats, rr]))
    >>> features.shape
    (2, 12)
    >>> [round(float(v), 3) for v in features[1, 2:]]
    [0.5, 1.1, 0.8, 1.0, 0.625, 1.375, 2.2, 0.5, 1.1, 0.8]
    >>> beat, template = np.array([[0.0, 1, 0, 0]]), np.array([[0.0, 1, 1, 0]])
    >>> X = np.hstack([beat, template, rr[:1]])
    >>> out = BeatRRFeatures(template=True).fit_transform(X)
    >>> [round(float(v), 3) for v in out[0, :11]]
    [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.577, 0.5, 0.5]
    """

    _parameter_constraints: dict = {
        "downsample": [Interval(Integral, 1, None, closed="left")],
        "template": ["boolean"],
    }
    _feature_prefix = "beat"

    def __init__(self, downsample: int = 1, template: bool = False):
        self.downsample = downsample
        self.template = template

    def _layout(self) -> str:
        if self.template:
            return "beat samples, as many template samples, then the RR columns"
        return "beat samples followed by the RR columns"

    def _check_kwargs(self, reset: bool) -> dict:
        return {
            "allow_variable_length": False,
            "min_length": len(RR_COLUMNS) + 1 + bool(self.template),
            "min_length_reason": (
                f"{self._layout()} {', '.join(RR_COLUMNS)}, at least one of each"
            ),
        }

    def _split(self, signals: np.ndarray) -> tuple[np.ndarray, ...]:
        """``(beats, templates or None, rr)`` of validated rows."""
        if signals.ndim != 2:
            raise ValueError(
                "BeatRRFeatures expects a 2-D array (n_beats, n_beat_samples + "
                f"{len(RR_COLUMNS)}); got shape {signals.shape}. Pass "
                "np.hstack([beats, rr]) with the RR columns of fetch_mitbih_beats."
            )
        beats, rr = signals[:, : -len(RR_COLUMNS)], signals[:, -len(RR_COLUMNS) :]
        if np.any(rr <= 0):
            rows = np.flatnonzero(np.any(rr <= 0, axis=1))
            raise ValueError(
                f"the last {len(RR_COLUMNS)} columns of X must be RR intervals "
                f"in seconds ({', '.join(RR_COLUMNS)}), all positive; rows "
                f"{rows[:5].tolist()} hold values <= 0. Pass "
                "np.hstack([beats, rr]) with rr from fetch_mitbih_beats."
            )
        if not self.template:
            return beats, None, rr
        if beats.shape[1] % 2:
            raise ValueError(
                f"with template=True, X must hold {self._layout()}: an even "
                f"number of columns before the {len(RR_COLUMNS)} RR columns; got "
                f"{beats.shape[1]}. Pass beats_with_rr(beats, template=True), "
                "or set template=False for rows without a template."
            )
        half = beats.shape[1] // 2
        return beats[:, :half], beats[:, half:], rr

    def _fit(self, signals) -> None:
        beats, _, _ = self._split(signals)
        self._n_beat_out = len(range(0, beats.shape[1], self.downsample))
        self._n_features_out = len(self._output_names())

    def _transform(self, signals) -> np.ndarray:
        if signals.ndim == 2 and signals.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {signals.shape[1]} features, but BeatRRFeatures was "
                f"fitted on {self.n_features_in_} ({self._layout()}); pass "
                "beats of the fitted length."
            )
        beats, templates, rr = self._split(signals)
        pre, post, local, average = rr.T
        ratios = np.column_stack(
            [
                pre / local,
                post / local,
                post / pre,
                pre / average,
                post / average,
                local / average,
            ]
        )
        shape = [beats[:, :: self.downsample]]
        if templates is not None:
            differences = beats - templates
            shape += [differences[:, :: self.downsample]]
            shape += [_template_context(beats, templates, differences)]
        return np.hstack([*shape, rr, ratios]).astype(np.float32, copy=False)

    @property
    def _expected_failed_checks(self) -> dict[str, str]:
        """scikit-learn checks expected to fail, ``{check name: reason}``."""
        reason = (
            "the generic check fits on 2-3 random columns with negative values, "
            "not on beat samples followed by four positive RR intervals"
        )
        return dict.fromkeys(_DATA_CHECKS, reason)

    def _output_names(self) -> list[str]:
        kept = [i * self.downsample for i in range(self._n_beat_out)]
        names = [f"beat{i}" for i in kept]
        if self.template:
            names += [f"diff{i}" for i in kept] + list(TEMPLATE_FEATURE_NAMES)
        return names + list(RR_FEATURE_NAMES)


def _template_context(
    beats: np.ndarray, templates: np.ndarray, differences: np.ndarray
) -> np.ndarray:
    """Correlation, RMS difference and area ratio of each beat and template.

    ``differences`` is ``beats - templates``; a constant beat or template has
    correlation 0.
    """
    beats = beats.astype(np.float64)
    templates = templates.astype(np.float64)
    correlation = _corr_rows(beats, templates)
    rms_diff = np.sqrt(np.mean(np.square(differences, dtype=np.float64), axis=1))
    area_ratio = (beats.sum(axis=1) + 1e-3) / (templates.sum(axis=1) + 1e-3)
    return np.column_stack([correlation, rms_diff, area_ratio])
