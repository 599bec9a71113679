"""The CinC 2017 recipe: variable-length 300 Hz single-lead records -> N/A/O/~."""

from __future__ import annotations

from sklearn.ensemble import HistGradientBoostingClassifier, VotingClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from sklecg.features import BeatMorphologyFeatures, RRIntervalFeatures
from sklecg.nn import ECGClassifier, RhythmResNet
from sklecg.preprocessing import Resampler, SignalScaler

__all__ = ["cinc2017_pipeline"]

#: Soft-vote weights of the two members (features, network).
_VOTE_WEIGHTS = (0.4, 0.6)


def _feature_member(fs: float) -> Pipeline:
    """RR and morphology features followed by gradient boosting."""
    features = FeatureUnion(
        [
            ("rhythm", RRIntervalFeatures(fs=fs)),
            ("morphology", BeatMorphologyFeatures(fs=fs)),
        ]
    )
    classifier = HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=500, random_state=0
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def _network_member(fs: float) -> Pipeline:
    """Records z-scored, brought to 60 s at 100 Hz, then RhythmResNet trained
    on random 30-s windows."""
    network = ECGClassifier(
        RhythmResNet,
        lr=2e-3,
        max_epochs=16,
        batch_size=64,
        validation_fraction=None,
        patience=None,
        lr_scheduler="cosine",
        train_crop_length=3000,
        optimizer__weight_decay=1e-2,
        random_state=0,
    )
    return Pipeline(
        [
            ("scale", SignalScaler()),
            ("resample", Resampler(6000, fs=fs, target_fs=100.0, short="repeat")),
            ("network", network),
        ]
    )


def cinc2017_pipeline(fs: float = 300.0, **overrides) -> VotingClassifier:
    """Unfitted model classifying CinC 2017 records into N, A, O and ~.

    Input: a list of 1-D single-lead records of any length, sampled at
    ``fs`` (300 Hz for :func:`sklecg.datasets.fetch_cinc2017`), in mV;
    labels: ``"N"`` (normal), ``"A"`` (atrial fibrillation), ``"O"``
    (other rhythm), ``"~"`` (noisy), or any subset.

    A soft-voting :class:`~sklearn.ensemble.VotingClassifier` (weights 0.4
    and 0.6) of two members that each take the raw records:

    ``features``
        :class:`~sklecg.features.RRIntervalFeatures` (``rhythm``: 16 RR
        statistics) and :class:`~sklecg.features.BeatMorphologyFeatures`
        (``morphology``: 40 template-beat, P-wave, beat-variability, ectopy
        and signal-quality features), both at ``fs``, in a
        :class:`~sklearn.pipeline.FeatureUnion`, then
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier`
        (``learning_rate=0.05``, ``max_iter=500``, no class weights: they
        lowered the challenge F1).
    ``network``
        :class:`~sklecg.preprocessing.SignalScaler` (z-score per record),
        :class:`~sklecg.preprocessing.Resampler` to 60 s at 100 Hz (the
        longest records keep their centre, shorter ones are repeated), then
        :class:`~sklecg.nn.ECGClassifier` training a
        :class:`~sklecg.nn.RhythmResNet` for 16 epochs on a random 30-s
        window of every record per epoch (``train_crop_length=3000``; AdamW,
        learning rate 2e-3 on a cosine schedule, weight decay 1e-2, batches
        of 64, no validation split). Prediction pools over the whole
        60 s.

    Score (``examples/cinc2017_recipe.py``, 5-fold stratified CV on the
    7,000 records of the mirror): challenge F1 (mean F1 of N, A and O)
    0.84, above each member alone; the comparison with the reports'
    baselines, how the settings were chosen and the fit times are in
    ``examples/RESULTS.md``. On a machine shared with other processes, run
    the gradient boosting with one OpenMP thread
    (``threadpoolctl.threadpool_limits(1)``).

    Parameters
    ----------
    fs : float, default=300.0
        Sampling frequency of the records, in Hz: given once, it reaches
        both feature extractors and the network's resampler.
    **overrides
        Parameters in ``set_params`` form, e.g.
        ``features__classifier__max_iter=200``,
        ``network__network__max_epochs=8`` or ``weights=[1, 1]``;
        ``network="drop"`` keeps the feature model alone.

    Returns
    -------
    model : :class:`~sklearn.ensemble.VotingClassifier`
        Unfitted.

    Raises
    ------
    ValueError
        If an override names no parameter of the pipeline.

    Examples
    --------
    >>> from sklecg.recipes import cinc2017_pipeline
    >>> model = cinc2017_pipeline(fs=250, network__network__max_epochs=4)
    >>> [name for name, _ in model.estimators]
    ['features', 'network']
    >>> model.get_params()["network__network__max_epochs"]
    4
    >>> model.get_params()["network__resample__fs"]
    250
    """
    ensemble = VotingClassifier(
        [("features", _feature_member(fs)), ("network", _network_member(fs))],
        voting="soft",
        weights=list(_VOTE_WEIGHTS),
    )
    return ensemble.set_params(**overrides)
