import pytest

from sklecg.utils import markdown_table


def test_markdown_table_columns_union_and_number_formats():
    table = markdown_table(
        [
            {"model": "a", "n": 1234567, "t": 12.34},
            {"model": "b", "x": None, "t": -0.5},
        ],
        digits=2,
    )
    assert table.splitlines() == [
        "| model | n | t | x |",
        "|---|---|---|---|",
        "| a | 1,234,567 | 12.3 |  |",
        "| b |  | -0.50 |  |",
    ]


def test_markdown_table_rejects_no_rows():
    with pytest.raises(ValueError, match="at least one row"):
        markdown_table([])
