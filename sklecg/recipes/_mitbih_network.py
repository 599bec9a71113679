"""The MIT-BIH network recipe: 187-sample beats -> AAMI classes N S V F Q."""

from __future__ import annotations

from sklearn.ensemble import VotingClassifier

from sklecg.nn import ECGClassifier, report_network

__all__ = ["mitbih_network_pipeline"]


def mitbih_network_pipeline(n_networks: int = 5, **overrides) -> VotingClassifier:
    """Unfitted network ensemble for single MIT-BIH heartbeats.

    Input: the 187-sample beats of :func:`sklecg.datasets.fetch_mitbih_beats`
    (``beats.data``, 125 Hz, scaled to [0, 1] like the Kaggle set); labels
    ``beats.target``. A soft-voting :class:`~sklearn.ensemble.VotingClassifier`
    of ``n_networks`` :class:`~sklecg.nn.ECGClassifier` networks named
    ``net0``, ``net1``, ... that differ only in their seed (``random_state``
    0, 1, ...: initial weights and batch order). Each is the SC4001 report's
    model 8 (``report_network("sc4001_model_8")``: a
    :class:`~sklecg.nn.ConvNet` of four ``Conv1d - BatchNorm - ReLU -
    AvgPool(2)`` blocks of 32, 64, 128 and 256 filters of size 3, a dense
    layer of 64 and the output layer; 311,173 parameters for five classes),
    trained on all the beats it is given (no validation part) with AdamW
    (lr 1e-3, weight decay 1e-3, batch 128) for 12 epochs along a cosine
    schedule, forward passes in bfloat16 (``precision="bf16"``).

    It is meant for the intra-patient protocol of the Kaggle-cut papers
    (beats of one patient on both sides of a random split); for unseen
    patients use :func:`mitbih_interpatient_network_pipeline`. Its scores
    on that protocol (87,518 training and 21,880 test beats), beside a
    random forest, MiniRocket and the reports' networks, and the validation
    study behind its size, are in ``examples/RESULTS.md``
    (``examples/full_scale_networks.py``,
    ``examples/network_ensemble_selection.py``).

    Parameters
    ----------
    n_networks : int, default=5
        Number of networks averaged (at least 1).
    **overrides
        :class:`~sklecg.nn.ECGClassifier` parameters set on every network,
        e.g. ``max_epochs=6`` or ``precision="fp32"``. One network's
        parameters are set afterwards with ``set_params(net0__lr=...)``.

    Returns
    -------
    sklearn.ensemble.VotingClassifier

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.recipes import mitbih_network_pipeline
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(60, 187)).astype(np.float32)
    >>> y = np.array(["N", "V", "S"] * 20)
    >>> ensemble = mitbih_network_pipeline(n_networks=2, max_epochs=1)
    >>> [name for name, _ in ensemble.estimators]
    ['net0', 'net1']
    >>> ensemble.fit(X, y).predict(X[:2]).shape
    (2,)
    """
    if isinstance(n_networks, bool) or not isinstance(n_networks, int):
        raise TypeError(
            f"n_networks must be an int >= 1, got {type(n_networks).__name__} "
            f"{n_networks!r}."
        )
    if n_networks < 1:
        raise ValueError(f"n_networks must be >= 1, got {n_networks}.")
    settings = {
        **report_network("sc4001_model_8"),
        "optimizer": "adamw",
        "lr": 1e-3,
        "max_epochs": 12,
        "batch_size": 128,
        "validation_fraction": None,
        "patience": None,
        "lr_scheduler": "cosine",
        "precision": "bf16",
    }
    networks = [
        (f"net{seed}", ECGClassifier(**settings, random_state=seed))
        for seed in range(n_networks)
    ]
    ensemble = VotingClassifier(networks, voting="soft")
    return ensemble.set_params(
        **{
            f"{name}__{key}": value
            for name, _ in networks
            for key, value in overrides.items()
        }
    )
