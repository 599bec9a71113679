"""Shared machinery of the sklecg signal transformers.

:class:`SignalTransformer` validates signals with
:func:`sklecg.utils.validation.check_signals`, records what it saw at ``fit``
(``n_leads_``, and ``n_features_in_`` for 2-D input) and names the columns of
2-D outputs. :func:`iter_length_groups` walks variable-length signals in
equal-length blocks so that the per-block work is vectorised.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklecg.utils.validation import check_signals

__all__ = ["SignalTransformer", "iter_length_groups", "n_leads_of"]


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
    checks the number of leads seen in ``fit``) and hand them to the
    subclass hooks ``_fit(signals)`` and ``_transform(signals)``. ``_fit``
    sets ``_n_features_out`` to the width of a 2-D output, or to None when
    the output is not 2-D.
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

    def _check_kwargs(self, reset: bool) -> dict:
        """Extra arguments of ``check_signals`` at fit / transform time."""
        return {}

    def _check_input(self, X, *, reset: bool):
        if reset or self._stateless:
            self._validate_params()
        n_leads = None if reset else getattr(self, "n_leads_", None)
        signals = check_signals(X, n_leads=n_leads, **self._check_kwargs(reset))
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
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.input_tags.three_d_array = True
        tags.requires_fit = not self._stateless
        return tags
