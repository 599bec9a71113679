"""The example scripts of ``examples/`` as modules, for their tests.

The scripts are no package: the examples folder goes on ``sys.path``, where
they (and this module) find their shared ``_common`` module.
"""

import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

from _common import load_example  # noqa: E402

__all__ = ["load_example"]
