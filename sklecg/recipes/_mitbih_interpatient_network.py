"""The inter-patient MIT-BIH network recipe: beat, template and rhythm -> N S V F."""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from sklecg.features import BeatRhythmInputs
from sklecg.nn import BeatRhythmNet, ECGClassifier

__all__ = ["mitbih_interpatient_network_pipeline"]


def mitbih_interpatient_network_pipeline(fs: float = 125, **overrides) -> Pipeline:
    """Unfitted network pipeline for MIT-BIH heartbeats of unseen patients.

    Input: the named beat table, ``fetch_mitbih_beats(as_frame=True).data``
    (or :func:`~sklecg.datasets.make_beat_table` of your own arrays);
    labels: the AAMI classes N, S, V, F (the inter-patient protocol leaves
    Q out). Steps:

    ``inputs``
        :class:`~sklecg.features.BeatRhythmInputs`: the beat, its
        difference from the patient's template beat and both leads' windows
        with their differences from their templates, as six channels
        aligned on the R peak (``"signal"``), and the RR intervals, their
        ratios and the template correlations (``"features"``).
    ``net``
        :class:`~sklecg.nn.ECGClassifier` of a
        :class:`~sklecg.nn.BeatRhythmNet` (three convolution blocks of 32,
        64 and 128 filters with global pooling on the signals, a dense
        branch on the features, fused), trained with AdamW (lr 2e-3,
        batch 128, the last incomplete batch of each epoch left out) along a
        cosine schedule for 6 epochs,
        with square-root balanced class weights (``class_weight_alpha``):
        weights between none and fully balanced, so that the rare S and F
        beats count without drowning the N beats of new patients.

    What describes each beat relative to its own patient (an early beat,
    a shape unlike the patient's usual one, a different P wave) is what
    carries over to patients never seen in training. The settings were
    chosen by patient-wise cross-validation on the DS1 records only.
    Trained on DS1, it scores macro F1 (N, S, V, F) 0.675 on the DS2
    records, against 0.61 for the gradient-boosting recipe
    :func:`mitbih_beat_pipeline`; the DS1 table is in
    ``examples/RESULTS.md`` (``examples/interpatient_network.py``).

    Parameters
    ----------
    fs : float, default=125
        Sampling frequency of the table, in Hz (``fetch_mitbih_beats``'s
        ``fs``).
    **overrides
        ``set_params`` arguments of the pipeline, e.g.
        ``net__max_epochs=4`` or ``net__module__filters=(16, 32, 64)``.

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
    >>> from sklecg.recipes import mitbih_interpatient_network_pipeline
    >>> rng = np.random.default_rng(0)
    >>> beat, windows = rng.random((40, 187)), rng.random((40, 2, 135))
    >>> table = make_beat_table(
    ...     beat, 0.5 + rng.random((40, 4)), template=beat[::-1],
    ...     window=windows, window_template=windows[::-1],
    ... )
    >>> pipe = mitbih_interpatient_network_pipeline(net__max_epochs=1)
    >>> pipe.fit(table, ["N", "S", "V", "F"] * 10).predict(table[:3]).shape
    (3,)
    """
    network = ECGClassifier(
        BeatRhythmNet,
        lr=2e-3,
        max_epochs=6,
        batch_size=128,
        validation_fraction=None,
        patience=None,
        lr_scheduler="cosine",
        class_weight="balanced",
        class_weight_alpha=0.5,
        # the feature branch's BatchNorm cannot train on a last batch of one
        iterator_train__drop_last=True,
        random_state=0,
    )
    pipeline = Pipeline([("inputs", BeatRhythmInputs(fs=fs)), ("net", network)])
    return pipeline.set_params(**overrides)
