"""Utilities shared by sklecg estimators."""

from sklecg.utils._tables import markdown_table
from sklecg.utils.validation import check_signals, is_variable_length, signal_lengths

__all__ = ["check_signals", "is_variable_length", "markdown_table", "signal_lengths"]
