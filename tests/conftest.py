"""Shared fixtures: the local PhysioNet mirror and small real data sets.

Tests that need real data take the ``physionet_mirror`` fixture (or one built
on it) and are skipped with a reason when ``../shared/data/physionet`` (or
``SKLECG_PHYSIONET_MIRROR``) is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "data" / "physionet"


def _mirror_path() -> Path | None:
    env = os.environ.get("SKLECG_PHYSIONET_MIRROR")
    for candidate in (env, DEFAULT_MIRROR):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def physionet_mirror() -> Path:
    """Folder holding the PhysioNet zips, or skip the test."""
    path = _mirror_path()
    if path is None:
        pytest.skip(
            "real-data test: the PhysioNet mirror ../shared/data/physionet is "
            "absent (set SKLECG_PHYSIONET_MIRROR to a folder holding "
            "training2017.zip and mit-bih-arrhythmia-database-1.0.0.zip)"
        )
    return path


@pytest.fixture(scope="session")
def sklecg_data_home(tmp_path_factory) -> Path:
    """A data_home shared by the whole test session.

    ``SKLECG_TEST_DATA_HOME`` reuses a persistent cache between runs (handy
    while developing); by default a fresh temporary folder is used, so the
    test run really parses the mirror once.
    """
    env = os.environ.get("SKLECG_TEST_DATA_HOME")
    if env:
        Path(env).mkdir(parents=True, exist_ok=True)
        return Path(env)
    return tmp_path_factory.mktemp("sklecg_data")


# --- real PhysioNet data sets (session-scoped: parsed once per test run) ----
# Treat them as read-only: every test of the session shares these objects.


def _stratified_subset(dataset, n_samples: int, per_item: tuple[str, ...]):
    """Seeded stratified subset of a fetcher Bunch (per-item fields indexed)."""
    from sklearn.model_selection import train_test_split
    from sklearn.utils import Bunch

    index, _ = train_test_split(
        np.arange(len(dataset.target)),
        train_size=n_samples,
        stratify=dataset.target,
        random_state=0,
    )
    index = np.sort(index)
    subset = Bunch(**dataset)
    for key in per_item:
        value = dataset[key]
        subset[key] = (
            [value[i] for i in index] if isinstance(value, list) else value[index]
        )
    return subset


@pytest.fixture(scope="session")
def cinc2017(physionet_mirror, sklecg_data_home):
    """The full CinC 2017 mirror: ``fetch_cinc2017()`` Bunch (7,000 records)."""
    from sklecg.datasets import fetch_cinc2017

    return fetch_cinc2017(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def cinc2017_small(cinc2017):
    """300 CinC 2017 records, stratified by label (seed 0): same Bunch keys.

    ``data`` is a list of 1-D float32 arrays (300 Hz, mV), ``target`` the
    label strings; ``record_names`` and ``lengths`` follow the subset.
    """
    return _stratified_subset(
        cinc2017, 300, ("data", "target", "record_names", "lengths")
    )


@pytest.fixture(scope="session")
def mitbih(physionet_mirror, sklecg_data_home):
    """The 48 raw MIT-BIH records: ``fetch_mitbih()`` Bunch."""
    from sklecg.datasets import fetch_mitbih

    return fetch_mitbih(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def mitbih_beats(physionet_mirror, sklecg_data_home):
    """All MIT-BIH beats, Kaggle layout: ``fetch_mitbih_beats()`` Bunch.

    ``data`` (n, 187) float32 in [0, 1] at 125 Hz, ``target`` int 0..4
    (``target_names`` N S V F Q), ``groups`` record numbers, ``rr`` (n, 3)
    RR features in seconds (``rr_feature_names``).
    """
    from sklecg.datasets import fetch_mitbih_beats

    return fetch_mitbih_beats(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def mitbih_beats_small(mitbih_beats):
    """3,000 MIT-BIH beats stratified by class (seed 0), with their groups
    and RR features: same Bunch keys as ``mitbih_beats``."""
    return _stratified_subset(
        mitbih_beats,
        3000,
        ("data", "target", "groups", "rr", "symbols", "beat_samples"),
    )
