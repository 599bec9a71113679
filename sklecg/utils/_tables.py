"""Markdown tables of experiment results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["markdown_table"]


def _cell(value: object, digits: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def markdown_table(rows: Sequence[Mapping[str, object]], digits: int = 3) -> str:
    """Format result rows as a GitHub-flavoured markdown table.

    Columns are the union of the rows' keys, in order of first appearance;
    a row without a column gets a blank cell.

    Parameters
    ----------
    rows : sequence of mapping
        One ``{column: value}`` mapping per table row. Values may be strings
        (printed as they are), integers (thousands separated), floats or
        ``None`` (blank).
    digits : int, default=3
        Decimals for floats below 10. Floats from 10 to 100 get one decimal;
        larger ones none, with thousands separators.

    Returns
    -------
    table : str
        The table, one line per row after the header and separator lines.

    Examples
    --------
    >>> from sklecg.utils import markdown_table
    >>> print(markdown_table([{"model": "cnn", "F1": 0.91, "fit (s)": 53.39},
    ...                       {"model": "forest", "F1": 0.4}]))
    | model | F1 | fit (s) |
    |---|---|---|
    | cnn | 0.910 | 53.4 |
    | forest | 0.400 |  |
    """
    if not rows:
        raise ValueError("markdown_table needs at least one row; got an empty list.")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += [
        "| " + " | ".join(_cell(row.get(c), digits) for c in columns) + " |"
        for row in rows
    ]
    return "\n".join(lines)
