"""The example scripts of ``examples/`` as modules, for their tests.

The scripts are no package: the examples folder goes on ``sys.path``, where
they (and this module) find their shared ``_common`` module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

from _common import load_example  # noqa: E402

__all__ = ["load_example", "run_quick"]


def run_quick(
    name: str, monkeypatch: pytest.MonkeyPatch, mirror, data_home, **kwargs
) -> tuple[ModuleType, list]:
    """``examples/<name>.py`` and the rows of its ``run(quick=True)``.

    ``monkeypatch`` points ``SKLECG_PHYSIONET_MIRROR`` at the PhysioNet
    ``mirror`` (until it is undone); parsed data are cached in ``data_home``;
    ``kwargs`` go to ``run`` (e.g. ``output``).
    """
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(mirror))
    example = load_example(name)
    return example, example.run(data_home=data_home, quick=True, **kwargs)
