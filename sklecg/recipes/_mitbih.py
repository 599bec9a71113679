"""The MIT-BIH heartbeat recipe: 187-sample beats + RR intervals -> AAMI class."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from sklecg.compose import ColumnGroup
from sklecg.datasets import RR_COLUMNS, window_groups, window_span
from sklecg.features import BeatRRFeatures, TemplateDifferenceFeatures

__all__ = ["mitbih_beat_pipeline"]


def mitbih_beat_pipeline(fs: float = 125, **overrides) -> Pipeline:
    """Unfitted pipeline classifying MIT-BIH heartbeats into AAMI classes.

    Input: the named beat table, ``fetch_mitbih_beats(as_frame=True).data``
    (or :func:`~sklecg.datasets.make_beat_table` of your own arrays): the
    Kaggle-style beat (``beat_*``), the patient's median beat around it
    (``template_*``), the RR intervals in seconds (``pre_rr``, ``post_rr``,
    ``local_rr``, ``average_rr``) and both leads from 0.36 s before to
    0.72 s after the R peak with their median around the beat
    (``window_lead<k>_*``, ``window_template_lead<k>_*``). Every part is
    selected by name (:class:`~sklecg.compose.ColumnGroup`), so the column
    order does not matter, and a table that lacks a group, or a plain
    array, raises a ``ValueError`` naming what is missing. Labels: the AAMI
    classes (codes or letters, N S V F Q or a subset).

    Steps:

    ``features``
        A :class:`~sklearn.compose.ColumnTransformer` of

        * ``beat``: :class:`~sklecg.features.BeatRRFeatures`
          (``downsample=4, template=True``) on the beat, template and RR
          columns: every 4th sample of the beat and of its difference from
          the template, the beat's correlation with the template, their RMS
          difference and area ratio, the four RR intervals and their six
          ratios;
        * ``p_wave``: :class:`~sklecg.features.TemplateDifferenceFeatures`
          (``downsample=3``) on the first lead's window before the R peak
          (which the beat segment, starting at R, leaves out): the beat's
          own P wave against the patient's usual one;
        * ``second_lead``: :class:`~sklecg.features.TemplateDifferenceFeatures`
          (``downsample=4``) on the whole window of the second lead.

        Templates and RR ratios describe each beat relative to its own
        patient (an unusual shape, an early beat, a different P wave), which
        is what carries over to patients never seen in training.
    ``classifier``
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (400
        iterations, L2 regularisation 1, balanced class weights, no early
        stopping, ``random_state=0``; it uses all OpenMP threads -- set
        ``OMP_NUM_THREADS`` to limit them). The L2 term keeps the boosting
        stable once the 5-minute RR ratios separate the training beats.

    Scores (``examples/RESULTS.md``, "Experiment 6", with how the steps were
    chosen by patient-wise cross-validation on DS1): inter-patient (DS1 ->
    DS2) macro F1 0.61, intra-patient macro F1 0.97.

    Parameters
    ----------
    fs : float, default=125
        Sampling frequency of the table's beats and windows, in Hz (the
        ``fs`` passed to ``fetch_mitbih_beats``); it places the R peak in
        the windows, and a table whose windows have another length raises a
        ``ValueError``.
    **overrides
        Step parameters in ``set_params`` form, e.g.
        ``classifier__max_iter=100`` or ``features__beat__downsample=2``.

    Returns
    -------
    pipeline : :class:`~sklearn.pipeline.Pipeline`
        Unfitted.

    Raises
    ------
    ValueError
        If an override names no parameter of the pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.datasets import make_beat_table
    >>> from sklecg.recipes import mitbih_beat_pipeline
    >>> rng = np.random.default_rng(0)
    >>> beat, windows = rng.random((40, 187)), rng.random((40, 2, 135))
    >>> table = make_beat_table(
    ...     beat, 0.5 + rng.random((40, 4)), template=beat[::-1],
    ...     window=windows, window_template=windows[::-1],
    ... )
    >>> pipe = mitbih_beat_pipeline(classifier__max_iter=5)
    >>> pipe.fit(table, ["N", "V"] * 20).predict(table).shape
    (40,)
    >>> mitbih_beat_pipeline().fit(beat, ["N", "V"] * 20)
    Traceback (most recent call last):
    ...
    ValueError: ColumnGroup('beat', 'template', ...) reads its input by column name, ...
    """
    before_r, after_r = window_span(fs)
    window = before_r + after_r
    features = ColumnTransformer(
        [
            (
                "beat",
                BeatRRFeatures(downsample=4, template=True),
                ColumnGroup("beat", "template", *RR_COLUMNS),
            ),
            (
                "p_wave",
                TemplateDifferenceFeatures(downsample=3),
                ColumnGroup(*window_groups(0), stop=before_r, length=window),
            ),
            (
                "second_lead",
                TemplateDifferenceFeatures(),
                ColumnGroup(*window_groups(1), length=window),
            ),
        ]
    )
    pipeline = Pipeline(
        [
            ("features", features),
            (
                "classifier",
                HistGradientBoostingClassifier(
                    max_iter=400,
                    l2_regularization=1.0,
                    class_weight="balanced",
                    early_stopping=False,
                    random_state=0,
                ),
            ),
        ]
    )
    return pipeline.set_params(**overrides)
