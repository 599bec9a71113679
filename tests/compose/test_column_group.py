"""Tests of sklecg.compose: ColumnGroup and group_columns."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import FunctionTransformer

from sklecg.compose import ColumnGroup, check_named_table, group_columns


def _table(columns):
    return pd.DataFrame(np.arange(2 * len(columns)).reshape(2, -1), columns=columns)


def test_group_columns_by_name_in_sample_order():
    columns = ["beat_2", "pre_rr", "beat_0", "template_0", "beat_1", "window_lead0_0"]
    np.testing.assert_array_equal(group_columns(columns, "beat", owner="t"), [2, 4, 0])
    np.testing.assert_array_equal(group_columns(columns, "pre_rr", owner="t"), [1])
    # a group name that prefixes another group's does not take its columns
    np.testing.assert_array_equal(group_columns(columns, "template", owner="t"), [3])
    np.testing.assert_array_equal(
        group_columns(columns, "window_lead0", owner="t"), [5]
    )


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["pre_rr"], r"owner needs the column group 'beat' .*the table has none"),
        (["beat_0", "beat_2"], r"'beat' must number .*missing \[1\]"),
        (["beat_0", "beat_1", "beat_1"], r"'beat' must number .*repeated \[1\]"),
    ],
)
def test_group_columns_errors_name_the_group(columns, message):
    with pytest.raises(ValueError, match=message) as error:
        group_columns(columns, "beat", owner="owner")
    assert "make_beat_table" in str(error.value)


def test_check_named_table_refuses_arrays():
    assert check_named_table(_table(["a", "b"]), owner="t") == ["a", "b"]
    with pytest.raises(ValueError, match=r"t reads its input by column name.*ndarray"):
        check_named_table(np.zeros((2, 2)), owner="t")


def test_selector_order_stop_and_length():
    table = _table(["pre_rr", "beat_1", "beat_0", "beat_2", "template_0"])
    assert ColumnGroup("beat")(table) == ["beat_0", "beat_1", "beat_2"]
    assert ColumnGroup("beat", "pre_rr", stop=2)(table) == [
        "beat_0",
        "beat_1",
        "pre_rr",
    ]
    assert ColumnGroup("beat", length=3)(table) == ["beat_0", "beat_1", "beat_2"]
    with pytest.raises(ValueError, match=r"'beat' has 3 columns, not the 4 .*fs"):
        ColumnGroup("beat", length=4)(table)
    with pytest.raises(ValueError, match="'window_lead0'"):
        ColumnGroup("beat", "window_lead0")(table)
    with pytest.raises(ValueError, match="without column names"):
        ColumnGroup("beat")(table.to_numpy())


def test_selector_repr_equality_pickle():
    selector = ColumnGroup("beat", "template", stop=45, length=135)
    assert repr(selector) == "ColumnGroup('beat', 'template', stop=45, length=135)"
    assert pickle.loads(pickle.dumps(selector)) == selector
    assert selector != ColumnGroup("beat", "template")
    assert len({selector, ColumnGroup("beat", "template", stop=45, length=135)}) == 1


def test_selector_in_column_transformer_ignores_column_order():
    table = _table(["beat_0", "beat_1", "pre_rr", "template_0", "template_1"])
    columns = ColumnTransformer(
        [("beat", FunctionTransformer(), ColumnGroup("beat", "pre_rr"))]
    )
    out = clone(columns).fit_transform(table)
    shuffled = clone(columns).fit_transform(table[table.columns[::-1]])
    np.testing.assert_array_equal(out, shuffled)
    np.testing.assert_array_equal(out, table[["beat_0", "beat_1", "pre_rr"]])
