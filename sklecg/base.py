"""Base classes shared across sklecg's subpackages.

:class:`SignalTransformer` is the base of the transformers of signals
(preprocessing, features, compression): it validates them with
:func:`sklecg.utils.validation.check_signals` as its
:class:`SignalInputTags` declare, records what it saw at ``fit`` and names
the columns of 2-D outputs. :class:`TableTransformer` is the base of the
transformers that read named column groups of a table.
:func:`iter_length_groups` walks variable-length signals in equal-length
blocks so that per-block work is vectorised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import InputTags
from sklearn.utils.validation import check_is_fitted, validate_data

from sklecg.compose import check_named_table, group_columns
from sklecg.utils.validation import check_signals

__all__ = [
    "SignalInputTags",
    "SignalTransformer",
    "TableTransformer",
    "iter_length_groups",
    "n_leads_of",
]


@dataclass
class SignalInputTags(InputTags):
    """scikit-learn's input tags, plus what a signal transformer accepts.

    Parameters
    ----------
    unequal_length : bool, default=True
        Whether signals of different lengths (a list of arrays) are
        accepted; when False the error points to
        :class:`~sklecg.preprocessing.Resampler`.
    multi_lead : bool, default=True
        Whether signals may have several leads, ``(n, n_leads, t)``.
    min_length : int, default=1
        The fewest samples a signal may have.
    min_length_reason : str, default=""
        What needs ``min_length`` samples, quoted in the error message.

    Examples
    --------
    >>> from sklecg.features import STFTFeatures
    >>> tags = STFTFeatures(fs=250, n_fft=128).__sklearn_tags__().input_tags
    >>> tags.unequal_length, tags.min_length, tags.min_length_reason
    (False, 128, 'one STFT frame of n_fft=128')
    """

    unequal_length: bool = True
    multi_lead: bool = True
    min_length: int = 1
    min_length_reason: str = ""


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


def n_leads_of(signals) -> int:
    """Number of leads of validated signals (1 for 2-D arrays / 1-D items)."""
    first = signals[0]
    return 1 if first.ndim == 1 else first.shape[0]


def iter_length_groups(
    signals, max_block: int = 512
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(indices, block)`` with ``block`` a stack of equal-length signals.

    Parameters
    ----------
    signals : ndarray or list of ndarray
        Signals as returned by :func:`~sklecg.utils.validation.check_signals`.
    max_block : int, default=512
        Largest number of signals stacked at once, which bounds the extra
        memory of a block.

    Yields
    ------
    indices : ndarray of int
        Positions of the block's signals in ``signals``.
    block : ndarray of shape (len(indices), [n_leads,] n_timesteps)
        The signals, stacked (a view for fixed-length input).
    """
    if isinstance(signals, np.ndarray):
        for start in range(0, signals.shape[0], max_block):
            stop = min(start + max_block, signals.shape[0])
            yield np.arange(start, stop), signals[start:stop]
        return
    lengths = np.array([s.shape[-1] for s in signals])
    for length in np.unique(lengths):
        members = np.flatnonzero(lengths == length)
        for start in range(0, members.size, max_block):
            idx = members[start : start + max_block]
            yield idx, np.stack([signals[i] for i in idx])


class SignalTransformer(TransformerMixin, BaseEstimator):
    """Base class: signal validation, fit bookkeeping and output names.

    ``fit``, ``transform`` and ``fit_transform`` validate the signals once
    with :func:`~sklecg.utils.validation.check_signals` (``transform`` also
    checks the number of leads seen in ``fit``), as the estimator's
    :class:`SignalInputTags` declare (``__sklearn_tags__().input_tags``:
    unequal lengths, several leads, a minimum length), and hand them to
    the subclass hooks ``_fit(signals)`` and ``_transform(signals)``.
    ``_fit`` sets ``_n_features_out`` to the width of a 2-D output, or to
    None when the output is not 2-D. A subclass declares what it accepts
    by overriding ``__sklearn_tags__``.

    Examples
    --------
    >>> from sklecg.preprocessing import Resampler
    >>> tags = Resampler(length=100).__sklearn_tags__().input_tags
    >>> tags.unequal_length, tags.multi_lead, tags.min_length
    (True, True, 1)
    """

    _feature_prefix = "x"
    #: True for transformers that learn nothing: ``transform`` works unfitted.
    _stateless = False

    def fit(self, X, y=None):
        """Validate the parameters and the signals; record their layout.

        Parameters
        ----------
        X : array-like of shape (n, t) or (n, n_leads, t), or list of arrays
            Signals (see the class docstring for what is accepted).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._fit(self._check_input(X, reset=True))
        return self

    def transform(self, X):
        """Transform the signals.

        Parameters
        ----------
        X : array-like of shape (n, t) or (n, n_leads, t), or list of arrays
            Signals with the number of leads seen in ``fit``.

        Returns
        -------
        X_out : ndarray of float32, or list of ndarray of float32
            See the class docstring for the shape.
        """
        if not self._stateless:
            check_is_fitted(self, "n_leads_")
        signals = self._check_input(X, reset=False)
        self._check_output_container()
        return self._transform(signals)

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to the signals and transform them, validating them once.

        Parameters
        ----------
        X : array-like of shape (n, t) or (n, n_leads, t), or list of arrays
            Signals.
        y : None
            Ignored.
        **fit_params : dict
            Ignored; present for API consistency.

        Returns
        -------
        X_out : ndarray of float32, or list of ndarray of float32
            See the class docstring for the shape.
        """
        signals = self._check_input(X, reset=True)
        self._fit(signals)
        self._check_output_container()
        return self._transform(signals)

    def _check_input(self, X, *, reset: bool):
        if reset or self._stateless:
            self._validate_params()
        tags = self.__sklearn_tags__().input_tags
        # fixed-length input is checked against the fitted length after fit
        checks_length = reset or tags.unequal_length
        signals = check_signals(
            X,
            n_leads=None if reset else getattr(self, "n_leads_", None),
            allow_variable_length=tags.unequal_length,
            min_length=tags.min_length if checks_length else 1,
            min_length_reason=tags.min_length_reason,
        )
        if not tags.multi_lead and n_leads_of(signals) > 1:
            raise ValueError(
                f"{type(self).__name__} takes single-lead signals, (n, t) or a "
                f"list of 1-D arrays; got {n_leads_of(signals)} leads. Pass one "
                "lead, e.g. X[:, 0, :]."
            )
        if reset:
            self.n_leads_ = n_leads_of(signals)
            if isinstance(signals, np.ndarray) and signals.ndim == 2:
                self.n_features_in_ = signals.shape[1]
            elif hasattr(self, "n_features_in_"):
                del self.n_features_in_
        return signals

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns, for 2-D outputs.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``"<prefix>0"``, ``"<prefix>1"``, ... (or the names given by the
            subclass).

        Raises
        ------
        ValueError
            If the transformer was fitted on input for which it returns 3-D or
            variable-length output.
        """
        check_is_fitted(self, "n_leads_")
        if self._n_features_out is None:
            raise ValueError(
                f"{type(self).__name__} produces a 3-D or variable-length output "
                "for the data it was fitted on, so its columns have no names; "
                "get_feature_names_out is available for 2-D outputs only."
            )
        return np.asarray(self._output_names(), dtype=object)

    def _check_output_container(self) -> None:
        """Refuse a DataFrame output (``set_output``) that cannot be built.

        Raised before transforming, so that every scikit-learn release gives
        the same error (1.6 would hand a 3-D array to pandas, or return a
        list unwrapped). ``_sklearn_output_config`` is where ``set_output``
        and ``clone`` keep the per-estimator choice.
        """
        config = getattr(self, "_sklearn_output_config", {})
        container = config.get("transform", get_config()["transform_output"])
        if container != "default" and self._n_features_out is None:
            raise ValueError(
                f"{type(self).__name__} produces a 3-D or variable-length output "
                f"for the data it was fitted on, which cannot be a {container} "
                f"DataFrame; call set_output(transform={container!r}) only on "
                "transformers with 2-D output (the feature extractors), or "
                "leave this one at set_output(transform='default')."
            )

    def _output_names(self) -> list[str]:
        return [f"{self._feature_prefix}{i}" for i in range(self._n_features_out)]

    @property
    def _expected_failed_checks(self) -> dict[str, str]:
        """scikit-learn checks expected to fail, ``{check name: reason}``.

        Pass ``expected_failed_checks=lambda est: est._expected_failed_checks``
        to :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`.
        """
        checks = {}
        if self._stateless:
            checks["check_n_features_in_after_fitting"] = (
                f"{type(self).__name__} accepts any signal length at transform, "
                "by design"
            )
        return checks

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inherited = tags.input_tags
        tags.input_tags = SignalInputTags(
            **{
                field.name: getattr(inherited, field.name)
                for field in fields(inherited)
            }
        )
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.input_tags.three_d_array = True
        tags.requires_fit = not self._stateless
        return tags


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
        self._fit(X)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to the table and compute its features, validating it once.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_columns)
            The named table.
        y : None
            Ignored.
        **fit_params : dict
            Ignored; present for API consistency.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out), dtype float32
            As :meth:`transform` returns.
        """
        return self._transform(self._fit(X))

    def _fit(self, X) -> dict[str, np.ndarray]:
        """Validate, locate the groups, check them; return the located parts."""
        self._validate_params()
        values = self._check_table(X, reset=True)
        names = [str(name) for name in self.feature_names_in_]
        owner = type(self).__name__
        self.groups_ = {
            part: group_columns(names, group, owner=owner)
            for part, group in self._groups(names).items()
        }
        parts = self._parts(values)
        self._check_parts(parts)
        self._n_features_out = len(self._output_names())
        return parts

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
        return tags
