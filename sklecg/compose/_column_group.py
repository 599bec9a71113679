"""Column groups: named, numbered blocks of a table's columns."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

__all__ = ["ColumnGroup", "check_named_table", "group_columns"]

#: What to pass when a table lacks names or groups.
BUILD_HINT = (
    "Pass a pandas DataFrame with named column groups, such as "
    "sklecg.datasets.fetch_mitbih_beats(as_frame=True).data, or build one from "
    "plain arrays with sklecg.datasets.make_beat_table(beat, rr, template=..., "
    "window=..., window_template=...)."
)


def check_named_table(X, *, owner: str) -> list[str]:
    """The column names of a table; a ValueError for input without names.

    Parameters
    ----------
    X : object
        The input; a pandas DataFrame (anything with ``columns``) passes.
    owner : str
        Who asks, named in the error message.

    Returns
    -------
    columns : list of str

    Raises
    ------
    ValueError
        If ``X`` has no column names (a plain array or list), saying how to
        build a named table.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklecg.compose import check_named_table
    >>> check_named_table(pd.DataFrame({"pre_rr": [0.8]}), owner="example")
    ['pre_rr']
    """
    if not hasattr(X, "columns"):
        raise ValueError(
            f"{owner} reads its input by column name, but got a "
            f"{type(X).__name__} without column names. " + BUILD_HINT
        )
    return [str(name) for name in X.columns]


def group_columns(columns: Sequence[str], group: str, *, owner: str) -> np.ndarray:
    """Positions of one column group in a list of column names.

    A group is either one column named ``group`` or the numbered columns
    ``group_0, group_1, ..., group_<k-1>`` (the samples of a signal). They
    are found by name, wherever they stand, and returned in sample order.

    Parameters
    ----------
    columns : sequence of str
        The column names of a table (``DataFrame.columns`` or an estimator's
        ``feature_names_in_``).
    group : str
        The group's name.
    owner : str
        Who asks, named in error messages.

    Returns
    -------
    positions : ndarray of int
        The position of each of the group's columns in ``columns``, in the
        order ``group_0, group_1, ...`` (one position for a single column).

    Raises
    ------
    ValueError
        If the table has no such group, or its numbering has gaps or
        repeats.

    Examples
    --------
    >>> from sklecg.compose import group_columns
    >>> group_columns(["rr", "beat_1", "beat_0"], "beat", owner="example")
    array([2, 1])
    >>> group_columns(["rr", "beat_1", "beat_0"], "rr", owner="example")
    array([0])
    """
    columns = [str(name) for name in columns]
    if group in columns:
        return np.array([columns.index(group)])
    pattern = re.compile(rf"{re.escape(group)}_(\d+)")
    numbered = {}
    for position, name in enumerate(columns):
        match = pattern.fullmatch(name)
        if match:
            numbered.setdefault(int(match.group(1)), []).append(position)
    if not numbered:
        raise ValueError(
            f"{owner} needs the column group {group!r} (columns {group}_0, "
            f"{group}_1, ... or one column {group!r}); the table has none. "
            + BUILD_HINT
        )
    missing = sorted(set(range(max(numbered) + 1)) - set(numbered))
    repeated = sorted(k for k, found in numbered.items() if len(found) > 1)
    if missing or repeated:
        raise ValueError(
            f"{owner}: the column group {group!r} must number its columns "
            f"{group}_0 ... {group}_{max(numbered)} once each; "
            f"{'missing ' + str(missing[:5]) if missing else ''}"
            f"{'repeated ' + str(repeated[:5]) if repeated else ''}. " + BUILD_HINT
        )
    return np.array([numbered[k][0] for k in range(len(numbered))])


class ColumnGroup:
    """Column selector of named groups, for a ColumnTransformer.

    Selects the columns of each group (see :func:`group_columns`), group
    after group, by name: the table's column order does not matter, and a
    table lacking a group, or a plain array without column names, raises a
    ``ValueError`` that names what is missing instead of a wrong slice.

    Parameters
    ----------
    *groups : str
        The groups to select, e.g. ``"beat", "template"``.
    stop : int or None, default=None
        Select only the first ``stop`` columns of each numbered group (a
        signal's first ``stop`` samples); None selects all.
    length : int or None, default=None
        The number of columns every numbered group must have (a check of
        the table's sampling rate); None accepts any.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklecg.compose import ColumnGroup
    >>> table = pd.DataFrame(
    ...     [[1.0, 2.0, 3.0, 0.8]], columns=["beat_0", "beat_1", "beat_2", "pre_rr"]
    ... )
    >>> ColumnGroup("beat", stop=2)(table)
    ['beat_0', 'beat_1']
    >>> ColumnGroup("pre_rr", "beat")(table)
    ['pre_rr', 'beat_0', 'beat_1', 'beat_2']
    """

    def __init__(
        self, *groups: str, stop: int | None = None, length: int | None = None
    ):
        self.groups = groups
        self.stop = stop
        self.length = length

    def __call__(self, X) -> list[str]:
        """Names of the selected columns of the DataFrame ``X``."""
        columns = check_named_table(X, owner=repr(self))
        selected = []
        for group in self.groups:
            positions = group_columns(columns, group, owner=repr(self))
            numbered = group not in columns
            if numbered and self.length is not None and positions.size != self.length:
                raise ValueError(
                    f"{self!r}: the column group {group!r} has {positions.size} "
                    f"columns, not the {self.length} expected; was the table built "
                    "at another sampling rate? Pass the recipe the table's fs."
                )
            if numbered and self.stop is not None:
                positions = positions[: self.stop]
            selected += [columns[i] for i in positions]
        return selected

    def __repr__(self) -> str:
        options = "".join(
            f", {key}={value}"
            for key, value in (("stop", self.stop), ("length", self.length))
            if value is not None
        )
        return f"ColumnGroup({', '.join(map(repr, self.groups))}{options})"

    def __eq__(self, other) -> bool:
        return isinstance(other, ColumnGroup) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))
