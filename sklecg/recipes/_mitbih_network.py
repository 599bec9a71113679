"""The MIT-BIH network recipe: 187-sample beats -> AAMI classes N S V F Q."""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from sklecg.nn import ConvNet, ECGClassifier

__all__ = ["mitbih_network_pipeline"]


def mitbih_network_pipeline(**overrides) -> Pipeline:
    """Unfitted network pipeline for single MIT-BIH heartbeats.

    Input: the 187-sample beats of :func:`sklecg.datasets.fetch_mitbih_beats`
    (``beats.data``, 125 Hz, scaled to [0, 1] like the Kaggle set); labels
    ``beats.target``. One step, ``net``: an :class:`~sklecg.nn.ECGClassifier`
    with a :class:`~sklecg.nn.ConvNet` of five ``Conv1d - BatchNorm - ReLU -
    AvgPool(2)`` blocks (32, 64, 128, 128, 256 filters of sizes 7, 5, 5, 3,
    3), a dense layer of 128 with dropout 0.3 and the output layer (365,317
    parameters), trained with AdamW (lr 2e-3, weight decay 1e-3, batch 128)
    for 30 epochs along a cosine schedule, keeping the weights of the epoch
    with the lowest loss on a stratified 10 % validation part.

    It is meant for the intra-patient protocol of the Kaggle-cut papers
    (beats of one patient on both sides of a random split); for unseen
    patients use :func:`mitbih_beat_pipeline`. Trained on the 87,518
    training beats of that protocol it scores macro F1 0.94, weighted F1
    0.99 and accuracy 99.1 % on the 21,880 test beats, above a random
    forest on the raw beats (0.87) and above every reference report's
    published macro F1; scores and fit times, beside the reports' networks, are in
    ``examples/RESULTS.md`` (``examples/full_scale_networks.py``).

    Parameters
    ----------
    **overrides
        ``set_params`` arguments of the pipeline, e.g. ``net__max_epochs=10``
        or ``net__precision="bf16"`` (faster on CPUs with AVX-512 BF16 or
        AMX).

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.recipes import mitbih_network_pipeline
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(60, 187)).astype(np.float32)
    >>> y = np.array(["N", "V", "S"] * 20)
    >>> pipe = mitbih_network_pipeline(net__max_epochs=1)
    >>> pipe.fit(X, y).predict(X[:2]).shape
    (2,)
    """
    network = ECGClassifier(
        ConvNet,
        module__filters=(32, 64, 128, 128, 256),
        module__kernel_sizes=(7, 5, 5, 3, 3),
        module__n_hidden=128,
        module__dropout=0.3,
        lr=2e-3,
        max_epochs=30,
        batch_size=128,
        validation_fraction=0.1,
        patience=None,
        lr_scheduler="cosine",
        random_state=0,
    )
    return Pipeline([("net", network)]).set_params(**overrides)
