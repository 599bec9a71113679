"""Print the declared minimum version of every dependency as an exact pin.

``make test-min`` installs these to prove the floors in ``pyproject.toml``
are the versions the code really needs. PyTorch is left out: the machine's
CPU wheel (``torch==2.13.0``, installed first) satisfies ``torch>=2.2``, and
an older torch would be a multi-GB CUDA download.
"""

import re
from pathlib import Path

import tomllib

project = tomllib.loads(Path("pyproject.toml").read_text())["project"]
extras = project["optional-dependencies"]["test"]
for requirement in project["dependencies"] + extras:
    name, floor = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement).groups()
    if name != "torch":
        print(f"{name}=={floor}")
