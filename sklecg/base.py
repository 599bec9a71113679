"""Base classes shared across sklecg's subpackages."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from sklecg.compose import check_named_table, group_columns

__all__ = ["TableTransformer"]

#: scikit-learn checks that fit a transformer on unnamed random arrays.
_ARRAY_CHECKS = (
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
)


class TableTransformer(TransformerMixin, BaseEstimator):
    """Base class of transformers that read named column groups of a table.

    Input is a pandas DataFrame whose columns are named groups (see
    :func:`sklecg.compose.group_columns`), such as the beat table of
    :func:`sklecg.datasets.fetch_mitbih_beats` with ``as_frame=True``.
    ``fit`` records ``feature_names_in_`` and locates the groups that
    :meth:`_groups` names; ``transform`` checks that the columns are those
    seen in ``fit`` and hands the subclass's ``_transform`` one array per
    group. A plain array has no column names, so it is refused with a
    message that says how to build the table.

    Subclasses implement ``_groups(columns)`` (a ``{part: group name}``
    mapping, given the fitted column names), ``_transform(parts)`` and
    ``_output_names()``, and may check the located parts in
    ``_check_parts(parts)``.
    """

    def fit(self, X, y=None):
        """Validate the parameters, locate the column groups.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_columns)
            The named table.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._validate_params()
        values = self._check_table(X, reset=True)
        names = [str(name) for name in self.feature_names_in_]
        owner = type(self).__name__
        self.groups_ = {
            part: group_columns(names, group, owner=owner)
            for part, group in self._groups(names).items()
        }
        self._check_parts(self._parts(values))
        self._n_features_out = len(self._output_names())
        return self

    def transform(self, X) -> np.ndarray:
        """Compute the features of every row.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_columns)
            The named table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out), dtype float32
            Columns named by :meth:`get_feature_names_out` (or what the
            subclass documents).
        """
        check_is_fitted(self, "groups_")
        parts = self._parts(self._check_table(X, reset=False))
        self._check_parts(parts)
        return self._transform(parts)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "groups_")
        return np.asarray(self._output_names(), dtype=object)

    def _check_table(self, X, *, reset: bool) -> np.ndarray:
        # sklearn's own checks first (sparse, complex, empty, NaN input), so
        # that their errors read as in every other estimator
        values = validate_data(self, X, reset=reset, dtype=np.float32)
        check_named_table(X, owner=type(self).__name__)
        return values

    def _parts(self, values: np.ndarray) -> dict[str, np.ndarray]:
        return {part: values[:, positions] for part, positions in self.groups_.items()}

    def _check_parts(self, parts: dict[str, np.ndarray]) -> None:
        """Check the located parts; raise a ValueError naming the group."""

    @property
    def _expected_failed_checks(self) -> dict[str, str]:
        """scikit-learn checks expected to fail, ``{check name: reason}``.

        Every generic check that fits on an unnamed random array, which a
        transformer reading columns by name refuses by design; the
        behaviours they cover are tested on named tables instead.
        """
        reason = (
            f"{type(self).__name__} reads named column groups; the generic "
            "check fits on an unnamed random array"
        )
        return dict.fromkeys(_ARRAY_CHECKS, reason)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.input_tags.string = False
        return tags
