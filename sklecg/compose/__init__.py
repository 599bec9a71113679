"""Composition helpers: select a table's columns by named group.

:class:`ColumnGroup` is a column selector for
:class:`~sklearn.compose.ColumnTransformer` that finds groups of columns
(``beat_0, beat_1, ...``, ``pre_rr``) by name, and :func:`group_columns` the
function that locates one group, shared by the estimators that read named
tables.
"""

from sklecg.compose._column_group import ColumnGroup, check_named_table, group_columns

__all__ = ["ColumnGroup", "check_named_table", "group_columns"]
