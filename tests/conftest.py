"""Shared fixtures: the local PhysioNet mirror and small real data sets.

Tests that need real data take the ``physionet_mirror`` fixture (or one built
on it) and are skipped with a reason when ``../shared/data/physionet`` (or
``SKLECG_PHYSIONET_MIRROR``) is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
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
