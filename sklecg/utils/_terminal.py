"""Whether progress bars may be drawn."""

from __future__ import annotations

import sys

__all__ = ["stderr_is_terminal"]


def stderr_is_terminal() -> bool:
    """Return whether ``sys.stderr`` is an interactive terminal.

    Progress bars redraw their line with carriage returns, which is right in
    a terminal and clutters a file, a CI log or pytest's capture: they are
    drawn only when this is true, plain log lines are written otherwise.

    Returns
    -------
    bool
        True if ``sys.stderr`` exists and its ``isatty()`` is true.
    """
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty())
