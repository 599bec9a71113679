"""TemplateDifferenceFeatures: how each beat window differs from its template."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from sklecg.features._beat_rr import TEMPLATE_FEATURE_NAMES, _template_context
from sklecg.preprocessing._base import SignalTransformer

__all__ = ["TemplateDifferenceFeatures"]

#: scikit-learn checks that fit on random data with 3 or 5 columns: an odd
#: width cannot hold a window and a template of equal length.
_DATA_CHECKS = (
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_estimators_dtypes",
    "check_estimators_nan_inf",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_predict1d",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_pipeline_consistency",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
)


class TemplateDifferenceFeatures(SignalTransformer):
    """Difference of each beat window from its patient's template, per lead.

    Input rows hold a window around one heartbeat on ``leads`` leads and the
    patient's template of that window (the median window of the
    neighbouring beats), laid out lead after lead:
    ``[window lead 0, ..., window lead leads-1, template lead 0, ...,
    template lead leads-1]``, each lead ``n_window`` samples. Build them from
    :func:`sklecg.datasets.fetch_mitbih_beats` with
    ``np.hstack([beats.window.reshape(n, -1),
    beats.window_template.reshape(n, -1)])`` or
    :func:`sklecg.recipes.beats_with_rr` (``window=True``, as its last
    columns).

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
    leads : int, default=1
        Number of leads each row holds (the window and the template each
        span ``leads * n_window`` columns).
    downsample : int, default=4
        Keep every ``downsample``-th sample of each lead's difference (1
        keeps all).

    Attributes
    ----------
    n_leads_ : int
        Always 1 (one flat row per beat).
    n_features_in_ : int
        Number of input columns, ``2 * leads * n_window``, seen in ``fit``.

    See Also
    --------
    BeatRRFeatures : The beat segment, its template difference and RR
        features.

    Notes
    -----
    Output: a float32 array ``(n_beats, leads * (ceil(n_window /
    downsample) + 3))`` named by ``get_feature_names_out``:
    ``lead0_diff0``, ``lead0_diff<downsample>``, ... for every lead, then
    ``lead0_template_corr``, ``lead0_template_rms_diff``,
    ``lead0_template_area_ratio`` for every lead. A constant window or
    template has correlation 0.

    scikit-learn checks expected to fail (``_expected_failed_checks``): the
    14 that fit on generic random data with 3 or 5 columns, since an odd
    width cannot hold a window and a template of equal length; the same
    behaviours are tested on real layouts in
    ``tests/test_template_difference.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.features import TemplateDifferenceFeatures
    >>> window = np.array([[0.0, 1.0, 0.0, 0.5]])
    >>> template = np.array([[0.0, 1.0, 0.0, 0.0]])
    >>> features = TemplateDifferenceFeatures(downsample=2)
    >>> out = features.fit_transform(np.hstack([window, template]))
    >>> [round(float(v), 3) for v in out[0]]
    [0.0, 0.0, 0.87, 0.25, 1.5]
    >>> features.get_feature_names_out()[:3]
    array(['lead0_diff0', 'lead0_diff2', 'lead0_template_corr'], dtype=object)
    """

    _parameter_constraints: dict = {
        "leads": [Interval(Integral, 1, None, closed="left")],
        "downsample": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, leads: int = 1, downsample: int = 4):
        self.leads = leads
        self.downsample = downsample

    def _check_kwargs(self, reset: bool) -> dict:
        # after fit, the width is checked against n_features_in_ instead
        return {
            "allow_variable_length": False,
            "min_length": 2 * self.leads if reset else 1,
            "min_length_reason": (
                f"a window and its template on each of the {self.leads} lead(s)"
            ),
        }

    def _split(self, signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Windows and templates of validated rows, ``(n, leads, n_window)``."""
        if signals.ndim != 2:
            raise ValueError(
                "TemplateDifferenceFeatures expects a 2-D array (n_beats, 2 * "
                f"leads * n_window); got shape {signals.shape}. Pass "
                "np.hstack([window.reshape(n, -1), window_template.reshape(n, -1)])."
            )
        if signals.shape[1] % (2 * self.leads):
            raise ValueError(
                f"X has {signals.shape[1]} columns, which is not a window and a "
                f"template of equal length on each of leads={self.leads} lead(s) "
                f"(a multiple of {2 * self.leads}). Pass the windows then their "
                "templates, lead after lead, and set leads to their number of leads."
            )
        rows = signals.reshape(signals.shape[0], 2, self.leads, -1)
        return rows[:, 0], rows[:, 1]

    def _fit(self, signals) -> None:
        windows, _ = self._split(signals)
        self._n_window_out = len(range(0, windows.shape[-1], self.downsample))
        self._n_features_out = len(self._output_names())

    def _transform(self, signals) -> np.ndarray:
        if signals.ndim == 2 and signals.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {signals.shape[1]} features, but TemplateDifferenceFeatures "
                f"is expecting {self.n_features_in_} features as input; pass "
                "windows and templates of the fitted length and number of leads."
            )
        windows, templates = self._split(signals)
        differences = windows - templates
        context = [
            _template_context(
                windows[:, lead], templates[:, lead], differences[:, lead]
            )
            for lead in range(self.leads)
        ]
        n = signals.shape[0]
        kept = differences[:, :, :: self.downsample].reshape(n, -1)
        return np.hstack([kept, *context]).astype(np.float32, copy=False)

    @property
    def _expected_failed_checks(self) -> dict[str, str]:
        """scikit-learn checks expected to fail, ``{check name: reason}``."""
        reason = (
            "the generic check fits on 3 or 5 random columns; an odd width "
            "cannot hold a window and a template of equal length"
        )
        return dict.fromkeys(_DATA_CHECKS, reason)

    def _output_names(self) -> list[str]:
        kept = [i * self.downsample for i in range(self._n_window_out)]
        names = [f"lead{lead}_diff{i}" for lead in range(self.leads) for i in kept]
        return names + [
            f"lead{lead}_{name}"
            for lead in range(self.leads)
            for name in TEMPLATE_FEATURE_NAMES
        ]
