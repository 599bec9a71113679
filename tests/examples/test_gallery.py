"""Every gallery script of ``examples/gallery`` runs to the end.

The documentation build runs them too (``make docs``); these tests catch a
broken example without building the pages. The CinC 2017 example uses the
PhysioNet mirror when there is one (parsed into the session's data home) and
synthetic records otherwise.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from conftest import _mirror_path

GALLERY = Path(__file__).resolve().parents[2] / "examples" / "gallery"
SCRIPTS = sorted(GALLERY.glob("plot_*.py"))


def test_gallery_is_not_empty():
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_gallery_script_runs(script, monkeypatch, tmp_path, sklecg_data_home):
    mirror = _mirror_path()
    if mirror is None:
        monkeypatch.delenv("SKLECG_PHYSIONET_MIRROR", raising=False)
    else:
        monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(mirror))
    monkeypatch.setenv("SKLECG_DATA", str(sklecg_data_home))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    try:
        runpy.run_path(str(script), run_name="__main__")
        assert plt.get_fignums(), f"{script.name} drew no figure"
    finally:
        plt.close("all")
